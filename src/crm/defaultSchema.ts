/**
 * Renders schema/crm-types.graphql: a GraphQL type per standard CRM object with a typed field per HubSpot default
 * property (named as HubSpot names it), its association and link fields, connection types and root fields.
 * Run with `npm run schema:defaults` after changing the registry or the property table; the SDL it writes is
 * committed and is the source of truth for codegen and the server.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultPropertiesOf, type PropertyDefinition } from '../emulator/defaultProperties';
import { CRM_TYPES, crmTypeOf, type AssociationField, type CrmTypeInfo } from './registry';

/**
 * One HubSpot property as a field of a CRM type (and of its `…PropertiesInput` when writable). The renderers below
 * take these, so that the default SDL and a portal's own (src/portalSchema) come out of the same code.
 */
export interface PropertyField {
  /** The GraphQL field name: the property's own name, or its mapping when that is not a valid or free GraphQL name. */
  field: string;
  property: Pick<PropertyDefinition, 'name' | 'label' | 'type' | 'fieldType'> & { calculated?: boolean };
  /** GraphQL type of the output field (and of the input field, when writable). */
  type: string;
  writable: boolean;
  /** Said after the field's standard description (enumeration options, the name mapping). */
  note?: string;
}

/** Finds the type at the other end of an association (the registry, or a portal's types too). */
export type TypeLookup = (objectType: string) => CrmTypeInfo | undefined;

/** The GraphQL type of a HubSpot property (HubSpot `type` and `fieldType`). */
export function graphqlTypeOfProperty(p: Pick<PropertyDefinition, 'name' | 'type' | 'fieldType' | 'referencedObjectType'>): string {
  if (p.referencedObjectType === 'OWNER' || p.name === 'hs_object_id') return 'ID';
  switch (p.type) {
    case 'number': return 'Float';
    case 'bool': return 'Boolean';
    case 'date': return 'Date';
    case 'datetime': return 'DateTime';
    case 'enumeration': return p.fieldType === 'checkbox' ? '[String!]' : 'String';
    default: return 'String';
  }
}

const COMMON = `  id: ID!
  hs_object_id: ID!
  objectType: String!
  createdAt: DateTime!
  updatedAt: DateTime!
  archived: Boolean!
  archivedAt: DateTime
  property(name: String!): String
  properties(names: [String!]!): [PropertyValue!]!
  propertyHistory(name: String!): [PropertyVersion!]!`;

const quote = (s: string) => JSON.stringify(s);

function singularOfTarget(t: CrmTypeInfo) {
  return t.graphqlType;
}

/** The default property fields of a standard type: every HubSpot default property, named as HubSpot names it. */
export function defaultPropertyFields(t: CrmTypeInfo): PropertyField[] {
  const singular = t.objectType.replace(/ies$/, 'y').replace(/s$/, '');
  const linkNames = new Set(t.links.map((l) => l.field));
  return defaultPropertiesOf(t.objectType, singular)
    .filter((p) => p.name !== 'hs_object_id' && !linkNames.has(p.name))
    .map((p) => ({ field: p.name, property: p, type: graphqlTypeOfProperty(p), writable: !p.modificationMetadata.readOnlyValue }));
}

/** A mapped field says which property it is; a directive tells resolvers (src/crm/propertyFields.ts, propertyInput.ts). */
const propertyDirective = (f: PropertyField) => (f.field === f.property.name ? '' : ` @hubspotProperty(name: ${quote(f.property.name)})`);

