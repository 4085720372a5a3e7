import type { AssociationTypeDef } from './associationTypes';
import { customObjectType, schemaGroupName, type CustomObjectSchema, type SchemaAssociation } from './customObjects';
import { customObjectDefaultProperties } from './defaultProperties';
import { conflict, notFound, validationError } from './errors';
import type { ObjectTypeInfo } from './objectTypes';
import { renderProperty } from './propertyOptions';
import type { SchemaDraft, SchemaPatch } from './schemaInput';
import type { Portal } from './store';

/**
 * Custom object schemas in a portal: creating one (its object type, HubSpot's default properties, the custom
 * properties, the property group and the association types to the objects it names), changing, archiving and
 * purging it, its association definitions, and its answers (crm-schemas-v3 `ObjectSchema`, `ObjectTypeDefinition`,
 * `AssociationDefinition`). The routes only read requests and call these.
 */

/** Names of the HubSpot-defined properties every custom object gets. */
export const CUSTOM_OBJECT_DEFAULT_PROPERTY_NAMES: ReadonlySet<string> = new Set(customObjectDefaultProperties('x', new Date(0).toISOString()).map((p) => p.name));

/** Schema-made association types are USER_DEFINED and unlabeled, HubSpot's shape for custom object associations. */
const SCHEMA_ASSOCIATION_CATEGORY = 'USER_DEFINED';

/** The schema a path segment (`2-<n>`, `p<portalId>_<name>` or name) names; archived ones only when asked for. */
export function findSchema(portal: Portal, segment: string, opts: { archived?: boolean } = {}): CustomObjectSchema {
  const schema = portal.schemas.find(segment);
  if (!schema || schema.archived !== (opts.archived ?? false)) {
    throw notFound(`Unable to find ${opts.archived ? 'archived ' : ''}object schema ${segment} in account ${portal.portalId}`);
  }
  return schema;
}

/** Creates the schema of a draft: its type becomes usable at once by the object, property and association routes. */
export function createSchema(portal: Portal, draft: SchemaDraft, now: string): CustomObjectSchema {
  const taken = portal.schemas.find(draft.name);
  if (taken) {
    throw conflict(`An object schema named '${draft.name}' already exists (${taken.objectTypeId}${taken.archived ? ', archived: purge it to reuse the name' : ''}).`, {
      context: { name: [draft.name] },
    });
  }
  const number = portal.schemas.allocateNumber();
  const objectTypeId = `2-${number}`;
  const fullyQualifiedName = portal.schemas.fullyQualifiedName(draft.name);
  const type = customObjectType(objectTypeId, fullyQualifiedName, draft.name);
  const groupName = schemaGroupName(draft.name);
  portal.addObjectType(type, [...draft.properties, ...customObjectDefaultProperties(groupName, now)], {
    name: groupName,
    label: `${draft.labels.singular} information`,
    displayOrder: -1,
    archived: false,
  });
  const schema: CustomObjectSchema = {
    id: number,
    objectTypeId,
    name: draft.name,
    fullyQualifiedName,
    labels: { ...draft.labels },
    ...(draft.description !== undefined ? { description: draft.description } : {}),
    requiredProperties: [...draft.requiredProperties],
    searchableProperties: [...draft.searchableProperties],
    secondaryDisplayProperties: [...draft.secondaryDisplayProperties],
    ...(draft.primaryDisplayProperty !== undefined ? { primaryDisplayProperty: draft.primaryDisplayProperty } : {}),
    allowsSensitiveProperties: draft.allowsSensitiveProperties,
    archived: false,
    createdAt: now,
    updatedAt: now,
    type,
  };
  portal.schemas.add(schema);
  for (const other of draft.associatedObjects) defineSchemaAssociation(portal, type, other, undefined, now);
  if (draft.sameObjectAssociation) defineSchemaAssociation(portal, type, type, undefined, now);
  return schema;
}

/**
 * Defines an association between two object types for a schema: a USER_DEFINED unlabeled type in each direction
 * (one type for an object associated with itself), with type ids allocated by the portal like labels' ids.
 */
export function defineSchemaAssociation(portal: Portal, from: ObjectTypeInfo, to: ObjectTypeInfo, name: string | undefined, now: string): SchemaAssociation {
  const assocName = name ?? `${from.singular}_to_${to.singular}`;
  if (portal.schemas.associations.some((a) => a.fromObjectTypeId === from.id && a.name === assocName)) {
    throw conflict(`An association named '${assocName}' is already defined from ${from.name}.`, { context: { name: [assocName] } });
  }
  const store = portal.associations;
  const typeId = store.allocateTypeId();
  const symmetric = from.id === to.id;
  const inverseTypeId = symmetric ? typeId : store.allocateTypeId();
  const forward: AssociationTypeDef = { fromTypeId: from.id, toTypeId: to.id, typeId, inverseTypeId, category: SCHEMA_ASSOCIATION_CATEGORY, label: null, name: assocName };
  store.addTypeDef(forward);
  if (!symmetric) {
    store.addTypeDef({ ...forward, fromTypeId: to.id, toTypeId: from.id, typeId: inverseTypeId, inverseTypeId: typeId, name: `${to.singular}_to_${from.singular}` });
  }
  const association: SchemaAssociation = { typeId, inverseTypeId, fromObjectTypeId: from.id, toObjectTypeId: to.id, name: assocName, createdAt: now, updatedAt: now };
  portal.schemas.associations.push(association);
  return association;
}

