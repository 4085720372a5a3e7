import { OTHER_PORTAL_TOKEN, PORTAL_ID } from '../helpers/emulator';
import { startGateway, type TestGateway } from '../helpers/gateway';

describe('gateway over HTTP against the emulator', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());
  afterEach(() => gw.emulator.api('PUT', '/__emulator/faults', { faults: [] }));

  test('a POSTed query answers from the emulator', async () => {
    const res = await gw.query('{ account { portalId accountType timeZone companyCurrency utcOffsetMilliseconds apiUsage { name currentUsage usageLimit collectedAt fetchStatus } } }');
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.account).toMatchObject({ portalId: String(PORTAL_ID), accountType: 'STANDARD', timeZone: 'US/Eastern', companyCurrency: 'USD' });
    expect(res.body.data.account.apiUsage[0]).toMatchObject({ name: 'private-apps-api-calls-daily', fetchStatus: 'SUCCESS' });
    expect(new Date(res.body.data.account.apiUsage[0].collectedAt).toISOString()).toBe(res.body.data.account.apiUsage[0].collectedAt);
  });

  test('upstream calls are counted: one per field that needs HubSpot', async () => {
    const before = gw.calls.length;
    await gw.query('{ account { portalId apiUsage { currentUsage } } }');
    expect(gw.calls.slice(before).map((c) => c.call.operation)).toEqual(['/account-info/v3/details', '/account-info/v3/api-usage/daily/private-apps']);
  });

  test('GET /graphql with Accept: text/html serves GraphiQL with no external resources', async () => {
    const res = await fetch(gw.url, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    // (boolean assertions: the page is megabytes, too big to print on failure)
    expect(html.includes('YogaGraphiQL.renderYogaGraphiQL')).toBe(true);
    // No <script src>, <link href> or CSS url() pointing at another host.
    expect(/<(script|link|img)[^>]+(src|href)=["']https?:\/\//i.test(html)).toBe(false);
    expect(/url\(["']?https?:\/\//i.test(html)).toBe(false);
  });

  test('GET /graphql without HTML goes to Apollo (GET queries work, CSRF prevention on)', async () => {
    const ok = await fetch(`${gw.url}?query=${encodeURIComponent('{ account { portalId } }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(ok.status).toBe(200);
    const blocked = await fetch(`${gw.url}?query=${encodeURIComponent('{ account { portalId } }')}`);
    expect(blocked.status).toBe(400);
  });

  test('/healthz and /readyz', async () => {
    const base = gw.url.replace('/graphql', '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  test('malformed JSON and unknown fields get coded errors, never a stack', async () => {
    const bad = await fetch(gw.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(bad.status).toBe(400);
    const body = await bad.json();
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
    const unknown = await gw.query('{ account { nope } }');
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(unknown.body.errors[0].extensions.stacktrace).toBeUndefined();
  });

  test('HubSpot failures map to codes with hubspot {status category correlationId} and nothing else from upstream', async () => {
    await gw.emulator.api('PUT', '/__emulator/faults', { faults: [{ kind: '429', rate: 1, route: '^/account-info/v3/details' }] });
    const limited = await gw.query('{ account { portalId } }');
    const err = limited.body.errors[0];
    expect(err.extensions.code).toBe('RATE_LIMITED');
    expect(err.extensions.hubspot).toEqual({ status: 429, category: 'RATE_LIMITS', correlationId: expect.any(String) });
    expect(Object.keys(err.extensions).sort()).toEqual(['code', 'hubspot']);
    await gw.emulator.api('PUT', '/__emulator/faults', { faults: [{ kind: 'truncated', rate: 1, route: '^/account-info/v3/details' }] });
    const truncated = await gw.query('{ account { portalId } }');
    expect(truncated.body.errors[0].extensions.code).toBe('UPSTREAM_ERROR');
    expect(JSON.stringify(truncated.body)).not.toContain(gw.emulator.url);
  });

  test('a bad token surfaces as UNAUTHENTICATED', async () => {
    const other = await startGateway({ token: 'wrong-token' });
    try {
      const res = await other.query('{ account { portalId } }');
      expect(res.body.errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', hubspot: { status: 401, category: 'INVALID_AUTHENTICATION' } });
      expect(JSON.stringify(res.body)).not.toContain('wrong-token');
    } finally {
      await other.close();
    }
  });

  test('a token reaches only its own portal', async () => {
    const other = await startGateway({ token: OTHER_PORTAL_TOKEN });
    try {
      const res = await other.query('{ account { portalId } }');
      expect(res.body.data.account.portalId).toBe('222');
    } finally {
      await other.close();
    }
  });
});
