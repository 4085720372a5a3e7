import Keyv from 'keyv';
import { CredentialError, PassThroughCredentials, portalKeyOfToken, PrivateAppCredentials, type RequestCredential } from '../../../src/auth/credentials';
import { OAuthCredentials, STORE_TTL_MS } from '../../../src/auth/oauthCredentials';
import { RenewingPolicy } from '../../../src/auth/renewingPolicy';
import { TokenStore, type PortalTokens } from '../../../src/auth/tokenStore';
import { sendOnce, type HubSpotCall } from '../../../src/hubspot/client';
import { HubSpotError } from '../../../src/hubspot/errors';
import { OAuthError, type OAuthClient, type TokenGrant } from '../../../src/hubspot/oauth';

const headers = (h: Record<string, string>) => (name: string) => h[name.toLowerCase()];

/** A stand-in for HubSpot's token endpoint: counts refreshes, hands out at-1, at-2 … */
function fakeClient() {
  let issued = 0;
  const calls = { refresh: 0, revoke: [] as string[] };
  let refuse: OAuthError | undefined;
  const client = {
    refresh: async (): Promise<TokenGrant> => {
      calls.refresh++;
      await new Promise((r) => setTimeout(r, 20));
      if (refuse) throw refuse;
      return { accessToken: `at-${++issued}`, expiresIn: 1800 };
    },
    revokeRefreshToken: async (rt: string) => (calls.revoke.push(rt), true),
    exchangeCode: async (): Promise<TokenGrant> => ({ accessToken: `at-${++issued}`, refreshToken: 'rt-new', expiresIn: 1800, hubId: 777, scopes: ['oauth'] }),
    accessTokenInfo: async () => ({ hubId: 777, appId: 1, scopes: ['oauth'], expiresIn: 1800 }),
  };
  return { client: client as unknown as OAuthClient, calls, refuseWith: (e: OAuthError) => (refuse = e) };
}

const stored = (portalId: number, expiresAt: number, accessToken = 'at-0'): PortalTokens => ({
  portalId,
  accessToken,
  refreshToken: `rt-${portalId}`,
  expiresAt,
  expiresIn: 1800,
  scopes: ['oauth'],
  installedAt: '2024-01-01T00:00:00.000Z',
  refreshedAt: '2024-01-01T00:00:00.000Z',
});

