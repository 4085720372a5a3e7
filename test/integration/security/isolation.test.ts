import { createClient, type Client } from 'graphql-ws';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { generateApiKey } from '../../../src/auth/apiKeys';
import { PassThroughCredentials } from '../../../src/auth/credentials';
import { DEFAULT_WEBHOOK_APP } from '../../../src/emulator/options';
import type { CrmEvent } from '../../../src/events/types';
import { OTHER_PORTAL_ID, OTHER_PORTAL_TOKEN, PORTAL_ID, startEmulator, TOKEN, type TestEmulator } from '../../helpers/emulator';
import { hs256, startSecureGateway, type SecureGateway } from './securityGateway';

/**
 * Two portals (111 and 222) with recognisable data, behind one gateway, in each credential mode: interleaved
 * concurrent requests each see only their own portal's records and cached metadata; persisted queries and
 * subscription events stay with the portal they belong to; and nothing secret reaches the logs.
 */

const JWT_SECRET = 'isolation-test-jwt-secret-0123456789abcdef';
const STATE_SECRET = 'isolation-test-state-secret-0123456789abcd';
const MARK = { [PORTAL_ID]: `Alpha${PORTAL_ID}`, [OTHER_PORTAL_ID]: `Beta${OTHER_PORTAL_ID}` } as Record<number, string>;
const RENAMED = 'Portal 222 renamed pipeline';
const QUERY = '{ account { portalId } pipelines(objectType: DEALS) { id label } contacts(first: 100) { nodes { firstname } } }';
const CHANGES = 'subscription { crmObjectChanged(objectTypes: ["contacts"]) { kind objectId } }';
const REQUESTS = 50;

type Headers = Record<string, string>;

