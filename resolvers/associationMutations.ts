import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../src/context';
import { associationSpecsOf, type AssociationInputArg } from '../src/crm/associationSpecs';
import { archiveInputs, writePair, writePairs, type PairItem } from '../src/crm/associationWrites';
import { canonicalType, loadRecord } from '../src/crm/connections';
import { metadataKeys } from '../src/crm/metadata';
import { crmTypeOf } from '../src/crm/registry';
import { isInputProblem, isOutcomeUnknown, outcomeUnknown, userErrorsOf, type UserError } from '../src/crm/userErrors';
import type { HubSpotError } from '../src/hubspot/errors';
import type { AssociationLabelDefinition, AssociationSpec, AssociationType, BatchResponse } from '../src/hubspot/types';

type Args = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Resolver = (parent: any, args: Args, ctx: GatewayContext, info: GraphQLResolveInfo) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What a payload's `Association` is: the pair; its types and records are read when selected, after the write. */
interface AssociationRef {
  fromObjectType: string;
  fromId: string;
  toObjectType: string;
  toId: string;
}

/** The arguments of a pair: its records, and the types or label wanted. */
interface PairArgs {
  fromId: string;
  toId: string;
  types?: AssociationInputArg['types'];
  label?: string | null;
}

const badInput = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

// ---------------------------------------------------------------------------------------------------------
// Pairs, freshness and reading back

function pairItem(path: string[], args: PairArgs, types?: AssociationSpec[]): PairItem {
  return {
    path, fromId: args.fromId, toId: args.toId,
    ...(types ? { types } : {}),
    fields: { fromId: ['fromId'], toId: ['toId'], ...(types ? { types: [args.label ? 'label' : 'types'] } : {}) },
  };
}

const refOf = (from: string, to: string, p: { fromId: string; toId: string }): AssociationRef => ({ fromObjectType: from, fromId: p.fromId, toObjectType: to, toId: p.toId });

/** Forgets the request's association pages of written pairs, both directions, so the payload reads the new state. */
function forget(ctx: GatewayContext, from: string, to: string, pairs: ReadonlyArray<{ fromId: string; toId: string }>): void {
  for (const p of pairs) {
    ctx.loaders.associations(from, to).clear(p.fromId);
    ctx.loaders.associations(to, from).clear(p.toId);
  }
}

/** The types between two records, as seen from `from`: the loader's pages of `fromId`, until `toId` appears. */
async function typesBetween(ctx: GatewayContext, ref: AssociationRef): Promise<AssociationType[]> {
  const loader = ctx.loaders.associations(ref.fromObjectType, ref.toObjectType);
  let after: string | undefined;
  do {
    const page = await loader.load(ref.fromId, after);
    const item = page.items.find((i) => i.toId === ref.toId);
    if (item) return item.types;
    after = page.nextAfter;
  } while (after);
  return [];
}

// ---------------------------------------------------------------------------------------------------------
// Types wanted

/**
 * Resolves the types of pairs between two object types (associationSpecsOf: the types given, a label's type, or
 * the default type). A label the cached definitions do not know may be newer than the cache (made in HubSpot or
 * by another gateway), so the pair's labels are read again once before the label is refused.
 */
function typesResolver(ctx: GatewayContext, from: string, to: string) {
  let refreshed: Promise<void> | undefined;
  return async (args: PairArgs, path: string): Promise<AssociationSpec[]> => {
    const input: AssociationInputArg = { toObjectType: to, toId: args.toId, types: args.types ?? null, label: args.label ?? null };
    try {
      return await associationSpecsOf(ctx, from, input, path);
    } catch (e) {
      if (!args.label || args.types?.length || !(e instanceof GraphQLError)) throw e;
      refreshed ??= ctx.metadata.invalidate(metadataKeys.associationLabels(from, to));
      await refreshed;
      return associationSpecsOf(ctx, from, input, path);
    }
  };
}

