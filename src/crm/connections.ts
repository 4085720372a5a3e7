import type { FieldNode, GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import type { GatewayContext } from '../context';
import { decodeCursor, encodeCursor, pageSize } from '../graphql/ids';
import { needsOf, selectedFieldsOn, type Needs } from '../graphql/selection';
import type { AssociationType } from '../hubspot/types';
import type { CrmRecord } from './record';
import { associationsOf, crmTypeIn, crmTypeOf } from './registry';

/** Largest `first` of an association connection: one HubSpot page. */
export const MAX_ASSOCIATIONS_PAGE = 500;

/** HubSpot's canonical name for an object type (`0-1` → `contacts`); custom types stay as given. */
export const canonicalType = (objectType: string) => crmTypeOf(objectType)?.objectType ?? objectType;

/**
 * The GraphQL type records of an object type resolve to. Given the schema at hand, a type it does not have (a
 * portal's custom type, added or dropped by a schema reload after the request started) is GenericCrmObject.
 */
export const graphqlTypeOf = (objectType: string, schema?: GraphQLSchema) => {
  const name = (schema ? crmTypeIn(schema, objectType) : crmTypeOf(objectType))?.graphqlType ?? 'GenericCrmObject';
  return !schema || schema.getType(name) ? name : 'GenericCrmObject';
};

/** Loads a record with the properties the current field's selection needs. */
export function loadRecord(ctx: GatewayContext, objectType: string, id: string, info: GraphQLResolveInfo, needs?: Needs): Promise<CrmRecord> {
  const type = canonicalType(objectType);
  const n = needs ?? needsOf(info, graphqlTypeOf(type, info.schema));
  return ctx.loaders.object(type).load({ id, properties: n.properties, history: n.history });
}

export interface AssociationEdgeDto {
  cursor: string;
  toObjectType: string;
  toId: string;
  types: AssociationType[];
  primary: boolean;
}

export interface AssociationConnectionDto {
  edges: AssociationEdgeDto[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** HubSpot marks a primary association with the HUBSPOT_DEFINED label "Primary". */
const isPrimary = (types: AssociationType[]) => types.some((t) => t.category === 'HUBSPOT_DEFINED' && t.label === 'Primary');

/**
 * A page of a record's associations to one type. Cursors carry HubSpot's per-record cursor and a position in
 * that page, so paging reads only the HubSpot pages it needs (500 associations each), never all of them.
 */
export async function associationConnection(
  ctx: GatewayContext,
  record: CrmRecord,
  toObjectType: string,
  args: { first?: number | null; after?: string | null; label?: string | null },
  typeId?: number,
): Promise<AssociationConnectionDto> {
  const first = pageSize(args.first, MAX_ASSOCIATIONS_PAGE);
  const to = canonicalType(toObjectType);
  const loader = ctx.loaders.associations(canonicalType(record.objectType), to);
  const matches = (types: AssociationType[]) =>
    (args.label == null || types.some((t) => t.label === args.label)) && (typeId === undefined || types.some((t) => t.typeId === typeId));
  let { a, o: index } = decodeCursor(args.after);
  let page = await loader.load(record.id, a);
  const edges: AssociationEdgeDto[] = [];
  for (;;) {
    while (index < page.items.length && edges.length < first) {
      const item = page.items[index++]!;
      if (matches(item.types)) {
        // After a page's last item, the cursor points at the next page, so that paging on never re-reads this one.
        const cursor = index === page.items.length && page.nextAfter !== undefined ? { a: page.nextAfter, o: 0 } : { ...(a !== undefined ? { a } : {}), o: index };
        edges.push({ cursor: encodeCursor(cursor), toObjectType: to, toId: item.toId, types: item.types, primary: isPrimary(item.types) });
      }
    }
    if (edges.length >= first || !page.nextAfter) break;
    a = page.nextAfter;
    index = 0;
    page = await loader.load(record.id, a);
  }
  const hasNextPage = page.items.slice(index).some((i) => matches(i.types)) || page.nextAfter !== undefined;
  return { edges, pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? (args.after ?? null) } };
}

/**
 * The object types whose first association page a record of `objectType` will read, given the fields selected on it
 * below `fieldNodes`: its association fields asked for without `after`. Memoized per field nodes, which graphql-js
 * shares between the items of a list.
 */
const prefetchTargets = new WeakMap<readonly FieldNode[], Map<string, string[]>>();
function associationTargets(info: GraphQLResolveInfo, objectType: string, fieldNodes: readonly FieldNode[]): string[] {
  let byType = prefetchTargets.get(fieldNodes);
  if (!byType) prefetchTargets.set(fieldNodes, (byType = new Map()));
  let targets = byType.get(objectType);
  if (targets) return targets;
  const t = crmTypeIn(info.schema, objectType);
  const selected = t ? selectedFieldsOn(info, graphqlTypeOf(objectType, info.schema), fieldNodes) : [];
  const firstPage = (node: FieldNode) => !node.arguments?.some((a) => a.name.value === 'after');
  targets = t ? [...new Set(associationsOf(t).filter((a) => selected.some((n) => n.name.value === a.field && firstPage(n))).map((a) => canonicalType(a.toObjectType)))] : [];
  byType.set(objectType, targets);
  return targets;
}

/**
 * Starts reading the associations the selection below `fieldNodes` will ask of these records, in the same tick as
 * the records themselves: the association field of the next level then finds its page loaded instead of waiting for
 * the record first (one round trip less per level, the same calls — the loaders coalesce the keys either way).
 */
export function prefetchAssociations(ctx: GatewayContext, records: ReadonlyArray<{ toObjectType: string; toId: string }>, info: GraphQLResolveInfo, fieldNodes: readonly FieldNode[] = info.fieldNodes): void {
  for (const r of records) {
    const from = canonicalType(r.toObjectType);
    for (const to of associationTargets(info, from, fieldNodes)) {
      // The loader keeps this promise for the field that will ask; its failure is reported there, not here.
      ctx.loaders.associations(from, to).load(r.toId).catch(() => undefined);
    }
  }
}
