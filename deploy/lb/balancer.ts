/**
 * A small HTTP + WebSocket load balancer for running several gateway instances on one machine without a container
 * engine (`npm run deploy:local`, the scale-out test). In production use your platform's (nginx, Envoy, a cloud
 * LB, Kubernetes Services): this one shows, and lets tests check, what the gateway expects from one.
 *
 * - Round robin over the healthy backends; with none healthy, over all of them (better a try than a certain 502).
 * - Active health checks: GET `healthPath` every `healthIntervalMs`; one failure takes a backend out, one
 *   success brings it back.
 * - Passive ejection: a backend that refuses a connection, or drops a fresh one, is out at once (its next
 *   health check may bring it back). A drop on a reused keep-alive connection does not eject: the backend may
 *   merely have closed an idle socket.
 * - Retries: a request whose connection fails before any response is sent again to another backend when it is
 *   idempotent — GET/HEAD/OPTIONS, and GraphQL POSTs whose operation is a query. Mutations never are: the dead
 *   backend may have carried them out.
 * - WebSocket upgrades (GraphQL subscriptions) are proxied as raw TCP to a healthy backend.
 * The client's Host header is kept (webhook signatures cover the URL the sender used); X-Forwarded-For/-Proto are added.
 */
import http from 'node:http';
import net from 'node:net';
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { parse, type OperationDefinitionNode } from 'graphql';

export interface BalancerOptions {
  /** Backend base URLs, e.g. http://127.0.0.1:4001. */
  backends: string[];
  /** Health check path. Default /healthz. */
  healthPath?: string;
  /** Health check period, ms. Default 1000. */
  healthIntervalMs?: number;
  /** A health check slower than this fails, ms. Default 1000. */
  healthTimeoutMs?: number;
  /** Other backends a failed idempotent request is sent to. Default 1. */
  retries?: number;
  /** Largest request body buffered (bodies are buffered so that they can be retried), bytes. Default 32 MiB. */
  maxBodyBytes?: number;
}

export interface BackendState {
  url: string;
  healthy: boolean;
  /** HTTP requests sent to it (a retried request counts on each backend it was sent to). */
  requests: number;
  /** Responses this backend sent (HTTP requests answered, upgrades accepted included). */
  responses: number;
  /** Connections that failed before a response. */
  failures: number;
  /** WebSocket upgrades routed to it. */
  upgrades: number;
  /** When it was last taken out (ms since epoch), and why. */
  downSince?: number;
  downReason?: string;
}

export interface BalancerEvent {
  type: 'down' | 'up' | 'retry';
  backend: string;
  at: number;
  reason: string;
}

export interface Balancer {
  url: string;
  backends: BackendState[];
  /** Requests answered by the balancer itself with 502 (no backend could take them). */
  badGateway: number;
  /** Idempotent requests sent again to another backend after a connection failure. */
  retried: number;
  events: EventEmitter; // 'event' → BalancerEvent
  close(): Promise<void>;
}

interface Backend extends BackendState {
  host: string;
  port: number;
}

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

/** Is this request safe to send twice? GraphQL queries are; mutations (and anything unparseable) are not. */
export function isIdempotent(method: string, path: string, body: Buffer, contentType: string | undefined): boolean {
  if (['GET', 'HEAD', 'OPTIONS'].includes(method)) return true;
  if (method !== 'POST' || !path.startsWith('/graphql') || !contentType?.includes('application/json')) return false;
  try {
    const { query, operationName } = JSON.parse(body.toString('utf8')) as { query?: unknown; operationName?: unknown };
    if (typeof query !== 'string') return false;
    const ops = parse(query).definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
    const op = typeof operationName === 'string' ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
    return op?.operation === 'query';
  } catch {
    return false;
  }
}

