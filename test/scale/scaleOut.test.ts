/**
 * Scale-out, without containers: two gateway processes (`hubspot-graphql serve`, from source) sharing Redis,
 * behind the load balancer of deploy/lb, in front of an emulator that enforces a small rate limit; autocannon
 * drives a query mix through the balancer for a bounded time. One instance is SIGKILLed half-way.
 *
 * Checked: no failed request at the load generator (status and GraphQL errors); the emulator answered no 429 and
 * no rolling window held more calls than its limit — each instance alone may spend the whole budget, so only the
 * budget shared through Redis keeps the two inside it; a webhook delivered through the balancer reaches
 * subscribers on both instances (and one through the balancer); the balancer took the killed instance out and
 * sent it nothing more. Prints requests, errors, upstream calls per second and failover time.
 */
import autocannon from 'autocannon';
import { createClient, type Client } from 'graphql-ws';
import { randomInt, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { generateApiKey } from '../../src/auth/apiKeys';
import { DEFAULT_WEBHOOK_APP } from '../../src/emulator/options';
import { deliverySignatureHeaders } from '../../src/webhooks/signature';
import { startBalancer, type Balancer, type BalancerEvent } from '../../deploy/lb/balancer';
import type { LoggedRequest } from '../../src/emulator/requestLog';
import { startEmulatorProcess, startGatewayProcess, type RunningProcess } from '../../deploy/local/processes';

const REDIS_URL = process.env.REDIS_URL;
const withRedis = REDIS_URL ? describe : describe.skip;
if (!REDIS_URL) console.warn('scale-out test: skipped, REDIS_URL is not set (e.g. REDIS_URL=redis://127.0.0.1:6379)');

/** The emulator's limit: 100 calls per 5 s rolling window (20/s). One instance alone would be allowed all of it. */
const LIMIT = 100;
const WINDOW_MS = 5_000;
const LOAD_SECONDS = 12;
const KILL_AFTER_MS = 6_000;
const CONNECTIONS = 8;

/** A portal and token of this run only, so that its Redis budget is not shared with other tests' gateways. */
const PORTAL_ID = randomInt(10_000_000, 99_999_999);
const TOKEN = `scale-${randomUUID()}`;
const SECRET = DEFAULT_WEBHOOK_APP.clientSecret;
const API_KEY = generateApiKey();

const QUERIES = [
  '{ contacts(first: 3) { nodes { id email firstname } } }',
  '{ companies(first: 2) { nodes { id name domain } } }',
  '{ deals(first: 2) { nodes { id dealname amount } } }',
  '{ account { portalId timeZone } }',
];

const SUBSCRIPTION = `subscription { crmObjectChanged(objectTypes: ["contacts"]) { kind objectId eventId } }`;

interface Subscriber {
  name: string;
  client: Client;
  eventIds: string[];
  errors: unknown[];
}

function subscribe(name: string, wsUrl: string): Subscriber {
  const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: { 'x-api-key': API_KEY.key }, retryAttempts: 0 });
  const s: Subscriber = { name, client, eventIds: [], errors: [] };
  client.subscribe<{ crmObjectChanged: { eventId: string } }>({ query: SUBSCRIPTION }, {
    next: (r) => (r.data ? s.eventIds.push(String(r.data.crmObjectChanged.eventId)) : s.errors.push(r.errors)),
    error: (e) => s.errors.push(e),
    complete: () => undefined,
  });
  return s;
}

/** Posts a contact creation to the webhook receiver behind the balancer, signed (v3) for the URL it is sent to. */
async function deliverContactCreated(base: string, eventId: number): Promise<number> {
  const url = `${base}/webhooks/hubspot`;
  const body = JSON.stringify([{ eventId, subscriptionId: 1, portalId: PORTAL_ID, appId: DEFAULT_WEBHOOK_APP.appId, occurredAt: Date.now(), subscriptionType: 'contact.creation', attemptNumber: 0, objectId: 101, changeFlag: 'CREATED', changeSource: 'API' }]);
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...deliverySignatureHeaders(SECRET, { method: 'POST', uri: url, body, timestamp: Date.now() }) }, body });
  await res.arrayBuffer();
  return res.status;
}

