/**
 * Federation mode end to end: the gateway (FEDERATION=true, against the emulator) and a small "loyalty" subgraph
 * that extends Contact by its key are composed by @apollo/gateway (IntrospectAndCompose over HTTP) and queried
 * across both. Upstream calls are counted from the emulator's request log, as in batching.test.ts.
 */
import { ApolloGateway, IntrospectAndCompose } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { LoggedRequest } from '../../src/emulator/requestLog';
import { objectTypeOf } from '../../src/emulator/objectTypes';
import type { Portal } from '../../src/emulator/store';
import { FEDERATION_SPEC_URL, subgraphSdl } from '../../src/graphql/federation';
import { globalId, parseGlobalId } from '../../src/graphql/ids';
import { PORTAL_ID } from '../helpers/emulator';
import { startGateway, type TestGateway } from '../helpers/gateway';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const MEMBERS = 500;
const SEED = { contacts: 520, companies: 60, deals: 0, tickets: 0, products: 0, owners: 4, engagements: 0 };

// ------------------------------------------------------------------------------------------------ the loyalty subgraph

/** Points are a pure function of the HubSpot id, so the test knows every answer. */
const pointsOf = (contactGlobalId: string) => (Number(parseGlobalId(contactGlobalId).id) * 37) % 1000;
const tierOf = (points: number) => (points >= 500 ? 'GOLD' : 'SILVER');

const LOYALTY_SDL = `
  extend schema @link(url: "${FEDERATION_SPEC_URL}", import: ["@key"])
  type Contact @key(fields: "id") {
    id: ID!
    loyaltyPoints: Int!
    tier: String!
  }
  type Query {
    "The programme's top members: references to HubSpot contacts, by the gateway's global id."
    topMembers(first: Int! = ${MEMBERS}): [Contact!]!
  }
`;

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

async function startLoyalty(memberIds: string[]): Promise<{ url: string; server: ApolloServer }> {
  const server = new ApolloServer({
    logger: quiet,
    schema: buildSubgraphSchema({
      typeDefs: parse(LOYALTY_SDL),
      resolvers: {
        Query: { topMembers: (_root: unknown, { first }: { first: number }) => memberIds.slice(0, first).map((id) => ({ id: globalId('contacts', id) })) },
        Contact: {
          __resolveReference: (ref: { id: string }) => ref,
          loyaltyPoints: (c: { id: string }) => pointsOf(c.id),
          tier: (c: { id: string }) => tierOf(pointsOf(c.id)),
        },
      } as never,
    }),
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, server };
}

/** The supergraph: @apollo/gateway composing both subgraphs from their `_service { sdl }`. */
async function startSupergraph(subgraphs: Array<{ name: string; url: string }>): Promise<{ url: string; server: ApolloServer }> {
  const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: new IntrospectAndCompose({ subgraphs }), logger: quiet }), logger: quiet });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, server };
}

async function post(url: string, query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: Json }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, body: await res.json() };
}

// ------------------------------------------------------------------------------------------------ expectations

const contactsType = objectTypeOf('contacts')!;
const companiesType = objectTypeOf('companies')!;

const route = (c: LoggedRequest) => `${c.method} ${c.path}`;
function tally(calls: LoggedRequest[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of calls) out[route(c)] = (out[route(c)] ?? 0) + 1;
  return out;
}
const body = (c: LoggedRequest) => c.requestBody as { inputs: Array<{ id: string }>; properties?: string[] };

const READ_CONTACTS = 'POST /crm/v3/objects/contacts/batch/read';
const READ_COMPANIES = 'POST /crm/v3/objects/companies/batch/read';
const CONTACT_COMPANIES = 'POST /crm/v4/associations/contacts/companies/batch/read';
const LIST_CONTACTS = 'GET /crm/v3/objects/contacts';