/** Removes an association definition of a schema, by id (either direction's type id) or name. */
export function removeSchemaAssociation(portal: Portal, schema: CustomObjectSchema, identifier: string): void {
  const list = portal.schemas.associations;
  const index = list.findIndex(
    (a) =>
      (a.fromObjectTypeId === schema.objectTypeId || a.toObjectTypeId === schema.objectTypeId) &&
      (String(a.typeId) === identifier || String(a.inverseTypeId) === identifier || a.name === identifier),
  );
  if (index < 0) throw notFound(`Unable to find association ${identifier} of object schema ${schema.fullyQualifiedName}`);
  dropAssociationTypes(portal, list[index]!);
  list.splice(index, 1);
}

function dropAssociationTypes(portal: Portal, a: SchemaAssociation): void {
  // Associations between records that still carry these type ids disappear from reads (reads skip unknown types).
  portal.associations.removeTypeDef(a.fromObjectTypeId, a.toObjectTypeId, a.typeId);
  if (a.inverseTypeId !== a.typeId) portal.associations.removeTypeDef(a.toObjectTypeId, a.fromObjectTypeId, a.inverseTypeId);
}

/** Applies an `ObjectTypeDefinitionPatch`. */
export function updateSchema(schema: CustomObjectSchema, patch: SchemaPatch, now: string): void {
  if (patch.labels) schema.labels = { ...schema.labels, ...patch.labels };
  if (patch.description !== undefined) schema.description = patch.description;
  if (patch.clearDescription) delete schema.description;
  for (const key of ['requiredProperties', 'searchableProperties', 'secondaryDisplayProperties'] as const) {
    if (patch[key]) schema[key] = [...patch[key]];
  }
  if (patch.primaryDisplayProperty !== undefined) schema.primaryDisplayProperty = patch.primaryDisplayProperty;
  if (patch.allowsSensitiveProperties !== undefined) schema.allowsSensitiveProperties = patch.allowsSensitiveProperties;
  if (patch.restorable !== undefined) schema.restorable = patch.restorable;
  schema.updatedAt = now;
}

/**
 * Soft-deletes a schema. HubSpot deletes an object type only once it holds no records, so live records refuse it;
 * archived records stay in the recycle bin until the schema is purged.
 */
export function archiveSchema(portal: Portal, schema: CustomObjectSchema, now: string): void {
  const live = [...portal.recordsOf(schema.type).values()].filter((r) => !r.archived).length;
  if (live > 0) {
    throw validationError(`Object schema ${schema.fullyQualifiedName} still has ${live} record${live === 1 ? '' : 's'}; archive them before deleting the schema.`, {
      context: { objectTypeId: [schema.objectTypeId] },
    });
  }
  schema.archived = true;
  schema.archivedAt = now;
  schema.updatedAt = now;
}

/** Hard-deletes an archived schema: its records, properties, association types go, and its name is free again. */
export function purgeSchema(portal: Portal, schema: CustomObjectSchema): void {
  if (!schema.archived) {
    throw validationError(`Object schema ${schema.fullyQualifiedName} is not archived: delete it first, then purge it.`, { context: { objectTypeId: [schema.objectTypeId] } });
  }
  for (const a of portal.schemas.associationsOf(schema.objectTypeId)) dropAssociationTypes(portal, a);
  portal.removeObjectType(schema.type);
  portal.schemas.remove(schema);
}

// ---------------------------------------------------------------------------------------------- answers

/** What a schema read includes (`includePropertyDefinitions` …, all true by default). */
export interface SchemaView {
  properties: boolean;
  associations: boolean;
  audit: boolean;
}

export const renderAssociation = (a: SchemaAssociation, audit = true) => ({
  id: String(a.typeId),
  fromObjectTypeId: a.fromObjectTypeId,
  toObjectTypeId: a.toObjectTypeId,
  name: a.name,
  ...(audit ? { createdAt: a.createdAt, updatedAt: a.updatedAt } : {}),
});

/** The fields `ObjectSchema` and `ObjectTypeDefinition` share. */
function definitionFields(schema: CustomObjectSchema, audit: boolean): Record<string, unknown> {
  return {
    id: schema.id,
    objectTypeId: schema.objectTypeId,
    name: schema.name,
    fullyQualifiedName: schema.fullyQualifiedName,
    labels: { ...schema.labels },
    ...(schema.description !== undefined ? { description: schema.description } : {}),
    requiredProperties: [...schema.requiredProperties],
    searchableProperties: [...schema.searchableProperties],
    secondaryDisplayProperties: [...schema.secondaryDisplayProperties],
    ...(schema.primaryDisplayProperty !== undefined ? { primaryDisplayProperty: schema.primaryDisplayProperty } : {}),
    allowsSensitiveProperties: schema.allowsSensitiveProperties,
    archived: schema.archived,
    ...(audit ? { createdAt: schema.createdAt, updatedAt: schema.updatedAt } : {}),
  };
}

/** `ObjectSchema`: the definition with its live properties and its association definitions. */
export function renderSchema(portal: Portal, schema: CustomObjectSchema, view: SchemaView = { properties: true, associations: true, audit: true }): Record<string, unknown> {
  const properties = view.properties
    ? [...portal.propertiesOf(schema.type).values()].filter((d) => !d.archived).map((d) => renderProperty(portal, schema.type, d))
    : [];
  const associations = view.associations ? portal.schemas.associationsOf(schema.objectTypeId).map((a) => renderAssociation(a, view.audit)) : [];
  return { ...definitionFields(schema, view.audit), metaType: 'PORTAL_SPECIFIC', properties, associations };
}

/** `ObjectTypeDefinition` (the PATCH answer): the definition without properties or associations, with the portal id. */
export function renderTypeDefinition(portal: Portal, schema: CustomObjectSchema): Record<string, unknown> {
  return { ...definitionFields(schema, true), metaType: 'PORTAL_SPECIFIC', portalId: portal.portalId };
}
