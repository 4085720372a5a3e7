import { AssociationTypeDef, defaultAssociationTypes } from './associationTypes';
import { CustomObjectSchemas } from './customObjects';
import { defaultPropertiesOf, PropertyDefinition } from './defaultProperties';
import { OBJECT_TYPES, ObjectTypeInfo, objectTypeOf } from './objectTypes';

/** One entry of a property's history (crm-objects-v3 `ValueWithTimestamp`). */
export interface HistoryEntry {
  value: string;
  timestamp: string;
  sourceType: string;
  sourceId?: string;
  sourceLabel?: string;
  updatedByUserId?: number;
}

/** A CRM record as stored: every value a string, as HubSpot stores it. */
export interface CrmRecord {
  id: string;
  properties: Record<string, string>;
  /** Newest first, as HubSpot returns `propertiesWithHistory`. */
  history: Record<string, HistoryEntry[]>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
}

export interface PropertyGroup {
  name: string;
  label: string;
  displayOrder: number;
  archived: boolean;
}

// Pipelines are stored in exactly their wire shape: one definition, shared with the REST client.
export type { Pipeline, PipelineStage } from '../hubspot/types';
import type { Pipeline } from '../hubspot/types';

export interface Owner {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  userId: number;
  userIdIncludingInactive: number;
  type: 'PERSON' | 'QUEUE';
  teams: Array<{ id: string; name: string; primary: boolean }>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface AccountDetails {
  portalId: number;
  accountType: 'STANDARD' | 'SANDBOX' | 'DEVELOPER_TEST' | 'APP_DEVELOPER';
  timeZone: string;
  companyCurrency: string;
  additionalCurrencies: string[];
  utcOffset: string;
  utcOffsetMilliseconds: number;
  uiDomain: string;
  dataHostingLocation: string;
}

/** Key of an association edge's far end: `${toTypeId}:${toId}`. */
const farKey = (typeId: string, id: string) => `${typeId}:${id}`;

/**
 * Associations between records, stored in both directions: adding contact→company with type 279 also adds
 * company→contact with its inverse 280, so every read sees a consistent graph.
 */
export class AssociationStore {
  /** `${fromTypeId}:${fromId}` → `${toTypeId}:${toId}` → association type ids. */
  private readonly edges = new Map<string, Map<string, Set<number>>>();
  /** All known association types, HubSpot-defined and user-defined, keyed by `${from}|${to}`. */
  readonly types = new Map<string, AssociationTypeDef[]>();
  private nextTypeId = 1000;

  constructor() {
    for (const def of defaultAssociationTypes()) this.addTypeDef(def);
  }

  addTypeDef(def: AssociationTypeDef): void {
    const key = `${def.fromTypeId}|${def.toTypeId}`;
    const list = this.types.get(key) ?? [];
    list.push(def);
    this.types.set(key, list);
  }

  allocateTypeId(): number {
    return this.nextTypeId++;
  }

  typesBetween(fromTypeId: string, toTypeId: string): AssociationTypeDef[] {
    return this.types.get(`${fromTypeId}|${toTypeId}`) ?? [];
  }

  typeDef(fromTypeId: string, toTypeId: string, typeId: number): AssociationTypeDef | undefined {
    return this.typesBetween(fromTypeId, toTypeId).find((d) => d.typeId === typeId);
  }

  /**
   * The unlabeled type of a pair (the "default association"), if the pair has one: HubSpot's own for standard
   * types, the USER_DEFINED one a schema made for a custom object.
   */
  defaultType(fromTypeId: string, toTypeId: string): AssociationTypeDef | undefined {
    const types = this.typesBetween(fromTypeId, toTypeId);
    return types.find((d) => d.category === 'HUBSPOT_DEFINED' && d.label === null) ?? types.find((d) => d.label === null);
  }