/** Removing types needs them named: without types or a label the removal would mean every type. */
function requireTypesOrLabel(args: PairArgs, path: string): void {
  if (!args.types?.length && !args.label) throw badInput(`${path}: give the types or the label to remove (associationDelete removes every type)`);
}

// ---------------------------------------------------------------------------------------------------------
// One pair

/**
 * One pair's write and its payload. `withTypes`: the mutation sends the types the input asks for (resolved
 * first, so that bad input fails before any write); the others send none.
 */
async function singlePair(
  ctx: GatewayContext,
  input: PairArgs & { fromObjectType: string; toObjectType: string },
  withTypes: boolean,
  write: (from: string, to: string, types: AssociationSpec[]) => Promise<unknown>,
) {
  const from = canonicalType(input.fromObjectType);
  const to = canonicalType(input.toObjectType);
  const types = withTypes ? await typesResolver(ctx, from, to)(input, 'input') : [];
  const userErrors = await writePair(pairItem(['input'], input, withTypes ? types : undefined), () => write(from, to, types));
  forget(ctx, from, to, [input]);
  return { association: userErrors.length ? null : refOf(from, to, input), userErrors };
}

const pairMutations: Record<string, Resolver> = {
  associationCreate: (_root, { input }, ctx) =>
    singlePair(ctx, input, true, (from, to, types) => ctx.hubspot.associations.create(from, input.fromId, to, input.toId, types)),
  associationCreateDefault: (_root, { input }, ctx) =>
    singlePair(ctx, input, false, (from, to) => ctx.hubspot.associations.createDefault(from, input.fromId, to, input.toId)),
  associationDelete: (_root, { input }, ctx) =>
    singlePair(ctx, input, false, (from, to) => ctx.hubspot.associations.archive(from, input.fromId, to, input.toId)),
  associationLabelRemove: (_root, { input }, ctx) => {
    requireTypesOrLabel(input, 'input');
    return singlePair(ctx, input, true, (from, to, types) =>
      ctx.hubspot.associations.batchArchiveLabels(from, to, [{ from: { id: input.fromId }, to: { id: input.toId }, types }]));
  },
};

// ---------------------------------------------------------------------------------------------------------
// Batches

/** Pairs of batch inputs, with their types when the mutation sends types. */
async function batchPairs(ctx: GatewayContext, from: string, to: string, inputs: PairArgs[], withTypes: boolean): Promise<PairItem[]> {
  const resolve = typesResolver(ctx, from, to);
  return Promise.all(inputs.map(async (input, i) => pairItem(['inputs', String(i)], input, withTypes ? await resolve(input, `inputs[${i}]`) : undefined)));
}

/** The batch payload: each input's association after the write, null where it failed. */
async function batchOfPairs(ctx: GatewayContext, from: string, to: string, pairs: PairItem[], send: (chunk: PairItem[]) => Promise<BatchResponse<unknown> | void>) {
  const { failed, userErrors } = await writePairs(pairs, send);
  forget(ctx, from, to, pairs);
  return { associations: pairs.map((p) => (failed.has(p) ? null : refOf(from, to, p))), userErrors };
}

const toSpecInput = (p: PairItem) => ({ from: { id: p.fromId }, to: { id: p.toId }, types: p.types! });

