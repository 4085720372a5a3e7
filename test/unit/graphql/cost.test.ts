import { TREE } from '../../helpers/queries';
import { buildSchema as buildSdl, getIntrospectionQuery, parse, validate, type GraphQLError } from 'graphql';
import { estimateCost, type CostEstimate } from '../../../src/graphql/cost';
import { globalId } from '../../../src/graphql/ids';
import { costLimitRule, maxAliasesRule, maxDepthRule } from '../../../src/graphql/limits';
import { buildSchema } from '../../../src/graphql/schema';
import { MemoryBudget } from '../../../src/hubspot/policy/budget';
import { RateLimiter } from '../../../src/hubspot/policy/limiter';

const schema = buildSchema();

/** The estimate of a query that must first be valid against the schema (so these shapes stay real). */
function estimate(query: string, variables?: Record<string, unknown>, operationName?: string): CostEstimate {
  const document = parse(query);
  expect(validate(schema, document).map((e) => e.message)).toEqual([]);
  return estimateCost(schema, document, { ...(variables ? { variables } : {}), ...(operationName ? { operationName } : {}) });
}
const calls = (query: string, variables: Record<string, unknown> = {}) => estimate(query, variables).calls;


describe('cost estimate', () => {
  test("the README's tree: 1 list, association reads per level, batch reads of parents × first, owners, pipelines", () => {
    expect(estimate(TREE, {})).toEqual({
      calls: 60,
      parts: {
        'contacts: list': 1,
        'contacts→companies: associations (level 0)': 1,
        'companies: batch read (level 1)': 5, // 100 × 5 companies
        'companies→deals: associations (level 1)': 1,
        'deals: batch read (level 2)': 50, // 500 × 10 deals
        owners: 1,
        'deals: pipelines': 1, // stage and pipeline share one list
      },
    });
  });

  test('fragments and inline fragments cost what the fields they spread cost', () => {
    const query = `
      query Tree { contacts(first: 100) { nodes { ...Person companies(first: 5) { edges { node { ... on Company { ...Org } } } } } } }
      fragment Person on Contact { firstname owner { email } }
      fragment Org on Company { name deals(first: 10) { nodes { ...DealStage } } }
      fragment DealStage on Deal { dealname stage { label } }
    `;
    expect(calls(query)).toBe(60);
  });

  test('lists: one call whose records come with the answer; the schema default when first is absent; none for first: 0', () => {
    expect(estimate('{ contacts { nodes { firstname email } } }', {})).toEqual({ calls: 1, parts: { 'contacts: list': 1 } });
    expect(calls('{ contacts { nodes { companies { nodes { name } } } } }')).toBe(3); // 10 × 10 companies: 1 read
    expect(calls('{ contacts(first: 0) { nodes { companies { nodes { name } } } } }')).toBe(0);
    expect(calls('{ crmObjects(objectType: "0-3", first: 50) { nodes { ... on Deal { stage { label } } } } }')).toBe(2);
  });

  test('variables are resolved; an absent nullable variable means the argument default', () => {
    const query = 'query($n: Int!, $m: Int) { contacts(first: $n) { nodes { companies(first: $m) { nodes { name } } } } }';
    expect(calls(query, { n: 50, m: 30 })).toBe(1 + 1 + 15);
    expect(calls(query, { n: 50 })).toBe(1 + 1 + 5);
    expect(calls(query, { n: 50, m: null })).toBe(1 + 1 + 5);
    // A first over the field's maximum is refused by the resolver; it never costs more than the maximum.
    expect(calls(query, { n: 5000, m: 1 })).toBe(1 + 1 + 1);
  });

  test('without variables every argument given by one counts as its maximum', () => {
    const document = parse('query($n: Int, $m: Int) { contacts(first: $n) { nodes { companies(first: $m) { nodes { name } } } } }');
    // 100 contacts × 500 companies.
    expect(estimateCost(schema, document).calls).toBe(1 + 1 + 500);
  });

  test('@skip and @include follow their variables', () => {
    const query = 'query($deep: Boolean!) { contacts { nodes { companies @include(if: $deep) { nodes { name } } } } }';
    expect(calls(query, { deep: true })).toBe(3);
    expect(calls(query, { deep: false })).toBe(1);
  });

  test('records by id: one batch read per type and level, shared by every root field', () => {
    expect(calls('{ a: contact(id: "1") { email } b: contact(id: "2") { email } c: company(id: "3") { name } }')).toBe(2);
    expect(calls('{ contact(id: "ada@example.com", idProperty: "email") { email } }')).toBe(1);
    const ids = Array.from({ length: 250 }, (_, i) => String(i + 1));
    expect(calls('query($ids: [ID!]!) { contactsByIds(ids: $ids) { email } }', { ids })).toBe(3);
    expect(calls('query($ids: [ID!]!) { contactsByIds(ids: $ids, idProperty: "email") { email } }', { ids })).toBe(3);
    // Property history halves the batch.
    expect(calls('query($ids: [ID!]!) { contactsByIds(ids: $ids) { propertyHistory(name: "email") { value } } }', { ids })).toBe(5);
  });

  test('node(id:) reads the type its id names; an id that is not one costs nothing', () => {
    const id = globalId('deals', '5');
    expect(calls(`{ node(id: "${id}") { ... on Deal { dealname companies { nodes { name } } } } }`)).toBe(3);
    expect(calls('{ node(id: "not-an-id") { id } }')).toBe(0);
  });

  test('the same type at the same level shares batches across branches', () => {
    const query = `{
      contacts(first: 50) { nodes { companies(first: 1) { nodes { name } } } }
      deals(first: 50) { nodes { companies(first: 1) { nodes { domain } } } }
    }`;
    expect(estimate(query, {}).parts).toEqual({
      'contacts: list': 1,
      'deals: list': 1,
      'contacts→companies: associations (level 0)': 1,
      'deals→companies: associations (level 0)': 1,
      'companies: batch read (level 1)': 1, // 50 + 50 ids in one read
    });
  });

  test('one association read per record and pair, however many fields use the pair', () => {
    const query = '{ company(id: "1") { parentCompany { name } childCompanies(first: 20) { nodes { name } } a: contacts(first: 5) { nodes { email } } b: contacts(first: 5, label: "Decision maker") { nodes { phone } } } }';
    expect(estimate(query, {}).parts).toEqual({
      'companies: batch read (level 0)': 1,
      'companies→companies: associations (level 0)': 1,
      'companies: batch read (level 1)': 1,
      'companies→contacts: associations (level 0)': 1,
      'contacts: batch read (level 1)': 1,
    });
  });

  test('many parents: ⌈parents / 1000⌉ association reads', () => {
    expect(estimate('{ a: contacts(first: 100) { nodes { companies(first: 20) { nodes { contacts(first: 1) { nodes { email } } } } } } }', {}).parts).toMatchObject({
      'contacts→companies: associations (level 0)': 1,
      'companies: batch read (level 1)': 20,
      'companies→contacts: associations (level 1)': 2, // 2,000 companies
      'contacts: batch read (level 2)': 20,
    });
  });

  test('links: owners once, pipelines once per object type, products as batch reads one level down', () => {
    const query = `{
      deals(first: 10) { nodes { owner { email } stage { label } pipeline { label } } }
      tickets(first: 5) { nodes { owner { email } stage { label } } }
      owner(id: "1") { email }
    }`;
    expect(estimate(query, {}).parts).toEqual({ 'deals: list': 1, 'tickets: list': 1, owners: 1, 'deals: pipelines': 1, 'tickets: pipelines': 1 });
    expect(calls('{ deal(id: "1") { lineItems(first: 20) { nodes { quantity product { name } } } } }')).toBe(4);
  });

  test('account, owners pages and metadata lists: one call each', () => {
    const query = `{
      account { portalId apiUsage { currentUsage } }
      pipelines(objectType: DEALS) { id stages { label pipeline { id } } }
      propertyDefinitions(objectType: "contacts") { name group { name } }
      propertyGroups(objectType: "0-1") { name properties { name } }
      associationLabels(fromObjectType: "contacts", toObjectType: "companies") { typeId }
      owners(first: 5) { nodes { id } }
      rateLimit { cost remaining }
    }`;
    expect(estimate(query, {}).parts).toEqual({
      account: 1,
      'account: api usage': 1,
      'deals: pipelines': 1,
      'contacts: properties': 1,
      'contacts: property groups': 1,
      'contacts→companies: association labels': 1,
      'owners: page': 1,
    });
    expect(calls('{ rateLimit(dryRun: true) { cost } }')).toBe(0);
  });

  test('searches: one call; none for first: 0 without totalCount or pageInfo; history is read again', () => {
    expect(estimate('{ searchDeals(first: 20) { nodes { dealname companies(first: 2) { nodes { name } } } } }', {}).parts).toEqual({
      'deals: search': 1,
      'deals→companies: associations (level 0)': 1,
      'companies: batch read (level 1)': 1,
    });
    expect(calls('{ searchDeals(first: 0) { nodes { dealname } } }')).toBe(0);
    expect(calls('{ searchDeals(first: 0) { totalCount } }')).toBe(1);
    expect(calls('{ searchCrmObjects(objectType: "contacts", first: 100) { nodes { propertyHistory(name: "email") { value } } } }')).toBe(1 + 2);
  });

  test('generic records: custom types by name, their associations by argument', () => {
    expect(estimate('{ crmObject(objectType: "2-123", id: "9") { ... on GenericCrmObject { associations(toObjectType: "contacts", first: 100) { nodes { property(name: "email") } } } } }', {}).parts).toEqual({
      '2-123: batch read (level 0)': 1,
      '2-123→contacts: associations (level 0)': 1,
      'contacts: batch read (level 1)': 1,
    });
  });

  test('mutations: one call per write, batches ⌈inputs / 100⌉, plus what payloads read, each field batched alone', () => {
    const inputs = Array.from({ length: 250 }, (_, i) => ({ properties: { email: `p${i}@example.com` } }));
    const batch = 'mutation($inputs: [ContactCreateInput!]!) { contactsBatchCreate(inputs: $inputs) { contacts { hs_object_id } userErrors { message } } }';
    expect(estimate(batch, { inputs }).parts).toEqual({ 'contactsBatchCreate: write': 3 });
    // Properties beyond what the write returns may need reading.
    expect(calls(batch.replace('hs_object_id', 'email'), { inputs })).toBe(3 + 3);
    const two = `mutation {
      a: contactCreate(input: { properties: { email: "a@example.com" } }) { contact { email } }
      b: contactCreate(input: { properties: { email: "b@example.com" } }) { contact { email } }
    }`;
    expect(calls(two)).toBe(4);
    expect(calls('mutation { contactsBatchArchive(ids: ["1", "2"]) { archivedIds } }')).toBe(1);
  });

  test('mutations: association labels are looked up for a label or the default type, not for explicit types', () => {
    const byLabel = 'mutation { associationCreate(input: { fromObjectType: "contacts", fromId: "1", toObjectType: "companies", toId: "2", label: "Boss" }) { association { types { label } from { id } to { ... on Company { name } } } } }';
    expect(estimate(byLabel, {}).parts).toEqual({
      'associationCreate: write': 1,
      'contacts→companies: association labels': 1,
      'contacts→companies: associations (level 0)': 1,
      'contacts: batch read (level 0)': 1,
      'companies: batch read (level 0)': 1,
    });
    const byTypes = 'mutation { associationCreate(input: { fromObjectType: "contacts", fromId: "1", toObjectType: "companies", toId: "2", types: [{ category: HUBSPOT_DEFINED, typeId: 1 }] }) { userErrors { message } } }';
    expect(calls(byTypes)).toBe(1);
    const pairs = Array.from({ length: 150 }, (_, i) => ({ fromId: String(i), toId: '1' }));
    expect(calls('mutation($p: [AssociationBatchPairInput!]!) { associationsBatchCreateDefault(fromObjectType: "contacts", toObjectType: "companies", inputs: $p) { userErrors { message } } }', { p: pairs })).toBe(2);
  });

  test('fields without a rule keep the bound: a root field or a page (`first`) is one call, an owner the owner list', () => {
    const other = buildSdl('type Query { thing: Thing } type Thing { items(first: Int): [String] owner: Owner name: String } type Owner { id: ID }');
    expect(estimateCost(other, parse('{ thing { items(first: 3) name owner { id } } }'), { variables: {} }).parts).toEqual({ 'thing: read': 1, 'Thing.items: page': 1, owners: 1 });
  });

  test('the operation named by operationName is the one estimated', () => {
    const doc = 'query A { contacts { nodes { email } } } query B { account { portalId apiUsage { name } } }';
    expect(estimate(doc, {}, 'A').calls).toBe(1);
    expect(estimate(doc, {}, 'B').calls).toBe(2);
    expect(estimateCost(schema, parse(doc), { operationName: 'C' }).calls).toBe(0);
  });
});

