/**
 * The local load balancer (deploy/lb) against small real HTTP and WebSocket backends: round robin, retries of
 * idempotent requests only, passive ejection and re-admission by health checks, 502s with a code, WebSocket
 * tunnelling. Call counts are the backends' own.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { isIdempotent, startBalancer, type Balancer, type BalancerEvent } from '../../../deploy/lb/balancer';

interface Backend {
  url: string;
  port: number;
  hits: number;
  server: http.Server;
  close(): Promise<void>;
}

/** A backend that answers `{from: name}` — or, with `crash`, drops every request's connection unanswered. */
async function backend(name: string, opts: { crash?: boolean; port?: number } = {}): Promise<Backend> {
  const b = { hits: 0 } as Backend;
  b.server = http.createServer((req, res) => {
    if (req.url === '/healthz') return void res.end('{"status":"ok"}');
    b.hits++;
    req.resume();
    req.on('end', () => (opts.crash ? req.socket.destroy() : res.setHeader('content-type', 'application/json').end(JSON.stringify({ from: name }))));
  });
  await new Promise<void>((r) => b.server.listen(opts.port ?? 0, '127.0.0.1', r));
  b.port = (b.server.address() as AddressInfo).port;
  b.url = `http://127.0.0.1:${b.port}`;
  b.close = () => new Promise<void>((r) => {
    b.server.closeAllConnections();
    b.server.close(() => r());
  });
  return b;
}

/** A port nothing listens on. */
async function freePort(): Promise<number> {
  const b = await backend('tmp');
  await b.close();
  return b.port;
}

const gql = (query: string) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});
async function balance(backends: Array<Backend | string>, healthIntervalMs = 60_000): Promise<Balancer> {
  const lb = await startBalancer({ backends: backends.map((b) => (typeof b === 'string' ? b : b.url)), healthIntervalMs, healthTimeoutMs: 300 });
  open.push(lb);
  return lb;
}
async function started(...bs: Array<Promise<Backend>>): Promise<Backend[]> {
  const all = await Promise.all(bs);
  open.push(...all);
  return all;
}

describe('which requests are safe to send twice', () => {
  const body = (o: unknown) => Buffer.from(JSON.stringify(o));
  test.each([
    ['GET', '/graphql?query={a}', Buffer.alloc(0), undefined, true],
    ['POST', '/graphql', body({ query: '{ contacts { nodes { id } } }' }), 'application/json', true],
    ['POST', '/graphql', body({ query: 'query Q { a }' }), 'application/json; charset=utf-8', true],
    ['POST', '/graphql', body({ query: 'mutation { contactCreate(input: {}) { contact { id } } }' }), 'application/json', false],
    ['POST', '/graphql', body({ query: 'query A { a } mutation B { b }', operationName: 'B' }), 'application/json', false],
    ['POST', '/graphql', body({ query: 'query A { a } mutation B { b }', operationName: 'A' }), 'application/json', true],
    ['POST', '/graphql', body({ query: 'query A { a } mutation B { b }' }), 'application/json', false],
    ['POST', '/graphql', body({ query: 'subscription { s }' }), 'application/json', false],
    ['POST', '/graphql', Buffer.from('{not json'), 'application/json', false],
    ['POST', '/graphql', body({ query: '{ a' }), 'application/json', false],
    ['POST', '/graphql', body({ query: '{ a }' }), 'multipart/form-data; boundary=x', false],
    ['POST', '/webhooks/hubspot', body([]), 'application/json', false],
  ])('%s %s %s', (method, path, b, type, expected) => {
    expect(isIdempotent(method, path, b, type)).toBe(expected);
  });
});

