import { buildSubgraphSchema as federate } from '@apollo/subgraph';
import {
  concatAST, executeSync, GraphQLError, isScalarType, Kind, parse, visit,
  type ConstDirectiveNode, type DocumentNode, type GraphQLResolveInfo, type GraphQLSchema, type ObjectTypeDefinitionNode,
} from 'graphql';
import { resolvers } from '../../resolvers';
import type { GatewayContext } from '../context';
import { canonicalType, loadRecord } from '../crm/connections';
import { attachPropertyResolvers } from '../crm/propertyFields';
import type { CrmRecord } from '../crm/record';
import { CRM_TYPES } from '../crm/registry';
import { parseGlobalId } from './ids';
import { loadTypeDefs, type SchemaExtension } from './schema';
import { needsOf } from './selection';

/**
 * Apollo Federation 2 subgraph mode (FEDERATION=true): the same SDL and resolvers as the plain schema, plus what a
 * supergraph needs — every CRM type is an entity keyed by its global `id`, and `_entities` resolves references
 * through the per-request object loaders, so N references of one type cost ⌈N / 100⌉ batch reads.
 */

/** Federation 2.3: the version Apollo Router and @apollo/gateway have long understood; nothing newer is used. */
export const FEDERATION_SPEC_URL = 'https://specs.apollo.dev/federation/v2.3';

/** Entities: the dedicated CRM types, each bound to its HubSpot object type, and GenericCrmObject for any other. */
const GENERIC_TYPE = 'GenericCrmObject';
const ENTITY_OBJECT_TYPES = new Map<string, string | undefined>([...CRM_TYPES.map((t) => [t.graphqlType, t.objectType] as const), [GENERIC_TYPE, undefined]]);
export const ENTITY_TYPES: readonly string[] = [...ENTITY_OBJECT_TYPES.keys()];

/**
 * Value types other subgraphs commonly define too. Federation 2 refuses a field resolved by two subgraphs unless
 * each marks it @shareable (INVALID_FIELD_SHARING), so Relay's PageInfo is shareable here.
 */
const SHAREABLE_TYPES: readonly string[] = ['PageInfo'];

const LINK = `extend schema @link(url: "${FEDERATION_SPEC_URL}", import: ["@key", "@shareable"])`;

const directive = (name: string, args: Record<string, string> = {}): ConstDirectiveNode => ({
  kind: Kind.DIRECTIVE,
  name: { kind: Kind.NAME, value: name },
  arguments: Object.entries(args).map(([arg, value]) => ({ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: arg }, value: { kind: Kind.STRING, value } })),
});

/** Adds a directive to a type definition unless the SDL already has it. */
function withDirective(node: ObjectTypeDefinitionNode, added: ConstDirectiveNode): ObjectTypeDefinitionNode {
  if (node.directives?.some((d) => d.name.value === added.name.value)) return node;
  return { ...node, directives: [...(node.directives ?? []), added] };
}

/** SDL as a Federation 2 subgraph document: the @link, @key on entities, @shareable on value types. */
function subgraphTypeDefs(typeDefs: string[], entities: ReadonlyMap<string, string | undefined>): DocumentNode {
  const document = visit(concatAST(typeDefs.map((sdl) => parse(sdl))), {
    ObjectTypeDefinition(node) {
      if (entities.has(node.name.value)) return withDirective(node, directive('key', { fields: 'id' }));
      if (SHAREABLE_TYPES.includes(node.name.value)) return withDirective(node, directive('shareable'));
      return undefined;
    },
  });
  return concatAST([parse(LINK), document]);
}

type ResolverMap = Record<string, unknown>;

/** The domain modules' resolver maps as one, as makeExecutableSchema merges them (scalars whole, types field by field). */
function mergeResolverMaps(maps: readonly object[]): ResolverMap {
  const merged: ResolverMap = {};
  for (const map of maps) {
    for (const [typeName, value] of Object.entries(map)) {
      const previous = merged[typeName];
      merged[typeName] = isScalarType(value) || typeof previous !== 'object' || isScalarType(previous) ? value : { ...previous, ...(value as object) };
    }
  }
  return merged;
}

const badReference = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

/**
 * `__resolveReference` of one entity type. `info` describes the `_entities` field, whose selection holds
 * `... on <Type> { … }`: the properties come from that selection on this type, so every reference of one
 * `_entities` call joins one batch. It is async so that a bad reference fails its own slot, not the whole list
 * (the entities resolver calls it for every representation in one synchronous loop).
 */
function resolveReference(typeName: string, objectType: string | undefined) {
  return async (reference: { id?: unknown }, ctx: GatewayContext, info: GraphQLResolveInfo): Promise<CrmRecord> => {
    if (typeof reference.id !== 'string') throw badReference(`A ${typeName} reference needs its id (a global id, as Node.id)`);
    const parsed = parseGlobalId(reference.id);
    const type = canonicalType(parsed.objectType);
    if (objectType !== undefined && type !== objectType) throw badReference(`'${reference.id}' is the id of a ${type} record, not of a ${typeName}`);
    return loadRecord(ctx, type, parsed.id, info, needsOf(info, typeName));
  };
}

/**
 * The subgraph schema: the plain schema's SDL and resolvers, federated, with the property fields' resolvers; a
 * portal's extension (src/portalSchema) adds its SDL, resolvers and custom object types as entities.
 */
export function buildSubgraphSchema(extension?: SchemaExtension): GraphQLSchema {
  const merged = mergeResolverMaps([...resolvers, ...(extension?.resolvers ?? [])]);
  const entities = new Map<string, string | undefined>([...ENTITY_OBJECT_TYPES, ...(extension?.entities ?? [])]);
  for (const [typeName, objectType] of entities) {
    merged[typeName] = { ...(merged[typeName] as object | undefined), __resolveReference: resolveReference(typeName, objectType) };
  }
  const schema = federate({ typeDefs: subgraphTypeDefs([...loadTypeDefs(), ...(extension?.typeDefs ?? [])], entities), resolvers: merged as never });
  attachPropertyResolvers(schema);
  return schema;
}

/** The subgraph's SDL exactly as `{ _service { sdl } }` serves it: what rover and Apollo Router compose. */
export function subgraphSdl(schema: GraphQLSchema = buildSubgraphSchema()): string {
  const result = executeSync({ schema, document: parse('{ _service { sdl } }') });
  const sdl = (result.data?._service as { sdl?: string } | undefined)?.sdl;
  if (result.errors?.length || typeof sdl !== 'string') throw new Error(`the subgraph schema did not give its SDL: ${result.errors?.map((e) => e.message).join('; ') ?? 'no _service'}`);
  return sdl;
}