describe('limits as validation rules', () => {
  const errorsOf = (query: string, rules: Parameters<typeof validate>[2]) => validate(schema, parse(query), rules) as GraphQLError[];

  test('depth: fields nested deeper than the maximum are refused, fragments included; introspection is not counted', () => {
    const deep = '{ contacts { nodes { companies { nodes { deals { nodes { stage { pipeline { stages { label } } } } } } } } } }'; // 10
    expect(errorsOf(deep, [maxDepthRule(10)])).toEqual([]);
    const [error] = errorsOf(deep, [maxDepthRule(9)]);
    expect(error!.message).toMatch(/10 fields deep; at most 9 .*MAX_QUERY_DEPTH/);
    expect(error!.extensions).toEqual({ limit: { setting: 'MAX_QUERY_DEPTH', maximum: 9, actual: 10 } });
    const viaFragments = 'query { contacts { nodes { ...C } } } fragment C on Contact { companies { nodes { ... on Company { deals { nodes { dealname } } } } } }';
    expect(errorsOf(viaFragments, [maxDepthRule(6)])[0]!.extensions.limit).toMatchObject({ actual: 7 });
    expect(errorsOf(getIntrospectionQuery(), [maxDepthRule(3)])).toEqual([]);
  });

  test('aliases: counted in every operation, a fragment each time it is spread', () => {
    const aliases = (n: number) => Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ');
    expect(errorsOf(`{ ${aliases(30)} }`, [maxAliasesRule(30)])).toEqual([]);
    expect(errorsOf(`{ ${aliases(31)} }`, [maxAliasesRule(30)])[0]!.extensions).toEqual({ limit: { setting: 'MAX_QUERY_ALIASES', maximum: 30, actual: 31 } });
    const spreadTwice = `{ x: contacts { nodes { ...F } } y: contacts { nodes { ...F } } } fragment F on Contact { ${Array.from({ length: 15 }, (_, i) => `f${i}: email`).join(' ')} }`;
    expect(errorsOf(spreadTwice, [maxAliasesRule(30)])[0]!.extensions.limit).toMatchObject({ actual: 32 });
  });

  test('a fragment cycle is left to graphql-js to report, never a loop', () => {
    const cyclic = '{ contacts { nodes { ...A } } } fragment A on Contact { companies { nodes { contacts { nodes { ...A } } } } }';
    expect(() => errorsOf(cyclic, [maxDepthRule(12), maxAliasesRule(30)])).not.toThrow();
  });

  test('cost: refused over the maximum with COST_LIMIT and extensions.cost { estimated maximum }', () => {
    let seen = 0;
    const rule = (maximum: number) => costLimitRule({ maximum, variables: {}, onEstimate: (e) => (seen = e.calls) });
    expect(errorsOf(TREE, [rule(60)])).toEqual([]);
    expect(seen).toBe(60);
    const [error] = errorsOf(TREE, [rule(59)]);
    expect(error!.extensions).toEqual({ code: 'COST_LIMIT', cost: { estimated: 60, maximum: 59 } });
    expect(error!.message).toMatch(/up to 60 HubSpot calls; at most 59 .*MAX_QUERY_COST/);
  });
});

