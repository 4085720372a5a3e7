/**
 * Query cost over HTTP against the emulator: the estimate on every response next to the calls really made (counted
 * in the emulator's request log), the limits refusing operations before any HubSpot call, and `rateLimit` with
 * its dry run.
 */
import { TREE } from '../helpers/queries';
import { randomUUID } from 'node:crypto';
import { getIntrospectionQuery } from 'graphql';
import { PORTAL_ID } from '../helpers/emulator';
import { startGateway, type TestGateway } from '../helpers/gateway';

// TREE (the README's deep example) costs 60 calls at most, a handful on the small test seed.
// 1 list + 1 association read + 100 × 500 companies (500 batch reads): far over the default limit of 200.
const EXPENSIVE = '{ contacts(first: 100) { nodes { companies(first: 500) { nodes { name } } } } }';

/** Runs an operation and returns the answer with the HubSpot calls the emulator logged for it. */
async function measured(gw: TestGateway, query: string, variables?: Record<string, unknown>) {
  const since = gw.emulator.state.log.lastSeq;
  const res = await gw.query(query, variables);
  return { ...res, logged: gw.emulator.state.log.list(since) };
}

describe('query cost', () => {
  let gw: TestGateway;
  let contactIds: string[];
  beforeAll(async () => {
    gw = await startGateway();
    contactIds = (await gw.query('{ contacts(first: 2) { nodes { hs_object_id } } }')).body.data.contacts.nodes.map((n: { hs_object_id: string }) => n.hs_object_id);
  });
  afterAll(() => gw.close());

  test('every response carries extensions.cost { estimated actual rateLimit }, actual being the calls made', async () => {
    const res = await measured(gw, TREE);
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    const cost = res.body.extensions.cost;
    expect(cost).toEqual({
      estimated: 60,
      actual: res.logged.length,
      rateLimit: { limit: expect.any(Number), remaining: expect.any(Number), resetAt: expect.any(String) },
    });
    expect(cost.actual).toBeGreaterThan(0);
    expect(cost.actual).toBeLessThanOrEqual(cost.estimated);
  });

  test.each([
    ['a list', '{ contacts(first: 20) { nodes { email owner { email } } } }'],
    ['records by id in aliases', '{ a: contact(id: "FIRST") { email } b: contact(id: "SECOND") { email companies { nodes { name deals { nodes { stage { label } } } } } } }'],
    ['a search with associations', '{ searchDeals(first: 10) { totalCount nodes { dealname companies(first: 2) { nodes { name } } contacts(first: 3) { nodes { email } } } } }'],
    ['the account and metadata', '{ account { portalId apiUsage { currentUsage } } pipelines(objectType: TICKETS) { id } propertyGroups(objectType: "deals") { name } owners(first: 3) { nodes { id } } }'],
    ['companies → contacts → companies', '{ companies(first: 10) { nodes { name parentCompany { name } contacts(first: 10) { edges { node { email companies(first: 3) { nodes { domain } } } } } } } }'],
  ])('the estimate is an upper bound of the calls made: %s', async (_name, query) => {
    const res = await measured(gw, query.replace('FIRST', contactIds[0]!).replace('SECOND', contactIds[1]!));
    expect(res.body.errors).toBeUndefined();
    expect(res.body.extensions.cost.actual).toBe(res.logged.length);
    expect(res.body.extensions.cost.estimated).toBeGreaterThanOrEqual(res.logged.length);
  });

  test('an operation over MAX_QUERY_COST is refused with COST_LIMIT (HTTP 400) before any HubSpot call', async () => {
    const since = gw.emulator.state.log.lastSeq;
    const res = await measured(gw, EXPENSIVE);
    expect(res.status).toBe(400);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0].extensions).toEqual({ code: 'COST_LIMIT', cost: { estimated: 502, maximum: 200 } });
    expect(res.body.errors[0].message).toMatch(/up to 502 HubSpot calls; at most 200/);
    expect(res.body.extensions.cost).toMatchObject({ estimated: 502, actual: 0 });
    // The emulator's own request log, read over HTTP: nothing reached "HubSpot".
    const log = await gw.emulator.api('GET', `/__emulator/requests?since=${since}`);
    expect(log.body.results.filter((r: { portalId?: number }) => r.portalId === PORTAL_ID)).toEqual([]);
    expect(res.logged).toEqual([]);
  });

  test('the cost is priced with the variables of each request, the same document passing or not', async () => {
    const query = 'query($n: Int, $m: Int) { contacts(first: $n) { nodes { companies(first: $m) { nodes { name } } } } }';
    const cheap = await measured(gw, query, { n: 10, m: 10 });
    expect(cheap.status).toBe(200);
    expect(cheap.body.extensions.cost.estimated).toBe(3);
    const dear = await measured(gw, query, { n: 100, m: 500 });
    expect(dear.status).toBe(400);
    expect(dear.body.errors[0].extensions.code).toBe('COST_LIMIT');
    expect(dear.logged).toEqual([]);
  });

  test('depth over MAX_QUERY_DEPTH (12) is refused as a validation failure naming the limit, before any call', async () => {
    const at12 = '{ contacts(first: 1) { nodes { companies(first: 1) { nodes { deals(first: 1) { nodes { companies(first: 1) { nodes { contacts(first: 1) { nodes { email owner { email } } } } } } } } } } } }';
    const ok = await measured(gw, at12);
    expect(ok.status).toBe(200);
    const res = await measured(gw, at12.replace('owner { email }', 'owner { teams { name } }'));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', limit: { setting: 'MAX_QUERY_DEPTH', maximum: 12, actual: 13 } });
    expect(res.logged).toEqual([]);
  });

  test('introspection is not limited by depth (GraphiQL needs it)', async () => {
    const res = await measured(gw, getIntrospectionQuery());
    expect(res.status).toBe(200);
    expect(res.body.data.__schema.queryType.name).toBe('Query');
    expect(res.body.extensions.cost).toMatchObject({ estimated: 0, actual: 0 });
  });

  test('more than MAX_QUERY_ALIASES (30) aliases are refused, a fragment counted where spread', async () => {
    const aliases = (n: number) => Array.from({ length: n }, (_, i) => `a${i}: contact(id: "${i + 1}") { email }`).join(' ');
    const ok = await measured(gw, `{ ${aliases(30)} }`);
    expect(ok.status).toBe(200);
    expect(ok.body.extensions.cost).toMatchObject({ estimated: 1, actual: 1 }); // 30 ids, one batch read
    const res = await measured(gw, `{ ${aliases(31)} }`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', limit: { setting: 'MAX_QUERY_ALIASES', maximum: 30, actual: 31 } });
    const spread = `{ x: contacts { nodes { ...F } } y: contacts { nodes { ...F } } } fragment F on Contact { ${Array.from({ length: 15 }, (_, i) => `f${i}: email`).join(' ')} }`;
    const twice = await measured(gw, spread);
    expect(twice.status).toBe(400);
    expect(twice.body.errors[0].extensions.limit).toMatchObject({ actual: 32 });
    expect([...res.logged, ...twice.logged]).toEqual([]);
  });

  test('rateLimit returns the operation estimate and the portal budget, and the rest runs', async () => {
    const res = await measured(gw, `{ rateLimit { cost limit remaining resetAt } contacts(first: 5) { nodes { email } } }`);
    expect(res.status).toBe(200);
    expect(res.body.data.contacts.nodes).toHaveLength(5);
    expect(res.body.data.rateLimit).toEqual({ cost: 1, limit: expect.any(Number), remaining: expect.any(Number), resetAt: expect.any(String) });
    expect(res.body.extensions.cost).toMatchObject({ estimated: 1, actual: 1 });
  });

  test('rateLimit(dryRun: true) runs nothing else: zero HubSpot calls, the cost of the whole operation, no COST_LIMIT', async () => {
    const query = `query Plan($dry: Boolean!) {
      rateLimit(dryRun: $dry) { cost remaining }
      ...Expensive
    }
    fragment Expensive on Query { contacts(first: 100) { nodes { companies(first: 500) { nodes { name } } } } }`;
    const res = await measured(gw, query, { dry: true });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toEqual({ rateLimit: { cost: 502, remaining: expect.any(Number) } });
    expect(res.body.extensions.cost).toMatchObject({ estimated: 502, actual: 0 });
    expect(res.logged).toEqual([]);
    // The same operation for real is refused for its cost.
    const real = await measured(gw, query, { dry: false });
    expect(real.body.errors[0].extensions.code).toBe('COST_LIMIT');
    expect(real.logged).toEqual([]);
  });

  test('a dry run of an affordable query still makes no call', async () => {
    const res = await measured(gw, `{ a: rateLimit(dryRun: true) { cost } account { portalId } ${TREE.slice(1, -1)} }`);
    expect(res.body.data).toEqual({ a: { cost: 61 } });
    expect(res.logged).toEqual([]);
  });
});

