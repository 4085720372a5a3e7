import type { GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../src/context';
import { associationSpecsOf, type AssociationInputArg } from '../src/crm/associationSpecs';
import { canonicalType } from '../src/crm/connections';
import { MERGEABLE } from '../src/crm/defaultSchema';
import { toHubSpotProperties } from '../src/crm/propertyInput';
import { toRecord, type CrmRecord } from '../src/crm/record';
import { CRM_TYPES, type CrmTypeInfo } from '../src/crm/registry';
import { isInputProblem, isOutcomeUnknown, outcomeUnknown, userErrorsOf, type UserError } from '../src/crm/userErrors';
import { OBJECT_BATCH_LIMIT } from '../src/hubspot/objects';
import type { BatchResponse, SimplePublicObject, StandardError } from '../src/hubspot/types';

type Args = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Resolver = (parent: unknown, args: Args, ctx: GatewayContext, info: GraphQLResolveInfo) => unknown;

interface PropertyArgs {
  properties?: Record<string, unknown> | null;
  otherProperties?: Array<{ name: string; value?: string | null }> | null;
}

/**
 * Runs one write. HubSpot refusing the input (400/404/409) becomes userErrors; a timeout or 5xx becomes an
 * UPSTREAM_ERROR userError saying the outcome is unknown (the write is never retried: HubSpot may have applied
 * it); anything else (credentials, scopes, rate limit) fails the request.
 */
async function write<T>(prefix: string[], run: () => Promise<T>, uniqueProperty?: string): Promise<{ value: T | null; userErrors: UserError[] }> {
  try {
    return { value: await run(), userErrors: [] };
  } catch (e) {
    if (isInputProblem(e)) return { value: null, userErrors: userErrorsOf(e, prefix, uniqueProperty) };
    if (isOutcomeUnknown(e)) return { value: null, userErrors: [outcomeUnknown(e, prefix)] };
    throw e;
  }
}

/** A written record answers the payload's selection; what HubSpot did not return is read through the loader. */
function remember(ctx: GatewayContext, objectType: string, o: SimplePublicObject): CrmRecord {
  const record = toRecord(objectType, o);
  const loader = ctx.loaders.object(objectType);
  loader.clear(record.id);
  loader.prime(record, Object.keys(o.properties));
  return record;
}

function chunks<T>(items: readonly T[], size = OBJECT_BATCH_LIMIT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Sends a batch as ≤100-input HubSpot calls and lays the results back onto the inputs by `objectWriteTraceId`
 * (the input's index), never by position; per-item errors (207) land on their input's userErrors.
 */
async function batchWrite<I>(
  ctx: GatewayContext,
  objectType: string,
  inputs: readonly I[],
  send: (chunk: Array<{ input: I; index: number }>) => Promise<BatchResponse<SimplePublicObject & { objectWriteTraceId?: string }>>,
  indexOfError: (e: StandardError, chunk: Array<{ input: I; index: number }>) => number[],
  uniqueProperty?: string,
  /** Where a result without a trace id belongs (e.g. upserts matched by their unique value). */
  indexOfResult?: (o: SimplePublicObject, chunk: Array<{ input: I; index: number }>) => number | undefined,
): Promise<{ records: Array<CrmRecord | null>; userErrors: UserError[] }> {
  const records: Array<CrmRecord | null> = inputs.map(() => null);
  const userErrors: UserError[] = [];
  const indexed = inputs.map((input, index) => ({ input, index }));
  await Promise.all(
    chunks(indexed).map(async (chunk) => {
      try {
        const res = await send(chunk);
        for (const o of res.results) {
          const index = o.objectWriteTraceId !== undefined ? Number(o.objectWriteTraceId) : (indexOfResult?.(o, chunk) ?? -1);
          if (Number.isInteger(index) && index >= 0 && index < records.length) records[index] = remember(ctx, objectType, o);
        }
        for (const e of res.errors ?? []) {
          for (const index of indexOfError(e, chunk)) userErrors.push(...userErrorsOf(e, ['inputs', String(index)], uniqueProperty));
        }
      } catch (e) {
        const first = chunk[0]!.index;
        if (isInputProblem(e)) userErrors.push(...userErrorsOf(e, ['inputs'].concat(chunk.length === 1 ? [String(first)] : [])));
        else if (isOutcomeUnknown(e)) userErrors.push(...chunk.map((c) => outcomeUnknown(e, ['inputs', String(c.index)])));
        else throw e;
      }
    }),
  );
  return { records, userErrors: userErrors.sort((a, b) => Number(a.field?.[1] ?? -1) - Number(b.field?.[1] ?? -1)) };
}

const traceIndexes = (e: StandardError) => (e.context?.objectWriteTraceId ?? []).map(Number).filter(Number.isInteger);
const idIndexes = <I extends { id: string }>(e: StandardError, chunk: Array<{ input: I; index: number }>) => {
  const ids = new Set((e.context?.id ?? e.context?.ids ?? []).map((x) => x.toLowerCase()));
  const byTrace = traceIndexes(e);
  return byTrace.length ? byTrace : chunk.filter((c) => ids.has(c.input.id.toLowerCase())).map((c) => c.index);
};

async function associationsOf(ctx: GatewayContext, objectType: string, list: AssociationInputArg[] | null | undefined, path: string) {
  return Promise.all(
    (list ?? []).map(async (a, i) => ({ to: { id: a.toId }, types: await associationSpecsOf(ctx, objectType, a, `${path}.associations[${i}]`) })),
  );
}

export function mutationsOf(t: CrmTypeInfo): Record<string, Resolver> {
  const type = t.objectType;
  const typed = `${t.graphqlType}PropertiesInput`;
  const propsOf = (info: GraphQLResolveInfo, input: PropertyArgs) => toHubSpotProperties(info.schema, typed, input.properties, input.otherProperties);
  const single = (value: CrmRecord | null, userErrors: UserError[]) => ({ [t.singular]: value, userErrors });
  const resolvers: Record<string, Resolver> = {
    [`${t.singular}Create`]: async (_root, { input }, ctx, info) => {
      const properties = propsOf(info, input);
      const associations = await associationsOf(ctx, type, input.associations, 'input');
      const { value, userErrors } = await write(['input'], async () => remember(ctx, type, await ctx.hubspot.objects.create(type, properties, associations)), t.uniqueProperties[0]);
      return single(value, userErrors);
    },
    [`${t.singular}Update`]: async (_root, { input }, ctx, info) => {
      const properties = propsOf(info, input);
      const { value, userErrors } = await write(['input'], async () => remember(ctx, type, await ctx.hubspot.objects.update(type, input.id, properties, input.idProperty ?? undefined)), t.uniqueProperties[0]);
      return single(value, userErrors);
    },
    [`${t.singular}Archive`]: async (_root, { id }, ctx) => {
      const { userErrors } = await write([], () => ctx.hubspot.objects.archive(type, id));
      ctx.loaders.object(type).clear(id);
      return { archivedId: userErrors.length ? null : id, userErrors };
    },
    [`${t.plural}BatchCreate`]: async (_root, { inputs }, ctx, info) => {
      const prepared = await Promise.all(
        (inputs as Array<PropertyArgs & { associations?: AssociationInputArg[] }>).map(async (input, i) => ({
          properties: propsOf(info, input),
          associations: await associationsOf(ctx, type, input.associations, `inputs[${i}]`),
        })),
      );
      const { records, userErrors } = await batchWrite(ctx, type, prepared, (chunk) =>
        ctx.hubspot.objects.batchCreate(type, chunk.map((c) => ({ ...c.input, objectWriteTraceId: String(c.index) }))), traceIndexes, t.uniqueProperties[0]);
      return { [t.plural]: records, userErrors };
    },
    [`${t.plural}BatchUpdate`]: async (_root, { inputs }, ctx, info) => {
      const prepared = (inputs as Array<PropertyArgs & { id: string; idProperty?: string | null }>).map((input) => ({
        id: input.id, properties: propsOf(info, input), ...(input.idProperty ? { idProperty: input.idProperty } : {}),
      }));
      const { records, userErrors } = await batchWrite(ctx, type, prepared, (chunk) =>
        ctx.hubspot.objects.batchUpdate(type, chunk.map((c) => ({ ...c.input, objectWriteTraceId: String(c.index) }))), idIndexes);
      return { [t.plural]: records, userErrors };
    },
    [`${t.plural}BatchUpsert`]: async (_root, { idProperty, inputs }, ctx, info) => {
      const prepared = (inputs as Array<PropertyArgs & { id: string }>).map((input) => ({ id: input.id, idProperty: idProperty as string, properties: propsOf(info, input) }));
      const { records, userErrors } = await batchWrite(ctx, type, prepared, (chunk) =>
        ctx.hubspot.objects.batchUpsert(type, chunk.map((c) => ({ ...c.input, objectWriteTraceId: String(c.index) }))), idIndexes, t.uniqueProperties[0],
        (o, chunk) => chunk.find((c) => (o.properties[idProperty as string] ?? '').toLowerCase() === c.input.id.toLowerCase())?.index);
      return { [t.plural]: records, userErrors };
    },
    [`${t.plural}BatchArchive`]: async (_root, { ids }, ctx) => {
      const archived: string[] = [];
      const userErrors: UserError[] = [];
      await Promise.all(
        chunks(ids as string[]).map(async (chunk, c) => {
          const r = await write(['ids'], () => ctx.hubspot.objects.batchArchive(type, chunk));
          if (r.userErrors.length) userErrors.push(...r.userErrors.map((u) => ({ ...u, message: `${u.message} (ids ${c * OBJECT_BATCH_LIMIT}–${c * OBJECT_BATCH_LIMIT + chunk.length - 1})` })));
          else archived.push(...chunk);
          for (const id of chunk) ctx.loaders.object(type).clear(id);
        }),
      );
      return { archivedIds: archived, userErrors };
    },
  };
  if (MERGEABLE.has(type)) {
    resolvers[`${t.singular}Merge`] = async (_root, { primaryId, mergeId }, ctx) => {
      const { value, userErrors } = await write([], async () => remember(ctx, type, await ctx.hubspot.objects.merge(type, primaryId, mergeId)));
      ctx.loaders.object(type).clear(primaryId);
      ctx.loaders.object(type).clear(mergeId);
      return single(value, userErrors);
    };
  }
  return resolvers;
}

const generic: Record<string, Resolver> = {
  crmObjectCreate: async (_root, { objectType, properties, associations }, ctx, info) => {
    const type = canonicalType(objectType);
    const props = toHubSpotProperties(info.schema, '', null, properties);
    const assoc = await associationsOf(ctx, type, associations, 'associations');
    const { value, userErrors } = await write([], async () => remember(ctx, type, await ctx.hubspot.objects.create(type, props, assoc)));
    return { crmObject: value, userErrors };
  },
  crmObjectUpdate: async (_root, { objectType, id, idProperty, properties }, ctx, info) => {
    const type = canonicalType(objectType);
    const props = toHubSpotProperties(info.schema, '', null, properties);
    const { value, userErrors } = await write([], async () => remember(ctx, type, await ctx.hubspot.objects.update(type, id, props, idProperty ?? undefined)));
    return { crmObject: value, userErrors };
  },
  crmObjectArchive: async (_root, { objectType, id }, ctx) => {
    const type = canonicalType(objectType);
    const { userErrors } = await write([], () => ctx.hubspot.objects.archive(type, id));
    ctx.loaders.object(type).clear(id);
    return { archivedId: userErrors.length ? null : id, userErrors };
  },
  contactGdprDelete: async (_root, { id, idProperty }, ctx) => {
    const { userErrors } = await write([], () => ctx.hubspot.objects.gdprDeleteContact(id, idProperty ?? undefined));
    ctx.loaders.object('contacts').clear(id);
    return { archivedId: userErrors.length ? null : id, userErrors };
  },
};

/** Create / update / archive / merge / batch mutations of every CRM type, plus generic ones for any type. */
export const crmMutationResolvers = { Mutation: Object.assign({}, generic, ...CRM_TYPES.map(mutationsOf)) as Record<string, Resolver> };
