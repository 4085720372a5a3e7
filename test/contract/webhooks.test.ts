import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_WEBHOOK_APP } from '../../src/emulator/options';
import { MAX_SUBSCRIPTIONS_PER_APP, WEBHOOK_EVENT_TYPES as EMULATOR_EVENT_TYPES } from '../../src/emulator/webhookApps';
import { HubSpotClient } from '../../src/hubspot/client';
import { HubSpotError } from '../../src/hubspot/errors';
import { Transport } from '../../src/hubspot/transport';
import { WEBHOOK_EVENT_TYPES } from '../../src/hubspot/webhooks';
import { PORTAL_ID, startEmulator, TOKEN, type ApiResponse, type TestEmulator } from '../helpers/emulator';
import { describeWithSpecs, requestProblems, SPEC_DIR } from '../helpers/openapi';

const APP = DEFAULT_WEBHOOK_APP.appId;
const KEY = DEFAULT_WEBHOOK_APP.developerApiKeys[0]!;
/** A second app of another developer account: the demo key must not reach it. */
const OTHER_APP = { appId: 777, developerApiKeys: ['other-developer-key'], clientId: 'other-client', clientSecret: 'other-secret', portalIds: [PORTAL_ID] };

/** The body a create needs for an event type: a property for *.propertyChange, an object type for object.*. */
const createBody = (eventType: string, extra: Record<string, unknown> = {}) => ({
  eventType,
  ...(eventType.endsWith('.propertyChange') ? { propertyName: 'email' } : {}),
  ...(eventType.startsWith('object.') ? { objectTypeId: '2-123' } : {}),
  ...extra,
});

