import { OTHER_PORTAL_ID, PORTAL_ID, READ_ONLY_TOKEN, startEmulator, type TestEmulator } from '../helpers/emulator';
import { describeWithSpecs } from '../helpers/openapi';

// The emulator's cross-cutting behaviour: auth, errors, rate limits, fault injection, request log, account info.
describeWithSpecs('emulator platform contract', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu.close());
  afterEach(async () => {
    await emu.api('PUT', '/__emulator/faults', { faults: [] });
    await emu.api('PUT', '/__emulator/latency', { fixedMs: 0, jitterMs: 0 });
  });

  test('account details answer per the spec, for the token portal', async () => {
    const res = await emu.checked('GET', '/account-info/v3/details');
    expect(res.status).toBe(200);
    expect(res.body.portalId).toBe(PORTAL_ID);
    const other = await emu.checked('GET', '/account-info/v3/details', undefined, { token: 'other-portal-token' });
    expect(other.body.portalId).toBe(OTHER_PORTAL_ID);
  });

  test('daily usage counts calls of the portal', async () => {
    const res = await emu.checked('GET', '/account-info/v3/api-usage/daily/private-apps');
    expect(res.body.results[0]).toMatchObject({ name: 'private-apps-api-calls-daily', fetchStatus: 'SUCCESS' });
    expect(res.body.results[0].currentUsage).toBeGreaterThan(0);
  });

  test('missing and unknown tokens get HubSpot 401 bodies', async () => {
    const none = await emu.checked('GET', '/account-info/v3/details', undefined, { token: null });
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
    expect(none.body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    const bad = await emu.checked('GET', '/account-info/v3/details', undefined, { token: 'nope' });
    expect(bad.status).toBe(401);
  });

  test('the private-app header authenticates like a bearer token', async () => {
    const res = await emu.api('GET', '/account-info/v3/details', undefined, { token: null, headers: { 'private-app': 'test-token' } });
    expect(res.status).toBe(200);
  });

  test('a token without the scope gets 403 MISSING_SCOPES', async () => {
    const res = await emu.checked('GET', '/crm/v3/objects/tickets?limit=1', undefined, { token: READ_ONLY_TOKEN });
    expect(res.status).toBe(403);
    expect(res.body.category).toBe('MISSING_SCOPES');
  });

  test('unknown routes are 404 with the error body; malformed JSON is 400 VALIDATION_ERROR', async () => {
    const missing = await emu.api('GET', '/crm/v3/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
    const bad = await emu.api('POST', '/crm/v3/objects/contacts', undefined, { raw: '{"properties":' });
    expect(bad.status).toBe(400);
    expect(bad.body.category).toBe('VALIDATION_ERROR');
  });

  test('every call is in the request log with method, path, status and size', async () => {
    const before = (await emu.api('GET', '/__emulator/requests')).body.lastSeq;
    await emu.api('GET', '/account-info/v3/details');
    const log = (await emu.api('GET', `/__emulator/requests?since=${before}`)).body.results;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ method: 'GET', path: '/account-info/v3/details', status: 200, portalId: PORTAL_ID });
    expect(log[0].bodySize).toBeGreaterThan(10);
  });

  test.each([
    ['429', 429],
    ['500', 500],
    ['502', 502],
    ['503', 503],
  ])('fault %s answers with that status', async (kind, status) => {
    const set = await emu.api('PUT', '/__emulator/faults', { faults: [{ kind, rate: 1, route: '^/account-info' }] });
    expect(set.status).toBe(200);
    const res = await emu.api('GET', '/account-info/v3/details');
    expect(res.status).toBe(status);
    // A route outside the rule is untouched.
    expect((await emu.api('GET', '/crm/v3/owners')).status).not.toBe(status);
  });

  test('reset and timeout faults drop the connection; truncated cuts the JSON', async () => {
    await emu.api('PUT', '/__emulator/faults', { faults: [{ kind: 'reset', rate: 1, route: '^/account-info' }] });
    await expect(emu.api('GET', '/account-info/v3/details')).rejects.toThrow();
    await emu.api('PUT', '/__emulator/faults', { faults: [{ kind: 'timeout', rate: 1, route: '^/account-info' }], timeoutFaultMs: 200 });
    await expect(emu.api('GET', '/account-info/v3/details')).rejects.toThrow();
    await emu.api('PUT', '/__emulator/faults', { faults: [{ kind: 'truncated', rate: 1, route: '^/account-info' }] });
    await expect(emu.api('GET', '/account-info/v3/details')).rejects.toThrow();
  });

  test('bad fault rules are refused with a clear message', async () => {
    const res = await emu.api('PUT', '/__emulator/faults', { faults: [{ kind: 'explode', rate: 1 }] });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/kind must be one of/);
    const rate = await emu.api('PUT', '/__emulator/faults', { faults: [{ kind: '500', rate: 2 }] });
    expect(rate.status).toBe(400);
  });

  test('latency is added at run time', async () => {
    await emu.api('PUT', '/__emulator/latency', { fixedMs: 150 });
    const t0 = Date.now();
    await emu.api('GET', '/account-info/v3/details');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });
});

describeWithSpecs('emulator rate limits', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ rateLimit: { perWindow: 3, windowMs: 500, searchPerSecond: 1, daily: 1000, disabled: false } });
  });
  afterAll(() => emu.close());

  test('the rolling window refuses with HubSpot 429 body and headers, then recovers', async () => {
    const first = await emu.api('GET', '/account-info/v3/details');
    expect(first.headers.get('x-hubspot-ratelimit-max')).toBe('3');
    expect(first.headers.get('x-hubspot-ratelimit-remaining')).toBe('2');
    expect(first.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('500');
    await emu.api('GET', '/account-info/v3/details');
    await emu.api('GET', '/account-info/v3/details');
    const limited = await emu.checked('GET', '/account-info/v3/details');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ status: 'error', category: 'RATE_LIMITS', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 550));
    expect((await emu.api('GET', '/account-info/v3/details')).status).toBe(200);
  });

  test('limits are per token', async () => {
    await new Promise((r) => setTimeout(r, 550));
    for (let i = 0; i < 3; i++) await emu.api('GET', '/account-info/v3/details');
    expect((await emu.api('GET', '/account-info/v3/details')).status).toBe(429);
    expect((await emu.api('GET', '/account-info/v3/details', undefined, { token: 'other-portal-token' })).status).toBe(200);
  });

  test('rate limits can be changed at run time', async () => {
    const res = await emu.api('PUT', '/__emulator/rate-limits', { perWindow: 1000 });
    expect(res.body.perWindow).toBe(1000);
    expect((await emu.api('GET', '/account-info/v3/details')).status).toBe(200);
  });
});