/** Delivers events until every subscriber has one (subscriptions register asynchronously); returns the event ids sent. */
async function deliverUntilReceived(base: string, subscribers: Subscriber[], timeoutMs = 10_000): Promise<string[]> {
  const sent: string[] = [];
  const until = Date.now() + timeoutMs;
  while (subscribers.some((s) => s.eventIds.length === 0 && s.errors.length === 0)) {
    if (Date.now() > until) throw new Error(`subscribers without the event after ${timeoutMs} ms: ${subscribers.filter((s) => !s.eventIds.length).map((s) => s.name).join(', ')}`);
    const eventId = Date.now() * 1000 + randomInt(1000);
    expect(await deliverContactCreated(base, eventId)).toBe(204);
    sent.push(String(eventId));
    await new Promise((r) => setTimeout(r, 400));
  }
  return sent;
}

/** The most calls in any rolling window of `windowMs`, from their times. */
function busiestWindow(times: number[], windowMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

withRedis('scale-out: two instances behind a load balancer, sharing Redis', () => {
  let emulator: RunningProcess;
  let gateways: RunningProcess[] = [];
  let lb: Balancer;
  const lbEvents: BalancerEvent[] = [];
  /** When the balancer took a backend out: how many requests it had sent to each backend by then. */
  const requestsAtDown = new Map<string, Record<string, number>>();

  beforeAll(async () => {
    // A process of its own (`hubspot-graphql emulator`), like HubSpot: its clock and event loop are not the test's.
    emulator = await startEmulatorProcess({
      EMULATOR_TOKENS: `${TOKEN}:${PORTAL_ID}`,
      EMULATOR_SEED_SIZES: 'contacts=40,companies=10,deals=10,tickets=0,products=0,owners=3,engagements=0,cars=0',
      EMULATOR_RATE_LIMIT: String(LIMIT),
      EMULATOR_RATE_WINDOW_MS: String(WINDOW_MS),
    });
    const env = {
      HUBSPOT_TOKEN: TOKEN,
      HUBSPOT_BASE_URL: emulator.url,
      REDIS_URL: REDIS_URL!,
      EVENTS_CHANNEL: `hubspot-graphql:scale-test:${randomUUID()}`,
      RATE_LIMIT_PER_WINDOW: String(LIMIT),
      RATE_LIMIT_WINDOW_MS: String(WINDOW_MS),
      API_KEY_HASHES: API_KEY.hash,
      WEBHOOK_CLIENT_SECRET: SECRET,
      LOG_LEVEL: 'warn',
      SHUTDOWN_GRACE_MS: '2000',
    };
    gateways = await Promise.all([startGatewayProcess('gateway-1', env), startGatewayProcess('gateway-2', env)]);
    lb = await startBalancer({ backends: gateways.map((g) => new URL(g.url).origin), healthIntervalMs: 250, healthTimeoutMs: 2_000 });
    lb.events.on('event', (e: BalancerEvent) => {
      lbEvents.push(e);
      if (e.type === 'down') requestsAtDown.set(e.backend, Object.fromEntries(lb.backends.map((b) => [b.url, b.requests])));
    });
    // Start-up reads (the portal's schema, metadata) fall in the emulator's window too: let it roll over first.
    await new Promise((r) => setTimeout(r, WINDOW_MS));
  }, 45_000);

  afterAll(async () => {
    await lb?.close();
    await Promise.all(gateways.map((g) => g.stop(2_000)));
    await emulator?.stop();
  });

  test('no failed request, the shared budget holds, subscriptions reach both instances, the balancer routes around a killed instance', async () => {
    const [survivor, victim] = gateways as [RunningProcess, RunningProcess];
    const victimUrl = new URL(victim.url).origin;
    const failures: string[] = [];
    let graphqlOk = 0;
    const emulatorLog = async (since = 0) => (await (await fetch(`${emulator.url}/__emulator/requests?since=${since}`)).json()) as { lastSeq: number; results: LoggedRequest[] };
    const firstSeq = (await emulatorLog()).lastSeq;
    const loadStart = Date.now();

    const load = autocannon({
      url: `${lb.url}/graphql`,
      connections: CONNECTIONS,
      duration: LOAD_SECONDS,
      timeout: 20,
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY.key },
      requests: QUERIES.map((query) => ({
        method: 'POST' as const,
        path: '/graphql',
        body: JSON.stringify({ query }),
        onResponse: (status: number, body: string) => {
          const parsed = (() => {
            try {
              return JSON.parse(body) as { data?: unknown; errors?: unknown };
            } catch {
              return undefined;
            }
          })();
          if (status !== 200 || !parsed?.data || parsed.errors) failures.push(`${status} ${body.slice(0, 200)}`);
          else graphqlOk++;
        },
      })),
    });

    // Subscribers on each instance directly and one through the balancer; the delivery goes through the balancer.
    const subscribers = [subscribe('gateway-1', survivor.url.replace(/^http/, 'ws')), subscribe('gateway-2', victim.url.replace(/^http/, 'ws')), subscribe('via balancer', `${lb.url.replace(/^http/, 'ws')}/graphql`)];
    const sent = await deliverUntilReceived(lb.url, subscribers);
    await Promise.all(subscribers.map((s) => s.client.dispose()));

    await new Promise((r) => setTimeout(r, Math.max(0, loadStart + KILL_AFTER_MS - Date.now())));
    const victimState = lb.backends.find((b) => b.url === victimUrl)!;
    const killAt = Date.now();
    victim.kill();
    const result = await load;
    const loadEnd = Date.now();

    // ---- the load generator saw no failure
    expect(failures).toEqual([]);
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(graphqlOk).toBe(result.requests.total);
    expect(lb.badGateway).toBe(0);

    // ---- the upstream budget held across both instances
    const calls = (await emulatorLog(firstSeq)).results;
    const throttled = calls.filter((c) => c.status === 429);
    const times = calls.map((c) => Date.parse(c.at)).sort((a, b) => a - b);
    const busiest = busiestWindow(times, WINDOW_MS);
    const callsPerSecond = calls.length / ((loadEnd - loadStart) / 1000);
    expect(throttled).toEqual([]);
    expect(busiest).toBeLessThanOrEqual(LIMIT);
    expect(calls.length).toBeGreaterThan(0);

    // ---- subscriptions on either instance got the event delivered to the balancer
    for (const s of subscribers) {
      expect(s.errors).toEqual([]);
      expect(s.eventIds.length).toBeGreaterThan(0);
      expect(s.eventIds.every((id) => sent.includes(id))).toBe(true);
    }

    // ---- the balancer took the killed instance out and sent it nothing after
    const down = lbEvents.find((e) => e.type === 'down' && e.backend === victimUrl && e.at >= killAt);
    expect(down).toBeDefined();
    const failoverMs = down!.at - killAt;
    expect(victimState.healthy).toBe(false);
    const survivorState = lb.backends.find((b) => b.url === new URL(survivor.url).origin)!;
    expect(survivorState.healthy).toBe(true);
    expect(lbEvents.filter((e) => e.type === 'down' && e.backend !== victimUrl)).toEqual([]);
    // Once out, the victim was sent nothing more: every later request went to the survivor.
    const atDown = requestsAtDown.get(victimUrl)!;
    expect(victimState.requests).toBe(atDown[victimUrl]);
    expect(survivorState.requests).toBeGreaterThan(atDown[survivorState.url]!);

    const rssMb = (pid: number | undefined) => {
      try {
        return `${Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024)} MB`;
      } catch {
        return 'n/a';
      }
    };
    const rows: Array<[string, string | number]> = [
      ['requests (load generator)', result.requests.total],
      ['  of which failed (non-2xx, GraphQL errors, timeouts)', failures.length + result.errors + result.timeouts],
      ['requests/s', result.requests.average],
      ['latency p50 / p99 ms', `${result.latency.p50} / ${result.latency.p99}`],
      ['upstream calls (emulator)', calls.length],
      ['upstream calls/s, average over the run', callsPerSecond.toFixed(1)],
      [`upstream calls in the busiest ${WINDOW_MS} ms window (limit)`, `${busiest} (${LIMIT})`],
      ['emulator 429s', throttled.length],
      ['requests retried by the balancer', lb.retried],
      ['failover: kill → taken out, ms', failoverMs],
      ['requests sent to survivor / to killed instance', `${survivorState.requests} / ${victimState.requests}`],
      ['survivor resident memory (from source, via tsx)', rssMb(survivor.child.pid)],
      ['subscribers that got the event', `${subscribers.filter((s) => s.eventIds.length).length} of ${subscribers.length}`],
    ];
    process.stdout.write(`\nScale-out figures (2 instances, ${CONNECTIONS} connections, ${LOAD_SECONDS} s, instance killed at ${KILL_AFTER_MS} ms):\n${rows.map(([k, v]) => `  ${k.padEnd(52)} ${v}`).join('\n')}\n\n`);
  }, 45_000);
});
