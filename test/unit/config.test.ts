import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, parseFlags, SETTINGS } from '../../src/config';

describe('config', () => {
  test('defaults run offline: no token → embedded emulator on localhost', () => {
    const c = loadConfig({});
    expect(c.useEmbeddedEmulator).toBe(true);
    expect(c.hubspotToken).toBeUndefined();
    expect(c).toMatchObject({ port: 4000, host: '127.0.0.1', logLevel: 'info', graphiql: true, introspection: true });
    expect(c.emulator.port).toBe(0);
    expect(c.emulator.tokens).toEqual([{ token: 'demo-token', portalId: 12345678, scopes: '*' }]);
    expect(loadConfig({}, [], 'emulator').emulator.port).toBe(4010);
  });

  test('a token points the gateway at HubSpot', () => {
    const c = loadConfig({ HUBSPOT_TOKEN: 'pat-na1-abcdef123', ALLOW_UNAUTHENTICATED_CALLERS: 'true' });
    expect(c.useEmbeddedEmulator).toBe(false);
    expect(c.hubspotBaseUrl).toBe('https://api.hubapi.com');
    expect(loadConfig({ HUBSPOT_TOKEN: 'pat-na1-abcdef123', HUBSPOT_BASE_URL: 'http://127.0.0.1:4010/', ALLOW_UNAUTHENTICATED_CALLERS: 'true' }).hubspotBaseUrl).toBe('http://127.0.0.1:4010');
  });

  test('flags win over variables, in both --a b and --a=b forms', () => {
    expect(loadConfig({ PORT: '5000' }, ['--port', '6000']).port).toBe(6000);
    expect(loadConfig({}, ['--port=7000', '--graphiql', 'false']).graphiql).toBe(false);
    expect(parseFlags(['--rate-limits-off'].map((f) => f.replace('rate', 'emulator-rate')))).toEqual({ EMULATOR_RATE_LIMITS_OFF: 'true' });
  });

  test('production turns GraphiQL and introspection off unless set', () => {
    expect(loadConfig({ NODE_ENV: 'production' })).toMatchObject({ graphiql: false, introspection: false });
    expect(loadConfig({ NODE_ENV: 'production', GRAPHIQL: 'true' }).graphiql).toBe(true);
  });

  test('emulator settings parse', () => {
    const c = loadConfig({
      EMULATOR_TOKENS: 'a-token-1:1, b-token-2:2:crm.objects.contacts.read crm.objects.deals.read',
      EMULATOR_SEED_SIZES: 'contacts=10,deals=0',
      EMULATOR_FAULTS: '500:0.1:^/crm/v3,reset:0.05',
      EMULATOR_RATE_LIMIT: '190',
      EMULATOR_LATENCY_MS: '25',
    });
    expect(c.emulator.tokens).toEqual([
      { token: 'a-token-1', portalId: 1, scopes: '*' },
      { token: 'b-token-2', portalId: 2, scopes: ['crm.objects.contacts.read', 'crm.objects.deals.read'] },
    ]);
    expect(c.emulator.seed).toMatchObject({ contacts: 10, deals: 0, companies: 100 });
    expect(c.emulator.faults).toEqual([{ kind: '500', rate: 0.1, route: '^/crm/v3' }, { kind: 'reset', rate: 0.05 }]);
    expect(c.emulator.rateLimit.perWindow).toBe(190);
    expect(c.emulator.latency.fixedMs).toBe(25);
  });

  test.each([
    [{ PORT: 'abc' }, /PORT \(--port\) = 'abc': expected an integer/],
    [{ PORT: '70000' }, /PORT/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL .*expected one of/],
    [{ GRAPHIQL: 'maybe' }, /GRAPHIQL .*true or false/],
    [{ HUBSPOT_TOKEN: 'a b' }, /HUBSPOT_TOKEN .*'\(hidden\)'/],
    [{ HUBSPOT_TOKEN: 'pat-na1-abcdef123', HUBSPOT_BASE_URL: 'ftp://x' }, /HUBSPOT_BASE_URL .*http: or https:/],
    [{ HUBSPOT_BASE_URL: 'http://127.0.0.1:4010' }, /set HUBSPOT_TOKEN too/],
    [{ HUBSPOT_TOKEN: 'pat-na1-abcdef123', HUBSPOT_BASE_URL: 'http://user:secret@host:99999' }, /HUBSPOT_BASE_URL .*\*\*\*@host/],
    [{ REDIS_URL: 'http://user:secret@host' }, /REDIS_URL .*\*\*\*@host.*redis:/],
    [{ EMULATOR_FAULTS: 'explode:0.5' }, /EMULATOR_FAULTS .*kind 'explode'/],
    [{ EMULATOR_FAULTS: '500:2' }, /rate '2'/],
    [{ EMULATOR_SEED_SIZES: 'widgets=3' }, /unknown key 'widgets'/],
    [{ EMULATOR_TOKENS: 'tok:notanumber' }, /EMULATOR_TOKENS/],
  ])('rejects %j with a message naming the setting', (env, message) => {
    expect(() => loadConfig(env as Record<string, string>)).toThrow(ConfigError);
    expect(() => loadConfig(env as Record<string, string>)).toThrow(message);
  });

  test('a bad token is never echoed', () => {
    try {
      loadConfig({ HUBSPOT_TOKEN: 'secret value' });
    } catch (e) {
      expect(String(e)).not.toContain('secret');
    }
  });

  test('unknown flags and stray arguments are refused', () => {
    expect(() => parseFlags(['--prot', '1'])).toThrow(/unknown flag --prot/);
    expect(() => parseFlags(['4000'])).toThrow(/unexpected argument/);
  });

  test('the README documents every setting', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    for (const s of SETTINGS) expect(readme).toContain(`\`${s.env}\``);
  });
});