describe('federation: the gateway as a subgraph, composed with a loyalty subgraph', () => {
  let gw: TestGateway;
  let portal: Portal;
  let memberIds: string[];
  let loyalty: { url: string; server: ApolloServer };
  let supergraph: { url: string; server: ApolloServer };

  const property = (id: string, name: string) => portal.recordsOf(contactsType).get(id)!.properties[name] ?? null;
  /** A contact's companies as `companies(first: 10)` lists them: live ones, in HubSpot's order. */
  const companiesOf = (id: string) =>
    portal.associations.list(contactsType.id, id, companiesType.id).map((a) => a.toId).filter((c) => portal.recordsOf(companiesType).get(c)?.archived === false).slice(0, 10);

  /** Runs a supergraph query and returns its answer and the HubSpot calls it caused. */
  async function measure(query: string): Promise<{ data: Json; errors?: Json[]; calls: LoggedRequest[] }> {
    const since = gw.emulator.state.log.lastSeq;
    const res = await post(supergraph.url, query);
    expect(res.status).toBe(200);
    return { data: res.body.data, errors: res.body.errors, calls: gw.emulator.state.log.list(since) };
  }

  beforeAll(async () => {
    gw = await startGateway({ emulator: { seed: SEED }, env: { FEDERATION: 'true' } });
    portal = gw.emulator.state.portal(PORTAL_ID);
    memberIds = [...portal.recordsOf(contactsType).keys()].sort((a, b) => Number(a) - Number(b)).slice(0, MEMBERS);
    loyalty = await startLoyalty(memberIds);
    supergraph = await startSupergraph([{ name: 'hubspot', url: gw.url }, { name: 'loyalty', url: loyalty.url }]);
  });
  afterAll(async () => {
    await supergraph?.server.stop();
    await loyalty?.server.stop();
    await gw?.close();
  });

  test('serves its SDL as `_service { sdl }`, the same text print-subgraph prints', async () => {
    const res = await gw.query('{ _service { sdl } }');
    expect(res.status).toBe(200);
    expect(res.body.data._service.sdl).toBe(subgraphSdl());
  });

  test('HubSpot contacts with loyalty fields: the list is 1 HubSpot call, loyalty adds none', async () => {
    const { data, errors, calls } = await measure('{ contacts(first: 5) { nodes { hs_object_id email loyaltyPoints tier } } }');
    expect(errors).toBeUndefined();
    expect(tally(calls)).toEqual({ [LIST_CONTACTS]: 1 });
    const nodes = data.contacts.nodes as Array<{ hs_object_id: string; email: string | null; loyaltyPoints: number; tier: string }>;
    expect(nodes.map((n) => n.hs_object_id)).toEqual(memberIds.slice(0, 5));
    for (const n of nodes) {
      const points = pointsOf(globalId('contacts', n.hs_object_id));
      expect(n).toEqual({ hs_object_id: n.hs_object_id, email: property(n.hs_object_id, 'email'), loyaltyPoints: points, tier: tierOf(points) });
    }
  });

  test(`${MEMBERS} loyalty references to contacts, with their companies: 5 contact batch reads, 1 association read, ⌈companies/100⌉ company reads`, async () => {
    const { data, errors, calls } = await measure('{ topMembers { id loyaltyPoints email firstname companies { nodes { hs_object_id name } } } }');
    expect(errors).toBeUndefined();
    const companies = [...new Set(memberIds.flatMap(companiesOf))];
    expect(companies.length).toBeGreaterThan(0);
    expect(tally(calls)).toEqual({ [READ_CONTACTS]: 5, [CONTACT_COMPANIES]: 1, [READ_COMPANIES]: Math.ceil(companies.length / 100) });

    // Each contact read once, 100 to a call, with exactly the properties selected.
    const contactReads = calls.filter((c) => route(c) === READ_CONTACTS);
    expect(contactReads.flatMap((c) => body(c).inputs.map((i) => i.id)).sort()).toEqual([...memberIds].sort());
    expect(contactReads.map((c) => [body(c).inputs.length, body(c).properties])).toEqual(Array(5).fill([100, ['email', 'firstname']]));
    const companyReads = calls.filter((c) => route(c) === READ_COMPANIES);
    expect(companyReads.flatMap((c) => body(c).inputs.map((i) => i.id)).sort()).toEqual([...companies].sort());

    const members = data.topMembers as Json[];
    expect(members).toHaveLength(MEMBERS);
    members.forEach((m, i) => {
      const id = memberIds[i]!;
      const companyNames = companiesOf(id).map((c) => ({ hs_object_id: c, name: portal.recordsOf(companiesType).get(c)!.properties.name ?? null }));
      expect(m).toEqual({ id: globalId('contacts', id), loyaltyPoints: pointsOf(globalId('contacts', id)), email: property(id, 'email'), firstname: property(id, 'firstname'), companies: { nodes: companyNames } });
    });
  });

  test('links, scalars and @hubspotProperties work through references', async () => {
    const ids = memberIds.slice(0, 3);
    const { data, errors, calls } = await measure('{ topMembers(first: 3) { hs_object_id createdAt owner { email } } }');
    expect(errors).toBeUndefined();
    // `owner` is not a property: its @hubspotProperties directive names the one the read needs.
    const reads = calls.filter((c) => route(c) === READ_CONTACTS);
    expect(reads.map((c) => body(c).properties)).toEqual([['hubspot_owner_id']]);
    // The same fields asked of the gateway directly give the same answer.
    const direct = await gw.query(`{ contactsByIds(ids: ${JSON.stringify(ids)}) { hs_object_id createdAt owner { email } } }`);
    expect(direct.body.errors).toBeUndefined();
    expect(data.topMembers).toEqual(direct.body.data.contactsByIds);
    expect(data.topMembers[0].createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  test('_entities: one batch per type, and a bad or missing reference fails its own slot only', async () => {
    const [a, b] = memberIds as [string, string];
    const company = [...portal.recordsOf(companiesType).keys()][0]!;
    const representations = [
      { __typename: 'Contact', id: globalId('contacts', a) },
      { __typename: 'Contact', id: 'not-a-global-id' },
      { __typename: 'Contact', id: globalId('companies', company) },
      { __typename: 'Contact', id: globalId('contacts', '999999999') },
      { __typename: 'Company', id: globalId('companies', company) },
      { __typename: 'GenericCrmObject', id: globalId('contacts', a) },
      { __typename: 'Contact', id: globalId('contacts', b) },
    ];
    const since = gw.emulator.state.log.lastSeq;
    const res = await gw.query(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) {
        __typename ... on Contact { email } ... on Company { name } ... on GenericCrmObject { objectType property(name: "email") } } }`,
      { representations },
    );
    expect(res.status).toBe(200);
    expect(res.body.data._entities).toEqual([
      { __typename: 'Contact', email: property(a, 'email') },
      null,
      null,
      null,
      { __typename: 'Company', name: portal.recordsOf(companiesType).get(company)!.properties.name },
      { __typename: 'GenericCrmObject', objectType: 'contacts', property: property(a, 'email') },
      { __typename: 'Contact', email: property(b, 'email') },
    ]);
    const errors = (res.body.errors as Json[]).map((e) => [e.path, e.extensions.code]);
    expect(errors).toEqual(expect.arrayContaining([[['_entities', 1], 'BAD_USER_INPUT'], [['_entities', 2], 'BAD_USER_INPUT'], [['_entities', 3], 'NOT_FOUND']]));
    expect(errors).toHaveLength(3);
    expect(tally(gw.emulator.state.log.list(since))).toEqual({ [READ_CONTACTS]: 1, [READ_COMPANIES]: 1 });
  });
});

test('without FEDERATION the gateway is no subgraph', async () => {
  const plain = await startGateway();
  try {
    const res = await plain.query('{ _service { sdl } }');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  } finally {
    await plain.close();
  }
});
