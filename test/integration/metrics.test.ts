import { startGateway, type TestGateway } from '../helpers/gateway';

/**
 * GET /metrics (src/server/metrics.ts): after real queries against the emulator, the scrape counts each upstream
 * call under its operation and status, 429s and retries, metadata cache hits and misses, and GraphQL operations
 * and errors. Counters are compared before and after each step, so what the gateway did at start-up (reading the
 * portal's schema) does not matter.
 */

type Samples = Map<string, number>;

/** Parses Prometheus' text format into `name{label="v",…}` → value (labels in the order exported). */
function parse(text: string): Samples {
  const out: Samples = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

const metricsUrl = (gw: TestGateway) => gw.url.replace(/\/graphql$/, '/metrics');

async function scrape(gw: TestGateway): Promise<Samples> {
  const res = await fetch(metricsUrl(gw));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return parse(await res.text());
}

/** How much each sample grew between two scrapes (only those that did). */
function growth(before: Samples, after: Samples): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of after) {
    const d = v - (before.get(k) ?? 0);
    if (d !== 0) out.set(k, d);
  }
  return out;
}

const only = (g: Map<string, number>, prefix: string) => new Map([...g].filter(([k]) => k.startsWith(prefix)));

describe('GET /metrics', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    // Two attempts in all and short backoffs, so the forced-429 case is quick and its counts exact.
    gw = await startGateway({ env: { RETRY_MAX_ATTEMPTS: '2', RETRY_BASE_DELAY_MS: '1', RETRY_MAX_DELAY_MS: '5' } });
  });
  afterAll(() => gw.close());

  test('counts every upstream call of a query under its operation and status, and times the operation', async () => {
    const before = await scrape(gw);
    const calls = gw.calls.length;
    const res = await gw.query('query ContactsWithCompanies { contacts(first: 5) { nodes { email companies(first: 2) { nodes { name } } } } }');
    expect(res.body.errors).toBeUndefined();
    const made = gw.calls.slice(calls);
    expect(made.length).toBeGreaterThanOrEqual(2); // the contacts page, then their companies' associations
    const after = await scrape(gw);
    const expected = new Map<string, number>();
    for (const o of made) {
      const key = `hubspot_graphql_upstream_calls_total{operation="${o.call.method} ${o.call.operation}",status="${o.status}"}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    expect(only(growth(before, after), 'hubspot_graphql_upstream_calls_total')).toEqual(expected);
    // Each call's duration is observed once under its operation.
    const durations = only(growth(before, after), 'hubspot_graphql_upstream_duration_seconds_count');
    expect([...durations.values()].reduce((a, b) => a + b, 0)).toBe(made.length);
    expect(growth(before, after).get('hubspot_graphql_graphql_operation_duration_seconds_count{operation_type="query",operation_name="ContactsWithCompanies"}')).toBe(1);
    // Default process metrics are there too.
    expect(after.get('hubspot_graphql_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  test('the metadata cache counts a miss on the first read and a hit on the second', async () => {
    const query = '{ pipelines(objectType: TICKETS) { id label } }';
    const before = await scrape(gw);
    expect((await gw.query(query)).body.errors).toBeUndefined();
    const mid = await scrape(gw);
    expect((await gw.query(query)).body.errors).toBeUndefined();
    const after = await scrape(gw);
    const hit = 'hubspot_graphql_cache_requests_total{cache="metadata",result="hit"}';
    const miss = 'hubspot_graphql_cache_requests_total{cache="metadata",result="miss"}';
    expect(growth(before, mid).get(miss)).toBeGreaterThanOrEqual(1);
    expect(growth(before, mid).get(hit)).toBeUndefined();
    expect(growth(mid, after).get(hit)).toBeGreaterThanOrEqual(1);
    expect(growth(mid, after).get(miss)).toBeUndefined();
  });

  test('GraphQL errors are counted by code; client-chosen operation names cannot grow the label set without bound', async () => {
    const before = await scrape(gw);
    expect((await gw.query('{ contact(id: "1") { nope } }')).status).toBe(400);
    await gw.query('query Bad_Name_That_Is_Way_Too_Long_To_Be_A_Label_Because_It_Goes_On_And_On_Beyond_64_Chars { __typename }');
    const g = growth(before, await scrape(gw));
    expect(g.get('hubspot_graphql_graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"}')).toBe(1);
    expect(g.get('hubspot_graphql_graphql_operation_duration_seconds_count{operation_type="query",operation_name="other"}')).toBe(1);
  });

  // Last: the limiter holds the portal back for a moment after a 429.
  test("a forced 429 from the emulator shows in the 429, retry and status counters and in the error's code", async () => {
    const op = 'GET /crm/v3/objects/{objectType}';
    await gw.emulator.api('PUT', '/__emulator/faults', { faults: [{ kind: '429', rate: 1, route: '^/crm/v3/objects/deals$', method: 'GET' }] });
    try {
      const before = await scrape(gw);
      const res = await gw.query('{ deals(first: 1) { nodes { dealname } } }');
      expect(res.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      const g = growth(before, await scrape(gw));
      expect(g.get(`hubspot_graphql_upstream_calls_total{operation="${op}",status="429"}`)).toBe(2);
      expect(g.get(`hubspot_graphql_upstream_rate_limited_total{operation="${op}"}`)).toBe(2);
      expect(g.get(`hubspot_graphql_upstream_retries_total{operation="${op}"}`)).toBe(1);
      expect(g.get('hubspot_graphql_graphql_errors_total{code="RATE_LIMITED"}')).toBe(1);
    } finally {
      await gw.emulator.api('PUT', '/__emulator/faults', { faults: [] });
    }
  });
});

describe('METRICS=false', () => {
  test('serves no /metrics', async () => {
    const gw = await startGateway({ env: { METRICS: 'false' } });
    try {
      expect((await fetch(metricsUrl(gw))).status).toBe(404);
    } finally {
      await gw.close();
    }
  });
});
