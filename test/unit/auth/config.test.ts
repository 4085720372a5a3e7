import { ConfigError, DEFAULT_OAUTH_SCOPES, loadConfig } from '../../../src/config';

// Caller authentication is tested in test/unit/config.test.ts; these tests opt out of it.
const OAUTH = { HUBSPOT_CLIENT_ID: 'my-client-id', HUBSPOT_CLIENT_SECRET: 'my-client-secret', ALLOW_UNAUTHENTICATED_CALLERS: 'true' };

describe('credential mode settings', () => {
  test('no credential: private-app mode on the embedded emulator, as before', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ authMode: 'private-app', useEmbeddedEmulator: true, tokenStoreUrl: './data/tokens.sqlite' });
    expect(c.oauth).toBeUndefined();
    expect(c.emulator.oauth).toEqual({ accessTokenTtlSeconds: 1800 });
    expect(loadConfig({ HUBSPOT_TOKEN: 'pat-na1-abcdef123', ALLOW_UNAUTHENTICATED_CALLERS: 'true' })).toMatchObject({ authMode: 'private-app', useEmbeddedEmulator: false });
  });

  test('an OAuth app: HubSpot by default, with defaults for everything but the app', () => {
    const c = loadConfig(OAUTH);
    expect(c).toMatchObject({ authMode: 'oauth', useEmbeddedEmulator: false, hubspotBaseUrl: 'https://api.hubapi.com', tokenStoreUrl: './data/tokens.sqlite' });
    expect(c.oauth).toEqual({
      clientId: 'my-client-id',
      clientSecret: 'my-client-secret',
      scopes: DEFAULT_OAUTH_SCOPES,
      optionalScopes: [],
      authorizeUrl: 'https://app.hubspot.com/oauth/authorize',
      refreshMarginSeconds: 300,
    });
  });

  test('an OAuth app against an emulator authorizes at the emulator, unless told otherwise', () => {
    const c = loadConfig({ ...OAUTH, HUBSPOT_BASE_URL: 'http://127.0.0.1:4010', OAUTH_SCOPES: 'oauth, crm.objects.contacts.read  crm.objects.contacts.read', OAUTH_OPTIONAL_SCOPES: 'crm.objects.deals.read', OAUTH_REDIRECT_URI: 'https://gw.example.com/oauth/callback', OAUTH_STATE_SECRET: 'x'.repeat(32), OAUTH_REFRESH_MARGIN_SECONDS: '60', TOKEN_STORE_URL: 'redis://127.0.0.1:6379' });
    expect(c.oauth).toMatchObject({
      authorizeUrl: 'http://127.0.0.1:4010/oauth/authorize',
      scopes: ['oauth', 'crm.objects.contacts.read'],
      optionalScopes: ['crm.objects.deals.read'],
      redirectUri: 'https://gw.example.com/oauth/callback',
      stateSecret: 'x'.repeat(32),
      refreshMarginSeconds: 60,
    });
    expect(c.tokenStoreUrl).toBe('redis://127.0.0.1:6379');
    expect(loadConfig({ ...OAUTH, HUBSPOT_BASE_URL: 'http://127.0.0.1:4010', OAUTH_AUTHORIZE_URL: 'https://auth.example.com/authorize' }).oauth!.authorizeUrl).toBe('https://auth.example.com/authorize');
  });

  test('pass-through: no token held, HubSpot by default', () => {
    expect(loadConfig({ PASS_THROUGH_AUTH: 'true' })).toMatchObject({ authMode: 'pass-through', useEmbeddedEmulator: false, hubspotBaseUrl: 'https://api.hubapi.com' });
    expect(loadConfig({ PASS_THROUGH_AUTH: 'true', HUBSPOT_BASE_URL: 'http://127.0.0.1:4010' }).hubspotBaseUrl).toBe('http://127.0.0.1:4010');
  });

  test.each([
    [{ HUBSPOT_CLIENT_ID: 'id-only' }, /HUBSPOT_CLIENT_SECRET .*set it together with HUBSPOT_CLIENT_ID/],
    [{ HUBSPOT_CLIENT_SECRET: 'secret-only' }, /HUBSPOT_CLIENT_ID .*set it together with HUBSPOT_CLIENT_SECRET/],
    [{ ...OAUTH, HUBSPOT_TOKEN: 'pat-na1-abcdef123' }, /HUBSPOT_CLIENT_ID .*HUBSPOT_TOKEN is set too: .*not both/],
    [{ PASS_THROUGH_AUTH: 'true', HUBSPOT_TOKEN: 'pat-na1-abcdef123' }, /PASS_THROUGH_AUTH .*HUBSPOT_TOKEN is set too/],
    [{ ...OAUTH, PASS_THROUGH_AUTH: 'yes' }, /PASS_THROUGH_AUTH .*HUBSPOT_CLIENT_ID is set too/],
    [{ PASS_THROUGH_AUTH: 'maybe' }, /PASS_THROUGH_AUTH .*true or false/],
    [{ OAUTH_SCOPES: 'oauth' }, /OAUTH_SCOPES .*only used in OAuth app mode/],
    [{ TOKEN_STORE_URL: 'postgres://u:pw@db/x' }, /TOKEN_STORE_URL \(--token-store-url\) = 'postgres:\/\/u:\*\*\*@db\/x': only used in OAuth app mode/],
    [{ ...OAUTH, TOKEN_STORE_URL: 'mysql://u:pw@db/x' }, /TOKEN_STORE_URL .*\*\*\*@db.*expected a SQLite file path/],
    [{ ...OAUTH, OAUTH_SCOPES: 'crm.objects.contacts.read Bad!Scope' }, /OAUTH_SCOPES .*'Bad!Scope' is not a HubSpot scope/],
    [{ ...OAUTH, OAUTH_SCOPES: ' , ' }, /OAUTH_SCOPES/],
    [{ ...OAUTH, OAUTH_REDIRECT_URI: 'not a url' }, /OAUTH_REDIRECT_URI .*not a URL/],
    [{ ...OAUTH, OAUTH_REFRESH_MARGIN_SECONDS: '-5' }, /OAUTH_REFRESH_MARGIN_SECONDS/],
    [{ HUBSPOT_BASE_URL: 'http://127.0.0.1:4010' }, /HUBSPOT_BASE_URL .*set HUBSPOT_TOKEN too, or HUBSPOT_CLIENT_ID and HUBSPOT_CLIENT_SECRET, or PASS_THROUGH_AUTH/],
    [{ EMULATOR_OAUTH_TOKEN_TTL_SECONDS: '0' }, /EMULATOR_OAUTH_TOKEN_TTL_SECONDS/],
  ])('rejects %j with a message naming the setting', (env, message) => {
    expect(() => loadConfig(env as Record<string, string>)).toThrow(ConfigError);
    expect(() => loadConfig(env as Record<string, string>)).toThrow(message);
  });

  test('secrets are never echoed in errors', () => {
    for (const env of [
      { ...OAUTH, HUBSPOT_CLIENT_SECRET: 'super secret value' },
      { ...OAUTH, OAUTH_STATE_SECRET: 'short-secret-value' },
      { OAUTH_STATE_SECRET: 'stray-secret-value-0123456789-0123456789' },
      { HUBSPOT_CLIENT_SECRET: 'lonely-secret-value' },
    ]) {
      let message = '';
      try {
        loadConfig(env);
      } catch (e) {
        message = String(e);
      }
      expect(message).toMatch(/invalid setting/);
      expect(message).not.toMatch(/secret value|short-secret-value|stray-secret-value|lonely-secret-value/);
    }
  });
});
