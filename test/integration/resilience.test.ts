import { startGateway, type TestGateway } from '../helpers/gateway';

const DEEP = `{ contacts(first: 30) { nodes { hs_object_id email companies(first: 5) { nodes { name deals(first: 5) { nodes { dealname stage { label } } } } } } } }`;

const statuses = async (gw: TestGateway, since: number) =>
  ((await gw.emulator.api('GET', `/__emulator/requests?since=${since}`)).body.results as Array<{ status: number; fault?: string }>);

describe('resilience: retries under faults', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ env: { RETRY_MAX_ATTEMPTS: '10', RETRY_BASE_DELAY_MS: '5', RETRY_MAX_DELAY_MS: '50' } });
  });
  afterAll(() => gw.close());
  afterEach(() => gw.emulator.api('PUT', '/__emulator/faults', { faults: [] }));

  test('with 20% of answers failing (429, 500, 502, 503, reset, truncated JSON) reads return complete, correct data', async () => {
    const baseline = await gw.query(DEEP);
    expect(baseline.body.errors).toBeUndefined();
    const kinds = ['429', '500', '502', '503', 'reset', 'truncated'];
    // Rules are tried in turn, so each gets the rate that makes one answer in five fail overall.
    const rate = 1 - 0.8 ** (1 / kinds.length);
    await gw.emulator.api('PUT', '/__emulator/faults', { faults: kinds.map((kind) => ({ kind, rate })) });
    const since = (await gw.emulator.api('GET', '/__emulator/requests')).body.lastSeq;
    for (let i = 0; i < 5; i++) {
      const res = await gw.query(DEEP);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data).toEqual(baseline.body.data);
    }
    const log = await statuses(gw, since);
    const faulted = log.filter((l) => l.fault).length;
    // The faults really happened (about one answer in five), and were all absorbed by retries.
    expect(faulted / log.length).toBeGreaterThan(0.08);
  });

  test('a write is not retried after a 5xx: the client is told the outcome is unknown', async () => {
    await gw.emulator.api('PUT', '/__emulator/faults', { faults: [{ kind: '503', rate: 1, route: '^/crm/v3/objects/companies$', method: 'POST' }] });
    const since = (await gw.emulator.api('GET', '/__emulator/requests')).body.lastSeq;
    const res = await gw.query('mutation { companyCreate(input: { properties: { name: "Never twice" } }) { company { hs_object_id } userErrors { code message } } }');
    expect(res.body.data.companyCreate.userErrors[0]).toMatchObject({ code: 'UPSTREAM_ERROR', message: expect.stringMatching(/may or may not have been applied/) });
    expect((await statuses(gw, since)).filter((l) => l.status === 503)).toHaveLength(1);
  });

  test('a write refused with 429 is retried (HubSpot did not process it) and succeeds once', async () => {
    await gw.emulator.api('PUT', '/__emulator/faults', { faults: [{ kind: '429', rate: 0.5, route: '^/crm/v3/objects/companies$', method: 'POST' }] });
    const name = `Retried ${Date.now()}`;
    const res = await gw.query(`mutation { companyCreate(input: { properties: { name: "${name}" } }) { company { name } userErrors { code } } }`);
    expect(res.body.data.companyCreate).toEqual({ company: { name }, userErrors: [] });
    await gw.emulator.api('PUT', '/__emulator/faults', { faults: [] });
    const found = await gw.emulator.api('POST', '/crm/v3/objects/companies/search', { filterGroups: [{ filters: [{ propertyName: 'name', operator: 'EQ', value: name }] }] });
    expect(found.body.total).toBe(1);
  });

  test('an upsert (idempotent by unique property) is retried after a 5xx', async () => {
    await gw.emulator.api('PUT', '/__emulator/faults', { faults: [{ kind: '500', rate: 0.5, route: 'batch/upsert' }] });
    const e = `upsert-${Date.now()}@example.com`;
    for (let i = 0; i < 3; i++) {
      const res = await gw.query(`mutation { contactsBatchUpsert(idProperty: "email", inputs: [{ id: "${e}", properties: { firstname: "U${i}" } }]) { contacts { firstname } userErrors { code } } }`);
      expect(res.body.data.contactsBatchUpsert).toEqual({ contacts: [{ firstname: `U${i}` }], userErrors: [] });
    }
  });
});

describe('resilience: the rate budget', () => {
  const WINDOW = { perWindow: 20, windowMs: 500, searchPerSecond: 100, daily: 10_000_000, disabled: false };

  test('a burst of 300 concurrent queries causes no upstream 429 and all succeed', async () => {
    const gw = await startGateway({ emulator: { rateLimit: WINDOW }, env: { UPSTREAM_CONCURRENCY: '10' } });
    try {
      const results = await Promise.all(Array.from({ length: 300 }, () => gw.query('{ account { portalId } }')));
      expect(results.filter((r) => r.body.errors)).toEqual([]);
      const log = await statuses(gw, 0);
      expect(log.filter((l) => l.status === 429)).toEqual([]);
      expect(log.filter((l) => l.status === 200).length).toBeGreaterThanOrEqual(300);
    } finally {
      await gw.close();
    }
  }, 60_000);

  test('a wait beyond the request deadline fails fast with RATE_LIMITED and retryAfter', async () => {
    // PORTAL_SCHEMA=false: the start-up read of the portal's own schema would spend this tiny budget first.
    const gw = await startGateway({ emulator: { rateLimit: { ...WINDOW, perWindow: 2, windowMs: 5000 } }, env: { REQUEST_DEADLINE_MS: '1000', PORTAL_SCHEMA: 'false' } });
    try {
      const started = Date.now();
      const results = await Promise.all(Array.from({ length: 4 }, () => gw.query('{ account { portalId } }')));
      const limited = results.filter((r) => r.body.errors);
      expect(limited.length).toBe(2);
      expect(limited[0]!.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
      expect(Date.now() - started).toBeLessThan(3000);
      expect((await statuses(gw, 0)).filter((l) => l.status === 429)).toEqual([]);
    } finally {
      await gw.close();
    }
  });

  const redisUrl = process.env.REDIS_URL;
  (redisUrl ? test : test.skip)('two gateway instances sharing Redis keep one budget: no 429 for a burst split between them', async () => {
    const token = `shared-${Date.now()}`;
    const emulator = { rateLimit: WINDOW, tokens: [{ token, portalId: 333, scopes: '*' as const }] };
    const a = await startGateway({ emulator, token, env: { REDIS_URL: redisUrl! } });
    // The second instance talks to the first one's emulator: one HubSpot, two gateways.
    const b = await startGateway({ emulator, token, env: { REDIS_URL: redisUrl! }, baseUrl: a.emulator.url });
    try {
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).query('{ account { portalId } }')));
      expect(results.filter((r) => r.body.errors)).toEqual([]);
      expect((await statuses(a, 0)).filter((l) => l.status === 429)).toEqual([]);
    } finally {
      await b.close();
      await a.close();
    }
  }, 60_000);
});
