import { HubSpotClient, type CallOutcome } from '../../../src/hubspot/client';
import { HubSpotError } from '../../../src/hubspot/errors';
import { Transport } from '../../../src/hubspot/transport';
import { startEmulator, TOKEN, type TestEmulator } from '../../helpers/emulator';

describe('HubSpot REST client against the emulator', () => {
  let emu: TestEmulator;
  let transport: Transport;
  const outcomes: CallOutcome[] = [];
  const client = (token = TOKEN) => new HubSpotClient({ transport, credential: () => token, onCall: (o) => outcomes.push(o) });
  beforeAll(async () => {
    emu = await startEmulator();
    transport = new Transport({ baseUrl: emu.url, connections: 4, timeoutMs: 1_000 });
  });
  afterAll(async () => {
    await transport.close();
    await emu.close();
  });
  afterEach(() => emu.api('PUT', '/__emulator/faults', { faults: [] }));

  test('sends the bearer token and parses the body', async () => {
    const details = await client().account.details();
    expect(details.portalId).toBe(111);
    expect(outcomes.at(-1)).toMatchObject({ status: 200, call: { operation: '/account-info/v3/details' } });
  });

  test("HubSpot's error body becomes a typed HubSpotError without URL or token", async () => {
    const e = await client('bad-token').account.details().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HubSpotError);
    expect(e).toMatchObject({ status: 401, category: 'INVALID_AUTHENTICATION', operation: '/account-info/v3/details' });
    expect((e as HubSpotError).correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify({ ...(e as object), message: (e as Error).message })).not.toMatch(/bad-token|127\.0\.0\.1/);
  });

  test('a 429 carries Retry-After and the policy name', async () => {
    await emu.api('PUT', '/__emulator/faults', { faults: [{ kind: '503', rate: 1, route: '^/account-info' }] });
    const e = (await client().account.details().catch((x: unknown) => x)) as HubSpotError;
    expect(e).toMatchObject({ status: 503, retryAfterSeconds: 1 });
  });

  test.each([
    ['reset', 'CONNECTION'],
    ['truncated', 'BAD_RESPONSE'],
    ['timeout', 'TIMEOUT'],
  ])('transport failure %s → %s', async (kind, transportKind) => {
    await emu.api('PUT', '/__emulator/faults', { faults: [{ kind, rate: 1, route: '^/account-info' }], timeoutFaultMs: 5_000 });
    const e = (await client().account.details().catch((x: unknown) => x)) as HubSpotError;
    expect(e).toBeInstanceOf(HubSpotError);
    expect(e).toMatchObject({ status: 0, transport: transportKind });
  });

  test('a non-JSON error page (502 from a proxy) still maps', async () => {
    await emu.api('PUT', '/__emulator/faults', { faults: [{ kind: '502', rate: 1, route: '^/account-info' }] });
    const e = (await client().account.details().catch((x: unknown) => x)) as HubSpotError;
    expect(e).toMatchObject({ status: 502, category: 'HTTP_502' });
  });

  test('path parameters are URL-encoded (emails as ids)', async () => {
    await client().objects.get('contacts', 'a/b@example.com', { idProperty: 'email' }).catch(() => undefined);
    const last = (await emu.api('GET', '/__emulator/requests')).body.results.at(-1);
    expect(last.path).toBe('/crm/v3/objects/contacts/a%2Fb%40example.com');
    expect(last.query).toBe('idProperty=email');
  });

  test('an aborted signal cancels the call', async () => {
    const abort = new AbortController();
    abort.abort();
    const c = new HubSpotClient({ transport, credential: () => TOKEN, signal: abort.signal });
    await expect(c.account.details()).rejects.toMatchObject({ transport: 'TIMEOUT' });
  });
});