describe('OAuth credentials', () => {
  let now: number;
  let store: TokenStore;
  let fake: ReturnType<typeof fakeClient>;
  let creds: OAuthCredentials;
  beforeEach(() => {
    now = 1_700_000_000_000;
    store = new TokenStore(new Keyv());
    fake = fakeClient();
    creds = new OAuthCredentials({ client: fake.client, store, refreshMarginSeconds: 300, now: () => now });
  });

  const tokenOf = async (h: Record<string, string> = {}) => (await creds.forRequest(headers(h))).token();

  test('with no install, calls fail with UNAUTHENTICATED and a pointer to /oauth/install', async () => {
    const err = await tokenOf().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CredentialError);
    expect(err).toMatchObject({ message: expect.stringContaining('/oauth/install'), extensions: { code: 'UNAUTHENTICATED' } });
  });

  test('the only installed portal is the default; with several, the header chooses', async () => {
    await store.put(stored(111, now + 1_800_000, 'at-111'));
    expect(await tokenOf()).toBe('at-111');
    expect((await creds.forRequest(headers({}))).portalKey).toBe('hub-111');
    // Installed by another instance: seen once the list of portals is read again.
    await store.put(stored(222, now + 1_800_000, 'at-222'));
    now += STORE_TTL_MS;
    await expect(tokenOf()).rejects.toMatchObject({ message: expect.stringContaining('X-HubSpot-Portal-Id'), extensions: { code: 'BAD_USER_INPUT' } });
    expect(await tokenOf({ 'x-hubspot-portal-id': '222' })).toBe('at-222');
    expect(await tokenOf({ 'x-hubspot-portal-id': ' 111 ' })).toBe('at-111');
    await expect(tokenOf({ 'x-hubspot-portal-id': '333' })).rejects.toMatchObject({ message: expect.stringContaining('portal 333 is not installed'), extensions: { code: 'UNAUTHENTICATED' } });
    await expect(tokenOf({ 'x-hubspot-portal-id': 'abc' })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    await expect(tokenOf({ 'x-hubspot-portal-id': '-1' })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });

  test('a token is refreshed once it is within the margin of its expiry, not before', async () => {
    await store.put(stored(111, now + 301_000));
    expect(await tokenOf()).toBe('at-0');
    now += 2_000;
    expect(await tokenOf()).toBe('at-1');
    expect(fake.calls.refresh).toBe(1);
    const saved = await store.get(111);
    expect(saved).toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-111', expiresAt: now + 1_800_000, expiresIn: 1800 });
  });

  test('the margin is at most half the lifetime, so short-lived tokens are not refreshed on every call', async () => {
    await store.put({ ...stored(111, now + 10_000), expiresIn: 10 });
    expect(await tokenOf()).toBe('at-0');
    now += 5_000;
    expect(await tokenOf()).toBe('at-1');
  });

  test('concurrent requests share one refresh (no thundering herd)', async () => {
    await store.put(stored(111, now - 1));
    const tokens = await Promise.all(Array.from({ length: 20 }, () => tokenOf()));
    expect(new Set(tokens)).toEqual(new Set(['at-1']));
    expect(fake.calls.refresh).toBe(1);
  });

  test('after a 401, one refresh serves every call that saw the same rejected token', async () => {
    await store.put(stored(111, now + 1_800_000));
    const requests = await Promise.all(Array.from({ length: 5 }, () => creds.forRequest(headers({}))));
    const rejected = await requests[0]!.token();
    const renewed = await Promise.all(requests.map((r) => r.renewAfterRejection!(rejected)));
    expect(renewed).toEqual([true, true, true, true, true]);
    // A late 401 for the old token does not refresh again: the stored token is already new.
    expect(await requests[0]!.renewAfterRejection!(rejected)).toBe(true);
    expect(fake.calls.refresh).toBe(1);
    expect(await Promise.all(requests.map((r) => r.token()))).toEqual(['at-1', 'at-1', 'at-1', 'at-1', 'at-1']);
  });

  test('a refresh token HubSpot no longer accepts ends the install', async () => {
    await store.put(stored(111, now - 1));
    fake.refuseWith(new OAuthError('POST /oauth/v1/token', 400, 'invalid_grant', 'missing or invalid refresh token', 'BAD_REFRESH_TOKEN'));
    await expect(tokenOf()).rejects.toMatchObject({ message: expect.stringContaining('no longer accepts'), extensions: { code: 'UNAUTHENTICATED' } });
    expect(await store.portalIds()).toEqual([]);
  });

  test('HubSpot failing to refresh (5xx) is an upstream error and keeps the install', async () => {
    await store.put(stored(111, now - 1));
    fake.refuseWith(new OAuthError('POST /oauth/v1/token', 503, 'INTERNAL_ERROR', 'unavailable'));
    const err = await tokenOf().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HubSpotError);
    expect(err).toMatchObject({ status: 503 });
    expect(await store.portalIds()).toEqual([111]);
  });

  test('install stores the tokens of the portal HubSpot names; uninstall revokes and forgets', async () => {
    const installed = await creds.install('code-1', 'http://127.0.0.1/oauth/callback');
    expect(installed).toMatchObject({ portalId: 777, accessToken: 'at-1', refreshToken: 'rt-new', expiresAt: now + 1_800_000 });
    expect(await store.portalIds()).toEqual([777]);
    expect(await creds.uninstall(777)).toBe(true);
    expect(fake.calls.revoke).toEqual(['rt-new']);
    expect(await store.get(777)).toBeUndefined();
    expect(await creds.uninstall(777)).toBe(false);
  });
});

