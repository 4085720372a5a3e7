import type { GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../src/context';
import { canonicalType, graphqlTypeOf } from '../src/crm/connections';
import { toRecord, type CrmRecord } from '../src/crm/record';
import { CRM_TYPES, type CrmTypeInfo } from '../src/crm/registry';
import { SEARCH_LIMITS, searchPlan, type SearchArgs } from '../src/crm/searchInput';
import type { QueryResolvers, Resolvers } from '../src/generated/graphql';
import { encodeCursor } from '../src/graphql/ids';
import { connectionNeeds, subFields } from '../src/graphql/selection';

/** What a search root field returns; `nodes` comes from the edges (crm.ts's connection resolvers). */
export interface SearchConnectionDto {
  edges: Array<{ cursor: string; node: CrmRecord }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number | null;
}

/** Root field of a CRM type's search: `search` + its plural, e.g. `searchContacts`, `searchLineItems`. */
export const searchFieldOf = (t: CrmTypeInfo) => `search${t.plural[0]!.toUpperCase()}${t.plural.slice(1)}`;

const selects = (info: GraphQLResolveInfo, field: string) => subFields(info, [field]).length > 0;

/**
 * One page of a HubSpot search as a connection: one search call asking for exactly the properties the nodes
 * select, its records primed into the request's loader so nested fields that reach them cost nothing more.
 * Cursors carry HubSpot's `after` (an offset) and a position past it, so any edge's cursor resumes right after it.
 */
async function searchConnection(ctx: GatewayContext, objectType: string, args: SearchArgs, info: GraphQLResolveInfo): Promise<SearchConnectionDto> {
  const plan = searchPlan(args);
  const type = canonicalType(objectType);
  const needs = connectionNeeds(info, graphqlTypeOf(type, info.schema));
  const resumeCursor = args.after ?? null;
  if (plan.first === 0 && !selects(info, 'totalCount') && !selects(info, 'pageInfo')) {
    return { edges: [], pageInfo: { hasNextPage: false, endCursor: resumeCursor }, totalCount: null };
  }
  // Tracked as a read of this level, so the loads its records cause go out with those of sibling fields.
  const res = await ctx.loaders.track(() => ctx.hubspot.objects.search(type, { ...plan.request, properties: needs.properties }));
  const loader = ctx.loaders.object(type);
  let records = plan.first === 0 ? [] : res.results.map((o) => toRecord(type, o));
  for (const r of records) loader.prime(r, needs.properties);
  // Search answers carry no property history; when the selection wants one, the loader batch-reads it (≤50 ids a call).
  if (needs.history.length > 0) {
    records = await Promise.all(records.map((r) => loader.load({ id: r.id, properties: needs.properties, history: needs.history })));
  }
  const next = res.paging?.next?.after;
  const start = String(plan.offset);
  const edges = records.map((node, i) => ({
    node,
    cursor: encodeCursor(i === records.length - 1 && next !== undefined ? { a: next, o: 0 } : { a: start, o: i + 1 }),
  }));
  const end = plan.offset + records.length;
  const more = plan.first === 0 ? res.total > plan.offset : next !== undefined;
  return {
    edges,
    pageInfo: { hasNextPage: more && end < SEARCH_LIMITS.results, endCursor: edges.at(-1)?.cursor ?? resumeCursor },
    totalCount: res.total,
  };
}

type SearchResolver = (root: unknown, args: SearchArgs & { objectType?: string }, ctx: GatewayContext, info: GraphQLResolveInfo) => Promise<SearchConnectionDto>;

const queryFields: Record<string, SearchResolver> = {
  searchCrmObjects: (_root, args, ctx, info) => searchConnection(ctx, args.objectType!, args, info),
};
/** The search root field of one CRM type (a portal's custom types use it too). */
export const searchResolverOf = (t: CrmTypeInfo): SearchResolver => (_root, args, ctx, info) => searchConnection(ctx, t.objectType, args, info);

for (const t of CRM_TYPES) queryFields[searchFieldOf(t)] = searchResolverOf(t);

/**
 * Search root fields: `search<Plural>` of every CRM type and the generic `searchCrmObjects`. The cast is needed
 * because connections hold CrmRecord DTOs (resolved field by field), not codegen's model types.
 */
export const searchResolvers: Resolvers = { Query: queryFields as unknown as QueryResolvers };
