import type { GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../src/context';
import { associationConnection, canonicalType, graphqlTypeOf, loadRecord, prefetchAssociations, type AssociationConnectionDto, type AssociationEdgeDto } from '../src/crm/connections';
import type { CrmRecord } from '../src/crm/record';
import { toRecord } from '../src/crm/record';
import { CRM_TYPES, type AssociationField, type CrmTypeInfo } from '../src/crm/registry';
import { notFoundError } from '../src/loaders/objects';
import { decodeCursor, encodeCursor, globalId, pageSize, parseGlobalId } from '../src/graphql/ids';
import { connectionNeeds, needsOf } from '../src/graphql/selection';
import { HubSpotError } from '../src/hubspot/errors';

type Args = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Resolver = (parent: any, args: Args, ctx: GatewayContext, info: GraphQLResolveInfo) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any
type TypeResolver = (v: CrmRecord, ctx: unknown, info: GraphQLResolveInfo) => string;
type ResolverMap = Record<string, Record<string, Resolver | TypeResolver>>;

/** HubSpot's list endpoint serves at most 100 records a page. */
const MAX_LIST_PAGE = 100;

/** Fields every CRM record has, whatever its GraphQL type. */
const recordFields: Record<string, Resolver> = {
  id: (r: CrmRecord) => globalId(r.objectType, r.id),
  hs_object_id: (r: CrmRecord) => r.id,
  objectType: (r: CrmRecord) => r.objectType,
  createdAt: (r: CrmRecord) => r.createdAt,
  updatedAt: (r: CrmRecord) => r.updatedAt,
  archived: (r: CrmRecord) => r.archived,
  archivedAt: (r: CrmRecord) => r.archivedAt ?? null,
  property: (r: CrmRecord, { name }) => (r.properties[name] === '' ? null : (r.properties[name] ?? null)),
  properties: (r: CrmRecord, { names }) => (names as string[]).map((name) => ({ name, value: r.properties[name] === '' ? null : (r.properties[name] ?? null) })),
  propertyHistory: (r: CrmRecord, { name }) => r.propertiesWithHistory[name] ?? [],
};

const edgeFields: Record<string, Resolver> = {
  node: (edge: AssociationEdgeDto, _args, ctx, info) => {
    prefetchAssociations(ctx, [edge], info);
    return loadRecord(ctx, edge.toObjectType, edge.toId, info);
  },
};

const associationConnectionFields: Record<string, Resolver> = {
  nodes: (conn: AssociationConnectionDto, _args, ctx, info) => {
    prefetchAssociations(ctx, conn.edges, info);
    return conn.edges.map((e) => loadRecord(ctx, e.toObjectType, e.toId, info));
  },
};

/** A HubSpot 404 on a root lookup is a null field with NOT_FOUND, not a failed request. */
function rethrowNotFound(objectType: string, id: string) {
  return (e: unknown) => {
    if (e instanceof HubSpotError && e.status === 404) throw notFoundError(objectType, id);
    throw e;
  };
}

/** One record by id (batched) or by a unique property (one GET, primed into the loader). */
async function recordById(ctx: GatewayContext, objectType: string, id: string, idProperty: string | null | undefined, info: GraphQLResolveInfo): Promise<CrmRecord> {
  const type = canonicalType(objectType);
  if (!idProperty) {
    prefetchAssociations(ctx, [{ toObjectType: type, toId: id }], info);
    return loadRecord(ctx, type, id, info);
  }
  const needs = needsOf(info, graphqlTypeOf(type, info.schema));
  const o = await ctx.loaders
    .track(() => ctx.hubspot.objects.get(type, id, { idProperty, properties: needs.properties, propertiesWithHistory: needs.history }))
    .catch(rethrowNotFound(type, id));
  const record = toRecord(type, o);
  ctx.loaders.object(type).prime(record, needs.properties, needs.history);
  return record;
}

/** A page of records in HubSpot's order; the records are primed so nested loads of them cost nothing. */
async function recordList(ctx: GatewayContext, objectType: string, args: Args, info: GraphQLResolveInfo) {
  const type = canonicalType(objectType);
  const first = pageSize(args.first, MAX_LIST_PAGE);
  const cursor = decodeCursor(args.after);
  const needs = connectionNeeds(info, graphqlTypeOf(type, info.schema));
  if (first === 0) return { edges: [], pageInfo: { hasNextPage: true, endCursor: args.after ?? null } };
  // A cursor inside a HubSpot page (an edge's cursor) re-reads that page and skips the records already seen.
  const res = await ctx.loaders.track(() =>
    ctx.hubspot.objects.list(type, {
      limit: Math.min(MAX_LIST_PAGE, cursor.o + first), after: cursor.a, archived: args.archived ?? false,
      properties: needs.properties, ...(needs.history.length ? { propertiesWithHistory: needs.history } : {}),
    }),
  );
  const loader = ctx.loaders.object(type);
  const records = res.results.map((o) => toRecord(type, o)).slice(cursor.o, cursor.o + first);
  for (const r of records) loader.prime(r, needs.properties, needs.history);
  const next = res.paging?.next?.after;
  const edges = records.map((node, i) => ({
    node,
    cursor: i === records.length - 1 && next !== undefined && cursor.o + first >= res.results.length ? encodeCursor({ a: next, o: 0 }) : encodeCursor({ ...(cursor.a !== undefined ? { a: cursor.a } : {}), o: cursor.o + i + 1 }),
  }));
  const hasNextPage = next !== undefined || res.results.length > cursor.o + first;
  return { edges, pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
}

const connectionNodes: Record<string, Resolver> = { nodes: (conn: { edges: Array<{ node: CrmRecord }> }) => conn.edges.map((e) => e.node) };

/** An association field: a page of associated records (batched per level), or the first one. */
export function associationFieldResolver(a: AssociationField): Resolver {
  return a.single
    ? async (r: CrmRecord, _args, ctx, info) => {
        const conn = await associationConnection(ctx, r, a.toObjectType, { first: 1 }, a.typeId);
        const edge = conn.edges[0];
        if (!edge) return null;
        prefetchAssociations(ctx, [edge], info);
        return loadRecord(ctx, edge.toObjectType, edge.toId, info);
      }
    : (r: CrmRecord, args, ctx) => associationConnection(ctx, r, a.toObjectType, args, a.typeId);
}

function typeResolvers(t: CrmTypeInfo): Record<string, Resolver> {
  const fields: Record<string, Resolver> = { ...recordFields };
  for (const a of t.associations) fields[a.field] = associationFieldResolver(a);
  for (const l of t.links) {
    fields[l.field] = (r: CrmRecord, _args, ctx, info) => {
      const p = r.properties;
      switch (l.type) {
        case 'Owner':
          return ctx.metadata.owner(p[l.properties[0]!]);
        case 'Pipeline':
          return ctx.metadata.pipeline(t.objectType, p[l.properties[0]!]).then((x) => x && { ...x, objectType: t.objectType });
        case 'PipelineStage':
          return ctx.metadata.stage(t.objectType, p[l.properties[0]!], p[l.properties[1]!]).then((x) => x && { ...x, objectType: t.objectType });
        case 'Product': {
          const id = p[l.properties[0]!];
          return id ? loadRecord(ctx, 'products', id, info) : null;
        }
      }
    };
  }
  return fields;
}

function rootFields(t: CrmTypeInfo): Record<string, Resolver> {
  return {
    [t.singular]: (_root, { id, idProperty }, ctx, info) => recordById(ctx, t.objectType, id, idProperty, info),
    [t.plural]: (_root, args, ctx, info) => recordList(ctx, t.objectType, args, info),
  };
}

/**
 * A record's GraphQL type. A request started on an older schema (before a portal schema reload added the type)
 * gets GenericCrmObject for it rather than a type its schema does not have.
 */
const resolveCrmType: TypeResolver = (r, _ctx, info) => graphqlTypeOf(r.objectType, info.schema);

export const crmResolvers: ResolverMap = {
  Node: { __resolveType: resolveCrmType },
  CrmObject: { __resolveType: resolveCrmType },
  GenericCrmObject: {
    ...recordFields,
    associations: (r: CrmRecord, args: Args, ctx: GatewayContext) => associationConnection(ctx, r, args.toObjectType, args),
  },
  CrmObjectAssociationEdge: edgeFields,
  CrmObjectAssociationConnection: associationConnectionFields,
  CrmObjectConnection: connectionNodes,
  Query: {
    node: (_root, { id }, ctx, info) => {
      const { objectType, id: recordId } = parseGlobalId(id);
      prefetchAssociations(ctx, [{ toObjectType: objectType, toId: recordId }], info);
      return loadRecord(ctx, objectType, recordId, info);
    },
    crmObject: (_root, { objectType, id, idProperty }, ctx, info) => recordById(ctx, objectType, id, idProperty, info),
    crmObjects: (_root, args, ctx, info) => recordList(ctx, args.objectType, args, info),
  },
};

/** The resolvers of one CRM type: its fields, its connections' and its root fields (a portal's custom types use it too). */
export function crmTypeResolvers(t: CrmTypeInfo): ResolverMap {
  return {
    [t.graphqlType]: typeResolvers(t),
    [`${t.graphqlType}AssociationEdge`]: edgeFields,
    [`${t.graphqlType}AssociationConnection`]: associationConnectionFields,
    [`${t.graphqlType}Connection`]: connectionNodes,
    Query: rootFields(t),
  };
}

for (const t of CRM_TYPES) {
  const { Query, ...types } = crmTypeResolvers(t);
  Object.assign(crmResolvers, types);
  Object.assign(crmResolvers.Query!, Query);
}