const REDIS_URL = process.env.REDIS_URL;
/** The emulator's rate window, which the test gateway keeps (plus a small margin). */
const WINDOW_MS = 10_000;
if (!REDIS_URL) console.warn('rateLimit over the Redis budget skipped: REDIS_URL is not set (CI sets redis://127.0.0.1:6379).');

const BUDGETS: Array<[string, Record<string, string>]> = [['in memory', {}], ...(REDIS_URL ? [['in Redis', { REDIS_URL }] as [string, Record<string, string>]] : [])];

describe.each(BUDGETS)('the rate limit reported is the portal budget %s', (_name, env) => {
  let gw: TestGateway;
  // A portal of its own, so that its budget (shared through Redis) is this test's alone.
  const token = `cost-${randomUUID()}`;
  beforeAll(async () => {
    // PORTAL_SCHEMA=false: reading the portal's own schema at start-up spends the same budget, and this test starts from an idle one.
    gw = await startGateway({ token, emulator: { tokens: [{ token, portalId: 444, scopes: '*' }] }, env: { ...env, RATE_LIMIT_PER_WINDOW: '1000', PORTAL_SCHEMA: 'false' } });
  });
  afterAll(() => gw.close());

  test('remaining counts down by the calls made; resetAt is a window after the latest', async () => {
    const idle = await gw.query('{ rateLimit { cost limit remaining resetAt } }');
    expect(idle.body.data.rateLimit).toMatchObject({ cost: 0, limit: 1000, remaining: 1000 });
    expect(idle.body.extensions.cost).toMatchObject({ estimated: 0, actual: 0, rateLimit: { limit: 1000, remaining: 1000 } });
    let made = 0;
    for (const query of ['{ contacts(first: 3) { nodes { email } } }', '{ account { portalId apiUsage { name } } }']) {
      const started = Date.now();
      const res = await gw.query(query);
      made += res.body.extensions.cost.actual;
      const { remaining, resetAt } = res.body.extensions.cost.rateLimit;
      expect(remaining).toBe(1000 - made);
      expect(Date.parse(resetAt)).toBeGreaterThanOrEqual(started + WINDOW_MS);
      expect(Date.parse(resetAt)).toBeLessThanOrEqual(Date.now() + WINDOW_MS + 1_000);
    }
    expect(made).toBe(3);
    const after = await gw.query('{ rateLimit(dryRun: true) { remaining } }');
    expect(after.body.data.rateLimit.remaining).toBe(1000 - made);
  });
});
