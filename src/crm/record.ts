import type { SimplePublicObject, ValueWithTimestamp } from '../hubspot/types';

/**
 * A CRM record as resolvers see it: HubSpot's object plus the object type it belongs to (HubSpot's answers
 * don't say). Values stay as HubSpot sends them (strings); fields convert them for their GraphQL type.
 */
export interface CrmRecord {
  objectType: string;
  id: string;
  properties: Record<string, string | null>;
  propertiesWithHistory: Record<string, ValueWithTimestamp[]>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
}

export function toRecord(objectType: string, o: SimplePublicObject): CrmRecord {
  return {
    objectType,
    id: o.id,
    properties: { ...o.properties },
    propertiesWithHistory: { ...(o.propertiesWithHistory ?? {}) },
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    archived: o.archived ?? false,
    ...(o.archivedAt ? { archivedAt: o.archivedAt } : {}),
  };
}
