import { createClient, type Client } from 'graphql-ws';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { generateApiKey } from '../../../src/auth/apiKeys';
import { PORTAL_ID } from '../../helpers/emulator';
import { startGateway, type TestGateway } from '../../helpers/gateway';

/** HTTP hardening settings: persisted query modes, CORS, introspection and GraphiQL in production. */

const ACCOUNT = '{ account { portalId } }';
const sha = (q: string) => createHash('sha256').update(q).digest('hex');

describe('HTTP hardening', () => {
  let dir: string;
  const gateways: TestGateway[] = [];
  const start = async (env: Record<string, string>) => {
    const gw = await startGateway({ env: { PORTAL_SCHEMA: 'false', ...env } });
    gateways.push(gw);
    return gw;
  };
  const post = (gw: TestGateway, body: unknown, headers: Record<string, string> = {}) =>
    fetch(gw.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) }).then(async (r) => ({ status: r.status, headers: r.headers, body: await r.json() }));
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hardening-'));
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((g) => g.close()));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('allow-list mode runs only the manifest operations, by id, by hash or by exact body', async () => {
    const listed = 'query Listed { account { portalId } }';
    const manifest = join(dir, 'persisted-query-manifest.json');
    writeFileSync(manifest, JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: 'listed-op-1', name: 'Listed', type: 'query', body: listed }] }));
    const gw = await start({ PERSISTED_QUERIES: 'allow-list', PERSISTED_QUERIES_MANIFEST: manifest });
    for (const body of [{ query: listed }, { extensions: { persistedQuery: { version: 1, sha256Hash: 'listed-op-1' } } }, { extensions: { persistedQuery: { version: 1, sha256Hash: sha(listed) } } }]) {
      const ok = await post(gw, body);
      expect(ok).toMatchObject({ status: 200, body: { data: { account: { portalId: '111' } } } });
    }
    const refused = [
      await post(gw, { query: ACCOUNT }),
      await post(gw, { query: ACCOUNT, extensions: { persistedQuery: { version: 1, sha256Hash: sha(ACCOUNT) } } }),
      await post(gw, { query: `${listed} `, extensions: { persistedQuery: { version: 1, sha256Hash: 'listed-op-1' } } }),
    ];
    for (const r of refused) expect(r).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' } }] } });
    expect(gw.calls).toHaveLength(3);
  });

  test('allow-list mode also holds for subscriptions over WebSocket: by exact body or by id/hash only', async () => {
    const listed = 'subscription Listed { crmObjectChanged(objectTypes: ["contacts"]) { kind objectId } }';
    const manifest = join(dir, 'ws-manifest.json');
    writeFileSync(manifest, JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: 'listed-sub-1', name: 'Listed', type: 'subscription', body: listed }] }));
    const gw = await start({ PERSISTED_QUERIES: 'allow-list', PERSISTED_QUERIES_MANIFEST: manifest });
    const clients: Client[] = [];
    type Outcome = { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
    /** The first thing a subscription yields: an event (`data`) or its errors. */
    const first = (payload: { query: string; extensions?: Record<string, unknown> }) => {
      const client = createClient({ url: gw.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
      clients.push(client);
      return new Promise<Outcome | 'nothing within 5 s'>((resolve) => {
        setTimeout(() => resolve('nothing within 5 s'), 5_000);
        client.subscribe(payload, { next: (v) => resolve({ data: v.data }), error: (e) => resolve({ errors: e as Outcome['errors'] }), complete: () => resolve({}) });
      });
    };
    try {
      const unlisted = 'subscription { crmObjectChanged { kind objectId } }';
      const refused = await Promise.all([
        first({ query: unlisted }),
        first({ query: `${listed} ` }),
        first({ query: '', extensions: { persistedQuery: { version: 1, sha256Hash: sha(unlisted) } } }),
        first({ query: unlisted, extensions: { persistedQuery: { version: 1, sha256Hash: 'listed-sub-1' } } }),
      ]);
      for (const r of refused) expect(r).toMatchObject({ errors: [{ extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' } }] });
      const accepted = [
        first({ query: listed }),
        first({ query: '', extensions: { persistedQuery: { version: 1, sha256Hash: 'listed-sub-1' } } }),
        first({ query: '', extensions: { persistedQuery: { version: 1, sha256Hash: sha(listed) } } }),
      ];
      await gw.untilSubscribed(3);
      await gw.events.publish([{ eventId: randomUUID(), portalId: PORTAL_ID, objectType: 'contacts', objectId: '42', kind: 'deletion', subscriptionType: 'contact.deletion', occurredAt: Date.now() }]);
      for (const r of await Promise.all(accepted)) expect(r).toEqual({ data: { crmObjectChanged: { kind: 'DELETION', objectId: '42' } } });
    } finally {
      await Promise.all(clients.map((c) => c.dispose()));
    }
  });

  test('uploads: the caller is authenticated from its headers before any multipart body is read', async () => {
    const key = generateApiKey();
    const gw = await start({ API_KEY_HASHES: key.hash, CORS_ORIGINS: 'https://app.example.com' });
    const form = () => {
      const f = new FormData();
      f.append('operations', JSON.stringify({ query: 'mutation ($file: Upload!) { fileUpload(file: $file, input: { folderPath: "/hardening" }) { file { name } userErrors { message } } }', variables: { file: null } }));
      f.append('map', JSON.stringify({ 0: ['variables.file'] }));
      f.append('0', new Blob(['name,email\n'], { type: 'text/csv' }), 'list.csv');
      return f;
    };
    const send = (body: FormData | string, headers: Record<string, string>) => fetch(gw.url, { method: 'POST', headers: { 'apollo-require-preflight': 'true', ...headers }, body, signal: AbortSignal.timeout(10_000) }).then(async (r) => ({ status: r.status, body: await r.json() }));
    // Not a well-formed multipart body at all: refused as unauthenticated, not as malformed (it was never parsed).
    const garbage = await send('--x\r\nnot a part', { 'content-type': 'multipart/form-data; boundary=x' });
    expect(garbage).toMatchObject({ status: 401, body: { errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] } });
    expect(await send(form(), {})).toMatchObject({ status: 401, body: { errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] } });
    expect(await send(form(), { 'x-api-key': 'hsgw_not-a-key-we-know-of-at-all' })).toMatchObject({ status: 401 });
    // An authenticated caller's upload goes through, and CORS preflights are still answered before authentication.
    const uploaded = await send(form(), { 'x-api-key': key.key });
    expect(uploaded).toMatchObject({ status: 200, body: { data: { fileUpload: { file: { name: 'list' }, userErrors: [] } } } });
    const preflight = await fetch(gw.url, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
  });

  test('MAX_BODY_BYTES also bounds multipart fields and WebSocket messages', async () => {
    const gw = await start({ MAX_BODY_BYTES: '2048' });
    const big = `query { account { portalId } } ${'#'.repeat(4096)}`;
    const form = new FormData();
    form.append('operations', JSON.stringify({ query: big, variables: {} }));
    form.append('map', '{}');
    const upload = await fetch(gw.url, { method: 'POST', headers: { 'apollo-require-preflight': 'true' }, body: form });
    expect(upload.status).toBe(413);
    expect((await upload.json()).errors[0]).toMatchObject({ message: expect.stringContaining('MAX_BODY_BYTES'), extensions: { code: 'BAD_USER_INPUT' } });

    const ws = new WebSocket(gw.wsUrl, 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    ws.send(JSON.stringify({ type: 'connection_init', payload: { padding: 'x'.repeat(4096) } }));
    expect(await closed).toBe(1009);
  });

  test('APQ off: persisted queries are not supported, full queries run', async () => {
    const gw = await start({ PERSISTED_QUERIES: 'off' });
    expect((await post(gw, { extensions: { persistedQuery: { version: 1, sha256Hash: sha(ACCOUNT) } } })).body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
    expect((await post(gw, { query: ACCOUNT })).body.data.account.portalId).toBe('111');
  });

  test('CORS: only listed origins get headers (never *), preflights of others are 403', async () => {
    const gw = await start({ CORS_ORIGINS: 'https://app.example.com' });
    const preflight = await fetch(gw.url, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-api-key' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-api-key');
    expect(preflight.headers.get('vary')).toContain('Origin');
    const listed = await post(gw, { query: ACCOUNT }, { origin: 'https://app.example.com' });
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(listed.headers.get('access-control-allow-credentials')).toBeNull();
    const other = await post(gw, { query: ACCOUNT }, { origin: 'https://evil.example.com' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const evilPreflight = await fetch(gw.url, { method: 'OPTIONS', headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' } });
    expect(evilPreflight.status).toBe(403);
    expect(evilPreflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('production: introspection and GraphiQL are off unless switched on', async () => {
    const gw = await start({ NODE_ENV: 'production' });
    const introspection = await post(gw, { query: '{ __schema { types { name } } }' });
    expect(introspection).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] } });
    const page = await fetch(gw.url, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type') ?? '').not.toContain('text/html');
    const on = await start({ NODE_ENV: 'production', INTROSPECTION: 'true' });
    expect((await post(on, { query: '{ __schema { queryType { name } } }' })).body.data.__schema.queryType.name).toBe('Query');
  });

  test('slow clients: the HTTP server times out requests after HTTP_REQUEST_TIMEOUT_MS', async () => {
    const gw = await start({ HTTP_REQUEST_TIMEOUT_MS: '2000' });
    expect(gw.gateway.httpServer.requestTimeout).toBe(2000);
    expect(gw.gateway.httpServer.headersTimeout).toBe(2000);
  });
});
