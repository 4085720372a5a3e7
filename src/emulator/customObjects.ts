import type { ObjectTypeInfo } from './objectTypes';

/**
 * A portal's custom object types (crm-schemas-v3 `ObjectSchema`) as the emulator stores them, and the index that
 * resolves a path segment — the object type id `2-<n>`, the fully qualified name `p<portalId>_<name>` or the bare
 * name — to one of them. Property definitions and association types live where the standard types keep theirs
 * (Portal.properties, AssociationStore); a schema only names them.
 */

/** One association definition a schema made (crm-schemas-v3 `AssociationDefinition`), both directions' type ids. */
export interface SchemaAssociation {
  /** The association type id from `fromObjectTypeId` to `toObjectTypeId`; the definition's `id`. */
  typeId: number;
  /** The type id of the other direction (the same id for an object associated with itself). */
  inverseTypeId: number;
  fromObjectTypeId: string;
  toObjectTypeId: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

export interface CustomObjectSchema {
  /** The `<n>` of `2-<n>`, HubSpot's schema `id`. */
  id: string;
  objectTypeId: string;
  name: string;
  fullyQualifiedName: string;
  labels: { singular: string; plural: string };
  description?: string;
  requiredProperties: string[];
  searchableProperties: string[];
  primaryDisplayProperty?: string;
  secondaryDisplayProperties: string[];
  allowsSensitiveProperties: boolean;
  restorable?: boolean;
  archived: boolean;
  archivedAt?: string;
  createdAt: string;
  updatedAt: string;
  /** The object type every CRM route uses for the schema's records, properties and associations. */
  type: ObjectTypeInfo;
}

/** The object type of a custom object: named by its fully qualified name, scoped by HubSpot's `custom` scopes. */
export function customObjectType(objectTypeId: string, fullyQualifiedName: string, name: string): ObjectTypeInfo {
  return {
    name: fullyQualifiedName,
    id: objectTypeId,
    singular: name,
    createdProperty: 'hs_createdate',
    modifiedProperty: 'hs_lastmodifieddate',
    // The Custom Objects spec has `POST /crm/v3/objects/{objectType}/merge` (HUBSPOT-FACTS §3).
    mergeable: true,
    uniqueProperties: [],
    scope: 'custom',
    custom: true,
  };
}

/** The property group HubSpot creates with a schema (`my_object_information` in the spec's example). */
export const schemaGroupName = (name: string) => `${name}_information`;

/** A portal's schemas: live and archived ones, the lookup index and the `2-<n>` numbering. */
export class CustomObjectSchemas {
  private readonly byTypeId = new Map<string, CustomObjectSchema>();
  /** Lower-cased `2-<n>`, fully qualified name and name → the schema. */
  private readonly index = new Map<string, CustomObjectSchema>();
  /** Every association definition of the portal's schemas, in creation order. */
  readonly associations: SchemaAssociation[] = [];
  private nextNumber = 1;

  constructor(readonly portalId: number) {}

  /** The next `<n>` of `2-<n>`; numbers are never reused, not even after a purge. */
  allocateNumber(): string {
    return String(this.nextNumber++);
  }

  fullyQualifiedName(name: string): string {
    return `p${this.portalId}_${name}`;
  }

  add(schema: CustomObjectSchema): void {
    this.byTypeId.set(schema.objectTypeId, schema);
    for (const key of [schema.objectTypeId, schema.fullyQualifiedName, schema.name]) this.index.set(key.toLowerCase(), schema);
  }

  /** Forgets a schema for good (purge): its name is free again. */
  remove(schema: CustomObjectSchema): void {
    this.byTypeId.delete(schema.objectTypeId);
    for (const key of [schema.objectTypeId, schema.fullyQualifiedName, schema.name]) this.index.delete(key.toLowerCase());
    for (let i = this.associations.length - 1; i >= 0; i--) {
      const a = this.associations[i]!;
      if (a.fromObjectTypeId === schema.objectTypeId || a.toObjectTypeId === schema.objectTypeId) this.associations.splice(i, 1);
    }
  }

  /** The schema a path segment names, archived or not. */
  find(segment: string): CustomObjectSchema | undefined {
    return this.index.get(segment.toLowerCase());
  }

  /** The object type of a live schema named by a path segment; archived schemas have no reachable records. */
  liveType(segment: string): ObjectTypeInfo | undefined {
    const schema = this.index.get(segment.toLowerCase());
    return schema && !schema.archived ? schema.type : undefined;
  }

  byObjectTypeId(objectTypeId: string): CustomObjectSchema | undefined {
    return this.byTypeId.get(objectTypeId);
  }

  /** Live (or, with `archived`, only archived) schemas in `2-<n>` order. */
  list(archived = false): CustomObjectSchema[] {
    return [...this.byTypeId.values()].filter((s) => s.archived === archived);
  }

  /** The association definitions that start or end at an object type. */
  associationsOf(objectTypeId: string): SchemaAssociation[] {
    return this.associations.filter((a) => a.fromObjectTypeId === objectTypeId || a.toObjectTypeId === objectTypeId);
  }
}