describe('the rate limit status behind rateLimit', () => {
  const limits = { perWindow: 10, windowMs: 1000, searchPerSecond: 4, concurrency: 5, marginMs: 0 };

  test('remaining is the limit less the calls in the window, in flight included; resetAt is when the latest leaves it', async () => {
    const budget = new MemoryBudget();
    const limiter = new RateLimiter(budget, limits);
    expect(await limiter.status('p', 5_000)).toEqual({ limit: 10, remaining: 10, resetAt: new Date(5_000) });
    const tickets = await Promise.all([1, 2, 3].map(() => budget.take('p', false, limits, 5_000)));
    await budget.done('p', (tickets[0] as { ticket: string }).ticket, false, 5_100);
    // Two calls still in flight count as arriving now.
    expect(await limiter.status('p', 5_200)).toEqual({ limit: 10, remaining: 7, resetAt: new Date(6_200) });
    await budget.done('p', (tickets[1] as { ticket: string }).ticket, false, 5_300);
    await budget.done('p', (tickets[2] as { ticket: string }).ticket, false, 5_400);
    expect(await limiter.status('p', 5_500)).toEqual({ limit: 10, remaining: 7, resetAt: new Date(6_400) });
    // Calls leave the window one by one; reading never takes anything.
    expect((await limiter.status('p', 6_150)).remaining).toBe(8);
    expect(await limiter.status('p', 6_500)).toEqual({ limit: 10, remaining: 10, resetAt: new Date(6_500) });
    expect(await limiter.status('other', 5_500)).toMatchObject({ remaining: 10 });
  });

  test('a paused portal has nothing left until the pause ends', async () => {
    const budget = new MemoryBudget();
    const limiter = new RateLimiter(budget, limits);
    await budget.pause('p', 9_000);
    expect(await limiter.status('p', 5_000)).toEqual({ limit: 10, remaining: 0, resetAt: new Date(9_000) });
    expect((await limiter.status('p', 9_001)).remaining).toBe(10);
  });
});