describe('webhook secret', () => {
  test('a private-app gateway can verify deliveries with WEBHOOK_CLIENT_SECRET; it is never echoed', () => {
    expect(loadConfig({ HUBSPOT_TOKEN: 'pat-na1-abcdef123', WEBHOOK_CLIENT_SECRET: 'app-secret', ALLOW_UNAUTHENTICATED_CALLERS: 'true' }).webhooks.clientSecret).toBe('app-secret');
    expect(() => loadConfig({ WEBHOOK_CLIENT_SECRET: 'has space' })).toThrow(/WEBHOOK_CLIENT_SECRET .*'\(hidden\)'/);
  });
});

describe('caller authentication settings: never open by accident', () => {
  const HASH = `sha256:${'ab'.repeat(32)}`;
  const OAUTH = { HUBSPOT_CLIENT_ID: 'my-client-id', HUBSPOT_CLIENT_SECRET: 'my-client-secret' };

  test('a gateway holding a credential refuses to start without caller authentication, naming the settings', () => {
    for (const env of [{ HUBSPOT_TOKEN: 'pat-na1-abcdef123' }, OAUTH]) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(/refusing to start: the gateway holds a HubSpot credential .* API_KEY_HASHES, JWT_SECRET or JWKS_URL, or ALLOW_UNAUTHENTICATED_CALLERS=true/);
    }
  });

  test('API keys, a JWT secret, a JWKS URL or the explicit opt-out each let it start', () => {
    const token = { HUBSPOT_TOKEN: 'pat-na1-abcdef123' };
    expect(loadConfig({ ...token, API_KEY_HASHES: `${HASH}@111` }).callerAuth).toEqual({ apiKeys: [{ hash: Buffer.from('ab'.repeat(32), 'hex'), portalId: 111 }], allowUnauthenticated: false });
    expect(loadConfig({ ...OAUTH, JWT_SECRET: 's'.repeat(32), JWT_ISSUER: 'https://idp' }).callerAuth.jwt).toEqual({ secret: 's'.repeat(32), issuer: 'https://idp', portalClaim: 'hubspot_portal_id' });
    expect(loadConfig({ ...token, JWKS_URL: 'https://idp.example.com/jwks.json', JWT_ISSUER: 'https://idp.example.com', JWT_AUDIENCE: 'hubspot-graphql', JWT_PORTAL_CLAIM: 'hub' }).callerAuth.jwt).toEqual({ jwksUrl: 'https://idp.example.com/jwks.json', issuer: 'https://idp.example.com', audience: 'hubspot-graphql', portalClaim: 'hub' });
    expect(loadConfig({ ...token, ALLOW_UNAUTHENTICATED_CALLERS: 'true' }).callerAuth).toEqual({ apiKeys: [], allowUnauthenticated: true });
  });

  test('pass-through needs no caller authentication; the demo needs none on loopback only', () => {
    expect(loadConfig({ PASS_THROUGH_AUTH: 'true', HOST: '0.0.0.0' }).authMode).toBe('pass-through');
    expect(loadConfig({ HOST: '127.0.0.1' }).useEmbeddedEmulator).toBe(true);
    expect(loadConfig({ HOST: 'localhost' }).host).toBe('localhost');
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/refusing to start: HOST=0.0.0.0 would expose the demo gateway/);
    expect(loadConfig({ HOST: '0.0.0.0', API_KEY_HASHES: HASH }).host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '0.0.0.0', ALLOW_UNAUTHENTICATED_CALLERS: 'true' }).host).toBe('0.0.0.0');
  });

  test.each([
    [{ API_KEY_HASHES: 'hsgw_my-actual-key-pasted-here' }, /API_KEY_HASHES .*'\(hidden\)'.*entry 1 is not sha256/],
    [{ JWT_SECRET: 'too-short-secret' }, /JWT_SECRET .*'\(hidden\)'.*at least 32/],
    [{ JWKS_URL: 'file:///etc/keys' }, /JWKS_URL .*expected an https: URL/],
    [{ JWKS_URL: 'http://idp.example.com/jwks.json', JWT_ISSUER: 'https://idp', JWT_AUDIENCE: 'gw' }, /JWKS_URL .*'http:\/\/idp.example.com\/jwks.json'.*expected an https: URL \(http: only on a loopback host/],
    [{ JWKS_URL: 'http://127.0.0.1.example.com/jwks.json', JWT_ISSUER: 'https://idp', JWT_AUDIENCE: 'gw' }, /JWKS_URL .*expected an https: URL/],
    [{ JWKS_URL: 'https://idp.example.com/jwks.json', JWT_ISSUER: 'https://idp' }, /invalid setting JWT_AUDIENCE .*JWKS_URL needs JWT_AUDIENCE/],
    [{ JWKS_URL: 'https://idp.example.com/jwks.json', JWT_AUDIENCE: 'gw' }, /invalid setting JWT_ISSUER .*JWKS_URL needs JWT_ISSUER/],
    [{ JWT_ISSUER: 'https://idp' }, /JWT_ISSUER .*only used with JWT_SECRET or JWKS_URL/],
    [{ ALLOW_UNAUTHENTICATED_CALLERS: 'maybe' }, /ALLOW_UNAUTHENTICATED_CALLERS .*true or false/],
    [{ PASS_THROUGH_AUTH: 'true', JWT_SECRET: 'j'.repeat(32) }, /JWT_SECRET .*'\(hidden\)'.*pass-through mode Authorization carries the caller's HubSpot token: authenticate callers with API_KEY_HASHES/],
    [{ CORS_ORIGINS: '*' }, /CORS_ORIGINS .*no \*/],
    [{ CORS_ORIGINS: 'https://app.example.com/path' }, /CORS_ORIGINS .*scheme, host and port only/],
    [{ MAX_BODY_BYTES: '10' }, /MAX_BODY_BYTES/],
    [{ PERSISTED_QUERIES: 'sometimes' }, /PERSISTED_QUERIES .*off, apq or allow-list/],
    [{ PERSISTED_QUERIES: 'allow-list' }, /PERSISTED_QUERIES_MANIFEST .*needs the manifest/],
    [{ PERSISTED_QUERIES_MANIFEST: './pq.json' }, /only used with PERSISTED_QUERIES=allow-list/],
  ])('refuses %p', (env, message) => {
    expect(() => loadConfig(env as Record<string, string>)).toThrow(message);
  });

  test('JWKS_URL: https, or http on a loopback host only (local testing)', () => {
    const idp = { JWT_ISSUER: 'https://idp', JWT_AUDIENCE: 'gw' };
    for (const url of ['https://idp.example.com/jwks.json', 'http://127.0.0.1:9000/jwks', 'http://localhost:9000/jwks', 'http://[::1]:9000/jwks']) {
      expect(loadConfig({ JWKS_URL: url, ...idp }).callerAuth.jwt?.jwksUrl).toBe(url);
    }
  });

  test('secrets are never echoed in refusals', () => {
    for (const env of [{ JWT_SECRET: 'short-but-secret' }, { API_KEY_HASHES: 'hsgw_secret-key-value' }]) {
      try {
        loadConfig(env);
        throw new Error('expected a ConfigError');
      } catch (e) {
        expect(String(e)).not.toMatch(/short-but-secret|secret-key-value/);
      }
    }
  });

  test('HTTP limits and persisted queries: defaults and settings', () => {
    expect(loadConfig({})).toMatchObject({ http: { corsOrigins: [], maxBodyBytes: 1_048_576, maxVariablesBytes: 262_144, requestTimeoutMs: 30_000 }, persistedQueries: { mode: 'apq' } });
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example.com, http://localhost:3000/', MAX_VARIABLES_BYTES: '1024', PERSISTED_QUERIES: 'allow-list', PERSISTED_QUERIES_MANIFEST: './pq.json' })).toMatchObject({
      http: { corsOrigins: ['https://a.example.com', 'http://localhost:3000'], maxVariablesBytes: 1024 },
      persistedQueries: { mode: 'allow-list', manifest: './pq.json' },
    });
  });
});
