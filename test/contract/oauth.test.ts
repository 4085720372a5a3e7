import { DEFAULT_WEBHOOK_APP } from '../../src/emulator/options';
import { OTHER_PORTAL_ID, PORTAL_ID, startEmulator, type ApiResponse, type TestEmulator } from '../helpers/emulator';
import { describeWithSpecs, responseProblems } from '../helpers/openapi';

const APP = { clientId: DEFAULT_WEBHOOK_APP.clientId, clientSecret: DEFAULT_WEBHOOK_APP.clientSecret };
const REDIRECT = 'http://127.0.0.1:4000/oauth/callback';
/** An app with an exact redirect URI and a closed list of scopes. */
const STRICT_APP = {
  appId: 9001,
  developerApiKeys: ['strict-dev-key'],
  clientId: 'strict-client-id',
  clientSecret: 'strict-client-secret',
  redirectUris: ['https://app.example.com/hubspot/callback'],
  scopes: ['oauth', 'crm.objects.contacts.read'],
};

// The emulator's OAuth server: HubSpot's authorize page, and oauth-v1.json's token and token metadata endpoints.
describeWithSpecs('emulator OAuth contract', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startEmulator({
      webhookApps: [{ ...DEFAULT_WEBHOOK_APP, developerApiKeys: ['demo-developer-key'] }, STRICT_APP],
      oauth: { accessTokenTtlSeconds: 1800, codeTtlSeconds: 300 },
    });
  });
  afterAll(() => emu.close());

  const parse = async (res: Response): Promise<ApiResponse> => {
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // HTML pages stay text
    }
    return { status: res.status, headers: res.headers, body, text };
  };

  /** POSTs a form to the token endpoint and checks the answer against oauth-v1.json. */
  async function token(fields: Record<string, string>, query = ''): Promise<ApiResponse> {
    const res = await parse(await fetch(`${emu.url}/oauth/v1/token${query}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) }));
    const problems = responseProblems('POST', '/oauth/v1/token', res.status, res.body);
    if (problems.length) throw new Error(`token endpoint answer breaks the spec:\n${problems.join('\n')}\n${res.text}`);
    return res;
  }

  const authorizeUrl = (params: Record<string, string>) => `${emu.url}/oauth/authorize?${new URLSearchParams(params)}`;
  const consentParams = (extra: Record<string, string> = {}) => ({ client_id: APP.clientId, redirect_uri: REDIRECT, scope: 'oauth crm.objects.contacts.read', state: 'st-1', ...extra });

  /** The consent page's form fields, as a browser would post them. */
  const formFields = (html: string) => Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c)))]));

  /** Consents through the form and returns the redirect's query. */
  async function consent(extra: Record<string, string> = {}, decision = 'allow'): Promise<URLSearchParams> {
    const page = await fetch(authorizeUrl(consentParams(extra)));
    expect(page.status).toBe(200);
    const fields = formFields(await page.text());
    const res = await fetch(`${emu.url}/oauth/authorize`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ ...fields, decision }) });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT.replace(':4000', location.port ? `:${location.port}` : ''));
    return location.searchParams;
  }

  const codeGrant = (code: string, extra: Record<string, string> = {}) =>
    token({ grant_type: 'authorization_code', client_id: APP.clientId, client_secret: APP.clientSecret, redirect_uri: REDIRECT, code, ...extra });

  describe('authorize page', () => {
    test('a valid request shows a consent form naming the portal and scopes', async () => {
      const res = await fetch(authorizeUrl(consentParams({ optional_scope: 'crm.objects.deals.read' })));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      const html = await res.text();
      expect(html).toContain(`portal <strong>${PORTAL_ID}</strong>`);
      expect(html).toContain('crm.objects.deals.read');
      expect(formFields(html)).toMatchObject({ client_id: APP.clientId, redirect_uri: REDIRECT, state: 'st-1', portalId: String(PORTAL_ID) });
    });

    test('Authorize redirects with a code and the state; Cancel with access_denied', async () => {
      const allowed = await consent();
      expect(allowed.get('code')).toMatch(/^[0-9a-f-]{36}$/);
      expect(allowed.get('state')).toBe('st-1');
      const denied = await consent({}, 'deny');
      expect(denied.get('error')).toBe('access_denied');
      expect(denied.get('code')).toBeNull();
      expect(denied.get('state')).toBe('st-1');
    });

    test('a loopback redirect URI registered without a port matches any port', async () => {
      const res = await fetch(authorizeUrl(consentParams({ redirect_uri: 'http://localhost:61234/oauth/callback' })));
      expect(res.status).toBe(200);
    });

    test.each([
      [{ client_id: 'nope' }, /client_id 'nope'/],
      [{ client_id: '' }, /client_id/],
      [{ redirect_uri: 'https://evil.example.com/oauth/callback' }, /redirect_uri .* is not one of/],
      [{ redirect_uri: 'http://127.0.0.1:4000/other' }, /redirect_uri/],
    ])('%j is refused on the page itself (never redirected to an unchecked URI)', async (params, message) => {
      const res = await fetch(authorizeUrl(consentParams(params)), { redirect: 'manual', headers: { accept: 'application/json' } });
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body).toMatchObject({ status: 'error', category: expect.any(String), correlationId: expect.any(String) });
      expect(body.message).toMatch(message);
      const html = await fetch(authorizeUrl(consentParams(params)), { redirect: 'manual', headers: { accept: 'text/html' } });
      expect(await html.text()).toContain('Authorization failed');
    });

    test.each([
      [{ scope: '' }, /scope is required/],
      [{ scope: 'Not A Scope!' }, /is not a scope/],
      [{ client_id: STRICT_APP.clientId, redirect_uri: STRICT_APP.redirectUris[0]!, scope: 'oauth crm.objects.deals.write' }, /may not request crm\.objects\.deals\.write/],
      [{ portalId: 'abc' }, /portalId/],
    ])('%j is redirected back with an OAuth error', async (params: Record<string, string>, description) => {
      const res = await fetch(authorizeUrl(consentParams(params)), { redirect: 'manual' });
      expect(res.status).toBe(302);
      const back = new URL(res.headers.get('location')!).searchParams;
      expect(back.get('error')).toBe(params.portalId ? 'invalid_request' : 'invalid_scope');
      expect(back.get('error_description')).toMatch(description);
      expect(back.get('state')).toBe('st-1');
    });

    test('optional scopes the app may not have are dropped, not refused', async () => {
      const res = await fetch(authorizeUrl(consentParams({ client_id: STRICT_APP.clientId, redirect_uri: STRICT_APP.redirectUris[0]!, scope: 'oauth', optional_scope: 'crm.objects.contacts.read crm.objects.deals.read' })));
      const html = await res.text();
      const listed = [...html.matchAll(/<li><code>([^<]+)<\/code><\/li>/g)].map((m) => m[1]);
      expect(listed).toEqual(['oauth', 'crm.objects.contacts.read']);
    });

    test('the form is checked again when posted', async () => {
      const res = await fetch(`${emu.url}/oauth/authorize`, { method: 'POST', redirect: 'manual', headers: { accept: 'application/json' }, body: new URLSearchParams({ ...consentParams({ redirect_uri: 'https://evil.example.com/' }), decision: 'allow' }) });
      expect(res.status).toBe(400);
    });
  });

  describe('token endpoint', () => {
    test('authorization_code → access and refresh tokens for the consented portal', async () => {
      const code = (await consent()).get('code')!;
      const res = await codeGrant(code);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toMatchObject({ token_type: 'bearer', token_use: 'access_token', expires_in: 1800, hub_id: PORTAL_ID, scopes: ['oauth', 'crm.objects.contacts.read'] });
      expect(res.body.access_token.length).toBeLessThanOrEqual(300);
      // The access token works on the CRM routes, within its scopes.
      const contacts = await emu.checked('GET', '/crm/v3/objects/contacts?limit=1', undefined, { token: res.body.access_token });
      expect(contacts.status).toBe(200);
      const deals = await emu.checked('GET', '/crm/v3/objects/deals?limit=1', undefined, { token: res.body.access_token });
      expect(deals.status).toBe(403);
      expect(deals.body.category).toBe('MISSING_SCOPES');
    });

    test('a code is single-use', async () => {
      const code = (await consent()).get('code')!;
      expect((await codeGrant(code)).status).toBe(200);
      const again = await codeGrant(code);
      expect(again.status).toBe(400);
      expect(again.body).toMatchObject({ status: 'BAD_AUTH_CODE', category: 'invalid_grant', message: 'missing or unknown auth code' });
    });

    test('a code must come back with its redirect URI, its client and the right secret', async () => {
      const mismatch = await codeGrant((await consent()).get('code')!, { redirect_uri: 'http://127.0.0.1:4000/elsewhere' });
      expect(mismatch.body).toMatchObject({ status: 'MISMATCH_REDIRECT_URI_AUTH_CODE', category: 'invalid_grant' });
      const secret = await codeGrant((await consent()).get('code')!, { client_secret: 'wrong' });
      expect(secret.status).toBe(400);
      expect(secret.body).toMatchObject({ status: 'BAD_CLIENT_SECRET', category: 'invalid_client' });
      const client = await codeGrant((await consent()).get('code')!, { client_id: 'nope' });
      expect(client.body).toMatchObject({ status: 'BAD_CLIENT_ID', category: 'invalid_client' });
      const otherApp = await codeGrant((await consent()).get('code')!, { client_id: STRICT_APP.clientId, client_secret: STRICT_APP.clientSecret });
      expect(otherApp.body).toMatchObject({ status: 'BAD_AUTH_CODE', category: 'invalid_grant' });
    });

    test('codes are short-lived', async () => {
      const fast = await startEmulator({ oauth: { codeTtlSeconds: 0.05 } });
      try {
        const page = await fetch(`${fast.url}/oauth/authorize?${new URLSearchParams(consentParams())}`);
        const fields = formFields(await page.text());
        const res = await fetch(`${fast.url}/oauth/authorize`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ ...fields, decision: 'allow' }) });
        const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
        await new Promise((r) => setTimeout(r, 80));
        const expired = await fetch(`${fast.url}/oauth/v1/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', client_id: APP.clientId, client_secret: APP.clientSecret, redirect_uri: REDIRECT, code }) });
        expect(expired.status).toBe(400);
        expect(await expired.json()).toMatchObject({ status: 'EXPIRED_AUTH_CODE', category: 'invalid_grant' });
      } finally {
        await fast.close();
      }
    });

    test('refresh_token → a new access token, the same refresh token; in the form or, per the spec, the query', async () => {
      const first = await codeGrant((await consent()).get('code')!);
      const refreshed = await token({ grant_type: 'refresh_token', client_id: APP.clientId, client_secret: APP.clientSecret, refresh_token: first.body.refresh_token });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body).toMatchObject({ refresh_token: first.body.refresh_token, token_use: 'access_token', hub_id: PORTAL_ID });
      expect(refreshed.body.access_token).not.toBe(first.body.access_token);
      const viaQuery = await token({ grant_type: 'refresh_token', client_id: APP.clientId }, `?${new URLSearchParams({ client_secret: APP.clientSecret, refresh_token: first.body.refresh_token })}`);
      expect(viaQuery.status).toBe(200);
      const bad = await token({ grant_type: 'refresh_token', client_id: APP.clientId, client_secret: APP.clientSecret, refresh_token: 'na1-nope' });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ status: 'BAD_REFRESH_TOKEN', category: 'invalid_grant', message: 'missing or invalid refresh token' });
    });

    test('client_credentials → an access token without a refresh token', async () => {
      const res = await token({ grant_type: 'client_credentials', client_id: APP.clientId, client_secret: APP.clientSecret, scope: 'crm.objects.contacts.read' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ token_use: 'client_credentials', token_type: 'bearer', expires_in: 1800 });
      expect(res.body.refresh_token).toBeUndefined();
    });

    test.each([
      [{ grant_type: 'password', client_id: APP.clientId, client_secret: APP.clientSecret }, 'unsupported_grant_type', 'BAD_GRANT_TYPE'],
      [{ client_id: APP.clientId, client_secret: APP.clientSecret }, 'unsupported_grant_type', 'BAD_GRANT_TYPE'],
      [{ grant_type: 'authorization_code', client_id: APP.clientId, client_secret: APP.clientSecret }, 'invalid_grant', 'BAD_AUTH_CODE'],
      [{ grant_type: 'refresh_token', client_secret: APP.clientSecret, refresh_token: 'x' }, 'invalid_client', 'BAD_CLIENT_ID'],
    ])('%j → 400 %s', async (fields, category, status) => {
      const res = await token(fields as Record<string, string>);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ category, status, correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    });

    test('a JSON body is refused: the endpoint takes a form', async () => {
      const res = await emu.checked('POST', '/oauth/v1/token', { grant_type: 'refresh_token', client_id: APP.clientId }, { token: null });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ category: 'invalid_request', message: expect.stringContaining('x-www-form-urlencoded') });
    });
  });

  describe('token metadata and revocation', () => {
    test('access and refresh token metadata per the spec', async () => {
      const grant = (await codeGrant((await consent()).get('code')!)).body;
      const access = await emu.checked('GET', `/oauth/v1/access-tokens/${grant.access_token}`, undefined, { token: null });
      expect(access.status).toBe(200);
      expect(access.body).toMatchObject({ token: grant.access_token, hub_id: PORTAL_ID, app_id: DEFAULT_WEBHOOK_APP.appId, scopes: grant.scopes, token_type: 'access' });
      expect(access.body.expires_in).toBeGreaterThan(1790);
      const refresh = await emu.checked('GET', `/oauth/v1/refresh-tokens/${grant.refresh_token}`, undefined, { token: null });
      expect(refresh.status).toBe(200);
      expect(refresh.body).toMatchObject({ token: grant.refresh_token, hub_id: PORTAL_ID, client_id: APP.clientId, scopes: grant.scopes, token_type: 'refresh' });
      expect((await emu.checked('GET', '/oauth/v1/access-tokens/unknown-token', undefined, { token: null })).status).toBe(404);
      expect((await emu.checked('GET', '/oauth/v1/refresh-tokens/unknown-token', undefined, { token: null })).status).toBe(404);
    });

    test('DELETE of a refresh token revokes it and the access tokens issued with it', async () => {
      const grant = (await codeGrant((await consent()).get('code')!)).body;
      const refreshed = (await token({ grant_type: 'refresh_token', client_id: APP.clientId, client_secret: APP.clientSecret, refresh_token: grant.refresh_token })).body;
      const revoked = await emu.checked('DELETE', `/oauth/v1/refresh-tokens/${grant.refresh_token}`, undefined, { token: null });
      expect(revoked.status).toBe(204);
      expect((await emu.checked('GET', `/oauth/v1/refresh-tokens/${grant.refresh_token}`, undefined, { token: null })).status).toBe(404);
      for (const t of [grant.access_token, refreshed.access_token]) {
        const res = await emu.checked('GET', '/crm/v3/objects/contacts?limit=1', undefined, { token: t });
        expect(res.status).toBe(401);
      }
      const again = await token({ grant_type: 'refresh_token', client_id: APP.clientId, client_secret: APP.clientSecret, refresh_token: grant.refresh_token });
      expect(again.body.status).toBe('BAD_REFRESH_TOKEN');
      expect((await emu.checked('DELETE', `/oauth/v1/refresh-tokens/${grant.refresh_token}`, undefined, { token: null })).status).toBe(404);
    });

    test('an expired access token gets HubSpot EXPIRED_AUTHENTICATION 401', async () => {
      const short = await startEmulator({ oauth: { accessTokenTtlSeconds: 1, autoConsent: true } });
      try {
        const res = await fetch(`${short.url}/oauth/authorize?${new URLSearchParams(consentParams())}`, { redirect: 'manual' });
        const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
        const grant = await (await fetch(`${short.url}/oauth/v1/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', client_id: APP.clientId, client_secret: APP.clientSecret, redirect_uri: REDIRECT, code }) })).json();
        expect(grant.expires_in).toBe(1);
        expect((await short.checked('GET', '/crm/v3/objects/contacts?limit=1', undefined, { token: grant.access_token })).status).toBe(200);
        await new Promise((r) => setTimeout(r, 1_050));
        const expired = await short.checked('GET', '/crm/v3/objects/contacts?limit=1', undefined, { token: grant.access_token });
        expect(expired.status).toBe(401);
        expect(expired.body).toMatchObject({ status: 'error', category: 'EXPIRED_AUTHENTICATION', message: expect.stringMatching(/^The OAuth token used to make this call expired \d+ second\(s\) ago\.$/) });
        expect((await short.checked('GET', `/oauth/v1/access-tokens/${grant.access_token}`, undefined, { token: null })).status).toBe(404);
      } finally {
        await short.close();
      }
    });
  });

  test('portalId picks the portal an install goes to, and the app counts as installed there', async () => {
    const app = { ...DEFAULT_WEBHOOK_APP, appId: 7007, developerApiKeys: ['k-7007'], clientId: 'listed-client', clientSecret: 'listed-secret', portalIds: [PORTAL_ID] };
    const two = await startEmulator({ webhookApps: [app], oauth: { autoConsent: true } });
    try {
      const res = await fetch(`${two.url}/oauth/authorize?${new URLSearchParams({ ...consentParams(), client_id: app.clientId, portalId: String(OTHER_PORTAL_ID) })}`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
      const grant = await (await fetch(`${two.url}/oauth/v1/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', client_id: app.clientId, client_secret: app.clientSecret, redirect_uri: REDIRECT, code }) })).json();
      expect(grant.hub_id).toBe(OTHER_PORTAL_ID);
      const details = await two.checked('GET', '/account-info/v3/details', undefined, { token: grant.access_token });
      expect(details.body.portalId).toBe(OTHER_PORTAL_ID);
      expect(two.state.options.webhookApps[0]!.portalIds).toEqual([PORTAL_ID, OTHER_PORTAL_ID]);
    } finally {
      await two.close();
    }
  });
});