const batchMutations: Record<string, Resolver> = {
  associationsBatchCreate: async (_root, { fromObjectType, toObjectType, inputs }, ctx) => {
    const [from, to] = [canonicalType(fromObjectType), canonicalType(toObjectType)];
    const pairs = await batchPairs(ctx, from, to, inputs, true);
    return batchOfPairs(ctx, from, to, pairs, (chunk) => ctx.hubspot.associations.batchCreate(from, to, chunk.map(toSpecInput)));
  },
  associationsBatchCreateDefault: async (_root, { fromObjectType, toObjectType, inputs }, ctx) => {
    const [from, to] = [canonicalType(fromObjectType), canonicalType(toObjectType)];
    const pairs = await batchPairs(ctx, from, to, inputs, false);
    return batchOfPairs(ctx, from, to, pairs, (chunk) => ctx.hubspot.associations.batchCreateDefault(from, to, chunk.map((p) => ({ from: { id: p.fromId }, to: { id: p.toId } }))));
  },
  associationsBatchLabelRemove: async (_root, { fromObjectType, toObjectType, inputs }, ctx) => {
    const [from, to] = [canonicalType(fromObjectType), canonicalType(toObjectType)];
    (inputs as PairArgs[]).forEach((input, i) => requireTypesOrLabel(input, `inputs[${i}]`));
    const pairs = await batchPairs(ctx, from, to, inputs, true);
    return batchOfPairs(ctx, from, to, pairs, (chunk) => ctx.hubspot.associations.batchArchiveLabels(from, to, chunk.map(toSpecInput)));
  },
  associationsBatchDelete: async (_root, { fromObjectType, toObjectType, inputs }, ctx) => {
    const [from, to] = [canonicalType(fromObjectType), canonicalType(toObjectType)];
    // One pair per `toIds` entry, so that calls are split by pairs (a record with many toIds spans calls).
    const pairs = (inputs as Array<{ fromId: string; toIds: string[] }>).flatMap((input, i) =>
      input.toIds.map((toId, j): PairItem => ({ path: ['inputs', String(i)], fromId: input.fromId, toId, fields: { fromId: ['fromId'], toId: ['toIds', String(j)] } })));
    const { failed, userErrors } = await writePairs(pairs, (chunk) => ctx.hubspot.associations.batchArchive(from, to, archiveInputs(chunk)));
    forget(ctx, from, to, pairs);
    return { associations: pairs.filter((p) => !failed.has(p)).map((p) => refOf(from, to, p)), userErrors };
  },
};

// ---------------------------------------------------------------------------------------------------------
// Label definitions

/** A created label as HubSpot answers it: with its direction (crm-associations-schema-v4 AssociationSpecWithLabel). */
type CreatedLabel = AssociationLabelDefinition & { fromObjectTypeId?: string; toObjectTypeId?: string };

/**
 * Runs a label definition write, then forgets the cached labels of both directions whatever happened (a label
 * has an inverse, and even a refused or unconfirmed write may have changed something). A refusal becomes the
 * userErrors `refused` makes of it; a timeout or 5xx an UPSTREAM_ERROR userError.
 */
async function labelWrite<T>(ctx: GatewayContext, from: string, to: string, run: () => Promise<T>, refused: (e: HubSpotError) => Promise<UserError[]> | UserError[]) {
  let outcome: { value: T } | { error: unknown };
  try {
    outcome = { value: await run() };
  } catch (error) {
    outcome = { error };
  }
  await ctx.metadata.invalidate(metadataKeys.associationLabels(from, to), metadataKeys.associationLabels(to, from));
  if ('value' in outcome) return { value: outcome.value, userErrors: [] as UserError[] };
  const e = outcome.error;
  if (isInputProblem(e)) return { value: null, userErrors: await refused(e) };
  if (isOutcomeUnknown(e)) return { value: null, userErrors: [outcomeUnknown(e, [])] };
  throw e;
}

/**
 * Why HubSpot refused a change to type `typeId`: the pair's labels (just invalidated, so read fresh) tell an
 * unknown type (NOT_FOUND) from one of HubSpot's own, which cannot change (INVALID); otherwise the input is wrong.
 */
async function typeIdRefusal(ctx: GatewayContext, e: HubSpotError, from: string, to: string, typeId: number, typeIdField: string[], inputField: string[] | null): Promise<UserError[]> {
  const defs = await ctx.metadata.associationLabels(from, to).catch(() => null);
  const def = defs?.find((d) => d.typeId === typeId);
  if (defs && !def) return [{ field: typeIdField, message: e.message, code: 'NOT_FOUND' }];
  if (def && def.category !== 'USER_DEFINED') return [{ field: typeIdField, message: e.message, code: 'INVALID' }];
  return userErrorsOf(e, []).map((u) => ({ ...u, field: u.code === 'NOT_FOUND' ? typeIdField : inputField }));
}