describe('OAuth credentials: token store reads', () => {
  let now: number;
  let store: TokenStore;
  let fake: ReturnType<typeof fakeClient>;
  let reads: { get: number; portalIds: number };
  let creds: OAuthCredentials;
  beforeEach(() => {
    now = 1_700_000_000_000;
    store = new TokenStore(new Keyv());
    fake = fakeClient();
    reads = { get: 0, portalIds: 0 };
    // The store as the gateway sees it (Redis, PostgreSQL: a round trip per call), counting its reads.
    const counting = {
      get: (id: number) => (reads.get++, store.get(id)),
      portalIds: () => (reads.portalIds++, store.portalIds()),
      put: (t: PortalTokens) => store.put(t),
      delete: (id: number) => store.delete(id),
      close: () => store.close(),
    };
    creds = new OAuthCredentials({ client: fake.client, store: counting as unknown as TokenStore, refreshMarginSeconds: 300, now: () => now });
  });
  const tokenOf = async (h: Record<string, string> = {}) => (await creds.forRequest(headers(h))).token();

  test('requests reuse the tokens in memory until they are due for a refresh, and the portal list for a while', async () => {
    await store.put(stored(111, now + 1_800_000, 'at-111'));
    for (let i = 0; i < 10; i++) expect(await tokenOf()).toBe('at-111');
    expect(reads).toEqual({ get: 1, portalIds: 1 });
    for (let i = 0; i < 10; i++) expect(await tokenOf({ 'x-hubspot-portal-id': '111' })).toBe('at-111');
    expect(reads).toEqual({ get: 1, portalIds: 1 });
    // The list of installed portals and the tokens are read again after STORE_TTL_MS (changes made on other instances).
    now += STORE_TTL_MS;
    expect(await tokenOf()).toBe('at-111');
    expect(reads).toEqual({ get: 2, portalIds: 2 });
    // Due for a refresh: the store is read first (another instance may have refreshed), then HubSpot asked.
    now += 1_800_000 - 300_000;
    expect(await tokenOf({ 'x-hubspot-portal-id': '111' })).toBe('at-1');
    expect(fake.calls.refresh).toBe(1);
    const afterRefresh = reads.get;
    expect(await tokenOf({ 'x-hubspot-portal-id': '111' })).toBe('at-1');
    expect(reads.get).toBe(afterRefresh);
  });

  test('an uninstall made on another instance is seen here within STORE_TTL_MS', async () => {
    await store.put(stored(111, now + 1_800_000, 'at-111'));
    expect(await tokenOf({ 'x-hubspot-portal-id': '111' })).toBe('at-111');
    await store.delete(111); // the other instance's uninstall
    now += STORE_TTL_MS;
    await expect(tokenOf({ 'x-hubspot-portal-id': '111' })).rejects.toMatchObject({ message: expect.stringContaining('portal 111 is not installed') });
  });

  test('installs and uninstalls made here are seen at once; a 401 reads the store again', async () => {
    await store.put(stored(111, now + 1_800_000, 'at-111'));
    expect(await tokenOf()).toBe('at-111');
    await creds.install('code-1', 'http://127.0.0.1/oauth/callback');
    await expect(tokenOf()).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(await tokenOf({ 'x-hubspot-portal-id': '777' })).toBe('at-1');
    expect(reads.get).toBe(1);
    expect(await creds.uninstall(777)).toBe(true);
    expect(await tokenOf()).toBe('at-111');
    await expect(tokenOf({ 'x-hubspot-portal-id': '777' })).rejects.toMatchObject({ message: expect.stringContaining('portal 777 is not installed') });

    // Another instance refreshed portal 111: a 401 to the old token picks up the stored one without a refresh here.
    await store.put(stored(111, now + 1_800_000, 'at-elsewhere'));
    const request = await creds.forRequest(headers({}));
    expect(await request.token()).toBe('at-111');
    expect(await request.renewAfterRejection!('at-111')).toBe(true);
    expect(await request.token()).toBe('at-elsewhere');
    expect(await tokenOf()).toBe('at-elsewhere');
    expect(fake.calls.refresh).toBe(0);
  });
});

