import { randomInt } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { DEFAULT_WEBHOOK_APP } from '../../src/emulator/options';
import { Transport } from '../../src/hubspot/transport';
import { createGateway, type Gateway } from '../../src/server/gateway';
import { createLogger } from '../../src/server/logger';
import { deliverySignatureHeaders, signatureV1, signatureV3 } from '../../src/webhooks/signature';
import { startEmulator, TOKEN, type TestEmulator } from '../helpers/emulator';
import { RecordingBus } from '../helpers/recordingBus';

/** The embedded emulator's demo app: the gateway verifies with its secret when no HUBSPOT_CLIENT_SECRET is set. */
const SECRET = DEFAULT_WEBHOOK_APP.clientSecret;
const PATH = '/webhooks/hubspot';

interface Receiver {
  base: string;
  bus: RecordingBus;
  logs: string[];
  gateway: Gateway;
  close(): Promise<void>;
}

/**
 * A real gateway over real HTTP, with a recording event bus; its logs are kept as JSON lines. Webhook deliveries
 * make no HubSpot call; `upstream` is the emulator for tests that also use GraphQL.
 */
async function startReceiver(env: Record<string, string> = {}, upstream = 'http://127.0.0.1:9'): Promise<Receiver> {
  // Some receivers hold a token or an OAuth app: caller authentication is not what these tests are about.
  const config = { ...loadConfig({ LOG_LEVEL: 'debug', ALLOW_UNAUTHENTICATED_CALLERS: 'true', ...env }), hubspotBaseUrl: upstream };
  const logs: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void logs.push(line) });
  const transport = new Transport({ baseUrl: upstream, connections: 2, timeoutMs: 5000 });
  const bus = new RecordingBus();
  const gateway = await createGateway({ config, logger, transport, credential: () => TOKEN, events: bus });
  const { url } = await gateway.listen(0, '127.0.0.1');
  return {
    base: url.replace(/\/graphql$/, ''),
    bus,
    logs,
    gateway,
    async close() {
      await gateway.stop();
      await transport.close();
    },
  };
}

let nextEventId = Date.now() * 1000 + randomInt(1000);
const contactCreated = (overrides: Record<string, unknown> = {}) => ({
  eventId: nextEventId++, subscriptionId: 11, portalId: 111, appId: 424242, occurredAt: 1_760_000_000_000,
  subscriptionType: 'contact.creation', attemptNumber: 0, objectId: 51, changeFlag: 'CREATED', changeSource: 'API', ...overrides,
});

/** POSTs a delivery signed like HubSpot's (v3 + v1) for the URL it is sent to, unless headers are given. */
async function deliver(r: Receiver, events: unknown, opts: { raw?: string; headers?: Record<string, string>; secret?: string; timestamp?: number; signedUri?: string; query?: string } = {}) {
  const body = opts.raw ?? JSON.stringify(events);
  const url = `${r.base}${PATH}${opts.query ?? ''}`;
  const headers = opts.headers ?? deliverySignatureHeaders(opts.secret ?? SECRET, { method: 'POST', uri: opts.signedUri ?? url, body, timestamp: opts.timestamp ?? Date.now() });
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, text: await res.text() };
}

