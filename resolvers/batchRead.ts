import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../src/context';
import { loadRecord, prefetchAssociations } from '../src/crm/connections';
import { toRecord, type CrmRecord } from '../src/crm/record';
import { CRM_TYPES, type CrmTypeInfo } from '../src/crm/registry';
import { needsOf } from '../src/graphql/selection';
import { notFoundError } from '../src/loaders/objects';
import { HISTORY_BATCH_LIMIT, OBJECT_BATCH_LIMIT } from '../src/hubspot/objects';

/** Most ids one `…ByIds` field takes: 10 HubSpot batches. */
const MAX_IDS = 1000;

/**
 * By HubSpot id the records go through the request's loader (batched with every other read of the type at
 * that level); by a unique property they are read in ≤100-id batch reads with `idProperty`, matched by that
 * property's value (case-insensitively: HubSpot treats emails so).
 */
async function byUniqueProperty(ctx: GatewayContext, t: CrmTypeInfo, ids: string[], idProperty: string, info: GraphQLResolveInfo): Promise<Array<CrmRecord | Error>> {
  const needs = needsOf(info, t.graphqlType);
  const properties = [...new Set([...needs.properties, idProperty])];
  const size = needs.history.length ? HISTORY_BATCH_LIMIT : OBJECT_BATCH_LIMIT;
  const found = new Map<string, CrmRecord>();
  const failed = new Map<string, Error>();
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += size) chunks.push(ids.slice(i, i + size));
  await Promise.all(
    chunks.map(async (chunk) => {
      const res = await ctx.loaders.track(() => ctx.hubspot.objects.batchRead(t.objectType, chunk, { properties, propertiesWithHistory: needs.history, idProperty })).catch((e: Error) => {
        // A failed call fails its own ids only.
        for (const id of chunk) failed.set(id, e);
        return { results: [] };
      });
      for (const o of res.results) {
        const record = toRecord(t.objectType, o);
        ctx.loaders.object(t.objectType).prime(record, properties, needs.history);
        const key = (o.properties[idProperty] ?? '').toLowerCase();
        if (key) found.set(key, record);
      }
    }),
  );
  return ids.map((id) => found.get(id.toLowerCase()) ?? failed.get(id) ?? notFoundError(t.objectType, id));
}

export function byIds(t: CrmTypeInfo) {
  return async (_root: unknown, { ids, idProperty }: { ids: string[]; idProperty?: string | null }, ctx: GatewayContext, info: GraphQLResolveInfo) => {
    if (ids.length > MAX_IDS) throw new GraphQLError(`ids: at most ${MAX_IDS} ids, got ${ids.length}`, { extensions: { code: 'BAD_USER_INPUT' } });
    if (idProperty) return byUniqueProperty(ctx, t, ids, idProperty, info);
    // One promise per id: a missing one becomes a null entry with its own NOT_FOUND error.
    prefetchAssociations(ctx, ids.map((id) => ({ toObjectType: t.objectType, toId: id })), info);
    return ids.map((id) => loadRecord(ctx, t.objectType, id, info));
  };
}

/** `contactsByIds`, `dealsByIds` …: HubSpot's batch read as a query. */
export const batchReadResolvers = { Query: Object.fromEntries(CRM_TYPES.map((t) => [`${t.plural}ByIds`, byIds(t)])) };
