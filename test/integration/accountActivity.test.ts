import { activityOf, type SecurityEntry } from '../../src/emulator/accountActivity';
import { PORTAL_ID, READ_ONLY_TOKEN } from '../helpers/emulator';
import { startGateway, type TestGateway } from '../helpers/gateway';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const AUDIT = '/account-info/v3/activity/audit-logs';
const LOGIN = '/account-info/v3/activity/login';
const SECURITY = '/account-info/v3/activity/security';

const AUDIT_FIELDS = 'id category subCategory action targetObjectId occurredAt actingUser { userId email owner { id firstName lastName userId } }';
const LOGIN_FIELDS = 'id loginAt loginSucceeded user { userId email owner { id email } } userAgent ipAddress location countryCode regionCode';
const SECURITY_FIELDS = 'id type createdAt actingUser { userId email owner { id } } objectId infoUrl ipAddress location countryCode regionCode';

describe('account activity over GraphQL', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());
  beforeEach(() => gw.emulator.api('POST', '/__emulator/reset'));

  /** The emulator's own answer, read directly: what the gateway must show. */
  const upstream = async (path: string): Promise<Json[]> => (await gw.emulator.api('GET', `${path}${path.includes('?') ? '&' : '?'}limit=200`)).body.results;

  async function ok(query: string, variables?: Record<string, unknown>): Promise<Json> {
    const res = await gw.query(query, variables);
    expect(res.body.errors).toBeUndefined();
    expect(res.status).toBe(200);
    return res.body.data;
  }

  /** Pages a connection field of `account` to the end with `first`, returning its nodes and the page count. */
  async function pageAll(field: string, args: string, first: number, fields = 'id'): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const data: Json = await ok(`query($after: String) { account { ${field}(first: ${first}, after: $after ${args}) { edges { cursor node { ${fields} } } nodes { id } pageInfo { hasNextPage endCursor } } } }`, { after });
      const conn = data.account[field];
      expect(conn.nodes.length).toBeLessThanOrEqual(first);
      expect(conn.edges.map((e: Json) => e.node.id)).toEqual(conn.nodes.map((n: Json) => n.id));
      ids.push(...conn.nodes.map((n: Json) => n.id));
      pages++;
      if (!conn.pageInfo.hasNextPage) break;
      expect(conn.pageInfo.endCursor).toBe(conn.edges.at(-1).cursor);
      after = conn.pageInfo.endCursor;
    }
    return { ids, pages };
  }

  const activityCalls = (from: number) => gw.calls.slice(from).filter((c) => c.call.operation.startsWith('/account-info/v3/activity/'));

  describe('auditLogs', () => {
    test('every field, from HubSpot, newest first, with the acting user linked to their owner', async () => {
      const expected = await upstream(AUDIT);
      const before = gw.calls.length;
      const data = await ok(`{ account { portalId auditLogs { nodes { ${AUDIT_FIELDS} } pageInfo { hasNextPage endCursor } } } }`);
      const nodes: Json[] = data.account.auditLogs.nodes;
      expect(nodes).toHaveLength(20);
      expect(data.account.auditLogs.pageInfo.hasNextPage).toBe(true);
      const owners = gw.emulator.state.portal(PORTAL_ID).owners;
      nodes.forEach((node, i) => {
        const e = expected[i]!;
        const owner = owners.find((o) => o.userId === e.actingUser.userId)!;
        expect(node).toEqual({
          id: e.id,
          category: e.category,
          subCategory: e.subCategory,
          action: e.action,
          targetObjectId: e.targetObjectId,
          occurredAt: e.occurredAt,
          actingUser: { userId: e.actingUser.userId, email: e.actingUser.userEmail, owner: { id: owner.id, firstName: owner.firstName, lastName: owner.lastName, userId: owner.userId } },
        });
      });
      // One audit-log call, one for the account and one for the (cached) owners, however many users are named.
      expect(gw.calls.slice(before).map((c) => c.call.operation).sort()).toEqual(['/account-info/v3/activity/audit-logs', '/account-info/v3/details', '/crm/v3/owners']);
    });

    test('filters by acting users and a time range, and sorts oldest first', async () => {
      const all = await upstream(AUDIT);
      const users = [...new Set(all.map((e) => e.actingUser.userId))].slice(0, 2) as number[];
      const [occurredBefore, occurredAfter] = [all[3]!.occurredAt, all[all.length - 4]!.occurredAt];
      const data = await ok(
        `query($users: [Int!], $a: DateTime, $b: DateTime) { account {
           newest: auditLogs(first: 200, actingUserIds: $users, occurredAfter: $a, occurredBefore: $b) { nodes { id actingUser { userId } occurredAt } }
           oldest: auditLogs(first: 200, actingUserIds: $users, occurredAfter: $a, occurredBefore: $b, sort: OLDEST_FIRST) { nodes { id } }
           explicit: auditLogs(first: 200, sort: NEWEST_FIRST) { nodes { id } }
        } }`,
        { users, a: occurredAfter, b: occurredBefore },
      );
      const expected = all.filter((e) => users.includes(e.actingUser.userId) && e.occurredAt >= occurredAfter && e.occurredAt <= occurredBefore).map((e) => e.id);
      expect(expected.length).toBeGreaterThan(0);
      expect(data.account.newest.nodes.map((n: Json) => n.id)).toEqual(expected);
      expect(data.account.oldest.nodes.map((n: Json) => n.id)).toEqual([...expected].reverse());
      expect(data.account.explicit.nodes.map((n: Json) => n.id)).toEqual(all.map((e) => e.id));
      const sent = gw.calls.filter((c) => c.call.operation === AUDIT).at(-2)!.call.query!;
      expect(sent).toMatchObject({ actingUserId: users.map(String), occurredAfter, occurredBefore, sort: ['occurredAt'], limit: 200 });
    });

    test('pages to the end with opaque cursors; any edge cursor resumes right after its node', async () => {
      const all = (await upstream(AUDIT)).map((e) => e.id);
      const paged = await pageAll('auditLogs', '', 6);
      expect(paged.ids).toEqual(all);
      expect(paged.pages).toBe(Math.ceil(all.length / 6));
      const page = await ok('{ account { auditLogs(first: 5) { edges { cursor } } } }');
      const third = page.account.auditLogs.edges[2].cursor;
      expect(() => JSON.parse(third)).toThrow();
      const resumed = await ok('query($c: String) { account { auditLogs(first: 4, after: $c) { nodes { id } } } }', { c: third });
      expect(resumed.account.auditLogs.nodes.map((n: Json) => n.id)).toEqual(all.slice(3, 7));
    });

    test('a record written through the gateway shows in the audit log, acted by the API', async () => {
      const created = await ok('mutation { contactCreate(input: { properties: { email: "audited@example.com" } }) { contact { hs_object_id } userErrors { message } } }');
      const id = created.contactCreate.contact.hs_object_id;
      const data = await ok(`{ account { auditLogs(first: 5, actingUserIds: [0]) { nodes { ${AUDIT_FIELDS} } } } }`);
      expect(data.account.auditLogs.nodes).toEqual([
        { id: expect.any(String), category: 'CRM_OBJECT', subCategory: 'CONTACT', action: 'CREATE', targetObjectId: id, occurredAt: expect.any(String), actingUser: { userId: 0, email: null, owner: null } },
      ]);
    });
  });

  describe('loginActivity', () => {
    test('every field, newest first, the user linked to their owner', async () => {
      const expected = await upstream(LOGIN);
      const data = await ok(`{ account { loginActivity(first: 30) { nodes { ${LOGIN_FIELDS} } } } }`);
      const owners = gw.emulator.state.portal(PORTAL_ID).owners;
      data.account.loginActivity.nodes.forEach((node: Json, i: number) => {
        const e = expected[i]!;
        expect(node).toEqual({
          id: e.id,
          loginAt: e.loginAt,
          loginSucceeded: e.loginSucceeded,
          user: { userId: e.userId, email: e.email, owner: { id: owners.find((o) => o.userId === e.userId)!.id, email: e.email } },
          userAgent: e.userAgent,
          ipAddress: e.ipAddress,
          location: e.location,
          countryCode: e.countryCode,
          regionCode: e.regionCode,
        });
      });
      expect(data.account.loginActivity.nodes).toHaveLength(30);
    });

    test("one user's logins, paged", async () => {
      const userId = (await upstream(LOGIN))[0]!.userId as number;
      const expected = (await upstream(`${LOGIN}?userId=${userId}`)).map((e) => e.id);
      const paged = await pageAll('loginActivity', `, userId: ${userId}`, 4, 'id user { userId }');
      expect(paged.ids).toEqual(expected);
      expect(paged.pages).toBe(Math.ceil(expected.length / 4));
      expect(gw.calls.filter((c) => c.call.operation === LOGIN).at(-1)!.call.query).toMatchObject({ userId, limit: 4 });
    });
  });

  describe('securityActivity', () => {
    test('every field, newest first', async () => {
      const expected = await upstream(SECURITY);
      const data = await ok(`{ account { securityActivity(first: 200) { nodes { ${SECURITY_FIELDS} } pageInfo { hasNextPage } } } }`);
      const owners = gw.emulator.state.portal(PORTAL_ID).owners;
      expect(data.account.securityActivity.nodes).toEqual(
        expected.map((e) => ({
          id: e.id,
          type: e.type,
          createdAt: e.createdAt,
          actingUser: { userId: e.userId, email: e.actingUser, owner: { id: owners.find((o) => o.userId === e.userId)!.id } },
          objectId: e.objectId,
          infoUrl: e.infoUrl,
          ipAddress: e.ipAddress,
          location: e.location,
          countryCode: e.countryCode,
          regionCode: e.regionCode,
        })),
      );
      expect(data.account.securityActivity.pageInfo.hasNextPage).toBe(false);
    });

    test('from goes to HubSpot as fromTimestamp; to is applied by the gateway; userId filters; pages', async () => {
      const all = await upstream(SECURITY);
      const from = all[all.length - 2]!.createdAt as string;
      const to = all[1]!.createdAt as string;
      const before = gw.calls.length;
      const paged = await pageAll('securityActivity', `, from: "${from}", to: "${to}"`, 3);
      expect(paged.ids).toEqual(all.slice(1, -1).map((e) => e.id));
      const sent = activityCalls(before).map((c) => c.call.query!);
      expect(sent.every((q) => q.fromTimestamp === Date.parse(from) && !('toTimestamp' in q))).toBe(true);
      const userId = all[0]!.userId as number;
      const mine = await ok(`{ account { securityActivity(first: 50, userId: ${userId}) { nodes { id actingUser { userId } } } } }`);
      expect(mine.account.securityActivity.nodes.map((n: Json) => n.id)).toEqual(all.filter((e) => e.userId === userId).map((e) => e.id));
    });

    describe('with more activity than one HubSpot page after `to`', () => {
      /** Adds `count` events newer than every seeded one, as if the account had been busy since. */
      function addRecentActivity(count: number): void {
        const book = activityOf(gw.emulator.state.portal(PORTAL_ID));
        const template = book.security[0]!;
        const newest = Math.max(...book.security.map((e) => e.at));
        for (let i = 0; i < count; i++) {
          const entry: SecurityEntry = { ...template, seq: 100_000 + i, id: String(90_000_000 + i), at: newest + 60_000 * (i + 1), type: 'PERSONAL_ACCESS_KEY_VIEW' };
          book.security.push(entry);
        }
      }

      test('reads on, 200 at a time, to fill the page', async () => {
        const seeded = await upstream(SECURITY);
        addRecentActivity(450);
        const before = gw.calls.length;
        const data = await ok('query($to: DateTime) { account { securityActivity(first: 5, to: $to) { nodes { id } pageInfo { hasNextPage endCursor } } } }', { to: seeded[0]!.createdAt });
        expect(data.account.securityActivity.nodes.map((n: Json) => n.id)).toEqual(seeded.slice(0, 5).map((e) => e.id));
        expect(data.account.securityActivity.pageInfo.hasNextPage).toBe(true);
        expect(activityCalls(before).map((c) => c.call.query!.limit)).toEqual([200, 200, 200]);
        const next = await ok('query($to: DateTime, $c: String) { account { securityActivity(first: 5, to: $to, after: $c) { nodes { id } } } }', {
          to: seeded[0]!.createdAt,
          c: data.account.securityActivity.pageInfo.endCursor,
        });
        expect(next.account.securityActivity.nodes.map((n: Json) => n.id)).toEqual(seeded.slice(5, 10).map((e) => e.id));
      });

      test('stops after 5 HubSpot pages with a short page and a cursor to go on from', async () => {
        const seeded = await upstream(SECURITY);
        addRecentActivity(1100);
        const before = gw.calls.length;
        const q = 'query($to: DateTime, $c: String) { account { securityActivity(first: 5, to: $to, after: $c) { nodes { id } pageInfo { hasNextPage endCursor } } } }';
        const first = await ok(q, { to: seeded[0]!.createdAt });
        expect(first.account.securityActivity.nodes).toEqual([]);
        expect(first.account.securityActivity.pageInfo.hasNextPage).toBe(true);
        expect(activityCalls(before)).toHaveLength(5);
        const second = await ok(q, { to: seeded[0]!.createdAt, c: first.account.securityActivity.pageInfo.endCursor });
        expect(second.account.securityActivity.nodes.map((n: Json) => n.id)).toEqual(seeded.slice(0, 5).map((e) => e.id));
      });
    });
  });

  test('bad arguments are BAD_USER_INPUT naming the argument, before any HubSpot call', async () => {
    const cases: Array<[string, string]> = [
      ['auditLogs(first: 0)', 'first'],
      ['auditLogs(first: 201)', 'first'],
      ['auditLogs(actingUserIds: [-5])', 'actingUserIds'],
      ['auditLogs(occurredAfter: "2025-06-01T00:00:00Z", occurredBefore: "2025-05-01T00:00:00Z")', 'occurredBefore'],
      ['loginActivity(first: 500)', 'first'],
      ['loginActivity(userId: -1)', 'userId'],
      ['securityActivity(from: "2025-06-02T00:00:00Z", to: "2025-06-01T23:59:59Z")', 'to'],
      ['securityActivity(first: -1)', 'first'],
    ];
    for (const [field, argument] of cases) {
      const before = gw.calls.length;
      const res = await gw.query(`{ account { portalId ${field} { nodes { id } } } }`);
      expect([field, res.body.errors?.[0]?.extensions]).toEqual([field, { code: 'BAD_USER_INPUT', field: argument }]);
      // The rest of the account still answers; the bad field is null.
      expect(res.body.data.account.portalId).toBe(String(PORTAL_ID));
      expect(activityCalls(before)).toEqual([]);
    }
    for (const [query, variables, code] of [
      ['{ account { loginActivity(after: "not-a-cursor") { nodes { id } } } }', {}, 'BAD_USER_INPUT'],
      ['query($a: DateTime) { account { auditLogs(occurredAfter: $a) { nodes { id } } } }', { a: 'last tuesday' }, 'BAD_USER_INPUT'],
      ['{ account { securityActivity(from: "last tuesday") { nodes { id } } } }', {}, 'GRAPHQL_VALIDATION_FAILED'],
      ['{ account { auditLogs(sort: SIDEWAYS) { nodes { id } } } }', {}, 'GRAPHQL_VALIDATION_FAILED'],
    ] as const) {
      const res = await gw.query(query, variables);
      expect([query, res.body.errors?.[0]?.extensions?.code]).toEqual([query, code]);
    }
  });

  test('a token without account-info.security.read gets FORBIDDEN on each activity field, the rest answers', async () => {
    const limited = await startGateway({ token: READ_ONLY_TOKEN });
    try {
      const res = await limited.query('{ account { portalId auditLogs { nodes { id } } loginActivity { nodes { id } } securityActivity { nodes { id } } } }');
      expect(res.status).toBe(200);
      expect(res.body.data.account).toEqual({ portalId: String(PORTAL_ID), auditLogs: null, loginActivity: null, securityActivity: null });
      expect(res.body.errors.map((e: Json) => [e.path.join('.'), e.extensions.code, e.extensions.hubspot.status, e.extensions.hubspot.category]).sort()).toEqual([
        ['account.auditLogs', 'FORBIDDEN', 403, 'MISSING_SCOPES'],
        ['account.loginActivity', 'FORBIDDEN', 403, 'MISSING_SCOPES'],
        ['account.securityActivity', 'FORBIDDEN', 403, 'MISSING_SCOPES'],
      ]);
    } finally {
      await limited.close();
    }
  });
});