describe('private-app and pass-through credentials', () => {
  test('private app: the held token, keyed by its hash', async () => {
    const c = await new PrivateAppCredentials(() => 'pat-na1-123456').forRequest();
    expect(await c.token()).toBe('pat-na1-123456');
    expect(c.portalKey).toBe(portalKeyOfToken('pat-na1-123456'));
    expect(c.portalKey).not.toContain('pat');
  });

  test("pass-through: each request's own bearer token, keyed by its hash", async () => {
    const p = new PassThroughCredentials();
    const a = await p.forRequest(headers({ authorization: 'Bearer token-of-portal-a' }));
    const b = await p.forRequest(headers({ authorization: 'bearer token-of-portal-b' }));
    expect([await a.token(), await b.token()]).toEqual(['token-of-portal-a', 'token-of-portal-b']);
    expect(a.portalKey).not.toBe(b.portalKey);
    expect(a.renewAfterRejection).toBeUndefined();
    expect(p.probe()).toBeUndefined();
  });

  test.each([{}, { authorization: 'Basic dXNlcjpwYXNz' }, { authorization: 'Bearer ' }, { authorization: 'Bearer short' }])('pass-through without a usable bearer token (%j) fails calls with UNAUTHENTICATED', async (h) => {
    const c = await new PassThroughCredentials().forRequest(headers(h as Record<string, string>));
    await expect(c.token()).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });
});

describe('renewing policy', () => {
  const call: HubSpotCall = { method: 'POST', operation: '/crm/v3/objects/{objectType}', idempotent: false };
  const unauthorized = () => new HubSpotError({ status: 401, category: 'INVALID_AUTHENTICATION', message: 'nope', operation: call.operation });

  function credential(tokens: string[]): RequestCredential & { renewals: string[] } {
    let current = 0;
    const renewals: string[] = [];
    return {
      portalKey: 'hub-1',
      renewals,
      token: async () => tokens[current]!,
      renewAfterRejection: async (rejected) => {
        renewals.push(rejected);
        current = Math.min(current + 1, tokens.length - 1);
        return tokens[current] !== rejected;
      },
    };
  }

  test('a 401 renews the token it was sent with and resends the call once', async () => {
    const c = credential(['old', 'new']);
    const policy = new RenewingPolicy(sendOnce, c);
    const sent: string[] = [];
    const result = await policy.execute(call, async () => {
      const t = await policy.token();
      sent.push(t);
      if (t === 'old') throw unauthorized();
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(sent).toEqual(['old', 'new']);
    expect(c.renewals).toEqual(['old']);
  });

  test('a second 401 is the answer: no loop', async () => {
    const c = credential(['old', 'new', 'newer']);
    const policy = new RenewingPolicy(sendOnce, c);
    let attempts = 0;
    await expect(
      policy.execute(call, async () => {
        attempts++;
        await policy.token();
        throw unauthorized();
      }),
    ).rejects.toMatchObject({ status: 401 });
    expect(attempts).toBe(2);
    expect(c.renewals).toEqual(['old']);
  });

  test('calls that sent no portal token (developer APIs) and other errors are not renewed', async () => {
    const c = credential(['old', 'new']);
    const policy = new RenewingPolicy(sendOnce, c);
    await expect(policy.execute(call, async () => Promise.reject(unauthorized()))).rejects.toMatchObject({ status: 401 });
    const forbidden = new HubSpotError({ status: 403, category: 'MISSING_SCOPES', message: 'no', operation: call.operation });
    await expect(
      policy.execute(call, async () => {
        await policy.token();
        throw forbidden;
      }),
    ).rejects.toBe(forbidden);
    expect(c.renewals).toEqual([]);
  });
});
