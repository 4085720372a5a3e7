import { GraphQLError, getNamedType, isInputObjectType, isListType, isNonNullType, type GraphQLInputType, type GraphQLSchema } from 'graphql';
import { propertyNameOf } from './propertyNames';

/** HubSpot's stored form of a typed GraphQL value: every value a string. */
function serialize(type: GraphQLInputType, value: unknown): string {
  // An explicit null clears the property: HubSpot clears with an empty string.
  if (value === null || value === undefined) return '';
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return (value as unknown[]).map(String).join(';');
  switch (getNamedType(type).name) {
    case 'Date':
      // Midnight UTC in epoch milliseconds, the only form HubSpot accepts for date properties.
      return String(Date.parse(`${value as string}T00:00:00.000Z`));
    case 'DateTime':
      return String(Date.parse(value as string));
    case 'Boolean':
      return value ? 'true' : 'false';
    default:
      return String(value);
  }
}

/**
 * The `properties` object of a HubSpot write from a typed `…PropertiesInput` and the free `otherProperties`
 * list. A property given twice is a user error rather than a silent pick.
 */
export function toHubSpotProperties(
  schema: GraphQLSchema,
  inputTypeName: string,
  typed: Record<string, unknown> | null | undefined,
  other: ReadonlyArray<{ name: string; value?: string | null }> | null | undefined,
): Record<string, string> {
  const type = schema.getType(inputTypeName);
  const out: Record<string, string> = {};
  if (typed && isInputObjectType(type)) {
    const fields = type.getFields();
    for (const [name, value] of Object.entries(typed)) {
      const field = fields[name];
      // A field whose name is mapped (@hubspotProperty) writes the property it stands for.
      if (field) out[propertyNameOf(field)] = serialize(field.type, value);
    }
  }
  for (const { name, value } of other ?? []) {
    if (name in out) {
      throw new GraphQLError(`Property '${name}' is given twice (in properties and otherProperties)`, { extensions: { code: 'BAD_USER_INPUT' } });
    }
    out[name] = value ?? '';
  }
  return out;
}