/** The output fields of properties, with their descriptions. */
export function propertyFieldLines(fields: readonly PropertyField[]): string[] {
  const p = (f: PropertyField) => f.property;
  return fields.flatMap((f) => [
    `  ${quote(`${p(f).label} (\`${p(f).name}\`, HubSpot type ${p(f).type}/${p(f).fieldType}${p(f).calculated ? ', read-only' : ''}).${f.note ? ` ${f.note}` : ''}`)}`,
    `  ${f.field}: ${f.type}${propertyDirective(f)}`,
  ]);
}

/** The input fields of writable properties (described only when there is something to add to the output field's description). */
export function propertyInputLines(fields: readonly PropertyField[]): string[] {
  return fields.filter((f) => f.writable).flatMap((f) => [...(f.note ? [`  ${quote(`\`${f.property.name}\`. ${f.note}`)}`] : []), `  ${f.field}: ${f.type}${propertyDirective(f)}`]);
}

/** The association fields of a type: a connection per associated type, or a single record. */
export function associationFieldLines(t: CrmTypeInfo, associations: readonly AssociationField[], typeOf: TypeLookup = crmTypeOf): string[] {
  return associations.flatMap((a) => {
    const target = typeOf(a.toObjectType)!;
    return [
      `  ${quote(a.description ?? `${target.graphqlType} records associated with this ${t.graphqlType.toLowerCase()}.`)}`,
      a.single
        ? `  ${a.field}: ${singularOfTarget(target)}`
        : `  ${a.field}(first: Int = 10, after: String, "Only associations with this label." label: String): ${target.graphqlType}AssociationConnection!`,
    ];
  });
}

/** A CRM type with its connection types and root fields; `fields` defaults to the type's HubSpot default properties. */
export function renderType(t: CrmTypeInfo, fields: readonly PropertyField[] = defaultPropertyFields(t), typeOf: TypeLookup = crmTypeOf): string {
  const lines = [`${quote(t.description)}`, `type ${t.graphqlType} implements Node & CrmObject {`, COMMON];
  lines.push(...propertyFieldLines(fields));
  for (const l of t.links) {
    lines.push(`  ${quote(l.description)}`);
    lines.push(`  ${l.field}: ${l.type} @hubspotProperties(names: [${l.properties.map(quote).join(', ')}])`);
  }
  lines.push(...associationFieldLines(t, t.associations, typeOf));
  lines.push('}');
  const T = t.graphqlType;
  const words = t.pluralLabel ?? t.objectType.replace('_', ' ');
  lines.push(
    '',
    `type ${T}Edge {\n  cursor: String!\n  node: ${T}!\n}`,
    '',
    `type ${T}Connection {\n  edges: [${T}Edge!]!\n  nodes: [${T}!]!\n  pageInfo: PageInfo!\n  "Number of matches (searches only)."\n  totalCount: Int\n}`,
    '',
    `"A ${T} reached through an association, with the association's types."\ntype ${T}AssociationEdge {\n  cursor: String!\n  "Null when the record cannot be read (the error says why)."\n  node: ${T}\n  types: [AssociationType!]!\n  primary: Boolean!\n}`,
    '',
    `type ${T}AssociationConnection {\n  edges: [${T}AssociationEdge!]!\n  nodes: [${T}]!\n  pageInfo: PageInfo!\n}`,
    '',
    `extend type Query {`,
    `  ${quote(`A ${T} by its HubSpot id, or by a unique property given as \`idProperty\`${t.uniqueProperties.length ? ` (e.g. ${t.uniqueProperties.map((u) => `\`${u}\``).join(', ')})` : ''}.`)}`,
    `  ${t.singular}(id: ID!, idProperty: String): ${T}`,
    `  ${quote(`A page of ${words}, in HubSpot's order.`)}`,
    `  ${t.plural}(first: Int = 10, after: String, archived: Boolean = false): ${T}Connection!`,
    `  ${quote(`Several ${words} by id (or by the unique property \`idProperty\`), in the order asked; null for ids HubSpot does not have.`)}`,
    `  ${t.plural}ByIds(ids: [ID!]!, idProperty: String): [${T}]!`,
    `  ${quote(`Searches ${words}: filter groups are ORed, filters in a group ANDed.`)}`,
    `  search${T === 'LineItem' ? 'LineItems' : t.plural[0]!.toUpperCase() + t.plural.slice(1)}(query: String, filterGroups: [FilterGroupInput!], sorts: [SortInput!], first: Int = 10, after: String): ${T}Connection!`,
    `}`,
  );
  return lines.join('\n');
}

/** The writable default properties of a standard type (hs_object_id and link properties included: they are writable). */
function defaultMutationFields(t: CrmTypeInfo): PropertyField[] {
  const singular = t.objectType.replace(/ies$/, 'y').replace(/s$/, '');
  return defaultPropertiesOf(t.objectType, singular).map((p) => ({ field: p.name, property: p, type: graphqlTypeOfProperty(p), writable: !p.modificationMetadata.readOnlyValue }));
}

/** Types that HubSpot can merge (POST …/merge). */
export const MERGEABLE = new Set(['contacts', 'companies', 'deals', 'tickets']);

const upper = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/** Inputs, payloads and mutations of one CRM type, object first in the names (`contactCreate`, `contactsBatchUpsert`). */
export function renderMutations(t: CrmTypeInfo, fields: readonly PropertyField[] = defaultMutationFields(t)): string {
  const T = t.graphqlType;
  const plural = t.plural;
  const inputs = propertyInputLines(fields);
  // A type with no writable property (a custom object's, possibly) has no typed input: GraphQL forbids an empty one.
  const typed = inputs.length > 0;
  const lines = [
    ...(typed ? [`"Typed properties of a ${T} to write. A field left out is unchanged; an explicit null clears the value."`, `input ${T}PropertiesInput {`, ...inputs, '}', ''] : []),
    `input ${T}CreateInput {`,
    ...(typed ? [`  properties: ${T}PropertiesInput`] : []),
    `  "Any other property (custom ones included), by name."`,
    '  otherProperties: [PropertyValueInput!]',
    '  associations: [AssociationInput!]',
    '}',
    '',
    `input ${T}UpdateInput {`,
    `  "The HubSpot id, or the value of \`idProperty\`."`,
    '  id: ID!',
    '  idProperty: String',
    ...(typed ? [`  properties: ${T}PropertiesInput`] : []),
    '  otherProperties: [PropertyValueInput!]',
    '}',
    '',
    `input ${T}UpsertInput {`,
    '  "The value of the unique property named by the mutation\'s `idProperty`."',
    '  id: ID!',
    ...(typed ? [`  properties: ${T}PropertiesInput`] : []),
    '  otherProperties: [PropertyValueInput!]',
    '}',
    '',
    `type ${T}Payload {`,
    `  ${t.singular}: ${T}`,
    '  userErrors: [UserError!]!',
    '}',
    '',
    `"Results in input order: null where that input failed (see userErrors, whose field starts with the input index)."`,
    `type ${upper(plural)}BatchPayload {`,
    `  ${plural}: [${T}]!`,
    '  userErrors: [UserError!]!',
    '}',
    '',
    'extend type Mutation {',
    `  ${t.singular}Create(input: ${T}CreateInput!): ${T}Payload!`,
    `  ${t.singular}Update(input: ${T}UpdateInput!): ${T}Payload!`,
    `  "Moves the record to the recycle bin."`,
    `  ${t.singular}Archive(id: ID!): ArchivePayload!`,
    ...(MERGEABLE.has(t.objectType)
      ? [`  "Merges \`mergeId\` into \`primaryId\`; the surviving record is the one HubSpot returns (deals get a new id)."`, `  ${t.singular}Merge(primaryId: ID!, mergeId: ID!): ${T}Payload!`]
      : []),
    `  "Creates records; more than 100 inputs are sent as several HubSpot batches."`,
    `  ${plural}BatchCreate(inputs: [${T}CreateInput!]!): ${upper(plural)}BatchPayload!`,
    `  ${plural}BatchUpdate(inputs: [${T}UpdateInput!]!): ${upper(plural)}BatchPayload!`,
    `  "Creates or updates by a unique property (idempotent: safe to retry)."`,
    `  ${plural}BatchUpsert(idProperty: String!, inputs: [${T}UpsertInput!]!): ${upper(plural)}BatchPayload!`,
    `  ${plural}BatchArchive(ids: [ID!]!): BatchArchivePayload!`,
    '}',
  ];
  return lines.join('\n');
}

export function renderDefaultCrmMutations(): string {
  return [
    '# Generated by `npm run schema:defaults` (src/crm/defaultSchema.ts) from the registry of CRM types and',
    "# HubSpot's default properties. Edit those, not this file.",
    '',
    ...CRM_TYPES.map((t) => renderMutations(t)).map((s) => `${s}\n`),
  ].join('\n');
}

export function renderDefaultCrmSchema(): string {
  return [
    '# Generated by `npm run schema:defaults` (src/crm/defaultSchema.ts) from the registry of CRM types and',
    "# HubSpot's default properties. Edit those, not this file.",
    '',
    ...CRM_TYPES.map((t) => renderType(t)).map((s) => `${s}\n`),
  ].join('\n');
}

if (require.main === module) {
  for (const [file, render] of [['crm-types.graphql', renderDefaultCrmSchema], ['crm-mutations.graphql', renderDefaultCrmMutations]] as const) {
    const out = join(__dirname, '../../schema', file);
    writeFileSync(out, render());
    process.stdout.write(`wrote ${out}\n`);
  }
}
