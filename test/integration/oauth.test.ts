import Keyv from 'keyv';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createAuth } from '../../src/auth';
import { generateApiKey } from '../../src/auth/apiKeys';
import { KeyvUsedNonces, StateSigner } from '../../src/auth/state';
import { TokenStore } from '../../src/auth/tokenStore';
import { loadConfig } from '../../src/config';
import type { EmulatorOptions } from '../../src/emulator/options';
import { DEFAULT_WEBHOOK_APP } from '../../src/emulator/options';
import type { CallOutcome } from '../../src/hubspot/client';
import { Transport } from '../../src/hubspot/transport';
import { createGateway } from '../../src/server/gateway';
import { createLogger } from '../../src/server/logger';
import { OTHER_PORTAL_ID, OTHER_PORTAL_TOKEN, PORTAL_ID, startEmulator, TOKEN, type TestEmulator } from '../helpers/emulator';

const STATE_SECRET = 'integration-test-state-secret-0123456789';
const SCOPES = 'oauth crm.objects.contacts.read crm.objects.owners.read';
const ACCOUNT = '{ account { portalId } }';

interface TestGateway {
  base: string;
  calls: CallOutcome[];
  /** Every log line the gateway wrote (debug level). */
  logs: string[];
  query(query: string, headers?: Record<string, string>): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

/** A gateway configured from settings (as `npm start` would be) against a test emulator. */
async function startGateway(emu: TestEmulator, env: Record<string, string>): Promise<TestGateway> {
  const config = loadConfig({ LOG_LEVEL: 'debug', HUBSPOT_BASE_URL: emu.url, RATE_LIMIT_PER_WINDOW: '100000', SEARCH_RATE_PER_SECOND: '100000', ...env });
  const logs: string[] = [];
  const logger = createLogger('debug', new Writable({ write: (chunk, _enc, done) => (logs.push(String(chunk)), done()) }));
  const transport = new Transport({ baseUrl: emu.url, connections: 8, timeoutMs: config.upstreamTimeoutMs });
  const auth = createAuth(config, transport, logger);
  const calls: CallOutcome[] = [];
  const gateway = await createGateway({ config, logger, transport, credentials: auth.credentials, ...(auth.routes ? { oauthRoutes: auth.routes } : {}), onUpstreamCall: (o) => calls.push(o) });
  const { url } = await gateway.listen(0, '127.0.0.1');
  return {
    base: url.replace(/\/graphql$/, ''),
    calls,
    logs,
    async query(query, headers = {}) {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
      return { status: res.status, body: await res.json() };
    },
    async close() {
      await gateway.stop();
      await auth.close();
      await transport.close();
    },
  };
}

const oauthEnv = (tokenStoreUrl: string, extra: Record<string, string> = {}) => ({
  HUBSPOT_CLIENT_ID: DEFAULT_WEBHOOK_APP.clientId,
  HUBSPOT_CLIENT_SECRET: DEFAULT_WEBHOOK_APP.clientSecret,
  TOKEN_STORE_URL: tokenStoreUrl,
  OAUTH_STATE_SECRET: STATE_SECRET,
  OAUTH_SCOPES: SCOPES,
  OAUTH_REFRESH_MARGIN_SECONDS: '0',
  // Caller authentication is tested in test/integration/security/.
  ALLOW_UNAUTHENTICATED_CALLERS: 'true',
  ...extra,
});

const formFields = (html: string) => Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c)))]));

/**
 * The install as a browser makes it: /oauth/install → the emulator's consent page → "Authorize" → the redirect
 * to the gateway's callback, returned unfollowed so tests can tamper with it.
 */
async function consent(gw: TestGateway, opts: { portalId?: number; decision?: 'allow' | 'deny' } = {}): Promise<{ authorize: URL; callback: URL }> {
  const start = await fetch(`${gw.base}/oauth/install`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get('location')!);
  if (opts.portalId !== undefined) authorize.searchParams.set('portalId', String(opts.portalId));
  const page = await fetch(authorize);
  expect(page.status).toBe(200);
  const decided = await fetch(`${authorize.origin}/oauth/authorize`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ ...formFields(await page.text()), decision: opts.decision ?? 'allow' }) });
  expect(decided.status).toBe(302);
  return { authorize, callback: new URL(decided.headers.get('location')!) };
}

