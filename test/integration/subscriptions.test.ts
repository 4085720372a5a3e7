import { createClient, type Client } from 'graphql-ws';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { PassThroughCredentials } from '../../src/auth/credentials';
import { DEFAULT_WEBHOOK_APP } from '../../src/emulator/options';
import { MemoryEventBus } from '../../src/events/bus';
import type { CrmEvent } from '../../src/events/types';
import { deliverySignatureHeaders } from '../../src/webhooks/signature';
import { OTHER_PORTAL_ID, OTHER_PORTAL_TOKEN, PORTAL_ID, TOKEN } from '../helpers/emulator';
import { startGateway, type TestGateway } from '../helpers/gateway';

/** GraphQL subscriptions over real WebSockets (graphql-ws), fed by CrmEvents published on the gateway's bus. */

const WAIT_MS = 5_000;

const CHANGES = `subscription ($types: [String!], $kinds: [CrmEventKind!], $props: [String!], $ids: [ID!]) {
  crmObjectChanged(objectTypes: $types, kinds: $kinds, propertyNames: $props, objectIds: $ids) {
    kind objectType objectId propertyName propertyValue occurredAt eventId changeSource
    object { __typename hs_object_id ... on Contact { firstname email } ... on Deal { dealname amount } }
  }
}`;