describe('the load balancer', () => {
  test('sends requests round robin and says which backend answered', async () => {
    const [a, b] = await started(backend('a'), backend('b'));
    const lb = await balance([a!, b!]);
    const from: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${lb.url}/graphql`, gql('{ x }'));
      from.push(((await res.json()) as { from: string }).from);
      expect(res.headers.get('x-served-by')).toBe(from[i] === 'a' ? a!.url : b!.url);
    }
    expect(from).toEqual(['a', 'b', 'a', 'b']);
    expect([a!.hits, b!.hits]).toEqual([2, 2]);
  });

  test('a query whose connection drops before an answer is sent to the next backend, which answers it', async () => {
    const [crashing, good] = await started(backend('crashing', { crash: true }), backend('good'));
    const lb = await balance([crashing!, good!]);
    const events: BalancerEvent[] = [];
    lb.events.on('event', (e: BalancerEvent) => events.push(e));
    const res = await fetch(`${lb.url}/graphql`, gql('{ contacts { nodes { id } } }'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ from: 'good' });
    expect([crashing!.hits, good!.hits, lb.retried]).toEqual([1, 1, 1]);
    expect(events.map((e) => [e.type, e.backend])).toEqual([['down', crashing!.url], ['retry', crashing!.url]]);
  });

  test('a mutation is never sent twice: its dropped connection is a 502 with a code', async () => {
    const [crashing, good] = await started(backend('crashing', { crash: true }), backend('good'));
    const lb = await balance([crashing!, good!]);
    const res = await fetch(`${lb.url}/graphql`, gql('mutation { contactDelete(id: "1") { deletedId } }'));
    expect(res.status).toBe(502);
    expect(((await res.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('BAD_GATEWAY');
    expect([crashing!.hits, good!.hits, lb.retried, lb.badGateway]).toEqual([1, 0, 0, 1]);
  });

  test('a backend that refuses connections is taken out at once and brought back by a passing health check', async () => {
    const port = await freePort();
    const [good] = await started(backend('good'));
    const lb = await balance([`http://127.0.0.1:${port}`, good!], 100);
    const events: BalancerEvent[] = [];
    lb.events.on('event', (e: BalancerEvent) => events.push(e));
    for (let i = 0; i < 4; i++) expect((await fetch(`${lb.url}/graphql`, gql('{ x }'))).status).toBe(200);
    expect(good!.hits).toBe(4);
    expect(lb.backends[0]!.healthy).toBe(false);
    expect(lb.retried).toBe(1); // only the first request met the dead backend; the rest went straight to the live one
    const [revived] = await started(backend('revived', { port }));
    const until = Date.now() + 5_000;
    while (!lb.backends[0]!.healthy && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(events.filter((e) => e.type !== 'retry').map((e) => e.type)).toEqual(['down', 'up']);
    for (let i = 0; i < 2; i++) await (await fetch(`${lb.url}/graphql`, gql('{ x }'))).arrayBuffer();
    expect(revived!.hits).toBe(1);
  });

  test('with every backend gone, a request is a 502 with a code', async () => {
    const lb = await balance([`http://127.0.0.1:${await freePort()}`, `http://127.0.0.1:${await freePort()}`]);
    const res = await fetch(`${lb.url}/graphql`, gql('{ x }'));
    expect(res.status).toBe(502);
    expect(((await res.json()) as { errors: Array<{ message: string; extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('BAD_GATEWAY');
    expect(lb.backends.every((b) => !b.healthy)).toBe(true);
  });

  test('tunnels WebSocket upgrades to a live backend, skipping a dead one', async () => {
    const [wsBackend] = await started(backend('ws'));
    const wss = new WebSocketServer({ server: wsBackend!.server });
    wss.on('connection', (socket, req) => socket.on('message', (m) => socket.send(`${req.headers['sec-websocket-protocol']}:${String(m)}`)));
    open.push({ close: () => new Promise<void>((r) => wss.close(() => r())) });
    const lb = await balance([`http://127.0.0.1:${await freePort()}`, wsBackend!.url]);
    const socket = new WebSocket(`${lb.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const reply = await new Promise<string>((resolve, reject) => {
      socket.once('open', () => socket.send('ping'));
      socket.once('message', (m) => resolve(String(m)));
      socket.once('error', reject);
    });
    socket.close();
    expect(reply).toBe('graphql-transport-ws:ping');
    expect(lb.backends.map((b) => [b.healthy, b.upgrades])).toEqual([[false, 0], [true, 1]]);
  });
});
