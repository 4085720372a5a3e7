import { createHash } from 'node:crypto';
import { CRM_TYPES } from '../crm/registry';
import type { HubSpotClient } from '../hubspot/client';
import { HubSpotError } from '../hubspot/errors';
import type { Property } from '../hubspot/types';

/** A custom object's definition as HubSpot's Schemas API gives it (crm-schemas-v3.json, ObjectSchema). */
export interface ObjectSchema {
  id: string;
  objectTypeId?: string;
  name: string;
  fullyQualifiedName?: string;
  labels: { singular?: string; plural?: string };
  description?: string;
  primaryDisplayProperty?: string;
  requiredProperties: string[];
  properties: Property[];
  associations: Array<{ id: string; fromObjectTypeId: string; toObjectTypeId: string; name?: string }>;
  archived?: boolean;
}

/**
 * What a portal defines that the schema types: the property definitions of every standard type and of every custom
 * object, and the custom objects' schemas. Everything in it is sorted, so that one portal always gives one model
 * (and one hash, and one SDL) whatever order HubSpot lists things in.
 */
export interface PortalModel {
  /** Property definitions by object type (`contacts` …, and custom objects by type id `2-…`), sorted by name. */
  properties: Record<string, Property[]>;
  /** Custom object schemas, sorted by type id; their `properties` are in `properties` under their type id. */
  schemas: ObjectSchema[];
}

/** The Schemas API (crm-schemas-v3.json). */
const SCHEMAS_PATH = '/crm-object-schemas/v3/schemas';

export const typeIdOf = (s: ObjectSchema) => s.objectTypeId ?? s.id;

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
/** Orders `2-9` before `2-10`. */
const byTypeId = (a: ObjectSchema, b: ObjectSchema) => {
  const [x, y] = [typeIdOf(a), typeIdOf(b)];
  const [nx, ny] = [Number(x.split('-')[1]), Number(y.split('-')[1])];
  return nx !== ny && Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : x < y ? -1 : x > y ? 1 : 0;
};

/** HubSpot refusing a read for want of a scope or plan (403, or 404 for an API the portal lacks) means nothing to type. */
const forbiddenAs = <T>(empty: T) => (e: unknown): T => {
  if (e instanceof HubSpotError && (e.status === 403 || e.status === 404)) return empty;
  throw e;
};

/**
 * Reads a portal's model: the Properties API for every standard type, the Schemas API, then the Properties API of
 * every custom object (1 + standard types + custom objects calls, in parallel). `only` re-reads just those object
 * types' properties into `previous` (after the gateway's own property write: one call instead of all).
 */
export async function readPortalModel(client: HubSpotClient, previous?: PortalModel, only?: readonly string[]): Promise<PortalModel> {
  // A token without a type's schema scope (crm.schemas.quotes.read …) types no custom property of that type, and the rest still.
  const readProperties = (objectType: string) => client.properties.list(objectType).then((r) => r.results, forbiddenAs<Property[]>([]));
  if (previous && only) {
    const known = new Set(Object.keys(previous.properties));
    const types = only.filter((t) => known.has(t));
    // A type the model does not know (a new custom object) needs the whole model read.
    if (types.length === only.length) {
      const fresh = await Promise.all(types.map(async (t) => [t, await readProperties(t)] as const));
      return normalizeModel({ ...previous, properties: { ...previous.properties, ...Object.fromEntries(fresh) } });
    }
  }
  const [standard, schemas] = await Promise.all([
    Promise.all(CRM_TYPES.map(async (t) => [t.objectType, await readProperties(t.objectType)] as const)),
    client.call<{ results: ObjectSchema[] }>({ method: 'GET', operation: SCHEMAS_PATH, idempotent: true }).then(
      (r) => r.results,
      // Custom objects need Enterprise and the crm.schemas.custom.read scope: without them, a portal has none to type.
      forbiddenAs<ObjectSchema[]>([]),
    ),
  ]);
  const custom = await Promise.all(schemas.map(async (s) => [typeIdOf(s), await readProperties(typeIdOf(s))] as const));
  return normalizeModel({ properties: Object.fromEntries([...standard, ...custom]), schemas });
}

/** The model in its one order: live definitions only, properties by name, schemas by type id, associations by id. */
export function normalizeModel(model: PortalModel): PortalModel {
  return {
    properties: Object.fromEntries(Object.keys(model.properties).sort().map((t) => [t, model.properties[t]!.filter((p) => !p.archived).sort(byName)])),
    schemas: model.schemas
      .filter((s) => !s.archived)
      .sort(byTypeId)
      .map((s) => ({ ...s, properties: [], associations: [...s.associations].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) })),
  };
}

/** What of a property definition the schema depends on: a change elsewhere (a label's timestamp) rebuilds nothing. */
const relevant = (p: Property) => [p.name, p.label, p.type, p.fieldType, p.description, p.hubspotDefined ?? false, p.calculated ?? false, p.hasUniqueValue ?? false, p.modificationMetadata?.readOnlyValue ?? false, p.referencedObjectType ?? null, p.externalOptions ?? false, (p.options ?? []).map((o) => [o.value, o.label, o.hidden ?? false])];

/** A hash of what the schema is built from: equal hashes, equal schemas (a reload that finds nothing new builds nothing). */
export function modelHash(model: PortalModel): string {
  const canonical = {
    properties: Object.keys(model.properties).sort().map((t) => [t, model.properties[t]!.map(relevant)]),
    schemas: model.schemas.map((s) => [typeIdOf(s), s.name, s.fullyQualifiedName ?? null, s.labels, s.description ?? null, s.associations.map((a) => [a.id, a.fromObjectTypeId, a.toObjectTypeId, a.name ?? null])]),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}
