import type { GraphQLSchema } from 'graphql';
import { setSchemaTypes } from '../crm/registry';
import { priceCrmTypes } from '../graphql/cost';
import { buildSubgraphSchema } from '../graphql/federation';
import { buildSchema, type SchemaExtension } from '../graphql/schema';
import { modelHash, type PortalModel } from './model';
import { planExtension, type PortalPlan } from './plan';
import { renderPortalSdl, type PortalSdl } from './render';
import { portalResolvers } from './resolvers';

/** A portal's schema, built: what Apollo and subscriptions serve, and what it was built from. */
export interface PortalSchema {
  /** The plain schema, base and extension (subscriptions always use it). */
  schema: GraphQLSchema;
  /** What HTTP serves: the plain schema, or with FEDERATION=true the subgraph schema. */
  served: GraphQLSchema;
  sdl: PortalSdl;
  plan: PortalPlan;
  /** modelHash of the model it was built from. */
  hash: string;
}

/** The schema without any portal's extension: what names are checked against. Built once per process. */
let base: GraphQLSchema | undefined;
export const baseSchema = () => (base ??= buildSchema());

/** The SDL and resolvers a model adds. */
export function extensionOf(model: PortalModel): { plan: PortalPlan; sdl: PortalSdl; extension: SchemaExtension } {
  const plan = planExtension(model, baseSchema());
  const sdl = renderPortalSdl(plan);
  const extension: SchemaExtension = {
    typeDefs: Object.values(sdl).filter((s): s is string => s !== undefined),
    resolvers: portalResolvers(plan),
    entities: new Map(plan.customTypes.map((c) => [c.type.graphqlType, c.type.objectType])),
  };
  return { plan, sdl, extension };
}

/**
 * Builds the schemas a model gives; throws when its SDL does not build (the caller keeps the schema it has). `hash`
 * is the model's modelHash when the caller has it already.
 */
export function buildPortalSchema(model: PortalModel, federation: boolean, hash: string = modelHash(model)): PortalSchema {
  const { plan, sdl, extension } = extensionOf(model);
  const schema = buildSchema(extension);
  const served = federation ? buildSubgraphSchema(extension) : schema;
  const types = plan.customTypes.map((c) => c.type);
  for (const s of new Set([schema, served])) {
    setSchemaTypes(s, types);
    priceCrmTypes(s, types);
  }
  return { schema, served, sdl, plan, hash };
}