// Webhooks v3 in the emulator: developer-key auth, settings, subscriptions and the batch update, against the spec.
describeWithSpecs('webhooks contract', () => {
  let emu: TestEmulator;
  /** A webhooks call for the demo app with its developer key (as `hapikey`), answer checked against the spec. */
  const wh = (method: string, path: string, body?: unknown, opts: { appId?: number; key?: string | null } = {}): Promise<ApiResponse> => {
    const key = opts.key === undefined ? KEY : opts.key;
    const url = `/webhooks/v3/${opts.appId ?? APP}${path}${key === null ? '' : `${path.includes('?') ? '&' : '?'}hapikey=${encodeURIComponent(key)}`}`;
    return emu.checked(method, url, body, { token: null });
  };
  const create = async (eventType: string, extra: Record<string, unknown> = {}) => {
    const res = await wh('POST', '/subscriptions', createBody(eventType, extra));
    expect(res.status).toBe(201);
    return res.body as { id: string; eventType: string; active: boolean; propertyName?: string };
  };
  const putSettings = (targetUrl = 'https://example.com/hubspot', maxConcurrentRequests = 10) =>
    wh('PUT', '/settings', { targetUrl, throttling: { maxConcurrentRequests, period: 'SECONDLY' } });

  beforeAll(async () => {
    emu = await startEmulator({ webhookApps: [{ ...DEFAULT_WEBHOOK_APP, developerApiKeys: [KEY] }, OTHER_APP] });
  });
  afterAll(() => emu.close());
  beforeEach(async () => {
    await emu.api('POST', '/__emulator/reset');
  });

  describe('auth: the developer key, not a portal token', () => {
    test('no credential is 401 with HubSpot body', async () => {
      const res = await wh('GET', '/subscriptions', undefined, { key: null });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
      expect(res.body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    });

    test('an unknown key is 401; a portal token is 401 and says what is needed', async () => {
      const bad = await wh('GET', '/subscriptions', undefined, { key: 'not-a-developer-key' });
      expect(bad.status).toBe(401);
      expect(bad.body.message).toMatch(/API key provided is invalid/);
      const portal = await emu.checked('GET', `/webhooks/v3/${APP}/subscriptions`, undefined, { token: TOKEN });
      expect(portal.status).toBe(401);
      expect(portal.body.message).toMatch(/developer API key \(the hapikey query parameter\)/);
      const portalAsKey = await wh('GET', '/subscriptions', undefined, { key: TOKEN });
      expect(portalAsKey.status).toBe(401);
    });

    test('the developer key works as hapikey and as a bearer token, with no portal token', async () => {
      expect((await wh('GET', '/subscriptions')).status).toBe(200);
      const bearer = await emu.checked('GET', `/webhooks/v3/${APP}/subscriptions`, undefined, { token: KEY });
      expect(bearer.status).toBe(200);
    });

    test("unknown app is 404, another developer's app 403, a malformed app id 400", async () => {
      const unknown = await wh('GET', '/subscriptions', undefined, { appId: 999 });
      expect(unknown.status).toBe(404);
      expect(unknown.body.category).toBe('OBJECT_NOT_FOUND');
      const other = await wh('GET', '/settings', undefined, { appId: OTHER_APP.appId });
      expect(other.status).toBe(403);
      const ownKey = await wh('GET', '/subscriptions', undefined, { appId: OTHER_APP.appId, key: OTHER_APP.developerApiKeys[0]! });
      expect(ownKey.status).toBe(200);
      const malformed = await emu.api('GET', `/webhooks/v3/app-1/subscriptions?hapikey=${KEY}`, undefined, { token: null });
      expect(malformed.status).toBe(400);
      expect(malformed.body.category).toBe('VALIDATION_ERROR');
    });

    test('an unknown route under /webhooks/v3 is 404, not the portal auth 401', async () => {
      const res = await emu.api('GET', `/webhooks/v3/${APP}/nothing?hapikey=${KEY}`, undefined, { token: null });
      expect(res.status).toBe(404);
      expect(res.body.category).toBe('OBJECT_NOT_FOUND');
    });

    test('faults and latency apply to webhook routes too', async () => {
      await emu.api('PUT', '/__emulator/faults', { faults: [{ kind: '503', rate: 1, route: '^/webhooks' }] });
      try {
        expect((await wh('GET', '/subscriptions')).status).toBe(503);
      } finally {
        await emu.api('PUT', '/__emulator/faults', { faults: [] });
      }
    });
  });

  describe('settings', () => {
    test('none at first (404); PUT answers SettingsResponse; GET reads it back', async () => {
      expect((await wh('GET', '/settings')).status).toBe(404);
      const put = await putSettings('https://example.com/hubspot', 12);
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ targetUrl: 'https://example.com/hubspot', throttling: { maxConcurrentRequests: 12, period: 'SECONDLY' } });
      expect(put.body.createdAt).toEqual(put.body.updatedAt);
      const get = await wh('GET', '/settings');
      expect(get.status).toBe(200);
      expect(get.body).toEqual(put.body);
    });

    test('a second PUT replaces them and keeps createdAt', async () => {
      const first = await putSettings('https://example.com/a', 10);
      await new Promise((r) => setTimeout(r, 5));
      const second = await putSettings('https://example.com/b', 20);
      expect(second.body).toMatchObject({ targetUrl: 'https://example.com/b', throttling: { maxConcurrentRequests: 20 }, createdAt: first.body.createdAt });
      expect(second.body.updatedAt > first.body.updatedAt).toBe(true);
    });

    test('http is accepted for loopback targets only', async () => {
      for (const url of ['http://localhost:3000/hooks', 'http://127.0.0.1:9/x', 'http://[::1]:8080/']) expect((await putSettings(url)).status).toBe(200);
      const remote = await putSettings('http://example.com/hooks');
      expect(remote.status).toBe(400);
      expect(remote.body.message).toMatch(/https/);
    });

    test.each([
      ['no targetUrl', { throttling: { maxConcurrentRequests: 10 } }, 'targetUrl'],
      ['a relative targetUrl', { targetUrl: '/hooks', throttling: { maxConcurrentRequests: 10 } }, 'targetUrl'],
      ['an ftp targetUrl', { targetUrl: 'ftp://example.com/x', throttling: { maxConcurrentRequests: 10 } }, 'targetUrl'],
      ['no throttling', { targetUrl: 'https://example.com' }, 'throttling'],
      ['maxConcurrentRequests below 5', { targetUrl: 'https://example.com', throttling: { maxConcurrentRequests: 4 } }, 'throttling.maxConcurrentRequests'],
      ['maxConcurrentRequests above 100', { targetUrl: 'https://example.com', throttling: { maxConcurrentRequests: 101 } }, 'throttling.maxConcurrentRequests'],
      ['a fractional maxConcurrentRequests', { targetUrl: 'https://example.com', throttling: { maxConcurrentRequests: 10.5 } }, 'throttling.maxConcurrentRequests'],
      ['an unknown period', { targetUrl: 'https://example.com', throttling: { maxConcurrentRequests: 10, period: 'DAILY' } }, 'throttling.period'],
    ])('PUT with %s is 400 naming the field', async (_what, body, field) => {
      const res = await wh('PUT', '/settings', body);
      expect(res.status).toBe(400);
      expect(res.body.category).toBe('VALIDATION_ERROR');
      expect(res.body.errors[0].in).toBe(field);
    });

    test('the boundaries 5 and 100 are accepted', async () => {
      expect((await putSettings(undefined, 5)).status).toBe(200);
      expect((await putSettings(undefined, 100)).status).toBe(200);
    });

    test('DELETE pauses the subscriptions without deleting them; new settings resume them', async () => {
      await putSettings();
      const sub = await create('contact.creation', { active: true });
      const event = { portalId: PORTAL_ID, eventType: 'contact.creation' };
      expect(emu.state.webhookApps.subscribersOf(event).map((s) => s.subscription.id)).toEqual([Number(sub.id)]);
      const del = await wh('DELETE', '/settings');
      expect(del.status).toBe(204);
      expect(del.text).toBe('');
      expect((await wh('GET', '/settings')).status).toBe(404);
      const list = await wh('GET', '/subscriptions');
      expect(list.body.results).toEqual([expect.objectContaining({ id: sub.id, active: true })]);
      expect(emu.state.webhookApps.subscribersOf(event)).toEqual([]);
      await putSettings('https://example.com/again');
      expect(emu.state.webhookApps.subscribersOf(event)[0]!.settings.targetUrl).toBe('https://example.com/again');
      // Deleting settings that are already gone is still 204.
      await wh('DELETE', '/settings');
      expect((await wh('DELETE', '/settings')).status).toBe(204);
    });

    test('a body that is not a JSON object is 400', async () => {
      const res = await emu.api('PUT', `/webhooks/v3/${APP}/settings?hapikey=${KEY}`, undefined, { token: null, raw: '[1,2]' });
      expect(res.status).toBe(400);
    });
  });

  describe('subscriptions', () => {
    test("the event type list is the spec's", () => {
      const spec = JSON.parse(readFileSync(join(SPEC_DIR, 'webhooks-v3.json'), 'utf8'));
      const specTypes = [...spec.components.schemas.SubscriptionCreateRequest.properties.eventType.enum].sort();
      expect([...EMULATOR_EVENT_TYPES].sort()).toEqual(specTypes);
      expect([...WEBHOOK_EVENT_TYPES].sort()).toEqual(specTypes);
      expect(specTypes).not.toContain('product.associationChange');
    });

    test('every event type can be subscribed to; answers are SubscriptionResponse', async () => {
      for (const eventType of EMULATOR_EVENT_TYPES) {
        const sub = await create(eventType);
        expect(sub).toMatchObject({ eventType, active: false });
        expect(sub.id).toMatch(/^\d+$/);
      }
      const list = await wh('GET', '/subscriptions');
      expect(list.body.results).toHaveLength(EMULATOR_EVENT_TYPES.length);
      const ids = list.body.results.map((s: { id: string }) => Number(s.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    });

    test('create stores propertyName, objectTypeId and active; GET reads one', async () => {
      const sub = await create('deal.propertyChange', { propertyName: 'dealstage', active: true });
      expect(sub).toMatchObject({ eventType: 'deal.propertyChange', propertyName: 'dealstage', active: true });
      const obj = await create('object.creation', { objectTypeId: '2-987' });
      expect(obj).toMatchObject({ objectTypeId: '2-987' });
      const event = await create('event.completed', { eventTypeName: 'pe123_signup' });
      expect(event).toMatchObject({ eventTypeName: 'pe123_signup' });
      const got = await wh('GET', `/subscriptions/${sub.id}`);
      expect(got.status).toBe(200);
      expect(got.body).toEqual(sub);
    });

    test.each([
      ['an unknown event type', { eventType: 'contact.explode' }, 'eventType'],
      ['no event type', {}, 'eventType'],
      ['product.associationChange (products have none)', { eventType: 'product.associationChange' }, 'eventType'],
      ['a propertyChange without propertyName', { eventType: 'contact.propertyChange' }, 'propertyName'],
      ['propertyName on a creation', { eventType: 'contact.creation', propertyName: 'email' }, 'propertyName'],
      ['a propertyName that is no internal name', { eventType: 'contact.propertyChange', propertyName: 'first name' }, 'propertyName'],
      ['an object event without objectTypeId', { eventType: 'object.creation' }, 'objectTypeId'],
      ['a malformed objectTypeId', { eventType: 'object.deletion', objectTypeId: 'widgets' }, 'objectTypeId'],
      ['objectTypeId on a contact event', { eventType: 'contact.deletion', objectTypeId: '0-1' }, 'objectTypeId'],
      ['eventTypeName on a deal event', { eventType: 'deal.creation', eventTypeName: 'x' }, 'eventTypeName'],
      ['a non-boolean active', { eventType: 'deal.creation', active: 'yes' }, 'active'],
    ])('create with %s is 400 naming the field', async (_what, body, field) => {
      const res = await wh('POST', '/subscriptions', body);
      expect(res.status).toBe(400);
      expect(res.body.category).toBe('VALIDATION_ERROR');
      expect(res.body.errors[0].in).toBe(field);
    });

    test('a duplicate is 409 CONFLICT naming the existing id; another property is not a duplicate', async () => {
      const first = await create('contact.propertyChange', { propertyName: 'email' });
      const dup = await wh('POST', '/subscriptions', { eventType: 'contact.propertyChange', propertyName: 'email', active: true });
      expect(dup.status).toBe(409);
      expect(dup.body.category).toBe('CONFLICT');
      expect(dup.body.message).toContain(`id ${first.id}`);
      await create('contact.propertyChange', { propertyName: 'firstname' });
    });

    test(`an app has at most ${MAX_SUBSCRIPTIONS_PER_APP} subscriptions`, async () => {
      for (let start = 0; start < MAX_SUBSCRIPTIONS_PER_APP; start += 50) {
        await Promise.all(
          Array.from({ length: 50 }, (_, i) => emu.api('POST', `/webhooks/v3/${APP}/subscriptions?hapikey=${KEY}`, { eventType: 'contact.propertyChange', propertyName: `p_${start + i}` }, { token: null })),
        );
      }
      expect((await wh('GET', '/subscriptions')).body.results).toHaveLength(MAX_SUBSCRIPTIONS_PER_APP);
      const over = await wh('POST', '/subscriptions', { eventType: 'contact.creation' });
      expect(over.status).toBe(400);
      expect(over.body.message).toMatch(/1000 subscriptions/);
    });

    test('PATCH sets active; an empty body changes nothing; a bad value is 400', async () => {
      const sub = await create('ticket.creation');
      const on = await wh('PATCH', `/subscriptions/${sub.id}`, { active: true });
      expect(on.status).toBe(200);
      expect(on.body).toMatchObject({ id: sub.id, active: true });
      const same = await wh('PATCH', `/subscriptions/${sub.id}`, {});
      expect(same.body.active).toBe(true);
      expect((await wh('PATCH', `/subscriptions/${sub.id}`, { active: 'no' })).status).toBe(400);
    });

    test('DELETE removes one (204); unknown ids are 404, malformed ids 400', async () => {
      const sub = await create('company.creation');
      const del = await wh('DELETE', `/subscriptions/${sub.id}`);
      expect(del.status).toBe(204);
      for (const method of ['GET', 'PATCH', 'DELETE']) {
        const res = await wh(method, `/subscriptions/${sub.id}`, method === 'PATCH' ? { active: true } : undefined);
        expect(res.status).toBe(404);
        expect(res.body.category).toBe('OBJECT_NOT_FOUND');
      }
      expect((await wh('GET', '/subscriptions/abc')).status).toBe(400);
      expect((await wh('GET', '/subscriptions/99999999999')).status).toBe(400);
    });

    test('subscriptions of one app are not visible from another', async () => {
      const sub = await create('deal.creation');
      const otherKey = OTHER_APP.developerApiKeys[0]!;
      expect((await wh('GET', `/subscriptions/${sub.id}`, undefined, { appId: OTHER_APP.appId, key: otherKey })).status).toBe(404);
      expect((await wh('GET', '/subscriptions', undefined, { appId: OTHER_APP.appId, key: otherKey })).body.results).toEqual([]);
    });

    test('the emulator reset clears settings and subscriptions', async () => {
      await putSettings();
      await create('deal.creation');
      await emu.api('POST', '/__emulator/reset');
      expect((await wh('GET', '/settings')).status).toBe(404);
      expect((await wh('GET', '/subscriptions')).body.results).toEqual([]);
    });
  });

  describe('batch update', () => {
    test('all found: 200 BatchResponse with the updated subscriptions', async () => {
      const a = await create('contact.creation');
      const b = await create('contact.deletion', { active: true });
      const res = await wh('POST', '/subscriptions/batch/update', { inputs: [{ id: Number(a.id), active: true }, { id: Number(b.id), active: false }] });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('COMPLETE');
      expect(res.body.errors).toBeUndefined();
      expect(res.body.results).toEqual([expect.objectContaining({ id: a.id, active: true }), expect.objectContaining({ id: b.id, active: false })]);
    });

    test('some missing: 207 with the found ones applied and one error naming the missing ids', async () => {
      const a = await create('contact.creation');
      const res = await wh('POST', '/subscriptions/batch/update', { inputs: [{ id: 4567, active: true }, { id: Number(a.id), active: true }, { id: 4568, active: false }] });
      expect(res.status).toBe(207);
      expect(res.body.results).toEqual([expect.objectContaining({ id: a.id, active: true })]);
      expect(res.body.numErrors).toBe(1);
      expect(res.body.errors[0]).toMatchObject({ status: 'error', category: 'SUBSCRIPTION_ID_NOT_FOUND', context: { subscriptionIds: ['4567', '4568'] } });
      expect((await wh('GET', `/subscriptions/${a.id}`)).body.active).toBe(true);
    });

    test('none found is still 207', async () => {
      const res = await wh('POST', '/subscriptions/batch/update', { inputs: [{ id: 1, active: true }] });
      expect(res.status).toBe(207);
      expect(res.body.results).toEqual([]);
    });

    test.each([
      ['no inputs', {}],
      ['a string id', { inputs: [{ id: '12', active: true }] }],
      ['no active', { inputs: [{ id: 12 }] }],
      ['more than 100 inputs', { inputs: Array.from({ length: 101 }, (_, i) => ({ id: i + 1, active: true })) }],
    ])('%s is 400', async (_what, body) => {
      const res = await wh('POST', '/subscriptions/batch/update', body);
      expect(res.status).toBe(400);
      expect(res.body.category).toBe('VALIDATION_ERROR');
    });
  });

  describe('subscribers of an event (for deliveries)', () => {
    test('active subscriptions of installed apps with settings, matching type, property and object type', async () => {
      await putSettings();
      const email = await create('contact.propertyChange', { propertyName: 'email', active: true });
      await create('contact.propertyChange', { propertyName: 'phone', active: true });
      await create('contact.creation', { active: false });
      const custom = await create('object.creation', { objectTypeId: '2-5', active: true });
      const apps = emu.state.webhookApps;
      const ids = (event: Parameters<typeof apps.subscribersOf>[0]) => apps.subscribersOf(event).map((s) => String(s.subscription.id));
      expect(ids({ portalId: PORTAL_ID, eventType: 'contact.propertyChange', propertyName: 'email' })).toEqual([email.id]);
      expect(ids({ portalId: PORTAL_ID, eventType: 'contact.creation' })).toEqual([]);
      expect(ids({ portalId: PORTAL_ID, eventType: 'object.creation', objectTypeId: '2-5' })).toEqual([custom.id]);
      expect(ids({ portalId: PORTAL_ID, eventType: 'object.creation', objectTypeId: '2-6' })).toEqual([]);
      const subscriber = apps.subscribersOf({ portalId: PORTAL_ID, eventType: 'contact.propertyChange', propertyName: 'email' })[0]!;
      expect(subscriber.app.options.clientSecret).toBe(DEFAULT_WEBHOOK_APP.clientSecret);
    });

    test('an app receives only the events of portals that installed it', async () => {
      const otherKey = OTHER_APP.developerApiKeys[0]!;
      await wh('PUT', '/settings', { targetUrl: 'https://example.com/other', throttling: { maxConcurrentRequests: 10 } }, { appId: OTHER_APP.appId, key: otherKey });
      await wh('POST', '/subscriptions', { eventType: 'deal.creation', active: true }, { appId: OTHER_APP.appId, key: otherKey });
      const apps = emu.state.webhookApps;
      expect(apps.subscribersOf({ portalId: PORTAL_ID, eventType: 'deal.creation' })).toHaveLength(1);
      expect(apps.subscribersOf({ portalId: 999, eventType: 'deal.creation' })).toHaveLength(0);
    });
  });

  describe('the REST client', () => {
    let transport: Transport;
    beforeAll(() => {
      transport = new Transport({ baseUrl: emu.url, connections: 2, timeoutMs: 5_000 });
    });
    afterAll(() => transport.close());

    test('every webhooks method sends spec-valid requests with hapikey and no portal token', async () => {
      // A portal credential that would be refused: the webhooks calls must not need (or send) it.
      const hs = new HubSpotClient({ transport, credential: () => 'not-a-portal-token', developerApp: { appId: APP, developerApiKey: KEY } });
      const before = (await emu.api('GET', '/__emulator/requests')).body.lastSeq;
      await hs.webhooks.updateSettings({ targetUrl: 'https://example.com/hooks', throttling: { maxConcurrentRequests: 10 } });
      await hs.webhooks.settings();
      const sub = await hs.webhooks.createSubscription({ eventType: 'contact.propertyChange', propertyName: 'email', active: true });
      await hs.webhooks.subscriptions();
      await hs.webhooks.subscription(sub.id);
      await hs.webhooks.setActive(sub.id, false);
      const batch = await hs.webhooks.batchSetActive([{ id: Number(sub.id), active: true }, { id: 4567, active: true }]);
      expect(batch.errors?.[0]?.context?.subscriptionIds).toEqual(['4567']);
      await hs.webhooks.deleteSubscription(sub.id);
      await hs.webhooks.deleteSettings();
      const log = (await emu.api('GET', `/__emulator/requests?since=${before}`)).body.results as Array<{ method: string; path: string; query: string; status: number; requestBody?: unknown }>;
      expect(log).toHaveLength(9);
      for (const entry of log) {
        expect(entry.query).toBe(`hapikey=${KEY}`);
        expect(entry.status).toBeLessThan(300);
        expect(requestProblems(entry.method, entry.path, entry.requestBody)).toEqual([]);
      }
    });

    test('HubSpot refusals arrive as HubSpotError; an unconfigured client refuses to call', async () => {
      const wrong = new HubSpotClient({ transport, credential: () => TOKEN, developerApp: { appId: APP, developerApiKey: 'wrong-key-123' } });
      await expect(wrong.webhooks.subscriptions()).rejects.toMatchObject({ status: 401, category: 'INVALID_AUTHENTICATION' });
      const unknownApp = new HubSpotClient({ transport, credential: () => TOKEN, developerApp: { appId: 999, developerApiKey: KEY } });
      await expect(unknownApp.webhooks.settings()).rejects.toBeInstanceOf(HubSpotError);
      const none = new HubSpotClient({ transport, credential: () => TOKEN });
      expect(none.webhooks.app).toBeUndefined();
      expect(() => none.webhooks.subscriptions()).toThrow(/HUBSPOT_APP_ID/);
    });
  });
});
