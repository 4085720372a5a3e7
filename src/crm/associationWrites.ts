import type { AssociationSpec, BatchResponse } from '../hubspot/types';
import { isInputProblem, isOutcomeUnknown, outcomeUnknown, type UserError } from './userErrors';

/**
 * Inputs per HubSpot association write call (batch create, associate default, archive, labels archive).
 * HubSpot documents no limit for these (HUBSPOT-FACTS §5 [unc]; only batch read's 1,000 is known), so we send
 * what its object batch writes accept, 100, which is safe whichever limit applies.
 */
export const ASSOCIATION_WRITE_CHUNK = 100;

/** One pair of records a mutation writes, and where its userErrors point. */
export interface PairItem {
  /** The input this pair came from, e.g. `["input"]` or `["inputs", "3"]`. */
  path: string[];
  fromId: string;
  toId: string;
  /** The types sent for the pair (creates and label removals). */
  types?: AssociationSpec[];
  /** The input fields, relative to `path`, that hold the ids and the types (`types`, or `label` when given by label). */
  fields: { fromId: string[]; toId: string[]; types?: string[] };
}

/** What HubSpot says when it refuses a pair: a whole-call error or a batch item's StandardError. */
interface Refusal {
  status?: number | string;
  category: string;
  message: string;
  context?: Record<string, string[]>;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * HubSpot's not-found message names the missing record ("No company with id 5 exists."); when it names exactly
 * one of the pair's ids, the userError points at that id.
 */
function missingIdField(message: string, item: PairItem): string[] {
  if (item.fromId === item.toId) return [];
  const named = (['fromId', 'toId'] as const).filter((k) => new RegExp(`(^|\\D)${escapeRegExp(item[k])}(\\D|$)`).test(message));
  return named.length === 1 ? item.fields[named[0]!] : [];
}

/** A refusal of one pair as userErrors: NOT_FOUND for a missing record, INVALID for a bad type or id, CONFLICT. */
export function pairUserErrors(e: Refusal, item: PairItem): UserError[] {
  const status = typeof e.status === 'number' ? e.status : undefined;
  if (e.category === 'OBJECT_NOT_FOUND' || status === 404) {
    return [{ field: [...item.path, ...missingIdField(e.message, item)], message: e.message, code: 'NOT_FOUND' }];
  }
  if (e.category === 'CONFLICT' || status === 409) return [{ field: item.path, message: e.message, code: 'CONFLICT' }];
  const aboutType = (e.context?.associationTypeId?.length ?? 0) > 0 && item.fields.types;
  return [{ field: aboutType ? [...item.path, ...item.fields.types!] : item.path.length ? item.path : null, message: e.message, code: 'INVALID' }];
}

/**
 * Runs one pair's write. HubSpot refusing it becomes userErrors; a timeout or 5xx an UPSTREAM_ERROR userError
 * (the outcome is unknown); anything else (credentials, scopes, rate limits) fails the request.
 */
export async function writePair(item: PairItem, run: () => Promise<unknown>): Promise<UserError[]> {
  try {
    await run();
    return [];
  } catch (e) {
    if (isInputProblem(e)) return pairUserErrors(e, item);
    if (isOutcomeUnknown(e)) return [outcomeUnknown(e, item.path)];
    throw e;
  }
}

/**
 * The pairs a refusal names: by the `fromObjectId`/`toObjectId` HubSpot puts in a batch item's context, and
 * by the `associationTypeId` it names when a type is wrong. None when it names nothing we sent.
 */
function pairsNamedBy(e: Refusal, chunk: readonly PairItem[]): PairItem[] {
  const from = e.context?.fromObjectId;
  const to = e.context?.toObjectId;
  const typeIds = e.context?.associationTypeId?.map(Number);
  if (!from?.length && !to?.length && !typeIds?.length) return [];
  return chunk.filter((p) =>
    (!from?.length || from.includes(p.fromId)) &&
    (!to?.length || to.includes(p.toId)) &&
    (!typeIds?.length || (p.types ?? []).some((t) => typeIds.includes(t.associationTypeId))));
}

export interface BatchOutcome {
  /** The pairs that were not written (or whose outcome is unknown). */
  failed: Set<PairItem>;
  userErrors: UserError[];
}

/**
 * Sends pairs as calls of at most ASSOCIATION_WRITE_CHUNK pairs, in parallel. Per-item errors (207, or the
 * `errors` of a 200 envelope) land on the pairs they name, never by position. A call HubSpot refuses whole
 * applied nothing: the pairs the refusal names fail and the others are sent again (these writes are
 * idempotent); a refusal naming none fails every pair of the call. Timeouts and 5xx fail every pair of the
 * call as UPSTREAM_ERROR (outcome unknown, not retried here).
 */
export async function writePairs(pairs: readonly PairItem[], send: (chunk: PairItem[]) => Promise<BatchResponse<unknown> | void>): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { failed: new Set(), userErrors: [] };
  const fail = (item: PairItem, errors: UserError[]) => {
    outcome.failed.add(item);
    outcome.userErrors.push(...errors);
  };
  const sendChunk = async (chunk: PairItem[]): Promise<void> => {
    try {
      const res = await send(chunk);
      for (const e of res?.errors ?? []) {
        const named = pairsNamedBy(e, chunk);
        if (named.length) for (const item of named) fail(item, pairUserErrors(e, item));
        else outcome.userErrors.push({ field: ['inputs'], message: e.message, code: 'INVALID' });
      }
    } catch (e) {
      if (isOutcomeUnknown(e)) return chunk.forEach((item) => fail(item, [outcomeUnknown(e, item.path)]));
      if (!isInputProblem(e)) throw e;
      const named = pairsNamedBy(e, chunk);
      const rest = chunk.filter((item) => !named.includes(item));
      for (const item of named.length && rest.length ? named : chunk) fail(item, pairUserErrors(e, item));
      if (named.length && rest.length) await sendChunk(rest);
    }
  };
  const chunks: PairItem[][] = [];
  for (let i = 0; i < pairs.length; i += ASSOCIATION_WRITE_CHUNK) chunks.push(pairs.slice(i, i + ASSOCIATION_WRITE_CHUNK));
  await Promise.all(chunks.map(sendChunk));
  // Errors in input order, each once (the pairs of one input may share an error); one input's keep HubSpot's order.
  const position = (u: UserError) => (u.field?.[0] === 'inputs' && u.field[1] !== undefined ? Number(u.field[1]) : -1);
  const seen = new Set<string>();
  outcome.userErrors = outcome.userErrors
    .filter((u) => !seen.has(JSON.stringify(u)) && seen.add(JSON.stringify(u)))
    .sort((a, b) => position(a) - position(b));
  return outcome;
}

/** Batch archive inputs: consecutive pairs of one record become one `{from, to: [...]}` input. */
export function archiveInputs(chunk: readonly PairItem[]): Array<{ from: { id: string }; to: Array<{ id: string }> }> {
  const inputs: Array<{ from: { id: string }; to: Array<{ id: string }> }> = [];
  for (const p of chunk) {
    const last = inputs.at(-1);
    if (last && last.from.id === p.fromId) last.to.push({ id: p.toId });
    else inputs.push({ from: { id: p.fromId }, to: [{ id: p.toId }] });
  }
  return inputs;
}
