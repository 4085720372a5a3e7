import { graphql, type GraphQLFieldResolver } from 'graphql';
import { buildSchema } from '../../../src/graphql/schema';
import { connectionNeeds, needsOf, type Needs } from '../../../src/graphql/selection';

/**
 * The real schema, with the resolvers of the fields under test replaced by ones that record what the
 * selection needs (as the gateway's resolvers compute it) and return nothing.
 */
const schema = buildSchema();
let needs: Record<string, Needs> = {};

function capture(typeName: string, fieldName: string, record: GraphQLFieldResolver<unknown, unknown>): void {
  const field = schema.getType(typeName) && (schema.getType(typeName) as { getFields(): Record<string, { resolve?: unknown }> }).getFields()[fieldName];
  if (!field) throw new Error(`${typeName}.${fieldName} is not in the schema`);
  field.resolve = record;
}

const emptyConnection = { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };
const contactRecord = { objectType: 'contacts', id: '1', properties: {}, propertiesWithHistory: {}, createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z', archived: false };

capture('Query', 'contact', (_root, _args, _ctx, info) => {
  needs.Contact = needsOf(info, 'Contact');
  // Resolves to a record so that selections below it (associations) are executed too.
  return contactRecord;
});
capture('Query', 'deal', (_root, _args, _ctx, info) => {
  needs.Deal = needsOf(info, 'Deal');
  return null;
});
capture('Query', 'node', (_root, _args, _ctx, info) => {
  needs.Contact = needsOf(info, 'Contact');
  needs.Company = needsOf(info, 'Company');
  return null;
});
capture('Query', 'contacts', (_root, _args, _ctx, info) => {
  needs.connection = connectionNeeds(info, 'Contact');
  return emptyConnection;
});
capture('Contact', 'companies', (_record, _args, _ctx, info) => {
  needs.companies = connectionNeeds(info, 'Company');
  return emptyConnection;
});
capture('Contact', 'deals', () => emptyConnection);

async function needsFor(source: string, variableValues?: Record<string, unknown>): Promise<Record<string, Needs>> {
  needs = {};
  const res = await graphql({ schema, source, variableValues, contextValue: {} });
  expect(res.errors).toBeUndefined();
  return needs;
}

const props = (...properties: string[]): Needs => ({ properties, history: [] });

describe('selection → HubSpot properties', () => {
  test('scalar fields ask for the property of their name; record fields (id, dates, __typename) ask for none', async () => {
    const n = await needsFor('{ contact(id: "1") { id hs_object_id objectType createdAt updatedAt archived archivedAt __typename firstname email } }');
    expect(n.Contact).toEqual(props('email', 'firstname'));
  });

  test('aliases ask for the property, not the alias; a property selected twice is asked once', async () => {
    const n = await needsFor('{ contact(id: "1") { mail: email email other: firstname score: property(name: "email") } }');
    expect(n.Contact).toEqual(props('email', 'firstname'));
  });

  test('named fragments, nested fragments and fragments on the interfaces (CrmObject, Node) all count', async () => {
    const n = await needsFor(`
      { contact(id: "1") { ...Names ...Generic ...AnyNode } }
      fragment Names on Contact { email ...Last }
      fragment Last on Contact { lastname }
      fragment Generic on CrmObject { property(name: "custom_score") }
      fragment AnyNode on Node { ... on Contact { phone } ... on Company { name } }
    `);
    expect(n.Contact).toEqual(props('custom_score', 'email', 'lastname', 'phone'));
  });

  test('inline fragments apply by type: the concrete type, its interfaces and untyped ones, never other types', async () => {
    const n = await needsFor(`{ node(id: "x") {
      ... on Contact { email }
      ... on Company { name domain }
      ... on CrmObject { property(name: "shared") }
      ... { ... on Contact { jobtitle } }
    } }`);
    expect(n.Contact).toEqual(props('email', 'jobtitle', 'shared'));
    expect(n.Company).toEqual(props('domain', 'name', 'shared'));
  });

  test('variables name the properties of property(name:), properties(names:) and propertyHistory(name:)', async () => {
    const n = await needsFor(
      `query($p: String!, $ps: [String!]!, $h: String!) { contact(id: "1") {
        property(name: $p) properties(names: $ps) { name value } propertyHistory(name: $h) { value timestamp }
      } }`,
      { p: 'hs_lead_status', ps: ['city', 'zip'], h: 'lifecyclestage' },
    );
    expect(n.Contact).toEqual({ properties: ['city', 'hs_lead_status', 'zip'], history: ['lifecyclestage'] });
  });

  test('fields marked @hubspotProperties ask for the properties the directive names', async () => {
    const n = await needsFor('{ deal(id: "1") { stage { label } pipeline { label } owner { email } } }');
    expect(n.Deal).toEqual(props('dealstage', 'hubspot_owner_id', 'pipeline'));
  });

  test('association fields need no property of the record they hang on', async () => {
    const n = await needsFor('{ contact(id: "1") { companies { nodes { name } } deals(first: 5) { edges { node { dealname } } } } }');
    expect(n.Contact).toEqual(props());
  });

  test('fields skipped by @skip/@include ask for nothing', async () => {
    const n = await needsFor(
      `query($yes: Boolean!, $no: Boolean!) { contact(id: "1") {
        email @skip(if: true) phone @include(if: $yes) city @include(if: $no)
        ... @include(if: false) { firstname } ...Last @skip(if: $yes)
      } } fragment Last on Contact { lastname }`,
      { yes: true, no: false },
    );
    expect(n.Contact).toEqual(props('phone'));
  });
});

describe('selection → properties of connection nodes', () => {
  test('a connection asks for the union of edges.node and nodes, through fragments and aliases', async () => {
    const n = await needsFor(
      '{ contacts(first: 5) { edges { cursor node { email } } all: nodes { ...F } skipped: nodes @skip(if: true) { phone } pageInfo { hasNextPage } } } fragment F on Contact { firstname }',
    );
    expect(n.connection).toEqual(props('email', 'firstname'));
  });

  test("an association connection's nodes ask for their own properties, not those of records further down", async () => {
    const n = await needsFor('{ contact(id: "1") { companies { nodes { name contacts { nodes { email } } } edges { node { domain } types { label } } } } }');
    expect(n.companies).toEqual(props('domain', 'name'));
    expect(n.Contact).toEqual(props());
  });
});