/** A graphql-ws client of a gateway; `connectionParams` carry HTTP-like headers. */
function wsClient(gw: TestGateway, connectionParams: Record<string, string> = {}): Client {
  return createClient({ url: gw.wsUrl, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
}

interface Received {
  results: any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  errors: unknown[];
  completed: boolean;
  /** Waits until `n` results (or an error) arrived, at most WAIT_MS. */
  next(n?: number): Promise<any[]>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Waits for the subscription to end with an error; returns its GraphQL errors. */
  failure(): Promise<Array<{ message: string; extensions?: { code?: string } }>>;
  stop(): void;
}

function subscribe(client: Client, query: string, variables?: Record<string, unknown>): Received {
  let wake = () => {};
  const r: Received = {
    results: [],
    errors: [],
    completed: false,
    async next(n = 1) {
      const until = Date.now() + WAIT_MS;
      while (r.results.length < n && r.errors.length === 0) {
        if (Date.now() > until) throw new Error(`waited ${WAIT_MS} ms for ${n} results, got ${r.results.length}: ${JSON.stringify(r.results)}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
      if (r.errors.length) throw new Error(`subscription failed: ${JSON.stringify(r.errors)}`);
      return r.results;
    },
    async failure() {
      const until = Date.now() + WAIT_MS;
      while (r.errors.length === 0) {
        if (Date.now() > until) throw new Error(`waited ${WAIT_MS} ms for an error; results: ${JSON.stringify(r.results)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return r.errors[0] as Array<{ message: string; extensions?: { code?: string } }>;
    },
    stop: () => undefined,
  };
  r.stop = client.subscribe(
    { query, ...(variables ? { variables } : {}) },
    {
      next: (value) => {
        r.results.push(value);
        wake();
      },
      error: (e) => {
        r.errors.push(e);
        wake();
      },
      complete: () => (r.completed = true),
    },
  );
  return r;
}

let seq = 0;
/** A CrmEvent as the webhook receiver publishes it. */
function event(partial: Partial<CrmEvent> & Pick<CrmEvent, 'objectType' | 'objectId' | 'kind'>): CrmEvent {
  const type = partial.objectType.replace(/s$/, '');
  return {
    eventId: String(++seq + 1_000_000),
    portalId: PORTAL_ID,
    subscriptionType: `${type}.${partial.kind}`,
    occurredAt: Date.now(),
    changeSource: 'CRM_UI',
    ...partial,
  };
}

describe('GraphQL subscriptions', () => {
  let gw: TestGateway;
  let client: Client;
  const clients: Client[] = [];
  beforeAll(async () => {
    gw = await startGateway();
    client = wsClient(gw);
    clients.push(client);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await gw.close();
  });

  /** Creates a record in the emulator (as someone editing HubSpot would); returns its id. */
  async function create(objectType: string, properties: Record<string, string>, token = TOKEN): Promise<string> {
    const res = await gw.emulator.api('POST', `/crm/v3/objects/${objectType}`, { properties }, { token });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function update(objectType: string, id: string, properties: Record<string, string>): Promise<void> {
    const res = await gw.emulator.api('PATCH', `/crm/v3/objects/${objectType}/${id}`, { properties });
    expect(res.status).toBe(200);
  }

  test('a change arrives with the record as HubSpot has it now, read with the selected properties', async () => {
    const id = await create('contacts', { email: `ada-${randomUUID()}@example.com`, firstname: 'Ada' });
    const sub = subscribe(client, CHANGES, { types: ['contacts'], ids: [id] });
    await gw.untilSubscribed(1);
    // The record changed again after the event: the subscriber sees the current state, not the event's value.
    await update('contacts', id, { firstname: 'Grace' });
    const occurredAt = Date.now() - 1000;
    const before = gw.calls.length;
    await gw.events.publish([event({ objectType: 'contacts', objectId: id, kind: 'propertyChange', propertyName: 'firstname', propertyValue: 'Augusta', occurredAt })]);
    const [result] = await sub.next();
    sub.stop();
    expect(result.errors).toBeUndefined();
    expect(result.data.crmObjectChanged).toMatchObject({
      kind: 'PROPERTY_CHANGE', objectType: 'contacts', objectId: id, propertyName: 'firstname', propertyValue: 'Augusta',
      occurredAt: new Date(occurredAt).toISOString(), changeSource: 'CRM_UI',
      object: { __typename: 'Contact', hs_object_id: id, firstname: 'Grace' },
    });
    // One batch read, naming exactly the selected properties.
    const reads = gw.calls.slice(before).filter((c) => c.call.operation.endsWith('/batch/read'));
    expect(reads).toHaveLength(1);
    expect((reads[0]!.call.body as { properties: string[] }).properties).toEqual(['email', 'firstname']);
  });

  test('filters by object type (name or type id), kind and property apply on the server', async () => {
    const dealId = await create('deals', { dealname: 'Filtered', amount: '10', pipeline: 'default', dealstage: 'appointmentscheduled' });
    const contactId = await create('contacts', { email: `f-${randomUUID()}@example.com` });
    const amounts = subscribe(client, CHANGES, { types: ['0-3'], props: ['amount'] });
    const creations = subscribe(client, CHANGES, { kinds: ['CREATION'] });
    await gw.untilSubscribed(2);
    await gw.events.publish([
      event({ objectType: 'contacts', objectId: contactId, kind: 'creation' }),
      event({ objectType: 'contacts', objectId: contactId, kind: 'propertyChange', propertyName: 'amount', propertyValue: '1' }),
      event({ objectType: 'deals', objectId: dealId, kind: 'propertyChange', propertyName: 'dealname', propertyValue: 'Filtered' }),
      event({ objectType: 'deals', objectId: dealId, kind: 'creation' }),
      event({ objectType: 'deals', objectId: dealId, kind: 'propertyChange', propertyName: 'amount', propertyValue: '10' }),
    ]);
    // The last event of each kind is a sentinel: everything published before it has been filtered by then.
    const gotAmounts = await amounts.next(1);
    const gotCreations = await creations.next(2);
    await gw.events.publish([event({ objectType: 'deals', objectId: dealId, kind: 'propertyChange', propertyName: 'amount', propertyValue: '20' })]);
    await amounts.next(2);
    amounts.stop();
    creations.stop();
    expect(gotAmounts.map((r) => r.data.crmObjectChanged.propertyValue)).toEqual(['10', '20']);
    expect(gotAmounts[0].data.crmObjectChanged.object).toEqual({ __typename: 'Deal', hs_object_id: dealId, dealname: 'Filtered', amount: 10 });
    expect(gotCreations.map((r) => [r.data.crmObjectChanged.objectType, r.data.crmObjectChanged.objectId])).toEqual([['contacts', contactId], ['deals', dealId]]);
  });

  test("a subscriber never sees another portal's events", async () => {
    const id = await create('contacts', { email: `own-${randomUUID()}@example.com` });
    const sub = subscribe(client, CHANGES, { types: ['contacts'] });
    await gw.untilSubscribed(1);
    await gw.events.publish([
      event({ objectType: 'contacts', objectId: id, kind: 'creation', portalId: OTHER_PORTAL_ID }),
      event({ objectType: 'contacts', objectId: id, kind: 'deletion', portalId: OTHER_PORTAL_ID }),
      event({ objectType: 'contacts', objectId: id, kind: 'restore' }),
    ]);
    const results = await sub.next(1);
    await new Promise((r) => setTimeout(r, 100));
    sub.stop();
    expect(results.map((r) => r.data.crmObjectChanged.kind)).toEqual(['RESTORE']);
  });

  test('contactCreated gives the new contact; events of one tick are read in one batch', async () => {
    const ids = [await create('contacts', { email: `c1-${randomUUID()}@example.com`, firstname: 'One' }), await create('contacts', { email: `c2-${randomUUID()}@example.com`, firstname: 'Two' })];
    const sub = subscribe(client, 'subscription { contactCreated { hs_object_id firstname email } }');
    await gw.untilSubscribed(1);
    const before = gw.calls.length;
    await gw.events.publish(ids.map((objectId) => event({ objectType: 'contacts', objectId, kind: 'creation' })));
    const results = await sub.next(2);
    sub.stop();
    expect(results.map((r) => r.data.contactCreated.firstname)).toEqual(['One', 'Two']);
    expect(gw.calls.slice(before).filter((c) => c.call.operation.endsWith('/batch/read'))).toHaveLength(1);
  });

  test('a deleted record is null: without a read for the deletion, and without an error after it', async () => {
    const id = await create('contacts', { email: `gone-${randomUUID()}@example.com` });
    expect((await gw.emulator.api('DELETE', `/crm/v3/objects/contacts/${id}`)).status).toBe(204);
    const sub = subscribe(client, CHANGES, { ids: [id] });
    await gw.untilSubscribed(1);
    const before = gw.calls.length;
    await gw.events.publish([event({ objectType: 'contacts', objectId: id, kind: 'deletion' })]);
    await sub.next(1);
    expect(gw.calls.length).toBe(before);
    await gw.events.publish([event({ objectType: 'contacts', objectId: id, kind: 'propertyChange', propertyName: 'firstname', propertyValue: 'x' })]);
    const results = await sub.next(2);
    sub.stop();
    expect(results.map((r) => [r.data.crmObjectChanged.kind, r.data.crmObjectChanged.object, r.errors])).toEqual([['DELETION', null, undefined], ['PROPERTY_CHANGE', null, undefined]]);
  });

  test('after a merge, the object is the record that remains; companyChanged keeps to companies', async () => {
    const primary = await create('companies', { name: 'Remains Inc', domain: `remains-${randomUUID()}.example` });
    const merged = await create('companies', { name: 'Merged Ltd', domain: `merged-${randomUUID()}.example` });
    const contact = await create('contacts', { email: `m-${randomUUID()}@example.com` });
    const sub = subscribe(client, 'subscription { companyChanged { kind objectId primaryObjectId mergedObjectIds object { hs_object_id ... on Company { name } } } }');
    await gw.untilSubscribed(1);
    await gw.events.publish([
      event({ objectType: 'contacts', objectId: contact, kind: 'merge', primaryObjectId: contact, mergedObjectIds: ['1'] }),
      event({ objectType: 'companies', objectId: merged, kind: 'merge', primaryObjectId: primary, mergedObjectIds: [merged] }),
    ]);
    const [result] = await sub.next();
    sub.stop();
    expect(result.data.companyChanged).toEqual({ kind: 'MERGE', objectId: merged, primaryObjectId: primary, mergedObjectIds: [merged], object: { hs_object_id: primary, name: 'Remains Inc' } });
  });

  describe('dealStageChanged', () => {
    const STAGES = `subscription ($pipelineId: ID) {
      dealStageChanged(pipelineId: $pipelineId) {
        dealId stageId previousStageId occurredAt eventId
        deal { dealname dealstage }
        stage { id label probability pipeline { id label } }
        previousStage { id label }
      }
    }`;

    test('carries the stage label and the stage the deal was in before', async () => {
      const dealId = await create('deals', { dealname: 'Moving', pipeline: 'default', dealstage: 'appointmentscheduled' });
      const sub = subscribe(client, STAGES);
      const inDefault = subscribe(client, STAGES, { pipelineId: 'default' });
      const elsewhere = subscribe(client, STAGES, { pipelineId: 'no-such-pipeline' });
      await gw.untilSubscribed(3);
      await update('deals', dealId, { dealstage: 'contractsent' });
      const occurredAt = Date.now();
      await gw.events.publish([
        event({ objectType: 'deals', objectId: dealId, kind: 'propertyChange', propertyName: 'dealname', propertyValue: 'Moving' }),
        event({ objectType: 'deals', objectId: dealId, kind: 'propertyChange', propertyName: 'dealstage', propertyValue: 'contractsent', occurredAt }),
      ]);
      const [result] = await sub.next();
      const [filtered] = await inDefault.next();
      await new Promise((r) => setTimeout(r, 100));
      for (const s of [sub, inDefault, elsewhere]) s.stop();
      expect(result.errors).toBeUndefined();
      expect(result.data.dealStageChanged).toEqual({
        dealId, stageId: 'contractsent', previousStageId: 'appointmentscheduled', occurredAt: new Date(occurredAt).toISOString(), eventId: expect.any(String),
        deal: { dealname: 'Moving', dealstage: 'contractsent' },
        stage: { id: 'contractsent', label: 'Contract Sent', probability: 0.9, pipeline: { id: 'default', label: 'Sales Pipeline' } },
        previousStage: { id: 'appointmentscheduled', label: 'Appointment Scheduled' },
      });
      expect(filtered.data.dealStageChanged.stageId).toBe('contractsent');
      expect(elsewhere.results).toEqual([]);
    });

    test('a stage the cached pipelines do not know yet: the pipelines are re-read, for the subscriber and for later queries', async () => {
      const PIPELINE_STAGES = '{ pipelines(objectType: DEALS) { id stages { id label } } }';
      expect((await gw.query(PIPELINE_STAGES)).body.data.pipelines[0].stages).toHaveLength(7); // now cached
      // Someone adds a stage in HubSpot: no webhook says so.
      const created = await gw.emulator.api('POST', '/crm/v3/pipelines/deals/default/stages', { label: 'Legal review', displayOrder: 7, metadata: { probability: '0.8' } });
      expect(created.status).toBe(201);
      const stageId: string = created.body.id;
      const dealId = await create('deals', { dealname: 'To legal', pipeline: 'default', dealstage: 'contractsent' });
      await update('deals', dealId, { dealstage: stageId });
      const sub = subscribe(client, STAGES);
      await gw.untilSubscribed(1);
      await gw.events.publish([event({ objectType: 'deals', objectId: dealId, kind: 'propertyChange', propertyName: 'dealstage', propertyValue: stageId })]);
      const [result] = await sub.next();
      sub.stop();
      expect(result.data.dealStageChanged.stage).toMatchObject({ id: stageId, label: 'Legal review', pipeline: { id: 'default' } });
      const stages = (await gw.query(PIPELINE_STAGES)).body.data.pipelines[0].stages;
      expect(stages.map((s: { label: string }) => s.label)).toContain('Legal review');
    });
  });

  test('ticketStageChanged carries the status and whether it is open', async () => {
    const ticketId = await create('tickets', { subject: 'Printer on fire', hs_pipeline: '0', hs_pipeline_stage: '1' });
    await update('tickets', ticketId, { hs_pipeline_stage: '4' });
    const sub = subscribe(client, 'subscription { ticketStageChanged(pipelineId: "0") { ticketId ticket { subject } stage { label ticketState isClosed } previousStage { label } } }');
    await gw.untilSubscribed(1);
    await gw.events.publish([event({ objectType: 'tickets', objectId: ticketId, kind: 'propertyChange', propertyName: 'hs_pipeline_stage', propertyValue: '4' })]);
    const [result] = await sub.next();
    sub.stop();
    expect(result.data.ticketStageChanged).toEqual({
      ticketId, ticket: { subject: 'Printer on fire' }, stage: { label: 'Closed', ticketState: 'CLOSED', isClosed: true }, previousStage: { label: 'New' },
    });
  });

  test('with no subscriber at all, an event naming an unknown stage drops the cached pipelines (cache invalidation)', async () => {
    const PIPELINE_STAGES = '{ pipelines(objectType: DEALS) { id stages { id label } } }';
    const labels = async () => (await gw.query(PIPELINE_STAGES)).body.data.pipelines[0].stages.map((s: { label: string }) => s.label);
    const cached = await labels();
    const created = await gw.emulator.api('POST', '/crm/v3/pipelines/deals/default/stages', { label: 'Security review', displayOrder: 20, metadata: { probability: '0.7' } });
    expect(created.status).toBe(201);
    expect(await labels()).toEqual(cached); // served from the cache: the new stage is not there yet
    const dealId = await create('deals', { dealname: 'Secure', pipeline: 'default', dealstage: created.body.id });
    await gw.events.publish([event({ objectType: 'deals', objectId: dealId, kind: 'propertyChange', propertyName: 'dealstage', propertyValue: created.body.id })]);
    const until = Date.now() + WAIT_MS;
    while (!(await labels()).includes('Security review')) {
      if (Date.now() > until) throw new Error('the cached pipelines were not dropped');
      await new Promise((r) => setTimeout(r, 25));
    }
  });

  test('a subscriber more than 1,000 events behind gets RATE_LIMITED after the events queued for it, and its subscription ends', async () => {
    const sub = subscribe(client, 'subscription { crmObjectChanged(objectTypes: ["companies"]) { eventId } }');
    await gw.untilSubscribed(1);
    // Published in one go, faster than any socket can take them.
    await gw.events.publish(Array.from({ length: 1_500 }, () => event({ objectType: 'companies', objectId: '1', kind: 'propertyChange', propertyName: 'name', propertyValue: 'x' })));
    const until = Date.now() + WAIT_MS;
    while (!sub.completed && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(sub.completed).toBe(true);
    const last = sub.results.at(-1);
    expect(last.errors[0]).toMatchObject({ message: expect.stringContaining('subscribe again'), extensions: { code: 'RATE_LIMITED' } });
    expect(sub.results.slice(0, -1).every((r) => typeof r.data.crmObjectChanged.eventId === 'string')).toBe(true);
    // The events queued before the overflow (1,000, and one already handed over) still arrive; the rest do not.
    expect(sub.results.length - 1).toBeGreaterThanOrEqual(1_000);
    expect(sub.results.length - 1).toBeLessThan(1_500);
    await gw.untilSubscribed(0);
  });

  describe('refusals', () => {
    /** The HTTP status a WebSocket upgrade gets (101 when it is accepted). */
    function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
      return new Promise((resolve, reject) => {
        const ws = new WebSocket(url, 'graphql-transport-ws', { headers });
        ws.once('open', () => {
          ws.close();
          resolve(101);
        });
        ws.once('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.once('error', (e) => (/Unexpected server response/.test(e.message) ? undefined : reject(e)));
      });
    }

    test("pages of other sites cannot open a WebSocket (they would read the CRM with the gateway's credential); other paths are 404", async () => {
      const own = new URL(gw.url);
      expect(await upgradeStatus(gw.wsUrl, { origin: `http://${own.host}` })).toBe(101);
      expect(await upgradeStatus(gw.wsUrl)).toBe(101);
      expect(await upgradeStatus(gw.wsUrl, { origin: 'https://evil.example' })).toBe(403);
      expect(await upgradeStatus(gw.wsUrl.replace('/graphql', '/elsewhere'))).toBe(404);
    });

    test('an invalid document, a query over WebSocket and a subscription over HTTP get clear errors; the socket stays usable', async () => {
      const invalid = subscribe(client, 'subscription { crmObjectChanged { nope } }');
      expect((await invalid.failure())[0]).toMatchObject({ message: expect.stringContaining('nope'), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
      const unparsable = subscribe(client, 'subscription {');
      expect((await unparsable.failure())[0]!.extensions!.code).toBe('GRAPHQL_PARSE_FAILED');
      const query = subscribe(client, '{ account { portalId } }');
      expect((await query.failure())[0]).toMatchObject({ message: expect.stringContaining('HTTP POST'), extensions: { code: 'BAD_REQUEST' } });
      const tooDeep = subscribe(client, `subscription { crmObjectChanged { object { ... on Contact { companies { nodes { contacts { nodes { companies { nodes { contacts { nodes { companies { nodes { name } } } } } } } } } } } } } }`);
      expect((await tooDeep.failure())[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: { setting: 'MAX_QUERY_DEPTH' } } });
      const badVariable = subscribe(client, CHANGES, { kinds: ['EXPLOSION'] });
      expect((await badVariable.failure())[0]).toMatchObject({ message: expect.stringContaining('EXPLOSION'), extensions: { code: 'BAD_USER_INPUT' } });

      const overHttp = await gw.query('subscription { contactCreated { email } }');
      expect(overHttp.status).toBe(400);
      expect(overHttp.body.errors[0]).toMatchObject({ message: expect.stringContaining('WebSocket'), extensions: { code: 'BAD_REQUEST' } });

      const id = await create('contacts', { email: `still-${randomUUID()}@example.com` });
      const sub = subscribe(client, 'subscription { contactCreated { hs_object_id } }');
      await gw.untilSubscribed(1);
      await gw.events.publish([event({ objectType: 'contacts', objectId: id, kind: 'creation' })]);
      expect((await sub.next())[0].data.contactCreated.hs_object_id).toBe(id);
      sub.stop();
    });
  });
});

describe('subscriptions with each caller its own token (pass-through)', () => {
  let gw: TestGateway;
  const clients: Client[] = [];
  beforeAll(async () => {
    gw = await startGateway({ credentials: new PassThroughCredentials() });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await gw.close();
  });
  const client = (params: Record<string, string>) => {
    const c = wsClient(gw, params);
    clients.push(c);
    return c;
  };

  test("each subscriber's portal is its token's portal (learned from the account details), and only its events reach it", async () => {
    const mine = await gw.emulator.api('POST', '/crm/v3/objects/contacts', { properties: { email: `p1-${randomUUID()}@example.com`, firstname: 'Mine' } });
    const theirs = await gw.emulator.api('POST', '/crm/v3/objects/contacts', { properties: { email: `p2-${randomUUID()}@example.com`, firstname: 'Theirs' } }, { token: OTHER_PORTAL_TOKEN });
    const QUERY = 'subscription { contactCreated { hs_object_id firstname } }';
    const a = subscribe(client({ Authorization: `Bearer ${TOKEN}` }), QUERY);
    const b = subscribe(client({ authorization: `Bearer ${OTHER_PORTAL_TOKEN}` }), QUERY);
    await gw.untilSubscribed(2);
    await gw.events.publish([
      event({ objectType: 'contacts', objectId: theirs.body.id, kind: 'creation', portalId: OTHER_PORTAL_ID }),
      event({ objectType: 'contacts', objectId: mine.body.id, kind: 'creation', portalId: PORTAL_ID }),
    ]);
    const [forA] = await a.next();
    const [forB] = await b.next();
    await new Promise((r) => setTimeout(r, 100));
    a.stop();
    b.stop();
    expect(a.results).toHaveLength(1);
    expect(b.results).toHaveLength(1);
    expect(forA.data.contactCreated).toEqual({ hs_object_id: mine.body.id, firstname: 'Mine' });
    expect(forB.data.contactCreated).toEqual({ hs_object_id: theirs.body.id, firstname: 'Theirs' });
  });

  test('a subscriber without a usable token gets UNAUTHENTICATED, and the gateway goes on', async () => {
    const none = subscribe(client({}), 'subscription { contactCreated { email } }');
    expect((await none.failure())[0]).toMatchObject({ message: expect.stringContaining('Authorization: Bearer'), extensions: { code: 'UNAUTHENTICATED' } });
    const wrong = subscribe(client({ authorization: 'Bearer not-a-known-token' }), 'subscription { contactCreated { email } }');
    expect((await wrong.failure())[0]!.extensions!.code).toBe('UNAUTHENTICATED');
    expect((await gw.query('{ account { portalId } }', undefined, { authorization: `Bearer ${TOKEN}` })).body.data.account.portalId).toBe(String(PORTAL_ID));
  });
});

describe('from a HubSpot webhook delivery to a subscriber', () => {
  let gw: TestGateway;
  const bus = new MemoryEventBus();
  let client: Client;
  beforeAll(async () => {
    // With a bus of its own, the gateway receives webhooks at POST /webhooks/hubspot and publishes them to it.
    gw = await startGateway({ events: bus });
    client = wsClient(gw);
  });
  afterAll(async () => {
    await client.dispose();
    await gw.close();
    await bus.close();
  });

  test('a signed contact.propertyChange delivery reaches the subscriber with the contact as it is now', async () => {
    const created = await gw.emulator.api('POST', '/crm/v3/objects/contacts', { properties: { email: `hook-${randomUUID()}@example.com`, firstname: 'Hooked' } });
    const id: string = created.body.id;
    const sub = subscribe(client, CHANGES, { ids: [id] });
    await gw.untilSubscribed(1);
    const body = JSON.stringify([
      { eventId: 9_000_001, subscriptionId: 1, portalId: OTHER_PORTAL_ID, appId: DEFAULT_WEBHOOK_APP.appId, occurredAt: Date.now(), subscriptionType: 'contact.propertyChange', attemptNumber: 0, objectId: Number(id), propertyName: 'firstname', propertyValue: 'Other portal', changeSource: 'CRM_UI' },
      { eventId: 9_000_002, subscriptionId: 1, portalId: PORTAL_ID, appId: DEFAULT_WEBHOOK_APP.appId, occurredAt: Date.now(), subscriptionType: 'contact.propertyChange', attemptNumber: 0, objectId: Number(id), propertyName: 'firstname', propertyValue: 'Hooked', changeSource: 'CRM_UI' },
    ]);
    const url = gw.url.replace(/\/graphql$/, '/webhooks/hubspot');
    const headers = deliverySignatureHeaders(DEFAULT_WEBHOOK_APP.clientSecret, { method: 'POST', uri: url, body, timestamp: Date.now() });
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    expect(res.status).toBe(204);
    const [result] = await sub.next();
    await new Promise((r) => setTimeout(r, 100));
    sub.stop();
    expect(sub.results).toHaveLength(1);
    expect(result.data.crmObjectChanged).toMatchObject({ kind: 'PROPERTY_CHANGE', objectId: id, eventId: '9000002', propertyValue: 'Hooked', object: { firstname: 'Hooked' } });
  });
});

describe('stopping the gateway', () => {
  test('closes subscribers cleanly (1001) and does not wait for them', async () => {
    const gw = await startGateway();
    const closed = new Promise<number>((resolve) => {
      const client = createClient({ url: gw.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, on: { closed: (e) => resolve((e as { code: number }).code) } });
      client.subscribe({ query: 'subscription { contactCreated { email } }' }, { next: () => undefined, error: () => undefined, complete: () => undefined });
    });
    await gw.untilSubscribed(1);
    // A client that never answers the close handshake is cut after a short grace.
    const mute = new WebSocket(gw.wsUrl, 'graphql-transport-ws');
    await new Promise((resolve) => mute.once('open', resolve));
    (mute as unknown as { _socket: { pause(): void } })._socket.pause();
    const started = Date.now();
    await gw.close();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await closed).toBe(1001);
    mute.terminate();
    expect(gw.gateway.httpServer.listening).toBe(false);
  });
});

const REDIS_URL = process.env.REDIS_URL;
const withRedis = REDIS_URL ? describe : describe.skip;
if (!REDIS_URL) console.warn('subscriptions across instances: skipped, REDIS_URL is not set (e.g. REDIS_URL=redis://127.0.0.1:6379)');

withRedis('two gateway instances on one Redis', () => {
  let a: TestGateway;
  let b: TestGateway;
  const clients: Client[] = [];
  beforeAll(async () => {
    // A channel of this test's own, so that other suites sharing the Redis never hear these events.
    const env = { REDIS_URL: REDIS_URL!, EVENTS_CHANNEL: `hubspot-graphql:test-events:${randomUUID()}` };
    a = await startGateway({ env });
    b = await startGateway({ env, baseUrl: a.emulator.url });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await b?.close();
    await a?.close();
  });

  test('an event published on instance A reaches subscribers on B and on A exactly once', async () => {
    const created = await a.emulator.api('POST', '/crm/v3/objects/contacts', { properties: { email: `r-${randomUUID()}@example.com`, firstname: 'Redis' } });
    const onB = wsClient(b);
    const onA = wsClient(a);
    clients.push(onA, onB);
    const QUERY = 'subscription { crmObjectChanged(objectTypes: ["contacts"]) { eventId kind object { ... on Contact { firstname } } } }';
    const subB = subscribe(onB, QUERY);
    const subA = subscribe(onA, QUERY);
    await b.untilSubscribed(1);
    await a.untilSubscribed(1);
    await a.events.publish([event({ objectType: 'contacts', objectId: created.body.id, kind: 'creation' })]);
    const [gotB] = await subB.next();
    const [gotA] = await subA.next();
    // A second event, published on B, bounds the wait: had the first come twice, it would be seen before this one.
    await b.events.publish([event({ objectType: 'contacts', objectId: created.body.id, kind: 'restore' })]);
    await subB.next(2);
    await subA.next(2);
    await new Promise((r) => setTimeout(r, 100));
    subA.stop();
    subB.stop();
    expect(gotB.data.crmObjectChanged).toMatchObject({ kind: 'CREATION', object: { firstname: 'Redis' } });
    expect(gotA.data.crmObjectChanged.eventId).toBe(gotB.data.crmObjectChanged.eventId);
    expect(subB.results.map((r) => r.data.crmObjectChanged.kind)).toEqual(['CREATION', 'RESTORE']);
    expect(subA.results.map((r) => r.data.crmObjectChanged.kind)).toEqual(['CREATION', 'RESTORE']);
  });
});