async function callback(url: URL | string): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  return { status: res.status, body: await res.json() };
}

async function install(gw: TestGateway, portalId?: number): Promise<void> {
  const { callback: cb } = await consent(gw, portalId !== undefined ? { portalId } : {});
  const done = await callback(cb);
  expect(done).toEqual({ status: 200, body: { installed: { portalId: portalId ?? PORTAL_ID, scopes: SCOPES.split(' ') } } });
}

/** The emulator's log since `since`: token endpoint calls and 401s. */
function upstream(emu: TestEmulator, since = 0) {
  const entries = emu.state.log.list(since);
  return {
    tokenCalls: entries.filter((e) => e.path === '/oauth/v1/token').length,
    unauthorized: entries.filter((e) => e.status === 401).length,
    entries,
  };
}

/** Reads what the gateway stored, through a second handle on the same SQLite file. */
async function storedTokens(file: string, portalId = PORTAL_ID) {
  const store = TokenStore.open(file);
  try {
    return await store.get(portalId);
  } finally {
    await store.close();
  }
}

describe('OAuth app mode', () => {
  let dir: string;
  let n = 0;
  const freshFile = () => join(dir, `tokens-${++n}.sqlite`);
  const emulators: TestEmulator[] = [];
  const gateways: TestGateway[] = [];
  const emulator = async (overrides: Partial<EmulatorOptions> = {}) => {
    const emu = await startEmulator(overrides);
    emulators.push(emu);
    return emu;
  };
  const gateway = async (emu: TestEmulator, env: Record<string, string>) => {
    const gw = await startGateway(emu, env);
    gateways.push(gw);
    return gw;
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'oauth-it-'));
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((g) => g.close()));
    await Promise.all(emulators.splice(0).map((e) => e.close()));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('install → query → the access token expires → refresh → query; no token or secret is ever logged', async () => {
    const emu = await emulator({ oauth: { accessTokenTtlSeconds: 1 } });
    const file = freshFile();
    const gw = await gateway(emu, oauthEnv(file));

    const { authorize, callback: cb } = await consent(gw);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${emu.url}/oauth/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toEqual({
      client_id: DEFAULT_WEBHOOK_APP.clientId,
      redirect_uri: `${gw.base}/oauth/callback`,
      scope: SCOPES,
      state: expect.stringMatching(/^v1\.[\w-]+\.[\w-]+$/),
    });
    expect(`${cb.origin}${cb.pathname}`).toBe(`${gw.base}/oauth/callback`);
    expect(cb.searchParams.get('state')).toBe(authorize.searchParams.get('state'));
    const code = cb.searchParams.get('code')!;
    expect(await callback(cb)).toEqual({ status: 200, body: { installed: { portalId: PORTAL_ID, scopes: SCOPES.split(' ') } } });

    const installed = (await storedTokens(file))!;
    expect(installed).toMatchObject({ portalId: PORTAL_ID, expiresIn: 1, scopes: SCOPES.split(' ') });
    expect(upstream(emu).tokenCalls).toBe(1);

    const first = await gw.query(`{ account { portalId } contacts(first: 2) { nodes { email } } }`);
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.account.portalId).toBe(String(PORTAL_ID));
    expect(first.body.data.contacts.nodes).toHaveLength(2);

    await new Promise((r) => setTimeout(r, 1_100));
    const since = emu.state.log.lastSeq;
    const second = await gw.query(ACCOUNT);
    expect(second.body).toEqual({ data: { account: { portalId: String(PORTAL_ID) } }, extensions: expect.anything() });
    // Refreshed before the call (expires_in had run out), so HubSpot never saw the expired token.
    expect(upstream(emu, since)).toMatchObject({ tokenCalls: 1, unauthorized: 0 });
    const refreshed = (await storedTokens(file))!;
    expect(refreshed.accessToken).not.toBe(installed.accessToken);
    expect(refreshed.refreshToken).toBe(installed.refreshToken);

    const logged = gw.logs.join('\n');
    expect(logged).toContain('OAuth access token refreshed');
    for (const secret of [installed.accessToken, refreshed.accessToken, installed.refreshToken, DEFAULT_WEBHOOK_APP.clientSecret, code, STATE_SECRET]) {
      expect(logged.includes(secret)).toBe(false);
    }
  });

  test('tokens survive a restart: a new gateway on the same SQLite file queries without a new install', async () => {
    const emu = await emulator();
    const file = freshFile();
    const before = await startGateway(emu, oauthEnv(file));
    await install(before);
    expect((await before.query(ACCOUNT)).body.data.account.portalId).toBe(String(PORTAL_ID));
    await before.close();

    const since = emu.state.log.lastSeq;
    const after = await gateway(emu, oauthEnv(file));
    const res = await after.query(ACCOUNT);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.account.portalId).toBe(String(PORTAL_ID));
    expect(upstream(emu, since).tokenCalls).toBe(0);
  });

  describe('the callback refuses bad states before any token exchange', () => {
    let emu: TestEmulator;
    let gw: TestGateway;
    beforeEach(async () => {
      emu = await emulator();
      gw = await gateway(emu, oauthEnv(freshFile()));
    });

    const withState = (cb: URL, state: string) => {
      const url = new URL(cb);
      url.searchParams.set('state', state);
      return url;
    };

    test('a forged state (altered signature) is refused; the genuine one still works', async () => {
      const { callback: cb } = await consent(gw);
      const state = cb.searchParams.get('state')!;
      const forged = state.slice(0, -3) + (state.endsWith('AAA') ? 'BBB' : 'AAA');
      const since = emu.state.log.lastSeq;
      const res = await callback(withState(cb, forged));
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toEqual({ message: expect.stringMatching(/^Invalid OAuth state: the state signature does not match/), extensions: { code: 'BAD_REQUEST', reason: 'forged' } });
      expect(upstream(emu, since).tokenCalls).toBe(0);
      expect((await callback(cb)).status).toBe(200);
    });

    test('a state signed with another secret is refused', async () => {
      const { callback: cb } = await consent(gw);
      const other = new StateSigner('another-secret-which-is-also-long-0123456789', 60_000, new KeyvUsedNonces(new Keyv<number>()));
      const since = emu.state.log.lastSeq;
      const res = await callback(withState(cb, other.issue(`${gw.base}/oauth/callback`)));
      expect(res.body.errors[0].extensions.reason).toBe('forged');
      expect(upstream(emu, since).tokenCalls).toBe(0);
    });

    test('an expired state is refused', async () => {
      const { callback: cb } = await consent(gw);
      // Signed with the gateway's own secret, but already past its expiry.
      const expired = new StateSigner(STATE_SECRET, -1_000, new KeyvUsedNonces(new Keyv<number>())).issue(`${gw.base}/oauth/callback`);
      const since = emu.state.log.lastSeq;
      const res = await callback(withState(cb, expired));
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toEqual({ message: expect.stringContaining('the state has expired'), extensions: { code: 'BAD_REQUEST', reason: 'expired' } });
      expect(upstream(emu, since).tokenCalls).toBe(0);
    });

    test('a replayed callback is refused', async () => {
      const { callback: cb } = await consent(gw);
      expect((await callback(cb)).status).toBe(200);
      const since = emu.state.log.lastSeq;
      const replay = await callback(cb);
      expect(replay.status).toBe(400);
      expect(replay.body.errors[0]).toEqual({ message: expect.stringContaining('already used'), extensions: { code: 'BAD_REQUEST', reason: 'replayed' } });
      expect(upstream(emu, since).tokenCalls).toBe(0);
    });

    test('a callback without a state, or after the user cancelled, is refused', async () => {
      const since = emu.state.log.lastSeq;
      const missing = await callback(`${gw.base}/oauth/callback?code=abc`);
      expect(missing.body.errors[0].extensions.reason).toBe('missing');
      const { callback: denied } = await consent(gw, { decision: 'deny' });
      const res = await callback(denied);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].message).toMatch(/^HubSpot did not authorize the install: access_denied/);
      expect(upstream(emu, since).tokenCalls).toBe(0);
    });

    test('a browser gets a page, not JSON', async () => {
      const res = await fetch(`${gw.base}/oauth/callback?code=abc`, { headers: { accept: 'text/html' } });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('Invalid OAuth state');
    });
  });

  test('uninstall revokes the refresh token at HubSpot and forgets the portal', async () => {
    const emu = await emulator();
    const file = freshFile();
    const gw = await gateway(emu, oauthEnv(file));
    await install(gw);
    const tokens = (await storedTokens(file))!;
    const uninstall = (headers: Record<string, string>) => fetch(`${gw.base}/oauth/uninstall`, { method: 'POST', headers: { accept: 'application/json', ...headers } });

    expect((await uninstall({})).status).toBe(400);
    expect((await uninstall({ 'X-HubSpot-Portal-Id': '999' })).status).toBe(404);
    expect((await fetch(`${gw.base}/oauth/uninstall`)).status).toBe(404);
    const res = await uninstall({ 'X-HubSpot-Portal-Id': String(PORTAL_ID) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ uninstalled: { portalId: PORTAL_ID } });

    expect(upstream(emu).entries.some((e) => e.method === 'DELETE' && e.path.startsWith('/oauth/v1/refresh-tokens/') && e.status === 204)).toBe(true);
    expect((await emu.api('GET', `/oauth/v1/refresh-tokens/${tokens.refreshToken}`, undefined, { token: null })).status).toBe(404);
    expect((await emu.api('GET', '/account-info/v3/details', undefined, { token: tokens.accessToken })).status).toBe(401);
    expect(await storedTokens(file)).toBeUndefined();
    const after = await gw.query(ACCOUNT);
    expect(after.body.errors[0]).toMatchObject({ message: expect.stringContaining('No HubSpot portal is installed'), extensions: { code: 'UNAUTHENTICATED' } });
  });

  test('uninstall needs an authenticated caller bound to that portal; install and callback stay public', async () => {
    const emu = await emulator();
    const file = freshFile();
    const own = generateApiKey(PORTAL_ID);
    const other = generateApiKey(OTHER_PORTAL_ID);
    const { ALLOW_UNAUTHENTICATED_CALLERS: _open, ...env } = oauthEnv(file);
    const gw = await gateway(emu, { ...env, API_KEY_HASHES: `${own.hash},${other.hash}` });
    // The install flow (install → HubSpot → callback) needs no caller credential.
    await install(gw);
    const uninstall = (headers: Record<string, string>) => fetch(`${gw.base}/oauth/uninstall`, { method: 'POST', headers: { accept: 'application/json', 'X-HubSpot-Portal-Id': String(PORTAL_ID), ...headers } });

    const anonymous = await uninstall({});
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await uninstall({ 'X-API-Key': 'hsgw_not-a-key-of-this-gateway' })).status).toBe(401);
    const otherPortal = await uninstall({ 'X-API-Key': other.key });
    expect(otherPortal.status).toBe(403);
    expect((await otherPortal.json()).errors[0].extensions.code).toBe('FORBIDDEN');
    expect(upstream(emu).entries.some((e) => e.path.startsWith('/oauth/v1/refresh-tokens/'))).toBe(false);
    expect(await storedTokens(file)).toBeDefined();

    const res = await uninstall({ 'X-API-Key': own.key });
    expect(res.status).toBe(200);
    expect(await storedTokens(file)).toBeUndefined();
  });

  test('a 401 to a still-"valid" token triggers one refresh, and the calls are retried once', async () => {
    const emu = await emulator();
    const file = freshFile();
    const gw = await gateway(emu, oauthEnv(file));
    await install(gw);
    expect((await gw.query(ACCOUNT)).body.data).toBeDefined();
    const before = (await storedTokens(file))!;
    // HubSpot stops accepting the token although its expires_in has not run out.
    expect(emu.state.oauth.revokeAccessToken(before.accessToken)).toBe(true);

    const since = emu.state.log.lastSeq;
    // Two root fields: two calls in flight with the same dead token, one refresh for both.
    const res = await gw.query('{ account { portalId } contacts(first: 1) { nodes { email } } }');
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.account.portalId).toBe(String(PORTAL_ID));
    const seen = upstream(emu, since);
    expect(seen.tokenCalls).toBe(1);
    expect(seen.unauthorized).toBe(2);
    expect(seen.entries.filter((e) => e.path !== '/oauth/v1/token' && e.status === 200)).toHaveLength(2);
    expect((await storedTokens(file))!.accessToken).not.toBe(before.accessToken);
  });

  test('two installed portals: the X-HubSpot-Portal-Id header chooses', async () => {
    const emu = await emulator();
    const gw = await gateway(emu, oauthEnv(freshFile()));
    await install(gw);
    await install(gw, OTHER_PORTAL_ID);
    const unspecified = await gw.query(ACCOUNT);
    expect(unspecified.body.errors[0]).toMatchObject({ message: expect.stringContaining(`2 HubSpot portals are installed (${PORTAL_ID}, ${OTHER_PORTAL_ID})`), extensions: { code: 'BAD_USER_INPUT' } });
    const [a, b] = await Promise.all([gw.query(ACCOUNT, { 'X-HubSpot-Portal-Id': String(PORTAL_ID) }), gw.query(ACCOUNT, { 'X-HubSpot-Portal-Id': String(OTHER_PORTAL_ID) })]);
    expect(a.body.data.account.portalId).toBe(String(PORTAL_ID));
    expect(b.body.data.account.portalId).toBe(String(OTHER_PORTAL_ID));
    const unknown = await gw.query(ACCOUNT, { 'X-HubSpot-Portal-Id': '424242' });
    expect(unknown.body.errors[0]).toMatchObject({ message: expect.stringContaining('portal 424242 is not installed'), extensions: { code: 'UNAUTHENTICATED' } });
  });

  test('before any install: queries say how to install, introspection works, the gateway is ready', async () => {
    const emu = await emulator();
    const gw = await gateway(emu, oauthEnv(freshFile()));
    const res = await gw.query(ACCOUNT);
    expect(res.status).toBe(200);
    expect(res.body.errors[0]).toMatchObject({ message: 'No HubSpot portal is installed yet: open /oauth/install to install the app in one.', extensions: { code: 'UNAUTHENTICATED' } });
    expect((await gw.query('{ __typename }')).body).toMatchObject({ data: { __typename: 'Query' } });
    const ready = await fetch(`${gw.base}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });
});

describe('pass-through mode', () => {
  let emu: TestEmulator;
  let gw: TestGateway;
  beforeAll(async () => {
    emu = await startEmulator();
    gw = await startGateway(emu, { PASS_THROUGH_AUTH: 'true' });
  });
  afterAll(async () => {
    await gw.close();
    await emu.close();
  });

  test("two callers with two portals' tokens get their own portal's data, interleaved", async () => {
    const ownersOf = async (token: string) => (await emu.api('GET', '/crm/v3/owners?limit=3', undefined, { token })).body.results.map((o: { email: string }) => o.email);
    const expected = { [TOKEN]: { portalId: String(PORTAL_ID), owners: await ownersOf(TOKEN) }, [OTHER_PORTAL_TOKEN]: { portalId: String(OTHER_PORTAL_ID), owners: await ownersOf(OTHER_PORTAL_TOKEN) } };
    expect(expected[TOKEN]!.owners).not.toEqual(expected[OTHER_PORTAL_TOKEN]!.owners);
    const callers = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? TOKEN : OTHER_PORTAL_TOKEN));
    const answers = await Promise.all(callers.map((token) => gw.query('{ account { portalId } owners(first: 3) { nodes { email } } }', { authorization: `Bearer ${token}` })));
    answers.forEach((res, i) => {
      expect(res.body.errors).toBeUndefined();
      const want = expected[callers[i]!]!;
      expect(res.body.data.account.portalId).toBe(want.portalId);
      expect(res.body.data.owners.nodes.map((o: { email: string }) => o.email)).toEqual(want.owners);
    });
  });

  test('a request without a bearer token is UNAUTHENTICATED; a bad token is HubSpot 401 → UNAUTHENTICATED', async () => {
    const none = await gw.query(ACCOUNT);
    expect(none.body.errors[0]).toMatchObject({ message: expect.stringContaining('Authorization: Bearer'), extensions: { code: 'UNAUTHENTICATED' } });
    const wrong = await gw.query(ACCOUNT, { authorization: 'Bearer not-a-known-token' });
    expect(wrong.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(wrong.body)).not.toContain('not-a-known-token');
  });

  test('the gateway is ready without a token of its own', async () => {
    expect(await (await fetch(`${gw.base}/readyz`)).json()).toEqual({ status: 'ready' });
  });
});
