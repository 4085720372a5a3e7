import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { Transport } from '../../src/hubspot/transport';
import { createGateway, type Gateway } from '../../src/server/gateway';
import { createLogger } from '../../src/server/logger';
import { startEmulator, TOKEN, type TestEmulator } from '../helpers/emulator';

/**
 * Request ids: every HTTP response carries X-Request-Id, and every log line written while handling the request
 * (the upstream calls', the request's own) carries the same id as `requestId`. Logs are captured at debug level.
 */
describe('request ids', () => {
  let emulator: TestEmulator;
  let gateway: Gateway;
  let transport: Transport;
  let url: string;
  const lines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    emulator = await startEmulator();
    const config = { ...loadConfig({ LOG_LEVEL: 'debug', PORTAL_SCHEMA: 'false' }), hubspotBaseUrl: emulator.url };
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
        done();
      },
    });
    transport = new Transport({ baseUrl: emulator.url, connections: 4, timeoutMs: 10_000 });
    gateway = await createGateway({ config, logger: createLogger('debug', sink), transport, credential: () => TOKEN });
    ({ url } = await gateway.listen(0, '127.0.0.1'));
  });
  afterAll(async () => {
    await gateway.stop();
    await transport.close();
    await emulator.close();
  });

  const post = (headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: '{ contacts(first: 2) { nodes { email companies(first: 1) { nodes { name } } } } }' }) });
  /** Log lines written from `from` on, once the request's own 'request' line (written when the response finished) is there. */
  async function linesOf(from: number): Promise<Array<Record<string, unknown>>> {
    for (let i = 0; i < 100 && !lines.slice(from).some((l) => l.msg === 'request'); i++) await new Promise((r) => setTimeout(r, 10));
    return lines.slice(from);
  }

  test("a well-formed incoming X-Request-Id is echoed and on every log line of the request's handling", async () => {
    const from = lines.length;
    const res = await post({ 'x-request-id': 'trace-abc_123' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('trace-abc_123');
    const logged = await linesOf(from);
    expect(logged.filter((l) => l.msg === 'upstream call').length).toBeGreaterThanOrEqual(2);
    expect(logged.filter((l) => l.msg === 'request')).toHaveLength(1);
    expect(logged.map((l) => [l.msg, l.requestId])).toEqual(logged.map((l) => [l.msg, 'trace-abc_123']));
  });

  test('without one, or with a malformed one, the gateway makes a new id, and the malformed one is never logged', async () => {
    const from = lines.length;
    const bad = 'x'.repeat(300);
    const res = await post({ 'x-request-id': bad });
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const logged = await linesOf(from);
    expect(logged.length).toBeGreaterThanOrEqual(3);
    expect(logged.every((l) => l.requestId === id)).toBe(true);
    expect(JSON.stringify(logged)).not.toContain(bad);
    const plain = await post();
    expect(plain.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(plain.headers.get('x-request-id')).not.toBe(id);
  });

  test('non-GraphQL routes carry one too', async () => {
    const res = await fetch(url.replace(/\/graphql$/, '/healthz'), { headers: { 'x-request-id': 'health-1' } });
    expect(res.headers.get('x-request-id')).toBe('health-1');
  });
});
