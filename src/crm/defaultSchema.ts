/**
 * Renders schema/crm-types.graphql: a GraphQL type per standard CRM object with a typed field per HubSpot default
 * property (named as HubSpot names it), its association and link fields, connection types and root fields.
 * Run with `npm run schema:defaults` after changing the registry or the property table; the SDL it writes is
 * committed and is the source of truth for codegen and the server.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultPropertiesOf, type PropertyDefinition } from '../emulator/defaultProperties';
import { CRM_TYPES, crmTypeOf, type CrmTypeInfo } from './registry';

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

function renderType(t: CrmTypeInfo): string {
  const singular = t.objectType.replace(/ies$/, 'y').replace(/s$/, '');
  const linkNames = new Set(t.links.map((l) => l.field));
  const props = defaultPropertiesOf(t.objectType, singular).filter((p) => p.name !== 'hs_object_id' && !linkNames.has(p.name));
  const lines = [`${quote(t.description)}`, `type ${t.graphqlType} implements Node & CrmObject {`, COMMON];
  for (const p of props) {
    lines.push(`  ${quote(`${p.label} (\`${p.name}\`, HubSpot type ${p.type}/${p.fieldType}${p.calculated ? ', read-only' : ''}).`)}`);
    lines.push(`  ${p.name}: ${graphqlTypeOfProperty(p)}`);
  }
  for (const l of t.links) {
    lines.push(`  ${quote(l.description)}`);
    lines.push(`  ${l.field}: ${l.type} @hubspotProperties(names: [${l.properties.map(quote).join(', ')}])`);
  }
  for (const a of t.associations) {
    const target = crmTypeOf(a.toObjectType)!;
    lines.push(`  ${quote(a.description ?? `${target.graphqlType} records associated with this ${t.graphqlType.toLowerCase()}.`)}`);
    lines.push(
      a.single
        ? `  ${a.field}: ${singularOfTarget(target)}`
        : `  ${a.field}(first: Int = 10, after: String, "Only associations with this label." label: String): ${target.graphqlType}AssociationConnection!`,
    );
  }
  lines.push('}');
  const T = t.graphqlType;
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
    `  ${quote(`A page of ${t.objectType.replace('_', ' ')}, in HubSpot's order.`)}`,
    `  ${t.plural}(first: Int = 10, after: String, archived: Boolean = false): ${T}Connection!`,
    `  ${quote(`Several ${t.objectType.replace('_', ' ')} by id (or by the unique property \`idProperty\`), in the order asked; null for ids HubSpot does not have.`)}`,
    `  ${t.plural}ByIds(ids: [ID!]!, idProperty: String): [${T}]!`,
    `  ${quote(`Searches ${t.objectType.replace('_', ' ')}: filter groups are ORed, filters in a group ANDed.`)}`,
    `  search${T === 'LineItem' ? 'LineItems' : t.plural[0]!.toUpperCase() + t.plural.slice(1)}(query: String, filterGroups: [FilterGroupInput!], sorts: [SortInput!], first: Int = 10, after: String): ${T}Connection!`,
    `}`,
  );
  return lines.join('\n');
}

/** Types that HubSpot can merge (POST …/merge). */
export const MERGEABLE = new Set(['contacts', 'companies', 'deals', 'tickets']);

const upper = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/** Inputs, payloads and mutations of one CRM type, object first in the names (`contactCreate`, `contactsBatchUpsert`). */
function renderMutations(t: CrmTypeInfo): string {
  const singular = t.objectType.replace(/ies$/, 'y').replace(/s$/, '');
  const T = t.graphqlType;
  const writable = defaultPropertiesOf(t.objectType, singular).filter((p) => !p.modificationMetadata.readOnlyValue);
  const plural = t.plural;
  const lines = [
    `"Typed properties of a ${T} to write. A field left out is unchanged; an explicit null clears the value."`,
    `input ${T}PropertiesInput {`,
    ...writable.map((p) => `  ${p.name}: ${graphqlTypeOfProperty(p)}`),
    '}',
    '',
    `input ${T}CreateInput {`,
    `  properties: ${T}PropertiesInput`,
    `  "Any other property (custom ones included), by name."`,
    '  otherProperties: [PropertyValueInput!]',
    '  associations: [AssociationInput!]',
    '}',
    '',
    `input ${T}UpdateInput {`,
    `  "The HubSpot id, or the value of \`idProperty\`."`,
    '  id: ID!',
    '  idProperty: String',
    `  properties: ${T}PropertiesInput`,
    '  otherProperties: [PropertyValueInput!]',
    '}',
    '',
    `input ${T}UpsertInput {`,
    '  "The value of the unique property named by the mutation\'s `idProperty`."',
    '  id: ID!',
    `  properties: ${T}PropertiesInput`,
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
    ...CRM_TYPES.map(renderMutations).map((s) => `${s}\n`),
  ].join('\n');
}

export function renderDefaultCrmSchema(): string {
  return [
    '# Generated by `npm run schema:defaults` (src/crm/defaultSchema.ts) from the registry of CRM types and',
    "# HubSpot's default properties. Edit those, not this file.",
    '',
    ...CRM_TYPES.map(renderType).map((s) => `${s}\n`),
  ].join('\n');
}

if (require.main === module) {
  for (const [file, render] of [['crm-types.graphql', renderDefaultCrmSchema], ['crm-mutations.graphql', renderDefaultCrmMutations]] as const) {
    const out = join(__dirname, '../../schema', file);
    writeFileSync(out, render());
    process.stdout.write(`wrote ${out}\n`);
  }
}