describe('portal isolation', () => {
  let emu: TestEmulator;
  let defaultPipelineLabel: string;
  let dir: string;
  const gateways: SecureGateway[] = [];
  const clients: Client[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'isolation-'));
    emu = await startEmulator();
    for (const [token, portalId] of [[TOKEN, PORTAL_ID], [OTHER_PORTAL_TOKEN, OTHER_PORTAL_ID]] as const) {
      const res = await emu.api('POST', '/crm/v3/objects/contacts', { properties: { firstname: MARK[portalId], email: `${MARK[portalId]!.toLowerCase()}@example.com` } }, { token });
      expect(res.status).toBe(201);
    }
    const pipelines = await emu.api('GET', '/crm/v3/pipelines/deals', undefined, { token: OTHER_PORTAL_TOKEN });
    const first = pipelines.body.results[0];
    defaultPipelineLabel = first.label;
    expect((await emu.api('PATCH', `/crm/v3/pipelines/deals/${first.id}`, { label: RENAMED }, { token: OTHER_PORTAL_TOKEN })).status).toBe(200);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    await Promise.all(gateways.splice(0).map((g) => g.close()));
  });
  afterAll(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (env: Record<string, string>, passThrough = false) => {
    const gw = await startSecureGateway(emu, env, passThrough ? new PassThroughCredentials() : undefined);
    gateways.push(gw);
    return gw;
  };

  /** What portal `portalId`'s answer must hold: its id, its pipeline label, its record and not the other's. */
  function expectOwnPortal(body: any, portalId: number): void { // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(body.errors).toBeUndefined();
    expect(body.data.account.portalId).toBe(String(portalId));
    const names: string[] = body.data.contacts.nodes.map((n: { firstname: string | null }) => n.firstname);
    expect(names).toContain(MARK[portalId]);
    expect(names).not.toContain(MARK[portalId === PORTAL_ID ? OTHER_PORTAL_ID : PORTAL_ID]);
    expect(body.data.pipelines[0].label).toBe(portalId === OTHER_PORTAL_ID ? RENAMED : defaultPipelineLabel);
  }

  /** REQUESTS interleaved concurrent requests, alternating portals; every answer is its own portal's. */
  async function interleaved(gw: SecureGateway, headersOf: Record<number, Headers>): Promise<void> {
    const portals = Array.from({ length: REQUESTS }, (_, i) => (i % 3 === 0 ? OTHER_PORTAL_ID : i % 2 === 0 ? PORTAL_ID : OTHER_PORTAL_ID));
    const answers = await Promise.all(portals.map((p) => gw.post({ query: QUERY }, headersOf[p])));
    answers.forEach((a, i) => {
      expect(a.status).toBe(200);
      expectOwnPortal(a.body, portals[i]!);
    });
  }

  /** Persisted queries: registered by one portal, unknown to the other. */
  async function apqStaysWithItsPortal(gw: SecureGateway, own: Headers, other: Headers, portalId: number): Promise<void> {
    const query = `{ account { portalId } contacts(first: 100) { nodes { firstname } } pipelines(objectType: DEALS) { id label } } # ${randomUUID()}`;
    const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') };
    const unregistered = await gw.post({ extensions: { persistedQuery } }, own);
    expect(unregistered.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await gw.post({ query, extensions: { persistedQuery } }, own);
    expectOwnPortal(registered.body, portalId);
    expectOwnPortal((await gw.post({ extensions: { persistedQuery } }, own)).body, portalId);
    const elsewhere = await gw.post({ extensions: { persistedQuery } }, other);
    expect(elsewhere.body).toEqual({ errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] });
  }

  /** Events of both portals are published; each portal's subscriber gets exactly its own. */
  async function eventsStayWithTheirPortal(gw: SecureGateway, paramsOf: Record<number, Headers>): Promise<void> {
    const received: Record<number, string[]> = { [PORTAL_ID]: [], [OTHER_PORTAL_ID]: [] };
    const failures: unknown[] = [];
    for (const portalId of [PORTAL_ID, OTHER_PORTAL_ID]) {
      const client = createClient({ url: gw.wsUrl, webSocketImpl: WebSocket, connectionParams: paramsOf[portalId], retryAttempts: 0, lazy: true });
      clients.push(client);
      client.subscribe({ query: CHANGES }, { next: (v) => received[portalId]!.push((v.data as any).crmObjectChanged.objectId), error: (e) => failures.push(e), complete: () => undefined }); // eslint-disable-line @typescript-eslint/no-explicit-any
    }
    await gw.untilSubscribed(2);
    const events: CrmEvent[] = [];
    for (let i = 0; i < 10; i++) {
      const portalId = i % 2 ? OTHER_PORTAL_ID : PORTAL_ID;
      events.push({ eventId: randomUUID(), portalId, objectType: 'contacts', objectId: `${portalId}-${i}`, kind: 'deletion', subscriptionType: 'contact.deletion', occurredAt: Date.now() });
    }
    await gw.gateway.events.publish(events);
    const until = Date.now() + 5_000;
    while (received[PORTAL_ID]!.length + received[OTHER_PORTAL_ID]!.length < 10 && failures.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(failures).toEqual([]);
    expect(received[PORTAL_ID]).toEqual(['111-0', '111-2', '111-4', '111-6', '111-8']);
    expect(received[OTHER_PORTAL_ID]).toEqual(['222-1', '222-3', '222-5', '222-7', '222-9']);
  }

  function expectNoSecretsLogged(gw: SecureGateway, secrets: string[]): void {
    const text = gw.logs.join('');
    expect(gw.logs.length).toBeGreaterThan(5);
    expect(text).toContain('"level":20'); // debug lines (upstream calls) were written too
    for (const secret of secrets) expect(text).not.toContain(secret);
    for (const mark of Object.values(MARK)) expect(text).not.toContain(mark);
  }

  test('pass-through: two tokens, interleaved, see only their own portal', async () => {
    const gw = await start({ PASS_THROUGH_AUTH: 'true' }, true);
    const headersOf = { [PORTAL_ID]: { authorization: `Bearer ${TOKEN}` }, [OTHER_PORTAL_ID]: { authorization: `Bearer ${OTHER_PORTAL_TOKEN}` } };
    await interleaved(gw, headersOf);
    await apqStaysWithItsPortal(gw, headersOf[PORTAL_ID], headersOf[OTHER_PORTAL_ID], PORTAL_ID);
    await apqStaysWithItsPortal(gw, headersOf[OTHER_PORTAL_ID], headersOf[PORTAL_ID], OTHER_PORTAL_ID);
    await eventsStayWithTheirPortal(gw, headersOf);
    // Without a token there is no HubSpot access, and nothing persisted to find.
    const anonymous = await gw.post({ query: '{ account { portalId } }' });
    expect(anonymous.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expectNoSecretsLogged(gw, [TOKEN, OTHER_PORTAL_TOKEN]);
  });

  test('pass-through with API keys: the caller needs a key as well as a HubSpot token, and a bound key its own portal', async () => {
    const any = generateApiKey();
    const only222 = generateApiKey(OTHER_PORTAL_ID);
    const gw = await start({ PASS_THROUGH_AUTH: 'true', API_KEY_HASHES: `${any.hash},${only222.hash}` }, true);
    const noKey = await gw.post({ query: '{ account { portalId } }' }, { authorization: `Bearer ${TOKEN}` });
    expect(noKey).toMatchObject({ status: 401, body: { errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] } });
    const ok = await gw.post({ query: '{ account { portalId } }' }, { authorization: `Bearer ${TOKEN}`, 'x-api-key': any.key });
    expect(ok.body.data.account.portalId).toBe(String(PORTAL_ID));
    const wrongPortal = await gw.post({ query: '{ account { portalId } }' }, { authorization: `Bearer ${TOKEN}`, 'x-api-key': only222.key });
    expect(wrongPortal).toMatchObject({ status: 403, body: { errors: [{ extensions: { code: 'FORBIDDEN' } }] } });
    const own = await gw.post({ query: '{ account { portalId } }' }, { authorization: `Bearer ${OTHER_PORTAL_TOKEN}`, 'x-api-key': only222.key });
    expect(own.body.data.account.portalId).toBe(String(OTHER_PORTAL_ID));
    expectNoSecretsLogged(gw, [TOKEN, OTHER_PORTAL_TOKEN, any.key, only222.key]);
  });

  test('private-app token with caller authentication: keys and JWTs bound to another portal are refused', async () => {
    const key111 = generateApiKey(PORTAL_ID);
    const key222 = generateApiKey(OTHER_PORTAL_ID);
    const gw = await start({ HUBSPOT_TOKEN: TOKEN, API_KEY_HASHES: `${key111.hash},${key222.hash}`, JWT_SECRET });
    const q = { query: '{ account { portalId } }' };
    expect((await gw.post(q)).status).toBe(401);
    expect((await gw.post(q, { 'x-api-key': 'hsgw_a-key-nobody-was-ever-given' })).status).toBe(401);
    expect((await gw.post(q, { authorization: `Bearer ${hs256({ hubspot_portal_id: PORTAL_ID }, 'another-secret-0123456789abcdefghijklmnop')}` })).status).toBe(401);
    expect((await gw.post(q, { 'x-api-key': key111.key })).body.data.account.portalId).toBe(String(PORTAL_ID));
    expect((await gw.post(q, { authorization: `Bearer ${hs256({ hubspot_portal_id: PORTAL_ID }, JWT_SECRET)}` })).body.data.account.portalId).toBe(String(PORTAL_ID));
    const forbidden = [await gw.post(q, { 'x-api-key': key222.key }), await gw.post(q, { authorization: `Bearer ${hs256({ hubspot_portal_id: OTHER_PORTAL_ID }, JWT_SECRET)}` })];
    for (const f of forbidden) expect(f).toMatchObject({ status: 403, body: { errors: [{ extensions: { code: 'FORBIDDEN' } }] } });
    // WebSockets: an unauthenticated connection is closed at connection_init.
    const closed = await new Promise<{ code: number }>((resolve) => {
      const client = createClient({ url: gw.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
      clients.push(client);
      client.subscribe({ query: CHANGES }, { next: () => undefined, error: (e) => resolve(e as { code: number }), complete: () => undefined });
    });
    expect(closed.code).toBe(4403);
    expectNoSecretsLogged(gw, [TOKEN, key111.key, key222.key]);
  });

  test('OAuth installs of both portals, selected by JWT claim and by API key: nothing crosses', async () => {
    const key111 = generateApiKey(PORTAL_ID);
    const key222 = generateApiKey(OTHER_PORTAL_ID);
    const unbound = generateApiKey();
    const gw = await start({
      HUBSPOT_CLIENT_ID: DEFAULT_WEBHOOK_APP.clientId,
      HUBSPOT_CLIENT_SECRET: DEFAULT_WEBHOOK_APP.clientSecret,
      TOKEN_STORE_URL: join(dir, 'tokens.sqlite'),
      OAUTH_STATE_SECRET: STATE_SECRET,
      OAUTH_SCOPES: 'oauth crm.objects.contacts.read crm.objects.deals.read crm.objects.owners.read',
      API_KEY_HASHES: `${key111.hash},${key222.hash},${unbound.hash}`,
      JWT_SECRET,
    });
    for (const portalId of [PORTAL_ID, OTHER_PORTAL_ID]) await install(gw, portalId);
    const jwtOf = { [PORTAL_ID]: { authorization: `Bearer ${hs256({ sub: 'a', hubspot_portal_id: PORTAL_ID }, JWT_SECRET)}` }, [OTHER_PORTAL_ID]: { authorization: `Bearer ${hs256({ sub: 'b', hubspot_portal_id: String(OTHER_PORTAL_ID) }, JWT_SECRET)}` } };
    const keyOf = { [PORTAL_ID]: { 'x-api-key': key111.key }, [OTHER_PORTAL_ID]: { 'x-api-key': key222.key } };
    await interleaved(gw, jwtOf);
    await interleaved(gw, keyOf);
    await apqStaysWithItsPortal(gw, keyOf[PORTAL_ID], jwtOf[OTHER_PORTAL_ID], PORTAL_ID);
    await apqStaysWithItsPortal(gw, jwtOf[OTHER_PORTAL_ID], keyOf[PORTAL_ID], OTHER_PORTAL_ID);
    await eventsStayWithTheirPortal(gw, jwtOf);
    // A bound caller cannot pick another portal with the header; an unbound key picks with it.
    const q = { query: '{ account { portalId } }' };
    expect(await gw.post(q, { ...keyOf[PORTAL_ID], 'x-hubspot-portal-id': String(OTHER_PORTAL_ID) })).toMatchObject({ status: 403, body: { errors: [{ extensions: { code: 'FORBIDDEN' } }] } });
    expect(await gw.post(q, { ...jwtOf[OTHER_PORTAL_ID], 'x-hubspot-portal-id': String(PORTAL_ID) })).toMatchObject({ status: 403 });
    expect((await gw.post(q, { 'x-api-key': unbound.key, 'x-hubspot-portal-id': String(OTHER_PORTAL_ID) })).body.data.account.portalId).toBe(String(OTHER_PORTAL_ID));
    expect((await gw.post(q, { 'x-hubspot-portal-id': String(OTHER_PORTAL_ID) })).status).toBe(401);
    expectNoSecretsLogged(gw, [key111.key, key222.key, unbound.key, jwtOf[PORTAL_ID].authorization.slice(7), jwtOf[OTHER_PORTAL_ID].authorization.slice(7), DEFAULT_WEBHOOK_APP.clientSecret, STATE_SECRET, JWT_SECRET]);
  });
});

const formFields = (html: string) => Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c)))]));

/** The OAuth install as a browser makes it (see test/integration/oauth.test.ts), into `portalId`. */
async function install(gw: SecureGateway, portalId: number): Promise<void> {
  const start = await fetch(`${gw.base}/oauth/install`, { redirect: 'manual' });
  const authorize = new URL(start.headers.get('location')!);
  authorize.searchParams.set('portalId', String(portalId));
  const page = await fetch(authorize);
  const decided = await fetch(`${authorize.origin}/oauth/authorize`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ ...formFields(await page.text()), decision: 'allow' }) });
  const done = await fetch(decided.headers.get('location')!, { headers: { accept: 'application/json' } });
  expect(await done.json()).toMatchObject({ installed: { portalId } });
}
