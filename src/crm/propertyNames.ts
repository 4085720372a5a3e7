import { Kind, type GraphQLField, type GraphQLInputField } from 'graphql';

/**
 * The HubSpot property a field stands for: the name its `@hubspotProperty(name:)` directive gives (a property whose
 * name is not a valid or free GraphQL name, mapped by src/portalSchema/names.ts), else the field's own name.
 */
export function propertyNameOf(field: Pick<GraphQLField<unknown, unknown> | GraphQLInputField, 'name' | 'astNode'>): string {
  const directive = field.astNode?.directives?.find((d) => d.name.value === 'hubspotProperty');
  const arg = directive?.arguments?.find((a) => a.name.value === 'name')?.value;
  return arg?.kind === Kind.STRING ? arg.value : field.name;
}
