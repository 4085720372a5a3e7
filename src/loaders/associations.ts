import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import type { HubSpotClient } from '../hubspot/client';
import { ASSOCIATION_BATCH_READ_LIMIT } from '../hubspot/associations';
import type { AssociationType } from '../hubspot/types';
import { BatchScheduler } from './scheduler';

/** One associated record and the association types between the two. */
export interface AssociationItem {
  toId: string;
  types: AssociationType[];
}

/** One page of a record's associations to one object type, and HubSpot's cursor for the next. */
export interface AssociationPage {
  items: AssociationItem[];
  nextAfter?: string;
}

const SEP = '\u0000';

/**
 * Associations from one object type to another, for one request. Every page asked for in one level (first pages
 * and follow-ups alike; see BatchScheduler) becomes ⌈keys / 1000⌉ v4 batch reads (more only when one source is
 * asked for with several cursors, since a call carries each id once); results are matched by `from.id`. HubSpot reports a
 * record with no associations as a 207 item error (OBJECT_NOT_FOUND): that is an empty page, not a failure.
 */
export class AssociationLoader {
  private readonly loader: DataLoader<string, AssociationPage>;

  /** `scheduler` is shared by the loaders of one request (see BatchScheduler); by default this loader has its own. */
  constructor(
    private readonly client: HubSpotClient,
    readonly fromObjectType: string,
    readonly toObjectType: string,
    scheduler: BatchScheduler = new BatchScheduler(),
  ) {
    this.loader = new DataLoader((keys) => scheduler.track(() => this.batch(keys)), { batchScheduleFn: scheduler.schedule });
  }

  /** The page of `fromId`'s associations that starts at HubSpot cursor `after` (the first page without one). */
  load(fromId: string, after?: string): Promise<AssociationPage> {
    return this.loader.load(`${fromId}${SEP}${after ?? ''}`);
  }

  clear(fromId: string): void {
    void fromId;
    this.loader.clearAll();
  }

  private async batch(keys: readonly string[]): Promise<Array<AssociationPage | Error>> {
    // One call can carry an id only once (results are matched by id), so repeated ids go to later calls.
    const calls: Array<Map<string, string>> = []; // per call: source id → its key
    for (const key of keys) {
      const id = key.slice(0, key.indexOf(SEP));
      let call = calls.find((c) => c.size < ASSOCIATION_BATCH_READ_LIMIT && !c.has(id));
      if (!call) calls.push((call = new Map()));
      call.set(id, key);
    }
    const pages = new Map<string, AssociationPage | Error>();
    await Promise.all(
      calls.map(async (call) => {
        const keyOf = (id: string) => call.get(id);
        const inputs = [...call].map(([id, key]) => {
          const after = key.slice(id.length + SEP.length);
          return after ? { id, after } : { id };
        });
        try {
          const res = await this.client.associations.batchRead(this.fromObjectType, this.toObjectType, inputs);
          for (const r of res.results) {
            const key = keyOf(String(r.from.id));
            if (!key) continue;
            pages.set(key, {
              items: r.to.map((t) => ({ toId: String(t.toObjectId), types: t.associationTypes.map((a) => ({ category: a.category, typeId: a.typeId, label: a.label ?? null })) })),
              ...(r.paging?.next?.after ? { nextAfter: r.paging.next.after } : {}),
            });
          }
          for (const e of res.errors ?? []) {
            const ids = [...(e.context?.fromObjectId ?? []), ...(e.context?.ids ?? [])];
            for (const id of ids) {
              const key = keyOf(id);
              if (!key) continue;
              pages.set(key, e.category === 'OBJECT_NOT_FOUND' ? { items: [] } : new GraphQLError(`HubSpot could not read associations of ${this.fromObjectType} ${id}: ${e.message}`, { extensions: { code: 'UPSTREAM_ERROR', hubspot: { category: e.category } } }));
            }
          }
        } catch (e) {
          for (const key of call.values()) pages.set(key, e as Error);
        }
      }),
    );
    // A source HubSpot says nothing about has no associations.
    return keys.map((k) => pages.get(k) ?? { items: [] });
  }
}
