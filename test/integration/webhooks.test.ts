import { GraphQLEnumType } from 'graphql';
import { EVENT_TYPE_TABLE } from '../../resolvers/webhooks';
import { ConfigError, loadConfig } from '../../src/config';
import { DEFAULT_WEBHOOK_APP } from '../../src/emulator/options';
import { buildSchema } from '../../src/graphql/schema';
import { WEBHOOK_EVENT_TYPES } from '../../src/hubspot/webhooks';
import { startGateway, type TestGateway } from '../helpers/gateway';

const ERRORS = 'userErrors { field message code }';
const SETTINGS = 'targetUrl maxConcurrentRequests createdAt updatedAt';
const SUBSCRIPTION = 'id eventType hubspotEventType propertyName objectTypeId eventTypeName active createdAt updatedAt';

const SETTINGS_UPDATE = `mutation($input: WebhookSettingsInput!) { webhookSettingsUpdate(input: $input) { settings { ${SETTINGS} } ${ERRORS} } }`;
const SETTINGS_DELETE = `mutation { webhookSettingsDelete { deleted ${ERRORS} } }`;
const CREATE = `mutation($input: WebhookSubscriptionCreateInput!) { webhookSubscriptionCreate(input: $input) { subscription { ${SUBSCRIPTION} } ${ERRORS} } }`;
const UPDATE = `mutation($id: ID!, $active: Boolean!) { webhookSubscriptionUpdate(id: $id, active: $active) { subscription { ${SUBSCRIPTION} } ${ERRORS} } }`;
const DELETE = `mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedId ${ERRORS} } }`;
const BATCH = `mutation($inputs: [WebhookSubscriptionActiveInput!]!) { webhookSubscriptionsBatchUpdate(inputs: $inputs) { subscriptions { id active } ${ERRORS} } }`;
const READ = `{ webhookSettings { ${SETTINGS} } webhookSubscriptions { ${SUBSCRIPTION} } }`;

