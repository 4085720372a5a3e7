import { activityOf } from '../../src/emulator/accountActivity';
import { objectTypeOf } from '../../src/emulator/objectTypes';
import { HubSpotClient } from '../../src/hubspot/client';
import { Transport } from '../../src/hubspot/transport';
import { OTHER_PORTAL_TOKEN, PORTAL_ID, READ_ONLY_TOKEN, startEmulator, TOKEN, type TestEmulator } from '../helpers/emulator';
import { describeWithSpecs } from '../helpers/openapi';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const AUDIT = '/account-info/v3/activity/audit-logs';
const LOGIN = '/account-info/v3/activity/login';
const SECURITY = '/account-info/v3/activity/security';

const times = (results: Json[], field: string) => results.map((r) => Date.parse(r[field]));
const isSorted = (xs: number[], dir: 'asc' | 'desc') => xs.every((x, i) => i === 0 || (dir === 'asc' ? xs[i - 1]! <= x : xs[i - 1]! >= x));

// Account activity (account-info-v3.json): audit logs, login and security activity — shapes, filters, paging,
// errors and scopes, every answer checked against the spec.
describeWithSpecs('account activity contract', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu.close());
  beforeEach(() => emu.api('POST', '/__emulator/reset'));

  /** Every entry of a list, page by page, checking each page against the spec. */
  async function readAll(path: string, pageSize: number): Promise<{ results: Json[]; pages: number }> {
    const results: Json[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const res = await emu.checked('GET', `${path}${sep}limit=${pageSize}${after ? `&after=${after}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.results.length).toBeLessThanOrEqual(pageSize);
      results.push(...res.body.results);
      after = res.body.paging?.next?.after;
      if (after) expect(res.body.paging.next.link).toContain(`after=${after}`);
      pages++;
    } while (after);
    return { results, pages };
  }

  const userIds = () => emu.state.portal(PORTAL_ID).owners.map((o) => o.userId);

  describe('audit logs', () => {
    test('answer per the spec, newest first: the CRM trail of the portal users and pipeline edits', async () => {
      const res = await emu.checked('GET', `${AUDIT}?limit=200`);
      expect(res.status).toBe(200);
      const results: Json[] = res.body.results;
      expect(results.length).toBeGreaterThan(5);
      expect(res.body.paging).toBeUndefined();
      expect(isSorted(times(results, 'occurredAt'), 'desc')).toBe(true);
      const owners = emu.state.portal(PORTAL_ID).owners;
      for (const e of results) {
        expect(Object.keys(e).sort()).toEqual(['actingUser', 'action', 'category', 'id', 'occurredAt', 'subCategory', 'targetObjectId']);
        const owner = owners.find((o) => o.userId === e.actingUser.userId);
        expect(e.actingUser.userEmail).toBe(owner?.email);
        expect(['CRM_OBJECT', 'PROPERTY_VALUE', 'PIPELINE']).toContain(e.category);
        if (e.category !== 'PIPELINE') {
          // The target is a real record of the sub-category's type.
          const type = objectTypeOf(e.subCategory.toLowerCase())!;
          expect(emu.state.portal(PORTAL_ID).recordsOf(type).has(e.targetObjectId)).toBe(true);
        }
      }
      expect(new Set(results.map((e) => e.id)).size).toBe(results.length);
      expect(results.some((e) => e.category === 'CRM_OBJECT' && e.action === 'CREATE')).toBe(true);
      expect(results.some((e) => e.category === 'PROPERTY_VALUE' && e.action === 'UPDATE')).toBe(true);
    });

    test('page with limit and after to the end, each entry once and in order', async () => {
      const all = (await emu.checked('GET', `${AUDIT}?limit=200`)).body.results as Json[];
      const paged = await readAll(AUDIT, 4);
      expect(paged.pages).toBe(Math.ceil(all.length / 4));
      expect(paged.results.map((e) => e.id)).toEqual(all.map((e) => e.id));
    });

    test('a page stays where it was while new activity is recorded', async () => {
      const first = await emu.checked('GET', `${AUDIT}?limit=3`);
      await emu.api('POST', '/crm/v3/objects/contacts', { properties: { email: 'paging@example.com' } });
      const second = await emu.checked('GET', `${AUDIT}?limit=3&after=${first.body.paging.next.after}`);
      const all = (await emu.checked('GET', `${AUDIT}?limit=200`)).body.results as Json[];
      // The new entry is the newest; the second page still starts after the first page's last entry.
      expect(all[0]).toMatchObject({ category: 'CRM_OBJECT', action: 'CREATE', actingUser: { userId: 0 } });
      expect(all.slice(1, 4).map((e) => e.id)).toEqual(first.body.results.map((e: Json) => e.id));
      expect(second.body.results.map((e: Json) => e.id)).toEqual(all.slice(4, 7).map((e) => e.id));
    });

    test('filter by acting users, repeated or comma-separated', async () => {
      const [a, b] = userIds();
      const repeated = await emu.checked('GET', `${AUDIT}?limit=200&actingUserId=${a}&actingUserId=${b}`);
      const comma = await emu.checked('GET', `${AUDIT}?limit=200&actingUserId=${a},${b}`);
      expect(repeated.body.results.length).toBeGreaterThan(0);
      expect(repeated.body.results.every((e: Json) => [a, b].includes(e.actingUser.userId))).toBe(true);
      expect(comma.body.results).toEqual(repeated.body.results);
      const all = (await emu.checked('GET', `${AUDIT}?limit=200`)).body.results as Json[];
      expect(repeated.body.results.length).toBe(all.filter((e) => [a, b].includes(e.actingUser.userId)).length);
      expect((await emu.checked('GET', `${AUDIT}?actingUserId=999`)).body.results).toEqual([]);
    });

    test('filter by a time range, bounds inclusive, in any time zone', async () => {
      const all = (await emu.checked('GET', `${AUDIT}?limit=200`)).body.results as Json[];
      const [newest, oldest] = [all[2]!.occurredAt as string, all[all.length - 3]!.occurredAt as string];
      const res = await emu.checked('GET', `${AUDIT}?limit=200&occurredAfter=${oldest}&occurredBefore=${newest}`);
      const expected = all.filter((e) => Date.parse(e.occurredAt) >= Date.parse(oldest) && Date.parse(e.occurredAt) <= Date.parse(newest));
      expect(res.body.results.map((e: Json) => e.id)).toEqual(expected.map((e) => e.id));
      expect(res.body.results[0].occurredAt).toBe(newest);
      // The same instant with an offset.
      const shifted = new Date(Date.parse(newest) + 2 * 3600_000).toISOString().replace('Z', '+02:00');
      const offset = await emu.checked('GET', `${AUDIT}?limit=200&occurredBefore=${encodeURIComponent(shifted)}&occurredAfter=${oldest}`);
      expect(offset.body.results.map((e: Json) => e.id)).toEqual(expected.map((e) => e.id));
      // An empty range is no error.
      expect((await emu.checked('GET', `${AUDIT}?occurredAfter=${newest}&occurredBefore=${oldest}`)).body.results).toEqual([]);
    });

    test('sort=occurredAt is oldest first; -occurredAt is the default order', async () => {
      const desc = (await emu.checked('GET', `${AUDIT}?limit=200`)).body.results as Json[];
      const asc = await readAll(`${AUDIT}?sort=occurredAt`, 5);
      expect(asc.results.map((e) => e.id)).toEqual([...desc].reverse().map((e) => e.id));
      expect((await emu.checked('GET', `${AUDIT}?limit=200&sort=-occurredAt`)).body.results).toEqual(desc);
    });

    test('bad parameters are 400 VALIDATION_ERROR bodies', async () => {
      for (const query of [
        'actingUserId=abc', 'actingUserId=1.5', 'actingUserId=99999999999', 'occurredAfter=yesterday', 'occurredBefore=2024-01-01',
        'occurredAfter=1700000000000', 'occurredAfter=2024-01-01T10:00:00', 'limit=0', 'limit=-3', 'limit=ten', 'after=garbage',
        'after=MTIz', 'sort=name', 'sort=occurredAt&sort=-occurredAt',
      ]) {
        const res = await emu.checked('GET', `${AUDIT}?${query}`);
        expect([query, res.status]).toEqual([query, 400]);
        expect(res.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
      }
      const bad = await emu.checked('GET', `${AUDIT}?occurredAfter=yesterday`);
      expect(bad.body.errors[0]).toMatchObject({ in: 'occurredAfter' });
    });

    test('a limit above one page is served 200 per page', async () => {
      const book = activityOf(emu.state.portal(PORTAL_ID));
      for (let i = 0; i < 250; i++) book.auditLogs.push({ ...book.auditLogs[0]!, seq: 10_000 + i, id: `extra${i}` });
      const res = await emu.checked('GET', `${AUDIT}?limit=1000`);
      expect(res.body.results).toHaveLength(200);
      expect(res.body.paging.next.after).toEqual(expect.any(String));
    });
  });

  describe('API writes land in the audit log', () => {
    const apiEntries = async () => (await emu.checked('GET', `${AUDIT}?limit=200&actingUserId=0&sort=occurredAt`)).body.results as Json[];

    test('create, update and archive of one record, acted by the API (user 0)', async () => {
      expect(await apiEntries()).toEqual([]);
      const created = await emu.api('POST', '/crm/v3/objects/contacts', { properties: { email: 'audit@example.com' } });
      await emu.api('PATCH', `/crm/v3/objects/contacts/audit@example.com?idProperty=email`, { properties: { firstname: 'Ada' } });
      await emu.api('DELETE', `/crm/v3/objects/contacts/${created.body.id}`);
      const entries = await apiEntries();
      expect(entries.map((e) => [e.category, e.subCategory, e.action, e.targetObjectId])).toEqual([
        ['CRM_OBJECT', 'CONTACT', 'CREATE', created.body.id],
        ['CRM_OBJECT', 'CONTACT', 'UPDATE', created.body.id],
        ['CRM_OBJECT', 'CONTACT', 'DELETE', created.body.id],
      ]);
      expect(entries[0]!.actingUser).toEqual({ userId: 0 });
      expect(Date.now() - Date.parse(entries[0]!.occurredAt)).toBeLessThan(60_000);
    });

    test('batches: one entry per record written; failed inputs and missing ids leave none', async () => {
      const created = await emu.api('POST', '/crm/v3/objects/deals/batch/create', { inputs: ['A', 'B'].map((dealname) => ({ properties: { dealname, pipeline: 'default', dealstage: 'appointmentscheduled' } })) });
      const ids = created.body.results.map((r: Json) => r.id);
      await emu.api('POST', '/crm/v3/objects/deals/batch/update', { inputs: [{ id: ids[0], properties: { dealname: 'A2' } }, { id: '99999999', properties: { dealname: 'X' } }] });
      await emu.api('POST', '/crm/v3/objects/contacts/batch/upsert', { inputs: [{ id: 'up@example.com', idProperty: 'email', properties: { firstname: 'Up' } }] });
      await emu.api('POST', '/crm/v3/objects/deals/batch/archive', { inputs: [{ id: ids[1] }, { id: '99999999' }] });
      await emu.api('POST', '/crm/v3/objects/contacts', { properties: { no_such_property_xyz: '1' } });
      const entries = (await apiEntries()).map((e) => [e.subCategory, e.action, e.targetObjectId]);
      expect(entries).toEqual([
        ['DEAL', 'CREATE', ids[0]],
        ['DEAL', 'CREATE', ids[1]],
        ['DEAL', 'UPDATE', ids[0]],
        ['CONTACT', 'CREATE', expect.any(String)],
        ['DEAL', 'DELETE', ids[1]],
      ]);
    });

    test('writes to a custom object are audited too, under the object name', async () => {
      const schema = await emu.api('POST', '/crm-object-schemas/v3/schemas', {
        name: 'widgets', labels: { singular: 'Widget', plural: 'Widgets' }, primaryDisplayProperty: 'code', requiredProperties: ['code'],
        properties: [{ name: 'code', label: 'Code', type: 'string', fieldType: 'text' }], associatedObjects: ['CONTACT'],
      });
      expect(schema.status).toBe(201);
      const created = await emu.api('POST', `/crm/v3/objects/${schema.body.objectTypeId}`, { properties: { code: 'W-1' } });
      expect(created.status).toBe(201);
      const entries = (await apiEntries()).map((e) => [e.category, e.subCategory, e.action, e.targetObjectId]);
      expect(entries).toEqual([['CRM_OBJECT', 'WIDGETS', 'CREATE', created.body.id]]);
    });

    test('a path segment that is not valid percent-encoding is a 4xx, not a crash of the audit', async () => {
      for (const [method, path] of [['GET', '/crm/v3/objects/%E0'], ['DELETE', '/crm/v3/objects/%E0'], ['DELETE', '/crm/v3/objects/contacts/%E0'], ['PATCH', '/crm/v3/objects/contacts/%E0']] as const) {
        const res = await emu.api(method, path, method === 'PATCH' ? { properties: {} } : undefined);
        expect({ path, status: res.status }).toEqual({ path, status: expect.any(Number) });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
      }
      expect(await apiEntries()).toEqual([]);
    });

    test('reads and searches leave no entry', async () => {
      await emu.api('GET', '/crm/v3/objects/contacts?limit=5');
      await emu.api('POST', '/crm/v3/objects/contacts/search', { limit: 1 });
      await emu.api('POST', '/crm/v3/objects/contacts/batch/read', { inputs: [{ id: '1' }] });
      expect(await apiEntries()).toEqual([]);
    });
  });

  describe('login activity', () => {
    test('answers per the spec, newest first, for the portal users, over 90 days', async () => {
      const { results } = await readAll(LOGIN, 200);
      expect(results.length).toBeGreaterThan(userIds().length * 5);
      expect(isSorted(times(results, 'loginAt'), 'desc')).toBe(true);
      const owners = emu.state.portal(PORTAL_ID).owners;
      for (const e of results) {
        expect(e).toEqual({
          id: expect.stringMatching(/^\d+$/),
          loginAt: expect.any(String),
          loginSucceeded: expect.any(Boolean),
          userId: expect.any(Number),
          email: owners.find((o) => o.userId === e.userId)!.email,
          ipAddress: expect.stringMatching(/^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d+$/),
          userAgent: expect.stringContaining('Mozilla/5.0'),
          location: expect.stringMatching(/^[^,]+, .+$/),
          countryCode: expect.stringMatching(/^[a-z]{2}$/),
          regionCode: expect.stringMatching(/^[a-z]+$/),
        });
      }
      const span = Math.max(...times(results, 'loginAt')) - Math.min(...times(results, 'loginAt'));
      expect(span).toBeLessThanOrEqual(90 * 86_400_000);
      expect(results.some((e) => !e.loginSucceeded)).toBe(true);
    });

    test('filters by user and pages with after', async () => {
      const [userId] = userIds();
      const all = await readAll(`${LOGIN}?userId=${userId}`, 3);
      expect(all.pages).toBeGreaterThan(1);
      expect(all.results.every((e) => e.userId === userId)).toBe(true);
      const whole = (await emu.checked('GET', `${LOGIN}?limit=200`)).body.results as Json[];
      expect(all.results.map((e) => e.id)).toEqual(whole.filter((e) => e.userId === userId).map((e) => e.id));
      expect((await emu.checked('GET', `${LOGIN}?userId=1`)).body.results).toEqual([]);
    });

    test('limit is 1 to 200; bad userId and cursors are 400', async () => {
      expect((await emu.checked('GET', `${LOGIN}?limit=200`)).status).toBe(200);
      for (const query of ['limit=201', 'limit=0', 'limit=x', 'userId=abc', 'userId=1e3', 'after=nope']) {
        const res = await emu.checked('GET', `${LOGIN}?${query}`);
        expect([query, res.status, res.body.category]).toEqual([query, 400, 'VALIDATION_ERROR']);
      }
    });
  });

  describe('security activity', () => {
    test('answers per the spec, newest first, with the user, origin and page of each action', async () => {
      const { results } = await readAll(SECURITY, 200);
      expect(results.length).toBeGreaterThan(userIds().length);
      expect(isSorted(times(results, 'createdAt'), 'desc')).toBe(true);
      const owners = emu.state.portal(PORTAL_ID).owners;
      for (const e of results) {
        expect(e.type).toMatch(/^[A-Z_]+$/);
        expect(e.actingUser).toBe(owners.find((o) => o.userId === e.userId)!.email);
        expect(e.infoUrl).toContain(`app.hubspot.com/`);
        expect(e.infoUrl).toContain(String(PORTAL_ID));
        expect(e.objectId).toMatch(/^\d+$/);
      }
    });

    test('filters by user and by fromTimestamp / toTimestamp (epoch ms, inclusive), and pages', async () => {
      const all = (await emu.checked('GET', `${SECURITY}?limit=200`)).body.results as Json[];
      const from = Date.parse(all[all.length - 2]!.createdAt);
      const to = Date.parse(all[1]!.createdAt);
      const res = await readAll(`${SECURITY}?fromTimestamp=${from}&toTimestamp=${to}`, 2);
      expect(res.results.map((e) => e.id)).toEqual(all.slice(1, -1).map((e) => e.id));
      const userId = all[0]!.userId;
      const mine = (await emu.checked('GET', `${SECURITY}?userId=${userId}`)).body.results as Json[];
      expect(mine.map((e) => e.id)).toEqual(all.filter((e) => e.userId === userId).map((e) => e.id));
    });

    test('bad parameters are 400', async () => {
      for (const query of ['limit=201', 'limit=0', 'userId=me', 'fromTimestamp=2024-01-01', 'toTimestamp=1.5', 'after=%%%']) {
        const res = await emu.checked('GET', `${SECURITY}?${query}`);
        expect([query, res.status, res.body.category]).toEqual([query, 400, 'VALIDATION_ERROR']);
      }
    });
  });

  test('every activity route needs account-info.security.read', async () => {
    for (const path of [AUDIT, LOGIN, SECURITY]) {
      const res = await emu.checked('GET', path, undefined, { token: READ_ONLY_TOKEN });
      expect(res.status).toBe(403);
      expect(res.body.category).toBe('MISSING_SCOPES');
      expect(res.body.errors[0].context.requiredGranularScopes).toEqual(['account-info.security.read']);
    }
  });

  test('seeded activity is deterministic per portal and differs between portals', async () => {
    const before = await Promise.all([AUDIT, LOGIN, SECURITY].map((p) => emu.checked('GET', `${p}?limit=200`)));
    await emu.api('POST', '/__emulator/reset');
    const after = await Promise.all([AUDIT, LOGIN, SECURITY].map((p) => emu.checked('GET', `${p}?limit=200`)));
    expect(after.map((r) => r.body)).toEqual(before.map((r) => r.body));
    const other = await emu.checked('GET', `${LOGIN}?limit=200`, undefined, { token: OTHER_PORTAL_TOKEN });
    expect(other.body.results.map((e: Json) => e.id)).not.toEqual(before[1]!.body.results.map((e: Json) => e.id));
  });

  test('the REST client sends what the spec declares and reads the answers', async () => {
    const transport = new Transport({ baseUrl: emu.url, connections: 2, timeoutMs: 5_000 });
    const hs = new HubSpotClient({ transport, credential: () => TOKEN });
    try {
      const since = (await emu.api('GET', '/__emulator/requests')).body.lastSeq;
      const [a, b] = userIds();
      const audit = await hs.account.auditLogs({ actingUserId: [a!, b!], occurredAfter: '2025-01-01T00:00:00.000Z', occurredBefore: '2025-12-31T00:00:00.000Z', sort: ['occurredAt'], limit: 5 });
      expect(audit.results.length).toBeGreaterThan(0);
      const next = await hs.account.auditLogs({ actingUserId: [a!, b!], sort: ['occurredAt'], limit: 5, after: audit.paging!.next!.after });
      expect(next.results[0]!.id).not.toBe(audit.results[0]!.id);
      const logins = await hs.account.loginActivity({ userId: a!, limit: 2 });
      expect(logins.results.every((e) => e.userId === a)).toBe(true);
      const security = await hs.account.securityActivity({ fromTimestamp: 0, limit: 200 });
      expect(security.results.length).toBeGreaterThan(0);
      const log = (await emu.api('GET', `/__emulator/requests?since=${since}`)).body.results as Json[];
      expect(log.map((e) => [e.path, e.status])).toEqual([
        [AUDIT, 200],
        [AUDIT, 200],
        [LOGIN, 200],
        [SECURITY, 200],
      ]);
      expect(new URLSearchParams(log[0]!.query).get('actingUserId')).toBe(`${a},${b}`);
      expect(new URLSearchParams(log[0]!.query).get('sort')).toBe('occurredAt');
      expect(new URLSearchParams(log[3]!.query).get('fromTimestamp')).toBe('0');
    } finally {
      await transport.close();
    }
  });
});