  /** Drops one direction of an association type; associations still carrying it drop it at read time. */
  removeTypeDef(fromTypeId: string, toTypeId: string, typeId: number): void {
    const key = `${fromTypeId}|${toTypeId}`;
    this.types.set(key, (this.types.get(key) ?? []).filter((d) => d.typeId !== typeId));
  }

  /** Adds one association type between two records, and its inverse. Returns false if the type is unknown. */
  add(fromTypeId: string, fromId: string, toTypeId: string, toId: string, typeId: number): boolean {
    const def = this.typeDef(fromTypeId, toTypeId, typeId);
    if (!def) return false;
    this.link(fromTypeId, fromId, toTypeId, toId, typeId);
    this.link(toTypeId, toId, fromTypeId, fromId, def.inverseTypeId);
    return true;
  }

  private link(fromTypeId: string, fromId: string, toTypeId: string, toId: string, typeId: number): void {
    const from = farKey(fromTypeId, fromId);
    const targets = this.edges.get(from) ?? new Map<string, Set<number>>();
    this.edges.set(from, targets);
    const types = targets.get(farKey(toTypeId, toId)) ?? new Set<number>();
    targets.set(farKey(toTypeId, toId), types);
    types.add(typeId);
  }

  /** Removes one association type (and its inverse) between two records. */
  removeType(fromTypeId: string, fromId: string, toTypeId: string, toId: string, typeId: number): void {
    const def = this.typeDef(fromTypeId, toTypeId, typeId);
    this.unlink(fromTypeId, fromId, toTypeId, toId, typeId);
    if (def) this.unlink(toTypeId, toId, fromTypeId, fromId, def.inverseTypeId);
  }

  private unlink(fromTypeId: string, fromId: string, toTypeId: string, toId: string, typeId: number): void {
    const targets = this.edges.get(farKey(fromTypeId, fromId));
    const types = targets?.get(farKey(toTypeId, toId));
    if (!targets || !types) return;
    types.delete(typeId);
    if (types.size === 0) targets.delete(farKey(toTypeId, toId));
  }

  /** Removes every association type between two records, both directions. */
  removeAll(fromTypeId: string, fromId: string, toTypeId: string, toId: string): void {
    this.edges.get(farKey(fromTypeId, fromId))?.delete(farKey(toTypeId, toId));
    this.edges.get(farKey(toTypeId, toId))?.delete(farKey(fromTypeId, fromId));
  }

  /** The records of one type associated with a record, ordered by numeric id, with their type ids. */
  list(fromTypeId: string, fromId: string, toTypeId: string): Array<{ toId: string; typeIds: number[] }> {
    const targets = this.edges.get(farKey(fromTypeId, fromId));
    if (!targets) return [];
    const prefix = `${toTypeId}:`;
    const out: Array<{ toId: string; typeIds: number[] }> = [];
    for (const [key, types] of targets) {
      if (key.startsWith(prefix)) out.push({ toId: key.slice(prefix.length), typeIds: [...types].sort((a, b) => a - b) });
    }
    return out.sort((a, b) => Number(a.toId) - Number(b.toId) || a.toId.localeCompare(b.toId));
  }

  /** Drops every association of a record (archive, GDPR delete). */
  removeRecord(typeId: string, id: string): void {
    const targets = this.edges.get(farKey(typeId, id));
    if (!targets) return;
    for (const key of targets.keys()) this.edges.get(key)?.delete(farKey(typeId, id));
    this.edges.delete(farKey(typeId, id));
  }