export async function startBalancer(opts: BalancerOptions, port = 0, host = '127.0.0.1'): Promise<Balancer> {
  const healthPath = opts.healthPath ?? '/healthz';
  const retries = opts.retries ?? 1;
  const maxBody = opts.maxBodyBytes ?? 32 * 1024 * 1024;
  const events = new EventEmitter();
  const backends: Backend[] = opts.backends.map((u) => {
    const url = new URL(u);
    return { url: url.origin, host: url.hostname, port: Number(url.port || 80), healthy: true, requests: 0, responses: 0, failures: 0, upgrades: 0 };
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let next = 0;
  const lb = { badGateway: 0, retried: 0 };

  const emit = (type: BalancerEvent['type'], b: Backend, reason: string) => events.emit('event', { type, backend: b.url, at: Date.now(), reason } satisfies BalancerEvent);
  const markDown = (b: Backend, reason: string) => {
    if (!b.healthy) return;
    b.healthy = false;
    b.downSince = Date.now();
    b.downReason = reason;
    emit('down', b, reason);
  };
  const markUp = (b: Backend) => {
    if (b.healthy) return;
    b.healthy = true;
    delete b.downSince;
    delete b.downReason;
    emit('up', b, 'health check passed');
  };
  /** The next backend in turn that is healthy and not yet tried; any untried one when none is healthy. */
  const pick = (tried: Set<Backend>): Backend | undefined => {
    for (const wantHealthy of [true, false]) {
      for (let i = 0; i < backends.length; i++) {
        const b = backends[(next + i) % backends.length]!;
        if (!tried.has(b) && (b.healthy || !wantHealthy)) {
          next = (next + i + 1) % backends.length;
          return b;
        }
      }
    }
    return undefined;
  };

  const badGateway = (res: http.ServerResponse, why: string) => {
    lb.badGateway++;
    if (res.headersSent) return void res.destroy();
    res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: `no gateway instance could answer: ${why}`, extensions: { code: 'BAD_GATEWAY' } }] }));
  };

  /** `retryable` is asked only when a connection fails: parsing the body to know costs nothing on the way through. */
  function forward(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, retryable: () => boolean, tried: Set<Backend>): void {
    const b = pick(tried);
    if (!b) return badGateway(res, 'every instance failed');
    tried.add(b);
    b.requests++;
    const headers: http.OutgoingHttpHeaders = { ...req.headers };
    for (const h of HOP_BY_HOP) delete headers[h];
    headers['content-length'] = String(body.length);
    headers['x-forwarded-for'] = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
    headers['x-forwarded-proto'] ??= 'http';
    const up = http.request({ host: b.host, port: b.port, method: req.method, path: req.url, headers, agent });
    let answered = false;
    up.on('response', (upRes) => {
      answered = true;
      b.responses++;
      const out = { ...upRes.headers };
      for (const h of HOP_BY_HOP) delete out[h];
      res.writeHead(upRes.statusCode ?? 502, { ...out, 'x-served-by': b.url });
      upRes.pipe(res);
      upRes.on('error', () => res.destroy());
    });
    up.on('error', (e: NodeJS.ErrnoException) => {
      if (answered) return void res.destroy(); // the backend died mid-body: nothing safe to do but cut the client off
      b.failures++;
      // A reused keep-alive socket may simply have been closed by the backend as idle; a refused or fresh one means it is gone.
      if (e.code === 'ECONNREFUSED' || !up.reusedSocket) markDown(b, e.code ?? e.message);
      const connectionFailed = CONNECTION_ERRORS.has(e.code ?? '') || e.message === 'socket hang up';
      if (!connectionFailed || tried.size > retries || !retryable()) return badGateway(res, e.code ?? e.message);
      lb.retried++;
      emit('retry', b, e.code ?? e.message);
      forward(req, res, body, retryable, tried);
    });
    up.end(body);
  }

  /** Open WebSocket tunnels: upgraded sockets leave the HTTP server's books, so close() ends them itself. */
  const tunnels = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBody) {
        res.writeHead(413, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify({ errors: [{ message: `request body larger than ${maxBody} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      const body = Buffer.concat(chunks);
      let idempotent: boolean | undefined;
      const retryable = () => (idempotent ??= isIdempotent(req.method ?? 'GET', req.url ?? '/', body, req.headers['content-type']));
      forward(req, res, body, retryable, new Set());
    });
  });

  // WebSockets: replay the upgrade request to a backend over a raw socket and splice the two.
  server.on('upgrade', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const tried = new Set<Backend>();
    const attempt = () => {
      const b = pick(tried);
      if (!b) return void client.end('HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      tried.add(b);
      const up = net.connect(b.port, b.host);
      let connected = false;
      up.on('error', (e: NodeJS.ErrnoException) => {
        if (connected) return void client.destroy();
        b.failures++;
        markDown(b, e.code ?? e.message);
        attempt(); // nothing reached the backend yet: safe to try the next one
      });
      up.once('connect', () => {
        connected = true;
        b.upgrades++;
        tunnels.add(up);
        up.on('close', () => tunnels.delete(up));
        const lines = [`${req.method} ${req.url} HTTP/1.1`];
        for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
        lines.push(`X-Forwarded-For: ${req.socket.remoteAddress ?? ''}`);
        up.write(`${lines.join('\r\n')}\r\n\r\n`);
        if (head.length) up.write(head);
        up.pipe(client).pipe(up);
        up.on('close', () => client.destroy());
        client.on('close', () => up.destroy());
      });
    };
    client.on('error', () => undefined);
    attempt();
  });

  const check = async (b: Backend) => {
    try {
      const res = await fetch(`${b.url}${healthPath}`, { signal: AbortSignal.timeout(opts.healthTimeoutMs ?? 1000) });
      await res.arrayBuffer();
      if (res.ok) markUp(b);
      else markDown(b, `health check ${res.status}`);
    } catch (e) {
      markDown(b, `health check failed: ${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message}`);
    }
  };
  // The next round starts once this one has answered, so a slow check never lands after a newer one.
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const healthRound = () => {
    timer = setTimeout(() => void Promise.all(backends.map(check)).then(() => !closed && healthRound()), opts.healthIntervalMs ?? 1000);
    timer.unref();
  };
  healthRound();

  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    backends,
    get badGateway() {
      return lb.badGateway;
    },
    get retried() {
      return lb.retried;
    },
    events,
    async close() {
      closed = true;
      clearTimeout(timer);
      server.closeAllConnections();
      for (const t of tunnels) t.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  } as Balancer;
}
