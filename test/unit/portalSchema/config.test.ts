import { ConfigError, loadConfig } from '../../../src/config';

describe('portal schema settings', () => {
  it('default on, re-read every 300 s, no portal id or token of its own', () => {
    expect(loadConfig({}).portalSchema).toEqual({ enabled: true, refreshSeconds: 300 });
  });

  it('reads PORTAL_SCHEMA, PORTAL_SCHEMA_REFRESH_SECONDS, PORTAL_SCHEMA_PORTAL_ID and PORTAL_SCHEMA_TOKEN (flags too)', () => {
    expect(loadConfig({ PORTAL_SCHEMA: 'false', PORTAL_SCHEMA_REFRESH_SECONDS: '0', PORTAL_SCHEMA_PORTAL_ID: '62515', PORTAL_SCHEMA_TOKEN: 'pat-na1-schema' }).portalSchema)
      .toEqual({ enabled: false, refreshSeconds: 0, portalId: 62515, token: 'pat-na1-schema' });
    expect(loadConfig({}, ['--portal-schema-refresh-seconds', '60']).portalSchema.refreshSeconds).toBe(60);
  });

  it.each([
    [{ PORTAL_SCHEMA: 'maybe' }, /PORTAL_SCHEMA/],
    [{ PORTAL_SCHEMA_REFRESH_SECONDS: '-1' }, /PORTAL_SCHEMA_REFRESH_SECONDS/],
    [{ PORTAL_SCHEMA_PORTAL_ID: 'abc' }, /PORTAL_SCHEMA_PORTAL_ID/],
    [{ PORTAL_SCHEMA_TOKEN: 'short' }, /PORTAL_SCHEMA_TOKEN \(--portal-schema-token\) = '\(hidden\)'/],
  ])('refuses %j naming the setting (never echoing a token)', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
