import { Writable } from 'node:stream';
import { createLogger } from '../../../src/server/logger';

const SECRETS = ['pat-na1-11111111-secret', 'hsgw_api-key-secret-value', 'eyJhbGciOiJIUzI1NiJ9.jwt-secret', 'client-secret-value', 'dev-api-key-value', 'refresh-token-value', 'jane.doe@example.com', 'session=cookie-value'];

function capture() {
  const lines: string[] = [];
  const logger = createLogger('trace', new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
  return { logger, lines };
}

describe('log redaction', () => {
  test('credentials and property values never reach a log line, at any level and nesting', () => {
    const { logger, lines } = capture();
    const [token, apiKey, jwt, clientSecret, devKey, refresh, email, cookie] = SECRETS;
    const headers = { authorization: `Bearer ${token}`, 'x-api-key': apiKey, cookie, 'private-app': token };
    logger.trace({ req: { headers } }, 'incoming');
    logger.debug({ headers }, 'headers');
    logger.info({ token, accessToken: token, refreshToken: refresh, hubspotToken: token, apiKey, jwt }, 'top level');
    logger.warn({ oauth: { clientSecret, client_secret: clientSecret, refresh_token: refresh, access_token: token } }, 'nested');
    logger.error({ app: { developerApiKey: devKey, hapikey: devKey }, upstream: { headers: { authorization: `Bearer ${jwt}` } } }, 'deeper');
    logger.info({ properties: { email, firstname: 'Jane' }, input: { properties: { email } } }, 'a write');
    logger.debug({ variables: { email } }, 'an operation');
    const text = lines.join('');
    expect(lines).toHaveLength(7);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    // What was redacted stays visible as such, and property names stay.
    expect(text).toContain('"x-api-key":"[redacted]"');
    expect(JSON.parse(lines[5]!)).toMatchObject({ properties: { email: '[redacted]', firstname: '[redacted]' }, input: { properties: { email: '[redacted]' } } });
  });
});

describe('log redaction by key name, any case, any depth', () => {
  test('header and secret names in any case and spelling, however deep, inside errors and child bindings', () => {
    const { logger, lines } = capture();
    const [token, apiKey, jwt, clientSecret, devKey, refresh, email, cookie] = SECRETS;
    logger.info({ headers: { Authorization: `Bearer ${token}`, 'X-API-Key': apiKey, Cookie: cookie, 'Set-Cookie': cookie } }, 'mixed case');
    logger.error({ err: { config: { headers: { authorization: `Bearer ${jwt}` } }, request: { token: refresh } } }, 'an http client error');
    logger.info({ a: { b: { properties: { email } } }, x: { y: { z: { w: { api_key: apiKey, Client_Secret: clientSecret, DEVELOPER_API_KEY: devKey } } } } }, 'deep');
    class UpstreamError extends Error {
      readonly request = { headers: { Authorization: `Bearer ${token}` } };
      readonly body = { properties: { email } };
    }
    logger.error({ err: new UpstreamError('upstream failed') }, 'an error instance');
    logger.error(new UpstreamError('logged directly'));
    logger.child({ accessToken: token }).child({ requestId: 'r-1' }).info({ nested: [{ refreshToken: refresh }] }, 'child');
    const text = lines.join('');
    expect(lines).toHaveLength(6);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(JSON.parse(lines[0]!).headers).toEqual({ Authorization: '[redacted]', 'X-API-Key': '[redacted]', Cookie: '[redacted]', 'Set-Cookie': '[redacted]' });
    expect(JSON.parse(lines[2]!).a.b.properties).toEqual({ email: '[redacted]' });
    // Errors keep what makes them useful: their type, message and stack.
    expect(JSON.parse(lines[3]!)).toMatchObject({ err: { type: 'UpstreamError', message: 'upstream failed', stack: expect.stringContaining('upstream failed'), request: { headers: { Authorization: '[redacted]' } } } });
    expect(JSON.parse(lines[4]!)).toMatchObject({ msg: 'logged directly', err: { type: 'UpstreamError' } });
    expect(JSON.parse(lines[5]!)).toMatchObject({ accessToken: '[redacted]', requestId: 'r-1', nested: [{ refreshToken: '[redacted]' }] });
  });

  test('cycles and very deep objects are logged without overflowing or leaking; what is not secret stays', () => {
    const { logger, lines } = capture();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    let deep: Record<string, unknown> = { password: 'deep-secret' };
    for (let i = 0; i < 5_000; i++) deep = { next: deep };
    logger.info({ cyclic, deep, portalId: 111, operation: 'POST /crm/v3/objects/contacts/batch/read', properties: ['email', 'firstname'] }, 'odd shapes');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line.cyclic).toEqual({ name: 'loop', self: '[Circular]' });
    expect(lines[0]).not.toContain('deep-secret');
    expect(line).toMatchObject({ portalId: 111, operation: 'POST /crm/v3/objects/contacts/batch/read', properties: ['email', 'firstname'] });
  });
});
