import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_WEBHOOK_APP } from '../../src/emulator/options';
import { verifySignature } from '../../src/webhooks/signature';
import { OTHER_PORTAL_TOKEN, OTHER_PORTAL_ID, PORTAL_ID, startEmulator, type TestEmulator } from '../helpers/emulator';

/**
 * The emulator's webhook deliveries, as HubSpot makes them (HUBSPOT-FACTS §11): CRM writes through the REST API
 * reach the demo app's subscriptions at its target URL — a local HTTP server here — as signed JSON arrays of
 * events, batched, throttled, and retried with a growing attemptNumber.
 */

const APP = DEFAULT_WEBHOOK_APP.appId;
const KEY = DEFAULT_WEBHOOK_APP.developerApiKeys[0]!;
const SECRET = DEFAULT_WEBHOOK_APP.clientSecret;
/** Short delays so that retries run within a test. */
const DELIVERY = { batchWindowMs: 40, timeoutMs: 300, maxAttempts: 4, retryBaseDelayMs: 20, retryMaxDelayMs: 80 };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Event = Record<string, any>;
interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  events: Event[];
}

/** The app's receiver: records every request and answers from a script (default 204). */
class Target {
  received: Received[] = [];
  /** Answers for the next requests, in order: a status, optionally after a delay. */
  script: Array<{ status: number; delayMs?: number }> = [];
  /** Delay of every answer not in the script. */
  delayMs = 0;
  /** While set, answers wait until release(). */
  private held: Array<() => void> | undefined;
  inFlight = 0;
  maxInFlight = 0;
  url = '';
  private server: Server | undefined;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        this.received.push({ url: req.url ?? '', headers: req.headers, body, events: JSON.parse(body) as Event[] });
        this.inFlight++;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        const answer = this.script.shift() ?? { status: 204, delayMs: this.delayMs };
        const respond = () => {
          this.inFlight--;
          if (!res.destroyed) res.writeHead(answer.status).end();
        };
        if (this.held) this.held.push(respond);
        else setTimeout(respond, answer.delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/hooks/hubspot?tenant=acme%3Aeu`;
  }

  hold(): void {
    this.held = [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const respond of held) respond();
  }

  reset(): void {
    this.release();
    this.received = [];
    this.script = [];
    this.delayMs = 0;
    this.maxInFlight = 0;
  }

  get events(): Event[] {
    return this.received.flatMap((r) => r.events);
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe('webhook deliveries from the emulator', () => {
  let emu: TestEmulator;
  const target = new Target();

  const wh = async (method: string, path: string, body?: unknown, on: TestEmulator = emu) => {
    const res = await on.api(method, `/webhooks/v3/${APP}${path}?hapikey=${KEY}`, body, { token: null });
    expect(res.status).toBeLessThan(300);
    return res.body;
  };
  /** Target URL and throttling, then active subscriptions (`eventType` or `eventType:property`). */
  async function subscribe(types: string[], opts: { maxConcurrentRequests?: number; objectTypeId?: string; on?: TestEmulator } = {}) {
    await wh('PUT', '/settings', { targetUrl: target.url, throttling: { maxConcurrentRequests: opts.maxConcurrentRequests ?? 10 } }, opts.on);
    const ids: Record<string, number> = {};
    for (const t of types) {
      const [eventType, propertyName] = t.split(':');
      const created = await wh('POST', '/subscriptions', { eventType, active: true, ...(propertyName ? { propertyName } : {}), ...(eventType!.startsWith('object.') ? { objectTypeId: opts.objectTypeId } : {}) }, opts.on);
      ids[t] = Number(created.id);
    }
    return ids;
  }
  const idle = () => emu.state.webhookDeliveries.whenIdle();
  /** Runs writes, waits for every delivery, and returns the events received meanwhile. */
  async function eventsOf(writes: () => Promise<unknown>): Promise<Event[]> {
    const before = target.received.length;
    await writes();
    await idle();
    return target.received.slice(before).flatMap((r) => r.events);
  }
  const create = async (type: string, properties: Record<string, string>, extra: Record<string, unknown> = {}) => {
    const res = await emu.api('POST', `/crm/v3/objects/${type}`, { properties, ...extra });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  let uniq = 0;
  const email = () => `hook-${Date.now()}-${++uniq}@example.com`;

  beforeAll(async () => {
    await target.start();
    emu = await startEmulator({ webhookDelivery: DELIVERY });
  });
  afterAll(async () => {
    await emu.close();
    await target.close();
  });
  beforeEach(async () => {
    await emu.api('POST', '/__emulator/reset');
    target.reset();
  });

  test('a create: one signed request with creation and the subscribed property change, HubSpot fields', async () => {
    const subs = await subscribe(['contact.creation', 'contact.propertyChange:email']);
    const address = email();
    let id = '';
    const events = await eventsOf(async () => (id = await create('contacts', { email: address, firstname: 'Ada' })));
    expect(target.received).toHaveLength(1);
    expect(events).toHaveLength(2);
    const [creation, change] = events;
    expect(creation).toEqual({
      eventId: expect.any(Number), subscriptionId: subs['contact.creation'], portalId: PORTAL_ID, appId: APP, occurredAt: expect.any(Number),
      subscriptionType: 'contact.creation', attemptNumber: 0, objectId: Number(id), changeFlag: 'CREATED', changeSource: 'API',
    });
    expect(change).toEqual({
      eventId: expect.any(Number), subscriptionId: subs['contact.propertyChange:email'], portalId: PORTAL_ID, appId: APP, occurredAt: expect.any(Number),
      subscriptionType: 'contact.propertyChange', attemptNumber: 0, objectId: Number(id), propertyName: 'email', propertyValue: address, changeSource: 'API',
    });
    expect(creation!.eventId).not.toBe(change!.eventId);
    expect(Math.abs(creation!.occurredAt - Date.now())).toBeLessThan(10_000);
  });

  test('signatures: v3 over the full target URL (query, encoded characters) and v1, verified with the app secret', async () => {
    await subscribe(['contact.creation']);
    await eventsOf(() => create('contacts', { email: email() }));
    const [request] = target.received;
    const header = (name: string) => request!.headers[name] as string | undefined;
    expect(header('content-type')).toBe('application/json');
    expect(header('x-hubspot-signature-version')).toBe('v1');
    expect(request!.url).toBe('/hooks/hubspot?tenant=acme%3Aeu');
    const signed = { method: 'POST', uri: target.url, body: Buffer.from(request!.body), header };
    expect(verifySignature(signed, SECRET, ['v3'])).toEqual({ ok: true, version: 'v3' });
    expect(verifySignature(signed, SECRET, ['v1'])).toEqual({ ok: true, version: 'v1' });
    expect(verifySignature(signed, 'another-secret', ['v3', 'v1'])).toEqual({ ok: false, reason: 'bad-signature' });
    expect(Math.abs(Number(header('x-hubspot-request-timestamp')) - Date.now())).toBeLessThan(10_000);
  });

  test('updates: one propertyChange per changed property; unchanged values send nothing; a cleared value is ""', async () => {
    const a = await create('contacts', { email: email(), firstname: 'Ada', jobtitle: 'Engineer' });
    const b = await create('contacts', { email: email(), firstname: 'Grace' });
    await subscribe(['contact.propertyChange:firstname', 'contact.propertyChange:jobtitle', 'contact.creation']);
    const patched = await eventsOf(() => emu.api('PATCH', `/crm/v3/objects/contacts/${a}`, { properties: { firstname: 'Augusta', jobtitle: '' } }));
    expect(patched.map((e) => [e.subscriptionType, e.objectId, e.propertyName, e.propertyValue])).toEqual([
      ['contact.propertyChange', Number(a), 'firstname', 'Augusta'],
      ['contact.propertyChange', Number(a), 'jobtitle', ''],
    ]);
    expect(await eventsOf(() => emu.api('PATCH', `/crm/v3/objects/contacts/${a}`, { properties: { firstname: 'Augusta' } }))).toEqual([]);
    const batch = await eventsOf(() =>
      emu.api('POST', '/crm/v3/objects/contacts/batch/update', { inputs: [{ id: a, properties: { firstname: 'Ada' } }, { id: b, properties: { firstname: 'Grace', jobtitle: 'Admiral' } }] }),
    );
    expect(batch.map((e) => [e.objectId, e.propertyName, e.propertyValue])).toEqual([[Number(a), 'firstname', 'Ada'], [Number(b), 'jobtitle', 'Admiral']]);
    // A failed write sends nothing.
    expect(await eventsOf(() => emu.api('PATCH', `/crm/v3/objects/contacts/${a}`, { properties: { firstname: 'X', no_such_property: 'y' } }))).toEqual([]);
  });

  test('upsert: new records are creations, existing ones property changes', async () => {
    const existing = email();
    const id = await create('contacts', { email: existing, firstname: 'Old' });
    await subscribe(['contact.creation', 'contact.propertyChange:firstname']);
    const fresh = email();
    const events = await eventsOf(() =>
      emu.api('POST', '/crm/v3/objects/contacts/batch/upsert', { inputs: [{ id: existing, idProperty: 'email', properties: { firstname: 'New' } }, { id: fresh, idProperty: 'email', properties: { firstname: 'Fresh' } }] }),
    );
    expect(events.filter((e) => e.objectId === Number(id)).map((e) => [e.subscriptionType, e.propertyValue])).toEqual([['contact.propertyChange', 'New']]);
    const created = events.filter((e) => e.objectId !== Number(id));
    expect(created.map((e) => e.subscriptionType).sort()).toEqual(['contact.creation', 'contact.propertyChange']);
    expect(created.find((e) => e.subscriptionType === 'contact.creation')).toMatchObject({ changeFlag: 'CREATED' });
  });

  test('deletion (one and batch), then a restore from the recycle bin', async () => {
    const a = await create('deals', { dealname: 'A', dealstage: 'appointmentscheduled' });
    const b = await create('deals', { dealname: 'B', dealstage: 'appointmentscheduled' });
    await subscribe(['deal.deletion', 'deal.restore']);
    const deleted = await eventsOf(async () => {
      expect((await emu.api('DELETE', `/crm/v3/objects/deals/${a}`)).status).toBe(204);
      // b, and a again (already archived: nothing happens to it).
      expect((await emu.api('POST', '/crm/v3/objects/deals/batch/archive', { inputs: [{ id: b }, { id: a }] })).status).toBe(204);
    });
    expect(deleted.map((e) => [e.subscriptionType, e.objectId, e.changeSource])).toEqual([['deal.deletion', Number(a), 'API'], ['deal.deletion', Number(b), 'API']]);
    const restored = await eventsOf(async () => {
      const res = await emu.api('POST', `/__emulator/portals/${PORTAL_ID}/objects/deals/${a}/restore`, { userId: 7 }, { token: null });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: a, archived: false });
    });
    expect(restored).toEqual([expect.objectContaining({ subscriptionType: 'deal.restore', objectId: Number(a), changeSource: 'CRM_UI', sourceId: 'userId:7' })]);
    expect((await emu.api('GET', `/crm/v3/objects/deals/${a}`)).status).toBe(200);
    expect((await emu.api('POST', `/__emulator/portals/${PORTAL_ID}/objects/deals/${a}/restore`, {}, { token: null })).status).toBe(404);
  });

  test('merges: contacts keep the primary id; deals merge into a new record', async () => {
    const primary = await create('contacts', { email: email() });
    const other = await create('contacts', { email: email() });
    const d1 = await create('deals', { dealname: 'One', dealstage: 'appointmentscheduled' });
    const d2 = await create('deals', { dealname: 'Two', dealstage: 'appointmentscheduled' });
    await subscribe(['contact.merge', 'deal.merge']);
    let newDeal = '';
    const events = await eventsOf(async () => {
      expect((await emu.api('POST', '/crm/v3/objects/contacts/merge', { primaryObjectId: primary, objectIdToMerge: other })).status).toBe(200);
      newDeal = (await emu.api('POST', '/crm/v3/objects/deals/merge', { primaryObjectId: d1, objectIdToMerge: d2 })).body.id;
    });
    expect(events.find((e) => e.subscriptionType === 'contact.merge')).toMatchObject({ objectId: Number(primary), primaryObjectId: Number(primary), mergedObjectIds: [Number(other)], newObjectId: Number(primary) });
    expect(newDeal).not.toBe(d1);
    expect(events.find((e) => e.subscriptionType === 'deal.merge')).toMatchObject({ objectId: Number(newDeal), primaryObjectId: Number(d1), mergedObjectIds: [Number(d2)], newObjectId: Number(newDeal) });
  });

  test('associations: both directions, the primary association apart, removals', async () => {
    const contact = await create('contacts', { email: email() });
    const company = await create('companies', { name: 'Acme' });
    await subscribe(['contact.associationChange', 'company.associationChange']);
    const added = await eventsOf(() => emu.api('PUT', `/crm/v4/objects/contacts/${contact}/associations/default/companies/${company}`));
    const fields = (e: Event) => [e.subscriptionType, e.associationType, e.fromObjectId, e.toObjectId, e.associationRemoved, e.isPrimaryAssociation];
    expect(added.map(fields).sort()).toEqual([
      ['company.associationChange', 'COMPANY_TO_CONTACT', Number(company), Number(contact), false, false],
      ['contact.associationChange', 'CONTACT_TO_COMPANY', Number(contact), Number(company), false, false],
    ]);
    expect(added[0]).not.toHaveProperty('objectId');
    const primary = await eventsOf(() => emu.api('PUT', `/crm/v4/objects/contacts/${contact}/associations/companies/${company}`, [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }]));
    expect(primary.map(fields).sort()).toEqual([
      ['company.associationChange', 'COMPANY_TO_CONTACT', Number(company), Number(contact), false, true],
      ['contact.associationChange', 'CONTACT_TO_COMPANY', Number(contact), Number(company), false, true],
    ]);
    const removed = await eventsOf(() => emu.api('DELETE', `/crm/v4/objects/contacts/${contact}/associations/companies/${company}`));
    expect(removed.map(fields).sort()).toEqual([
      ['company.associationChange', 'COMPANY_TO_CONTACT', Number(company), Number(contact), true, false],
      ['company.associationChange', 'COMPANY_TO_CONTACT', Number(company), Number(contact), true, true],
      ['contact.associationChange', 'CONTACT_TO_COMPANY', Number(contact), Number(company), true, false],
      ['contact.associationChange', 'CONTACT_TO_COMPANY', Number(contact), Number(company), true, true],
    ]);
    const batch = await eventsOf(() => emu.api('POST', '/crm/v4/associations/companies/contacts/batch/associate/default', { inputs: [{ from: { id: company }, to: { id: contact } }] }));
    expect(batch.map(fields).sort()).toEqual([
      ['company.associationChange', 'COMPANY_TO_CONTACT', Number(company), Number(contact), false, false],
      ['contact.associationChange', 'CONTACT_TO_COMPANY', Number(contact), Number(company), false, false],
    ]);
    // Deleting what is not there changes nothing.
    expect(await eventsOf(() => emu.api('POST', '/crm/v4/associations/companies/deals/batch/archive', { inputs: [{ from: { id: company }, to: [{ id: '999999' }] }] }))).toEqual([]);
  });

  test('a create with associations sends their associationChange events too', async () => {
    const company = await create('companies', { name: 'Acme' });
    await subscribe(['contact.creation', 'contact.associationChange', 'company.associationChange']);
    let contact = '';
    const events = await eventsOf(async () => {
      contact = await create('contacts', { email: email() }, { associations: [{ to: { id: company }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }] }] });
    });
    expect(events.map((e) => [e.subscriptionType, e.fromObjectId ?? e.objectId, e.toObjectId]).sort()).toEqual([
      ['company.associationChange', Number(company), Number(contact)],
      ['contact.associationChange', Number(contact), Number(company)],
      ['contact.creation', Number(contact), undefined],
    ]);
  });

  test('GDPR delete is contact.privacyDeletion; object.* events carry objectTypeId', async () => {
    const contact = await create('contacts', { email: email() });
    await subscribe(['contact.privacyDeletion', 'object.creation'], { objectTypeId: '0-46' });
    const events = await eventsOf(async () => {
      expect((await emu.api('POST', '/crm/v3/objects/contacts/gdpr-delete', { objectId: contact })).status).toBe(204);
      await create('notes', { hs_timestamp: '2025-01-01T00:00:00Z', hs_note_body: 'hello' });
    });
    expect(events.find((e) => e.subscriptionType === 'contact.privacyDeletion')).toMatchObject({ objectId: Number(contact) });
    expect(events.find((e) => e.subscriptionType === 'object.creation')).toMatchObject({ objectTypeId: '0-46', changeFlag: 'CREATED' });
  });

  test('only active subscriptions of apps with settings, for the portal where the change happened', async () => {
    const subs = await subscribe(['contact.creation', 'company.creation']);
    await wh('PATCH', `/subscriptions/${subs['company.creation']}`, { active: false });
    const events = await eventsOf(async () => {
      await create('companies', { name: 'Paused' });
      const res = await emu.api('POST', '/crm/v3/objects/contacts', { properties: { email: email() } }, { token: OTHER_PORTAL_TOKEN });
      expect(res.status).toBe(201);
    });
    expect(events.map((e) => [e.subscriptionType, e.portalId])).toEqual([['contact.creation', OTHER_PORTAL_ID]]);
    await wh('DELETE', '/settings');
    expect(await eventsOf(() => create('contacts', { email: email() }))).toEqual([]);
  });

  test('batching: at most 100 events per request', async () => {
    await subscribe(['contact.creation']);
    const inputs = (n: number) => ({ inputs: Array.from({ length: n }, () => ({ properties: { email: email() } })) });
    await eventsOf(async () => {
      expect((await emu.api('POST', '/crm/v3/objects/contacts/batch/create', inputs(100))).status).toBe(201);
      expect((await emu.api('POST', '/crm/v3/objects/contacts/batch/create', inputs(50))).status).toBe(201);
    });
    expect(target.received.map((r) => r.events.length).sort((a, b) => b - a)).toEqual([100, 50]);
    expect(new Set(target.events.map((e) => e.eventId)).size).toBe(150);
  });

  test('retries: a 500, then a timeout, then 200 — same events, attemptNumber 0, 1, 2; the log shows each attempt', async () => {
    await subscribe(['contact.creation']);
    await emu.api('DELETE', '/__emulator/webhook-deliveries', undefined, { token: null });
    target.script = [{ status: 500 }, { status: 204, delayMs: DELIVERY.timeoutMs + 200 }, { status: 200 }];
    await eventsOf(() => create('contacts', { email: email() }));
    expect(target.received.map((r) => r.events[0]!.attemptNumber)).toEqual([0, 1, 2]);
    expect(new Set(target.received.map((r) => r.events[0]!.eventId)).size).toBe(1);
    // Each attempt is signed anew (its own timestamp and body).
    for (const r of target.received) expect(verifySignature({ method: 'POST', uri: target.url, body: Buffer.from(r.body), header: (n) => r.headers[n] as string }, SECRET, ['v3'])).toMatchObject({ ok: true });
    const log = (await emu.api('GET', '/__emulator/webhook-deliveries', undefined, { token: null })).body;
    expect(log.results.map((e: Event) => [e.attemptNumber, e.status, e.outcome, e.error])).toEqual([
      [0, 500, 'retrying', 'HTTP 500'],
      [1, 0, 'retrying', 'timeout'],
      [2, 200, 'delivered', undefined],
    ]);
    expect(log.results[0].retryInMs).toBe(DELIVERY.retryBaseDelayMs);
    expect(log.results[1].retryInMs).toBe(DELIVERY.retryBaseDelayMs * 2);
    expect(log.pending).toEqual({ collectingEvents: 0, waitingRequests: 0, inFlight: 0, retries: 0 });
  });

  test('a target that keeps failing gets maxAttempts attempts, then the request is given up', async () => {
    await subscribe(['contact.creation']);
    target.script = Array.from({ length: 10 }, () => ({ status: 503 }));
    await eventsOf(() => create('contacts', { email: email() }));
    expect(target.received.map((r) => r.events[0]!.attemptNumber)).toEqual([0, 1, 2, 3]);
    const outcomes = emu.state.webhookDeliveries.entries().map((e) => e.outcome);
    expect(outcomes).toEqual(['retrying', 'retrying', 'retrying', 'failed']);
  });

  test("throttling: never more requests in flight than the app's maxConcurrentRequests", async () => {
    // Its own emulator, whose deliveries wait for answers as long as the target holds them.
    const patient = await startEmulator({ webhookDelivery: { ...DELIVERY, timeoutMs: 30_000 } });
    try {
      await subscribe(['contact.creation'], { maxConcurrentRequests: 5, on: patient });
      target.hold();
      // 700 creations: 7 requests of 100 events.
      for (let i = 0; i < 7; i++) {
        const inputs = Array.from({ length: 100 }, () => ({ properties: { email: email() } }));
        expect((await patient.api('POST', '/crm/v3/objects/contacts/batch/create', { inputs })).status).toBe(201);
      }
      while (target.received.length < 5) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, DELIVERY.batchWindowMs * 3));
      expect(target.received).toHaveLength(5);
      expect(patient.state.webhookDeliveries.pending()).toMatchObject({ waitingRequests: 2, inFlight: 5 });
      target.release();
      await patient.state.webhookDeliveries.whenIdle();
      expect(target.received).toHaveLength(7);
      expect(target.maxInFlight).toBe(5);
      expect(target.events).toHaveLength(700);
    } finally {
      await patient.close();
    }
  });

  test('a reset drops what is pending; closing the emulator stops retries', async () => {
    await subscribe(['contact.creation']);
    target.script = [{ status: 500 }];
    await create('contacts', { email: email() });
    await emu.api('POST', '/__emulator/reset');
    expect(emu.state.webhookDeliveries.pending()).toEqual({ collectingEvents: 0, waitingRequests: 0, inFlight: 0, retries: 0 });
    await idle();

    const other = await startEmulator({ webhookDelivery: { ...DELIVERY, retryBaseDelayMs: 60_000 } });
    await other.api('PUT', `/webhooks/v3/${APP}/settings?hapikey=${KEY}`, { targetUrl: target.url, throttling: { maxConcurrentRequests: 5 } }, { token: null });
    await other.api('POST', `/webhooks/v3/${APP}/subscriptions?hapikey=${KEY}`, { eventType: 'contact.creation', active: true }, { token: null });
    target.script = [{ status: 500 }];
    await other.api('POST', '/crm/v3/objects/contacts', { properties: { email: email() } });
    while (other.state.webhookDeliveries.pending().retries === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await other.close();
    expect(other.state.webhookDeliveries.pending()).toEqual({ collectingEvents: 0, waitingRequests: 0, inFlight: 0, retries: 0 });
  });
});