const refusals = (r: Receiver) => r.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'webhook delivery refused');
/** Lets the receiver's after-answer work run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

describe('webhook receiver: POST /webhooks/hubspot', () => {
  let r: Receiver;
  beforeAll(async () => {
    r = await startReceiver();
  });
  afterAll(() => r.close());

  test('a signed batch is answered 204 and its events reach the bus as CrmEvents', async () => {
    const before = r.bus.events.length;
    const batch = [
      contactCreated(),
      contactCreated({ subscriptionType: 'contact.propertyChange', objectId: 51, propertyName: 'email', propertyValue: 'ada@example.com', changeFlag: undefined }),
      contactCreated({ subscriptionType: 'deal.merge', objectId: 900, primaryObjectId: 700, mergedObjectIds: [701], newObjectId: 900 }),
      { eventId: nextEventId++, subscriptionId: 12, portalId: 111, appId: 424242, occurredAt: 1_760_000_000_001, subscriptionType: 'company.associationChange', attemptNumber: 0, changeSource: 'API',
        associationType: 'COMPANY_TO_CONTACT', fromObjectId: 12, toObjectId: 51, associationRemoved: false, isPrimaryAssociation: true },
      contactCreated({ subscriptionType: 'object.creation', objectTypeId: '2-123', objectId: 5 }),
      contactCreated({ subscriptionType: 'object.deletion', objectTypeId: '0-48', objectId: 6 }),
      contactCreated({ subscriptionType: 'contact.privacyDeletion', objectId: 52 }),
      // Not a CRM change: acknowledged, not published.
      { eventId: nextEventId++, subscriptionId: 13, portalId: 111, appId: 424242, occurredAt: 1_760_000_000_002, subscriptionType: 'conversation.creation', attemptNumber: 0, objectId: 3 },
    ];
    const res = await deliver(r, batch);
    expect(res.status).toBe(204);
    const events = (await r.bus.waitFor(before + 7)).slice(before);
    expect(events).toHaveLength(7);
    expect(events[0]).toEqual({ eventId: String(batch[0]!.eventId), portalId: 111, objectType: 'contacts', objectId: '51', kind: 'creation', subscriptionType: 'contact.creation', occurredAt: 1_760_000_000_000, changeSource: 'API' });
    expect(events[1]).toMatchObject({ objectType: 'contacts', kind: 'propertyChange', propertyName: 'email', propertyValue: 'ada@example.com' });
    expect(events[2]).toMatchObject({ objectType: 'deals', kind: 'merge', objectId: '900', primaryObjectId: '700', mergedObjectIds: ['701'], newObjectId: '900' });
    expect(events[3]).toMatchObject({
      objectType: 'companies', kind: 'associationChange', objectId: '12',
      association: { associationType: 'COMPANY_TO_CONTACT', fromObjectId: '12', toObjectId: '51', removed: false, primary: true },
    });
    expect(events[4]).toMatchObject({ objectType: '2-123', kind: 'creation', objectId: '5' });
    expect(events[5]).toMatchObject({ objectType: 'calls', kind: 'deletion', objectId: '6' });
    expect(events[6]).toMatchObject({ objectType: 'contacts', kind: 'privacyDeletion', objectId: '52' });
  });

  test('a replayed delivery, and a retry of it, publish each event once', async () => {
    const before = r.bus.events.length;
    const event = contactCreated();
    const body = JSON.stringify([event]);
    const headers = deliverySignatureHeaders(SECRET, { method: 'POST', uri: `${r.base}${PATH}`, body, timestamp: Date.now() });
    // The same signed request three times (a replay), then HubSpot's retry (new attempt number, new signature).
    for (let i = 0; i < 3; i++) expect((await deliver(r, undefined, { raw: body, headers })).status).toBe(204);
    expect((await deliver(r, [{ ...event, attemptNumber: 1 }, { ...event, attemptNumber: 1 }])).status).toBe(204);
    await settle();
    expect(r.bus.events.slice(before).map((e) => e.eventId)).toEqual([String(event.eventId)]);
  });

  test('a bad signature, a wrong secret, a stale timestamp or missing headers: 401, a warning, nothing published', async () => {
    const before = { events: r.bus.events.length, refusals: refusals(r).length };
    const body = JSON.stringify([contactCreated()]);
    const url = `${r.base}${PATH}`;
    const good = deliverySignatureHeaders(SECRET, { method: 'POST', uri: url, body, timestamp: Date.now() });
    const cases: Array<[Record<string, string>, string]> = [
      [{ ...good, 'X-HubSpot-Signature-v3': signatureV3(SECRET, 'POST', url, `${body} `, good['X-HubSpot-Request-Timestamp']!) }, 'bad-signature'],
      [deliverySignatureHeaders('not-the-secret', { method: 'POST', uri: url, body, timestamp: Date.now() }), 'bad-signature'],
      [deliverySignatureHeaders(SECRET, { method: 'POST', uri: url, body, timestamp: Date.now() - 6 * 60_000 }), 'stale-timestamp'],
      [{ 'X-HubSpot-Signature-v3': good['X-HubSpot-Signature-v3']! }, 'missing-timestamp'],
      [{}, 'missing-signature'],
      // v1 alone is not accepted unless configured.
      [{ 'X-HubSpot-Signature': signatureV1(SECRET, body), 'X-HubSpot-Signature-Version': 'v1' }, 'missing-signature'],
    ];
    for (const [headers, reason] of cases) {
      const res = await deliver(r, undefined, { raw: body, headers });
      expect(res.status).toBe(401);
      expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
      expect(refusals(r).at(-1)).toMatchObject({ level: 40, reason });
    }
    // A tampered body under a genuine signature.
    expect((await deliver(r, undefined, { raw: body.replace('"objectId":51', '"objectId":666'), headers: good })).status).toBe(401);
    await settle();
    expect(r.bus.events.length).toBe(before.events);
    expect(refusals(r).length).toBe(before.refusals + cases.length + 1);
  });

  test('a signed body that is not an array of events is 400', async () => {
    const before = r.bus.events.length;
    for (const raw of ['[{"eventId":', '{"eventId":1}', '[{"portalId":111}]', '[42]', '']) {
      const res = await deliver(r, undefined, { raw });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    }
    await settle();
    expect(r.bus.events.length).toBe(before);
  });

  test('the log has the reasons but no secret, signature, body or property value', async () => {
    const body = JSON.stringify([contactCreated({ subscriptionType: 'contact.propertyChange', propertyName: 'email', propertyValue: 'very-private@example.com' })]);
    const headers = deliverySignatureHeaders('wrong-secret', { method: 'POST', uri: `${r.base}${PATH}`, body, timestamp: Date.now() });
    await deliver(r, undefined, { raw: body, headers });
    await deliver(r, undefined, { raw: body });
    await settle();
    const all = r.logs.join('\n');
    expect(all).toContain('webhook delivery refused');
    for (const secret of [SECRET, 'wrong-secret', headers['X-HubSpot-Signature-v3']!, headers['X-HubSpot-Signature']!, 'very-private@example.com', '"propertyValue"']) {
      expect(all).not.toContain(secret);
    }
  });

  test('a publish that fails is logged; the delivery was still answered 204', async () => {
    r.bus.failWith = new Error('bus is down');
    try {
      expect((await deliver(r, [contactCreated()])).status).toBe(204);
      await settle();
      expect(r.logs.some((l) => l.includes('publishing webhook events failed'))).toBe(true);
    } finally {
      r.bus.failWith = undefined;
    }
  });

  test('GraphQL still parses JSON next to the raw webhook route', async () => {
    const res = await fetch(`${r.base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(await res.json()).toMatchObject({ data: { __typename: 'Query' } });
  });
});

describe('webhook receiver settings', () => {
  test('WEBHOOK_MAX_BODY_BYTES: a larger delivery is 413 before anything else', async () => {
    const r = await startReceiver({ WEBHOOK_MAX_BODY_BYTES: '2048' });
    try {
      const big = Array.from({ length: 30 }, () => contactCreated());
      expect(JSON.stringify(big).length).toBeGreaterThan(2048);
      const res = await deliver(r, big);
      expect(res.status).toBe(413);
      expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
      expect((await deliver(r, big.slice(0, 3))).status).toBe(204);
    } finally {
      await r.close();
    }
  });

  test('WEBHOOK_URL_BASE: the signed URI is the public one, query string included', async () => {
    const r = await startReceiver({ WEBHOOK_URL_BASE: 'https://hooks.example.com/crm/' });
    try {
      const publicUri = `https://hooks.example.com/crm${PATH}?tenant=a%3Ab`;
      expect((await deliver(r, [contactCreated()], { query: '?tenant=a%3Ab', signedUri: publicUri })).status).toBe(204);
      // Signed for the address the proxy forwarded to: not what HubSpot requested.
      expect((await deliver(r, [contactCreated()], { query: '?tenant=a%3Ab' })).status).toBe(401);
      await r.bus.waitFor(1);
    } finally {
      await r.close();
    }
  });

  test('WEBHOOK_SIGNATURE_VERSIONS=v1,v3 accepts a v1-only delivery', async () => {
    const r = await startReceiver({ WEBHOOK_SIGNATURE_VERSIONS: 'v1,v3' });
    try {
      const body = JSON.stringify([contactCreated()]);
      expect((await deliver(r, undefined, { raw: body, headers: { 'X-HubSpot-Signature': signatureV1(SECRET, body), 'X-HubSpot-Signature-Version': 'v1' } })).status).toBe(204);
      expect((await deliver(r, undefined, { raw: body, headers: { 'X-HubSpot-Signature': signatureV1('nope', body), 'X-HubSpot-Signature-Version': 'v1' } })).status).toBe(401);
      await r.bus.waitFor(1);
    } finally {
      await r.close();
    }
  });

  test('HUBSPOT_CLIENT_SECRET is the key; without any secret the receiver answers 503', async () => {
    const oauth = await startReceiver({ HUBSPOT_CLIENT_ID: 'my-app', HUBSPOT_CLIENT_SECRET: 'my-app-secret' });
    try {
      expect((await deliver(oauth, [contactCreated()], { secret: 'my-app-secret' })).status).toBe(204);
      expect((await deliver(oauth, [contactCreated()])).status).toBe(401);
    } finally {
      await oauth.close();
    }
    const noSecret = await startReceiver({ HUBSPOT_TOKEN: 'pat-na1-real-portal-token' });
    try {
      const res = await deliver(noSecret, [contactCreated()]);
      expect(res.status).toBe(503);
      expect(res.text).toContain('HUBSPOT_CLIENT_SECRET');
    } finally {
      await noSecret.close();
    }
  });

  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl) console.warn('webhook replays across instances skipped: REDIS_URL is not set (CI sets redis://127.0.0.1:6379).');
  (redisUrl ? test : test.skip)('with REDIS_URL, two instances publish a replayed event once between them (skipped without REDIS_URL)', async () => {
    const [a, b] = await Promise.all([startReceiver({ REDIS_URL: redisUrl! }), startReceiver({ REDIS_URL: redisUrl! })]);
    try {
      const event = contactCreated();
      const results = await Promise.all([deliver(a, [event]), deliver(b, [event]), deliver(a, [{ ...event, attemptNumber: 1 }])]);
      expect(results.map((x) => x.status)).toEqual([204, 204, 204]);
      await settle();
      expect(a.bus.events.length + b.bus.events.length).toBe(1);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

/** HubSpot's side played by the emulator: settings and subscriptions made through the gateway's GraphQL, then CRM writes. */
describe('emulator deliveries reach the gateway and its event bus', () => {
  let emu: TestEmulator;
  let r: Receiver;
  const graphql = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await fetch(`${r.base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { data?: Record<string, { userErrors?: unknown[] }>; errors?: unknown };
    expect(body.errors).toBeUndefined();
    for (const payload of Object.values(body.data ?? {})) expect(payload.userErrors).toEqual([]);
    return body.data!;
  };

  beforeAll(async () => {
    emu = await startEmulator({ webhookDelivery: { batchWindowMs: 30, retryBaseDelayMs: 20 } });
    r = await startReceiver({}, emu.url);
  });
  afterAll(async () => {
    await emu.close();
    await r.close();
  });

  test('created, updated and associated records arrive as CrmEvents, each once', async () => {
    await graphql(
      `mutation($url: String!) {
        webhookSettingsUpdate(input: { targetUrl: $url, maxConcurrentRequests: 5 }) { settings { targetUrl } userErrors { message } }
        a: webhookSubscriptionCreate(input: { eventType: CONTACT_CREATION, active: true }) { subscription { id } userErrors { message } }
        b: webhookSubscriptionCreate(input: { eventType: CONTACT_PROPERTY_CHANGE, propertyName: "lifecyclestage", active: true }) { subscription { id } userErrors { message } }
        c: webhookSubscriptionCreate(input: { eventType: CONTACT_ASSOCIATION_CHANGE, active: true }) { subscription { id } userErrors { message } }
      }`,
      { url: `${r.base}${PATH}` },
    );
    const contact = await emu.api('POST', '/crm/v3/objects/contacts', { properties: { email: `e2e-${Date.now()}@example.com`, lifecyclestage: 'lead' } });
    const company = await emu.api('POST', '/crm/v3/objects/companies', { properties: { name: 'Acme' } });
    await emu.api('PATCH', `/crm/v3/objects/contacts/${contact.body.id}`, { properties: { lifecyclestage: 'customer' } });
    await emu.api('PUT', `/crm/v4/objects/contacts/${contact.body.id}/associations/default/companies/${company.body.id}`);
    await emu.state.webhookDeliveries.whenIdle();
    await settle();
    const events = r.bus.events;
    const id = String(contact.body.id);
    // HubSpot does not promise an order across requests: compare sorted.
    expect(events.map((e) => [e.kind, e.objectType, e.objectId, e.propertyName, e.propertyValue, e.portalId]).sort()).toEqual([
      ['creation', 'contacts', id, undefined, undefined, 111],
      ['propertyChange', 'contacts', id, 'lifecyclestage', 'lead', 111],
      ['propertyChange', 'contacts', id, 'lifecyclestage', 'customer', 111],
      ['associationChange', 'contacts', id, undefined, undefined, 111],
    ].sort());
    expect(events.find((e) => e.kind === 'associationChange')!.association).toEqual({ associationType: 'CONTACT_TO_COMPANY', fromObjectId: id, toObjectId: String(company.body.id), removed: false, primary: false });
    expect(emu.state.webhookDeliveries.entries().every((e) => e.outcome === 'delivered')).toBe(true);
  });
});
