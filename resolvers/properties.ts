import { GraphQLError } from 'graphql';
import { canonicalType } from '../src/crm/connections';
import type { PropertyDefinitionDto, PropertyGroupDto } from '../src/crm/metadataDtos';
import type { PropertyFieldType, PropertyType, Resolvers } from '../src/generated/graphql';

/** HubSpot's documented `type` values (crm-properties-v3 PropertyCreate); answers may hold others. */
const PROPERTY_TYPES: ReadonlySet<string> = new Set<PropertyType>(['STRING', 'NUMBER', 'DATE', 'DATETIME', 'ENUMERATION', 'BOOL', 'PHONE_NUMBER']);
/** HubSpot's documented `fieldType` values; answers may hold others (calculation_rollup …). */
const FIELD_TYPES: ReadonlySet<string> = new Set<PropertyFieldType>([
  'TEXT', 'TEXTAREA', 'HTML', 'PHONENUMBER', 'NUMBER', 'DATE', 'SELECT', 'RADIO', 'CHECKBOX', 'BOOLEANCHECKBOX', 'FILE', 'CALCULATION_EQUATION',
]);

/** HubSpot's lower-case word as our enum value, or OTHER: an answer HubSpot adds later must not fail the query. */
const knownOr = <T extends string>(known: ReadonlySet<string>, raw: string | undefined): T | 'OTHER' => {
  const upper = (raw ?? '').toUpperCase();
  return known.has(upper) ? (upper as T) : 'OTHER';
};

/** HubSpot sends an empty string for "no description". */
const textOrNull = (s: string | null | undefined) => (s ? s : null);

const withType = <T>(objectType: string, items: T[]) => items.map((item) => ({ ...item, objectType }));

/** Property definitions and groups (crm properties v3), read through the per-portal metadata cache. */
export const propertyResolvers: Resolvers = {
  Query: {
    propertyDefinitions: async (_root, { objectType, archived }, { metadata }): Promise<PropertyDefinitionDto[]> =>
      withType(canonicalType(objectType), await metadata.propertyDefinitions(objectType, archived ?? false)),
    propertyDefinition: async (_root, { objectType, name }, { metadata }): Promise<PropertyDefinitionDto> => {
      const type = canonicalType(objectType);
      const p = await metadata.propertyDefinition(type, name);
      if (!p) throw new GraphQLError(`Object type ${type} has no property named '${name}'`, { extensions: { code: 'NOT_FOUND', objectType: type, name } });
      return { ...p, objectType: type };
    },
    propertyGroups: async (_root, { objectType }, { metadata }): Promise<PropertyGroupDto[]> =>
      withType(canonicalType(objectType), await metadata.propertyGroups(objectType)),
  },
  PropertyDefinition: {
    type: (p) => knownOr<PropertyType>(PROPERTY_TYPES, p.type),
    fieldType: (p) => knownOr<PropertyFieldType>(FIELD_TYPES, p.fieldType),
    hubspotType: (p) => p.type,
    hubspotFieldType: (p) => p.fieldType,
    description: (p) => textOrNull(p.description),
    group: async (p, _args, { metadata }) => {
      const g = await metadata.propertyGroup(p.objectType, p.groupName);
      return g && { ...g, objectType: p.objectType };
    },
    options: (p) => p.options ?? [],
    displayOrder: (p) => p.displayOrder ?? null,
    hasUniqueValue: (p) => p.hasUniqueValue ?? false,
    hidden: (p) => p.hidden ?? false,
    formField: (p) => p.formField ?? false,
    calculated: (p) => p.calculated ?? false,
    externalOptions: (p) => p.externalOptions ?? false,
    hubspotDefined: (p) => p.hubspotDefined ?? false,
    readOnlyValue: (p) => p.modificationMetadata?.readOnlyValue ?? false,
    readOnlyDefinition: (p) => p.modificationMetadata?.readOnlyDefinition ?? false,
    archived: (p) => p.archived ?? false,
    referencedObjectType: (p) => p.referencedObjectType ?? null,
    createdAt: (p) => p.createdAt ?? null,
    updatedAt: (p) => p.updatedAt ?? null,
  },
  PropertyOption: {
    displayOrder: (o) => o.displayOrder ?? null,
    hidden: (o) => o.hidden ?? false,
    description: (o) => textOrNull(o.description),
  },
  PropertyGroup: {
    properties: async (g, _args, { metadata }) =>
      withType(g.objectType, (await metadata.propertyDefinitions(g.objectType)).filter((p) => p.groupName === g.name)),
  },
};