  /** Moves every association of `fromId` onto `toId` (merge). */
  moveRecord(typeId: string, fromId: string, toId: string): void {
    const targets = this.edges.get(farKey(typeId, fromId));
    if (!targets) return;
    for (const [far, types] of targets) {
      const [farType, farId] = splitKey(far);
      if (farType === typeId && farId === toId) continue;
      for (const t of types) this.add(typeId, toId, farType, farId, t);
    }
    this.removeRecord(typeId, fromId);
  }
}

const splitKey = (key: string): [string, string] => {
  const i = key.lastIndexOf(':');
  return [key.slice(0, i), key.slice(i + 1)];
};

/**
 * One HubSpot account ("portal") of the emulator: its records, schema, associations, pipelines and owners.
 * Portals are isolated from each other; a token maps to exactly one portal.
 */
export class Portal {
  readonly records = new Map<string, Map<string, CrmRecord>>();
  readonly properties = new Map<string, Map<string, PropertyDefinition>>();
  readonly propertyGroups = new Map<string, Map<string, PropertyGroup>>();
  readonly associations = new AssociationStore();
  /** Pipelines of deals (`0-3`) and tickets (`0-5`), keyed by pipeline id. */
  readonly pipelines = new Map<string, Map<string, Pipeline>>();
  readonly owners: Owner[] = [];
  /** Ids absorbed by a merge → the surviving id, keyed by `${typeId}:${id}`. */
  readonly mergedInto = new Map<string, string>();
  /** Emails removed by GDPR delete; HubSpot blocks them from being recreated. */
  readonly gdprBlocklist = new Set<string>();
  /** Custom object types (Schemas API); their records, properties and groups sit in the maps above. */
  readonly schemas: CustomObjectSchemas;
  details: AccountDetails;
  private nextRecordId = 1;

  constructor(readonly portalId: number) {
    this.schemas = new CustomObjectSchemas(portalId);
    this.details = {
      portalId,
      accountType: 'STANDARD',
      timeZone: 'US/Eastern',
      companyCurrency: 'USD',
      additionalCurrencies: ['EUR', 'GBP'],
      utcOffset: '-05:00',
      utcOffsetMilliseconds: -18000000,
      uiDomain: 'app.hubspot.com',
      dataHostingLocation: 'na1',
    };
    for (const type of OBJECT_TYPES) {
      this.records.set(type.id, new Map());
      const props = new Map(defaultPropertiesOf(type.name, type.singular).map((p) => [p.name, p]));
      this.properties.set(type.id, props);
      this.propertyGroups.set(
        type.id,
        new Map([[`${type.singular}information`, { name: `${type.singular}information`, label: `${labelOf(type.singular)} information`, displayOrder: 0, archived: false }]]),
      );
    }
  }

  /**
   * The object type a path segment names in this portal: a standard type (by name, singular or `0-<n>`), else a
   * live custom object type (by `2-<n>`, fully qualified name or name). Standard types resolve first, with one
   * map lookup, so their routes pay nothing for custom objects.
   */
  objectType(segment: string): ObjectTypeInfo | undefined {
    return objectTypeOf(segment) ?? this.schemas.liveType(segment);
  }

  /** Gives a new (custom) object type its record, property and property group maps. */
  addObjectType(type: ObjectTypeInfo, properties: PropertyDefinition[], group: PropertyGroup): void {
    this.records.set(type.id, new Map());
    this.properties.set(type.id, new Map(properties.map((p) => [p.name, p])));
    this.propertyGroups.set(type.id, new Map([[group.name, group]]));
  }

  /** Forgets an object type's records (and their associations), properties and groups (schema purge). */
  removeObjectType(type: ObjectTypeInfo): void {
    for (const id of this.records.get(type.id)?.keys() ?? []) this.associations.removeRecord(type.id, id);
    this.records.delete(type.id);
    this.properties.delete(type.id);
    this.propertyGroups.delete(type.id);
  }

  /** Record ids are numeric strings, unique across the portal's object types, like HubSpot's. */
  allocateRecordId(): string {
    return String(this.nextRecordId++);
  }

  recordsOf(type: ObjectTypeInfo): Map<string, CrmRecord> {
    return this.records.get(type.id)!;
  }

  propertiesOf(type: ObjectTypeInfo): Map<string, PropertyDefinition> {
    return this.properties.get(type.id)!;
  }
}

const labelOf = (s: string) => s.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
