import { getNamedType, GraphQLError, isEnumType, isListType, isNonNullType, isObjectType, type GraphQLOutputType, type GraphQLSchema } from 'graphql';
import { propertyNameOf } from './propertyNames';
import type { CrmRecord } from './record';

const RECORD_FIELDS = new Set(['id', 'hs_object_id', 'objectType', 'createdAt', 'updatedAt', 'archived', 'archivedAt', 'property', 'properties', 'propertyHistory']);

const empty = (v: string | null | undefined): v is null | undefined => v === null || v === undefined || v === '';

/** Converts HubSpot's stored string to the field's GraphQL type. */
function converter(type: GraphQLOutputType, property: string): (raw: string | null | undefined) => unknown {
  const inner = isNonNullType(type) ? type.ofType : type;
  const named = getNamedType(type);
  // An enumeration's value must be one of its options as the schema knows them (hidden ones included); one that is
  // not (an option added since the schema was built) is an error naming the property, rather than a value silently dropped.
  const member = isEnumType(named) ? new Set(named.getValues().map((v) => v.value as string)) : undefined;
  const checked = (v: string) => {
    if (member && !member.has(v)) {
      throw new GraphQLError(`Property '${property}' has the value '${v}', which is not one of the options in the schema (${named.name}); read it with property(name: "${property}") (an option added in HubSpot joins the enum when the schema reloads)`, { extensions: { code: 'UPSTREAM_ERROR' } });
    }
    return v;
  };
  if (isListType(inner)) return (v) => (empty(v) ? null : v.split(';').filter(Boolean).map(checked));
  if (member) return (v) => (empty(v) ? null : checked(v));
  switch (named.name) {
    case 'Float':
      return (v) => (empty(v) || !Number.isFinite(Number(v)) ? null : Number(v));
    case 'Int':
      return (v) => (empty(v) || !Number.isInteger(Number(v)) ? null : Number(v));
    case 'Boolean':
      return (v) => (v === 'true' ? true : v === 'false' ? false : null);
    default:
      return (v) => (empty(v) ? null : v);
  }
}

/**
 * Gives every scalar field of a CRM type that has no resolver of its own a resolver reading the HubSpot property
 * of the same name from the record, converted to the field's type. So property fields need no code: a field
 * in the SDL is enough (generated defaults, or fields added by `schema pull`).
 */
export function attachPropertyResolvers(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || !type.getInterfaces().some((i) => i.name === 'CrmObject')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.resolve || RECORD_FIELDS.has(field.name) || isObjectType(getNamedType(field.type))) continue;
      const name = propertyNameOf(field);
      const convert = converter(field.type, name);
      field.resolve = (record: CrmRecord) => convert(record.properties[name]);
    }
  }
}