/** The created types: the one from `from` first; its inverse (when it is not its own) second. */
function createdDirections(results: CreatedLabel[], from: string, to: string) {
  const fromTypeId = crmTypeOf(from)?.typeId ?? from;
  const byDirection = from === to ? -1 : results.findIndex((r) => r.fromObjectTypeId === fromTypeId);
  const forward = results[byDirection >= 0 ? byDirection : 0] ?? null;
  return { associationLabel: forward, inverseAssociationLabel: results.find((r) => r !== forward) ?? null };
}

const labelMutations: Record<string, Resolver> = {
  associationLabelCreate: async (_root, { fromObjectType, toObjectType, input }, ctx) => {
    const [from, to] = [canonicalType(fromObjectType), canonicalType(toObjectType)];
    const body = { label: input.label, name: input.name, ...(input.inverseLabel != null ? { inverseLabel: input.inverseLabel } : {}) };
    const { value, userErrors } = await labelWrite(ctx, from, to, () => ctx.hubspot.associations.createLabel(from, to, body), (e) =>
      userErrorsOf(e, []).map((u) => ({ ...u, field: u.code === 'CONFLICT' ? ['input', 'name'] : ['input'] })));
    return value ? { ...createdDirections(value.results as CreatedLabel[], from, to), userErrors } : { associationLabel: null, inverseAssociationLabel: null, userErrors };
  },
  associationLabelUpdate: async (_root, { fromObjectType, toObjectType, input }, ctx) => {
    const [from, to] = [canonicalType(fromObjectType), canonicalType(toObjectType)];
    const body = { associationTypeId: input.typeId as number, label: input.label as string, ...(input.inverseLabel != null ? { inverseLabel: input.inverseLabel as string } : {}) };
    const { userErrors } = await labelWrite(ctx, from, to, () => ctx.hubspot.associations.updateLabel(from, to, body), (e) =>
      typeIdRefusal(ctx, e, from, to, body.associationTypeId, ['input', 'typeId'], ['input']));
    return { fromObjectType: from, toObjectType: to, typeId: userErrors.length ? null : body.associationTypeId, userErrors };
  },
  associationLabelDelete: async (_root, { fromObjectType, toObjectType, typeId }, ctx) => {
    const [from, to] = [canonicalType(fromObjectType), canonicalType(toObjectType)];
    const { userErrors } = await labelWrite(ctx, from, to, () => ctx.hubspot.associations.deleteLabel(from, to, typeId), (e) =>
      typeIdRefusal(ctx, e, from, to, typeId, ['typeId'], null));
    return { deletedTypeId: userErrors.length ? null : typeId, userErrors };
  },
};

// ---------------------------------------------------------------------------------------------------------

/** Association writes (v4) and association label definitions (schema v4). */
export const associationMutationResolvers: Record<string, Record<string, Resolver>> = {
  Mutation: { ...pairMutations, ...batchMutations, ...labelMutations },
  Association: {
    types: (ref: AssociationRef, _args: Args, ctx: GatewayContext) => typesBetween(ctx, ref),
    from: (ref: AssociationRef, _args: Args, ctx: GatewayContext, info: GraphQLResolveInfo) => loadRecord(ctx, ref.fromObjectType, ref.fromId, info),
    to: (ref: AssociationRef, _args: Args, ctx: GatewayContext, info: GraphQLResolveInfo) => loadRecord(ctx, ref.toObjectType, ref.toId, info),
  },
  AssociationLabelPayload: {
    // Read after the write (the cache was just invalidated), so it shows the label as HubSpot now holds it.
    associationLabel: async (p: { fromObjectType: string; toObjectType: string; typeId: number | null }, _args: Args, ctx: GatewayContext) =>
      p.typeId === null ? null : ((await ctx.metadata.associationLabels(p.fromObjectType, p.toObjectType)).find((d) => d.typeId === p.typeId) ?? null),
  },
};
