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
    const c = loadConfig({ HUBSPOT_TOKEN: 'pat-na1-abcdef123' });
    expect(c.useEmbeddedEmulator).toBe(false);
    expect(c.hubspotBaseUrl).toBe('https://api.hubapi.com');
    expect(loadConfig({ HUBSPOT_TOKEN: 'pat-na1-abcdef123', HUBSPOT_BASE_URL: 'http://127.0.0.1:4010/' }).hubspotBaseUrl).toBe('http://127.0.0.1:4010');
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
    expect(loadConfig({ HUBSPOT_TOKEN: 'pat-na1-abcdef123', WEBHOOK_CLIENT_SECRET: 'app-secret' }).webhooks.clientSecret).toBe('app-secret');
    expect(() => loadConfig({ WEBHOOK_CLIENT_SECRET: 'has space' })).toThrow(/WEBHOOK_CLIENT_SECRET .*'\(hidden\)'/);
  });
});
