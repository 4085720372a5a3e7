import DataLoader from 'dataloader';
import { GraphQLError, type GraphQLErrorOptions } from 'graphql';
import type { HubSpotClient } from '../hubspot/client';
import { HISTORY_BATCH_LIMIT, OBJECT_BATCH_LIMIT } from '../hubspot/objects';
import type { StandardError } from '../hubspot/types';
import { toRecord, type CrmRecord } from '../crm/record';
import { BatchScheduler } from './scheduler';

/** What a load asks for: a record id and the properties (and property histories) the selection needs. */
export interface ObjectRequest {
  id: string;
  properties: readonly string[];
  history?: readonly string[];
}

interface Known {
  record: CrmRecord;
  properties: Set<string>;
  history: Set<string>;
}

const SEP = '\u0000';
const keyOf = (r: ObjectRequest) => [r.id, [...r.properties].sort().join(','), [...(r.history ?? [])].sort().join(',')].join(SEP);
const parseKey = (k: string): ObjectRequest => {
  const [id, props, history] = k.split(SEP) as [string, string, string];
  return { id, properties: props ? props.split(',') : [], history: history ? history.split(',') : [] };
};

/**
 * An error that is an answer, not a fault (a missing id, a refused item): no stack trace, which no client ever
 * sees, and which would cost more than the rest of a 500-id lookup (capturing and formatting one per id).
 */
function answerError(message: string, options: GraphQLErrorOptions): GraphQLError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    const error = new GraphQLError(message, options);
    // A plain string: graphql-js copies `stack` into the located error it wraps this in, and V8 would format it.
    Object.defineProperty(error, 'stack', { value: `GraphQLError: ${message}`, writable: true, configurable: true });
    return error;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

export const notFoundError = (objectType: string, id: string, message?: string) =>
  answerError(message ?? `No ${objectType} record with id ${id}`, { extensions: { code: 'NOT_FOUND', objectType, id } });

/**
 * Records of one object type, for one request. Every load of one level (see BatchScheduler) — whatever
 * properties each asks for — becomes ⌈distinct ids / 100⌉ batch reads (50 with property history) asking for the
 * union of the properties.
 * Results are matched to keys by id, never by position; an id HubSpot does not return (or reports in a 207
 * error) fails that key alone. A record already read with enough properties is answered without a call.
 */
export class ObjectLoader {
  private readonly known = new Map<string, Known>();
  private readonly loader: DataLoader<string, CrmRecord>;

  /** `scheduler` is shared by the loaders of one request (see BatchScheduler); by default this loader has its own. */
  constructor(
    private readonly client: HubSpotClient,
    readonly objectType: string,
    scheduler: BatchScheduler = new BatchScheduler(),
  ) {
    this.loader = new DataLoader((keys) => scheduler.track(() => this.batch(keys)), { cache: true, batchScheduleFn: scheduler.schedule });
  }

  load(request: ObjectRequest): Promise<CrmRecord> {
    const hit = this.answered(request);
    return hit ? Promise.resolve(hit) : this.loader.load(keyOf(request));
  }

  /** The record, if one already read has every property (and history) the request asks for. */
  private answered(request: ObjectRequest): CrmRecord | undefined {
    const hit = this.known.get(request.id);
    const enough = hit && request.properties.every((p) => hit.properties.has(p)) && (request.history ?? []).every((p) => hit.history.has(p));
    return enough ? hit.record : undefined;
  }

  /** Records read by other calls (lists, searches, mutations) answer later loads. */
  prime(record: CrmRecord, properties: readonly string[], history: readonly string[] = []): void {
    const prev = this.known.get(record.id);
    if (prev) {
      Object.assign(prev.record.properties, record.properties);
      Object.assign(prev.record.propertiesWithHistory, record.propertiesWithHistory);
      for (const p of properties) prev.properties.add(p);
      for (const p of history) prev.history.add(p);
      return;
    }
    this.known.set(record.id, { record, properties: new Set(properties), history: new Set(history) });
  }

  /** Forgets a record (after a write), so the next load reads it again. */
  clear(id: string): void {
    this.known.delete(id);
    this.loader.clearAll();
  }

  private async batch(keys: readonly string[]): Promise<Array<CrmRecord | Error>> {
    const requests = keys.map(parseKey);
    // Keys queued while an earlier batch was in flight may have been answered by it.
    const toRead = requests.filter((r) => !this.answered(r));
    if (toRead.length === 0) return requests.map((r) => this.answered(r)!);
    const properties = [...new Set(toRead.flatMap((r) => r.properties))].sort();
    const history = [...new Set(toRead.flatMap((r) => r.history ?? []))].sort();
    const ids = [...new Set(toRead.map((r) => r.id))];
    const size = history.length ? HISTORY_BATCH_LIMIT : OBJECT_BATCH_LIMIT;
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += size) chunks.push(ids.slice(i, i + size));
    const failures = new Map<string, Error>();
    await Promise.all(
      chunks.map(async (chunk) => {
        try {
          const res = await this.client.objects.batchRead(this.objectType, chunk, { properties, propertiesWithHistory: history });
          for (const o of res.results) this.prime(toRecord(this.objectType, o), properties, history);
          for (const e of res.errors ?? []) for (const id of idsOfError(e, chunk)) failures.set(id, errorForItem(this.objectType, id, e));
        } catch (e) {
          // The whole call failed: every key of this chunk gets the error (mapped to a code by formatError).
          for (const id of chunk) failures.set(id, e as Error);
        }
      }),
    );
    return requests.map((r) => this.answered(r) ?? failures.get(r.id) ?? notFoundError(this.objectType, r.id));
  }
}

/** Which of the asked ids a 207 item error is about (HubSpot lists them in `context.ids`). */
function idsOfError(e: StandardError, asked: readonly string[]): string[] {
  const ids = e.context?.ids ?? (e.id ? [e.id] : []);
  return ids.filter((id) => asked.includes(id));
}

function errorForItem(objectType: string, id: string, e: StandardError): Error {
  if (e.category === 'OBJECT_NOT_FOUND' || /not.?found/i.test(e.message)) return notFoundError(objectType, id);
  return answerError(`HubSpot could not read ${objectType} ${id}: ${e.message}`, { extensions: { code: 'UPSTREAM_ERROR', hubspot: { category: e.category } } });
}