/** Webhook settings and subscriptions over real HTTP: gateway → emulator, with the embedded defaults (the demo app). */
describe('webhook settings and subscriptions', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startGateway({ env: { UPSTREAM_TIMEOUT_MS: '2000' } });
  });
  afterAll(() => gw.close());
  beforeEach(() => gw.emulator.api('POST', '/__emulator/reset'));

  /** The webhooks calls `run` made, as `METHOD operation`. */
  async function callsDuring<T>(run: () => Promise<T>): Promise<{ result: T; ops: string[] }> {
    const before = gw.calls.length;
    const result = await run();
    return { result, ops: gw.calls.slice(before).map((c) => `${c.call.method} ${c.call.operation}`) };
  }

  async function create(input: Record<string, unknown>) {
    const res = await gw.query(CREATE, { input });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.webhookSubscriptionCreate.userErrors).toEqual([]);
    return res.body.data.webhookSubscriptionCreate.subscription as { id: string; active: boolean };
  }

  test('the enum table covers exactly the schema enum and HubSpot event types', () => {
    const values = (buildSchema().getType('WebhookEventType') as GraphQLEnumType).getValues().map((v) => v.name).sort();
    expect(EVENT_TYPE_TABLE.map(([g]) => g).sort()).toEqual(values);
    expect(EVENT_TYPE_TABLE.map(([, h]) => h).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    expect(new Map(EVENT_TYPE_TABLE).get('CONTACT_PROPERTY_CHANGE')).toBe('contact.propertyChange');
    expect(new Map(EVENT_TYPE_TABLE).get('LINE_ITEM_ASSOCIATION_CHANGE')).toBe('line_item.associationChange');
    expect(new Map(EVENT_TYPE_TABLE).get('CONVERSATION_NEW_MESSAGE')).toBe('conversation.newMessage');
  });

  describe('settings', () => {
    test('null before any; update sets them; the query reads them; the calls carry hapikey, not the portal token', async () => {
      const before = (await gw.emulator.api('GET', '/__emulator/requests')).body.lastSeq;
      const empty = await gw.query(READ);
      expect(empty.body.errors).toBeUndefined();
      expect(empty.body.data).toEqual({ webhookSettings: null, webhookSubscriptions: [] });
      const res = await gw.query(SETTINGS_UPDATE, { input: { targetUrl: 'https://example.com/hubspot', maxConcurrentRequests: 12 } });
      expect(res.body.errors).toBeUndefined();
      const { settings, userErrors } = res.body.data.webhookSettingsUpdate;
      expect(userErrors).toEqual([]);
      expect(settings).toMatchObject({ targetUrl: 'https://example.com/hubspot', maxConcurrentRequests: 12 });
      expect(Date.parse(settings.createdAt)).not.toBeNaN();
      expect((await gw.query(READ)).body.data.webhookSettings).toEqual(settings);
      const log = (await gw.emulator.api('GET', `/__emulator/requests?since=${before}`)).body.results;
      expect(log.length).toBeGreaterThan(0);
      for (const entry of log) {
        // No portal reached: the portal token was not what authenticated these calls.
        expect(entry.query).toBe(`hapikey=${DEFAULT_WEBHOOK_APP.developerApiKeys[0]}`);
        expect(entry.portalId).toBeUndefined();
      }
    });

    test("input problems the gateway can see are userErrors on their field, before any call", async () => {
      const { result, ops } = await callsDuring(() => gw.query(SETTINGS_UPDATE, { input: { targetUrl: 'not a url', maxConcurrentRequests: 3 } }));
      expect(ops).toEqual([]);
      expect(result.body.data.webhookSettingsUpdate).toEqual({
        settings: null,
        userErrors: [
          { field: ['input', 'targetUrl'], message: expect.stringContaining('absolute https URL'), code: 'INVALID' },
          { field: ['input', 'maxConcurrentRequests'], message: expect.stringContaining('from 5 to 100'), code: 'INVALID' },
        ],
      });
    });

    test("HubSpot's refusal (a non-https target) is a userError on the input", async () => {
      const res = await gw.query(SETTINGS_UPDATE, { input: { targetUrl: 'http://example.com/hooks', maxConcurrentRequests: 10 } });
      expect(res.body.data.webhookSettingsUpdate).toEqual({ settings: null, userErrors: [{ field: ['input'], message: expect.stringContaining('https'), code: 'INVALID' }] });
      const local = await gw.query(SETTINGS_UPDATE, { input: { targetUrl: 'http://127.0.0.1:3000/hooks', maxConcurrentRequests: 10 } });
      expect(local.body.data.webhookSettingsUpdate.userErrors).toEqual([]);
    });

    test('delete removes the settings and keeps the subscriptions (paused)', async () => {
      await gw.query(SETTINGS_UPDATE, { input: { targetUrl: 'https://example.com/hubspot', maxConcurrentRequests: 10 } });
      const sub = await create({ eventType: 'DEAL_CREATION', active: true });
      const del = await gw.query(SETTINGS_DELETE);
      expect(del.body.data.webhookSettingsDelete).toEqual({ deleted: true, userErrors: [] });
      const after = await gw.query(READ);
      expect(after.body.data.webhookSettings).toBeNull();
      expect(after.body.data.webhookSubscriptions).toEqual([expect.objectContaining({ id: sub.id, active: true })]);
      expect(gw.emulator.state.webhookApps.subscribersOf({ portalId: 111, eventType: 'deal.creation' })).toEqual([]);
    });
  });

  describe('subscriptions', () => {
    test('create maps the enum both ways and keeps HubSpot’s name; the list shows it', async () => {
      const sub = await create({ eventType: 'CONTACT_PROPERTY_CHANGE', propertyName: 'email', active: true });
      expect(sub).toMatchObject({ eventType: 'CONTACT_PROPERTY_CHANGE', hubspotEventType: 'contact.propertyChange', propertyName: 'email', active: true, objectTypeId: null });
      const stored = await gw.emulator.api('GET', `/webhooks/v3/${DEFAULT_WEBHOOK_APP.appId}/subscriptions/${sub.id}?hapikey=${DEFAULT_WEBHOOK_APP.developerApiKeys[0]}`, undefined, { token: null });
      expect(stored.body).toMatchObject({ eventType: 'contact.propertyChange', propertyName: 'email' });
      const paused = await create({ eventType: 'LINE_ITEM_CREATION' });
      expect(paused).toMatchObject({ hubspotEventType: 'line_item.creation', active: false });
      const custom = await create({ eventType: 'OBJECT_PROPERTY_CHANGE', objectTypeId: '2-77', propertyName: 'size' });
      expect(custom).toMatchObject({ objectTypeId: '2-77', hubspotEventType: 'object.propertyChange' });
      const list = (await gw.query(READ)).body.data.webhookSubscriptions;
      expect(list.map((s: { id: string }) => s.id)).toEqual([sub.id, paused.id, custom.id]);
    });

    test.each([
      ['a property change without propertyName', { eventType: 'DEAL_PROPERTY_CHANGE' }, ['input', 'propertyName']],
      ['propertyName on a creation', { eventType: 'DEAL_CREATION', propertyName: 'amount' }, ['input', 'propertyName']],
      ['an object event without objectTypeId', { eventType: 'OBJECT_CREATION' }, ['input', 'objectTypeId']],
      ['objectTypeId on a ticket event', { eventType: 'TICKET_DELETION', objectTypeId: '0-5' }, ['input', 'objectTypeId']],
      ['eventTypeName on a contact event', { eventType: 'CONTACT_CREATION', eventTypeName: 'x' }, ['input', 'eventTypeName']],
    ])('%s is INVALID on its field, before any call', async (_what, input, field) => {
      const { result, ops } = await callsDuring(() => gw.query(CREATE, { input }));
      expect(ops).toEqual([]);
      expect(result.body.data.webhookSubscriptionCreate).toEqual({ subscription: null, userErrors: [{ field, message: expect.any(String), code: 'INVALID' }] });
    });

    test('an unknown enum value is a GraphQL validation error', async () => {
      const res = await gw.query(CREATE, { input: { eventType: 'contact.creation' } });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    });

    test("HubSpot's refusals: a duplicate is CONFLICT, a property name HubSpot refuses is INVALID", async () => {
      await create({ eventType: 'CONTACT_PROPERTY_CHANGE', propertyName: 'email' });
      const dup = await gw.query(CREATE, { input: { eventType: 'CONTACT_PROPERTY_CHANGE', propertyName: 'email', active: true } });
      expect(dup.body.data.webhookSubscriptionCreate).toEqual({ subscription: null, userErrors: [{ field: ['input'], message: expect.stringContaining('already exists'), code: 'CONFLICT' }] });
      const bad = await gw.query(CREATE, { input: { eventType: 'CONTACT_PROPERTY_CHANGE', propertyName: 'first name' } });
      expect(bad.body.data.webhookSubscriptionCreate.userErrors).toEqual([{ field: ['input'], message: expect.stringContaining('internal name'), code: 'INVALID' }]);
    });

    test('update activates and pauses; unknown ids are NOT_FOUND, malformed ids INVALID', async () => {
      const sub = await create({ eventType: 'TICKET_CREATION' });
      const on = await gw.query(UPDATE, { id: sub.id, active: true });
      expect(on.body.data.webhookSubscriptionUpdate).toEqual({ subscription: expect.objectContaining({ id: sub.id, active: true }), userErrors: [] });
      const off = await gw.query(UPDATE, { id: sub.id, active: false });
      expect(off.body.data.webhookSubscriptionUpdate.subscription.active).toBe(false);
      const missing = await gw.query(UPDATE, { id: '987654', active: true });
      expect(missing.body.data.webhookSubscriptionUpdate).toEqual({ subscription: null, userErrors: [{ field: ['id'], message: expect.stringContaining('987654'), code: 'NOT_FOUND' }] });
      const { result, ops } = await callsDuring(() => gw.query(UPDATE, { id: 'abc', active: true }));
      expect(ops).toEqual([]);
      expect(result.body.data.webhookSubscriptionUpdate.userErrors).toEqual([{ field: ['id'], message: expect.any(String), code: 'INVALID' }]);
    });

    test('delete removes one; deleting it again is NOT_FOUND', async () => {
      const sub = await create({ eventType: 'COMPANY_DELETION' });
      const del = await gw.query(DELETE, { id: sub.id });
      expect(del.body.data.webhookSubscriptionDelete).toEqual({ deletedId: sub.id, userErrors: [] });
      expect((await gw.query(READ)).body.data.webhookSubscriptions).toEqual([]);
      const again = await gw.query(DELETE, { id: sub.id });
      expect(again.body.data.webhookSubscriptionDelete).toEqual({ deletedId: null, userErrors: [{ field: ['id'], message: expect.any(String), code: 'NOT_FOUND' }] });
      expect((await gw.query(DELETE, { id: '-1' })).body.data.webhookSubscriptionDelete.userErrors[0].code).toBe('INVALID');
    });
  });

  describe('batch update', () => {
    test('a partial 207: found ones updated in input order, missing ones NOT_FOUND, malformed ones INVALID', async () => {
      const a = await create({ eventType: 'CONTACT_CREATION' });
      const b = await create({ eventType: 'CONTACT_DELETION', active: true });
      const { result, ops } = await callsDuring(() =>
        gw.query(BATCH, { inputs: [{ id: b.id, active: false }, { id: '4567', active: true }, { id: 'x1', active: true }, { id: a.id, active: true }] }),
      );
      expect(ops).toEqual(['POST /webhooks/v3/{appId}/subscriptions/batch/update']);
      expect(result.body.data.webhookSubscriptionsBatchUpdate).toEqual({
        subscriptions: [{ id: b.id, active: false }, null, null, { id: a.id, active: true }],
        userErrors: [
          { field: ['inputs', '1', 'id'], message: 'Subscription 4567 does not exist.', code: 'NOT_FOUND' },
          { field: ['inputs', '2', 'id'], message: expect.any(String), code: 'INVALID' },
        ],
      });
    });

    test('more than 100 inputs go as several HubSpot calls', async () => {
      const sub = await create({ eventType: 'DEAL_CREATION' });
      const inputs = Array.from({ length: 150 }, (_, i) => ({ id: i === 120 ? sub.id : String(100_000 + i), active: true }));
      const { result, ops } = await callsDuring(() => gw.query(BATCH, { inputs }));
      expect(ops).toHaveLength(2);
      const payload = result.body.data.webhookSubscriptionsBatchUpdate;
      expect(payload.subscriptions).toHaveLength(150);
      expect(payload.subscriptions[120]).toEqual({ id: sub.id, active: true });
      expect(payload.userErrors).toHaveLength(149);
      expect(payload.userErrors.every((e: { code: string }) => e.code === 'NOT_FOUND')).toBe(true);
    });
  });

  describe('credentials', () => {
    test('the settings: the demo app with the embedded emulator, none against HubSpot, both or neither, the key never echoed', () => {
      expect(loadConfig({}).developerApp).toEqual({ appId: DEFAULT_WEBHOOK_APP.appId, developerApiKey: DEFAULT_WEBHOOK_APP.developerApiKeys[0] });
      expect(loadConfig({ HUBSPOT_TOKEN: 'pat-na1-abcdef123', ALLOW_UNAUTHENTICATED_CALLERS: 'true' }).developerApp).toBeUndefined();
      expect(loadConfig({ HUBSPOT_TOKEN: 'pat-na1-abcdef123', HUBSPOT_APP_ID: '77', HUBSPOT_DEVELOPER_API_KEY: 'dev-key-1234', ALLOW_UNAUTHENTICATED_CALLERS: 'true' }).developerApp).toEqual({ appId: 77, developerApiKey: 'dev-key-1234' });
      expect(() => loadConfig({ HUBSPOT_APP_ID: '77' })).toThrow(/HUBSPOT_DEVELOPER_API_KEY .*set it together with HUBSPOT_APP_ID/);
      expect(() => loadConfig({ HUBSPOT_DEVELOPER_API_KEY: 'dev-key-1234' })).toThrow(/HUBSPOT_APP_ID .*set it together/);
      expect(() => loadConfig({ HUBSPOT_APP_ID: 'x', HUBSPOT_DEVELOPER_API_KEY: 'dev-key-1234' })).toThrow(/HUBSPOT_APP_ID .*integer/);
      expect(() => loadConfig({ HUBSPOT_APP_ID: '77', HUBSPOT_DEVELOPER_API_KEY: 'secret key' })).toThrow(ConfigError);
      try {
        loadConfig({ HUBSPOT_APP_ID: '77', HUBSPOT_DEVELOPER_API_KEY: 'secret key' });
      } catch (e) {
        expect(String(e)).not.toContain('secret');
      }
    });

    test('without HUBSPOT_APP_ID and HUBSPOT_DEVELOPER_API_KEY the fields refuse clearly (FORBIDDEN), and nothing is called', async () => {
      const real = await startGateway({ env: { HUBSPOT_TOKEN: 'pat-na1-test-token' } });
      try {
        const query = await real.query('{ webhookSubscriptions { id } }');
        expect(query.body.data).toBeNull();
        expect(query.body.errors[0]).toMatchObject({ message: expect.stringContaining('HUBSPOT_APP_ID and HUBSPOT_DEVELOPER_API_KEY are not set'), extensions: { code: 'FORBIDDEN' } });
        const settings = await real.query('{ webhookSettings { targetUrl } }');
        expect(settings.body.errors[0].extensions.code).toBe('FORBIDDEN');
        const mutation = await real.query(SETTINGS_DELETE);
        expect(mutation.body.errors[0].extensions.code).toBe('FORBIDDEN');
        expect(real.calls).toEqual([]);
      } finally {
        await real.close();
      }
    });

    test('a wrong developer key is UNAUTHENTICATED; an unknown app is NOT_FOUND', async () => {
      const wrong = await startGateway({ env: { HUBSPOT_TOKEN: 'pat-na1-test-token', HUBSPOT_APP_ID: String(DEFAULT_WEBHOOK_APP.appId), HUBSPOT_DEVELOPER_API_KEY: 'wrong-developer-key' } });
      const unknown = await startGateway({ env: { HUBSPOT_TOKEN: 'pat-na1-test-token', HUBSPOT_APP_ID: '999', HUBSPOT_DEVELOPER_API_KEY: DEFAULT_WEBHOOK_APP.developerApiKeys[0]! } });
      try {
        const res = await wrong.query('{ webhookSubscriptions { id } }');
        expect(res.body.errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', hubspot: { status: 401, category: 'INVALID_AUTHENTICATION' } });
        expect(JSON.stringify(res.body)).not.toContain('wrong-developer-key');
        const notFound = await unknown.query('{ webhookSubscriptions { id } }');
        expect(notFound.body.errors[0].extensions.code).toBe('NOT_FOUND');
      } finally {
        await wrong.close();
        await unknown.close();
      }
    });
  });
});
