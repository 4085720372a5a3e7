import { CRM_TYPES } from '../../src/crm/registry';
import { encodeCursor } from '../../src/graphql/ids';
import { searchFieldOf } from '../../resolvers/search';
import { startGateway, type TestGateway } from '../helpers/gateway';
import { requestProblems } from '../helpers/openapi';

// Search through the gateway over real HTTP against the emulator. Records are made here with a run-unique
// marker and every search filters on it, so the seed data never changes the answers.
describe('search root fields', () => {
  let gw: TestGateway;
  const M = `srch${Date.now().toString(36)}`;
  const ids: Record<string, string> = {};

  async function create(type: string, name: string, properties: Record<string, string>, associations: unknown[] = []): Promise<string> {
    const res = await gw.emulator.api('POST', `/crm/v3/objects/${type}`, { properties, associations });
    if (res.status !== 201) throw new Error(`create ${type} ${name} failed: ${res.status} ${res.text}`);
    ids[name] = res.body.id;
    return res.body.id;
  }
  const toCompany = (id: string) => ({ to: { id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 341 }] });

  beforeAll(async () => {
    gw = await startGateway();
    const acme = await create('companies', 'acme', { name: `Acme ${M}` });
    const beta = await create('companies', 'beta', { name: `Beta ${M}` });
    const deal = { description: M, dealstage: 'appointmentscheduled' };
    await create('deals', 'small', { ...deal, dealname: 'Small widget', amount: '5' }, [toCompany(acme)]);
    await create('deals', 'medium', { ...deal, dealname: 'Medium widget', amount: '50' }, [toCompany(acme), toCompany(beta)]);
    await create('deals', 'large', { ...deal, dealname: 'Large gadget', amount: '500' }, [toCompany(beta)]);
    await create('deals', 'unpriced', { ...deal, dealname: 'Unpriced gadget' });
    await create('contacts', 'alice', { company: M, firstname: 'Alice', lastname: 'Archer', email: `alice.${M}@acme.test`, lifecyclestage: 'lead' });
    await create('contacts', 'bob', { company: M, firstname: 'Bob', lastname: 'Baker', email: `bob.${M}@beta.test`, lifecyclestage: 'customer' });
    await create('contacts', 'carol', { company: M, firstname: 'Carol', lastname: 'Clark', email: `carol.${M}@acme.test`, lifecyclestage: 'lead' });
    for (let i = 1; i <= 7; i++) await create('products', `p${i}`, { name: `Part ${M} ${i}`, price: String(i * 10) });
  });
  afterAll(() => gw.close());

  const named = (...names: string[]) => names.map((n) => ids[n]);
  const dealMarker = { propertyName: 'description', operator: 'EQ', value: M };
  const contactMarker = { propertyName: 'company', operator: 'EQ', value: M };
  const productMarker = { propertyName: 'name', operator: 'CONTAINS_TOKEN', value: M };

  /** Runs a query and returns data, errors and the upstream operations it caused. */
  async function run(query: string, variables: Record<string, unknown> = {}) {
    const before = gw.calls.length;
    const res = await gw.query(query, variables);
    const calls = gw.calls.slice(before);
    // Every search the gateway sends must be HubSpot's request body as the spec defines it.
    for (const c of calls.filter((x) => x.call.operation.endsWith('/search'))) {
      expect(requestProblems('POST', `/crm/v3/objects/${String(c.call.params?.objectType)}/search`, c.call.body)).toEqual([]);
    }
    return { data: res.body.data, errors: res.body.errors, calls, operations: calls.map((c) => c.call.operation) };
  }

  const SEARCH_DEALS = `query($groups: [FilterGroupInput!], $sorts: [SortInput!], $first: Int, $after: String, $q: String) {
    searchDeals(filterGroups: $groups, sorts: $sorts, first: $first, after: $after, query: $q) {
      totalCount edges { cursor node { hs_object_id dealname } } pageInfo { hasNextPage endCursor }
    }
  }`;
  const dealIds = async (variables: Record<string, unknown>) => {
    const { data, errors } = await run(SEARCH_DEALS, variables);
    expect(errors).toBeUndefined();
    return data.searchDeals.edges.map((e: any) => e.node.hs_object_id);
  };
  const dealsWhere = (filter: Record<string, unknown>) => dealIds({ groups: [{ filters: [dealMarker, filter] }] });

  describe('operators', () => {
    test.each<[string, Record<string, unknown>, string[]]>([
      ['EQ', { propertyName: 'amount', operator: 'EQ', value: '50' }, ['medium']],
      ['NEQ', { propertyName: 'amount', operator: 'NEQ', value: '50' }, ['small', 'large', 'unpriced']],
      ['LT', { propertyName: 'amount', operator: 'LT', value: '50' }, ['small']],
      ['LTE', { propertyName: 'amount', operator: 'LTE', value: '50' }, ['small', 'medium']],
      ['GT', { propertyName: 'amount', operator: 'GT', value: '9' }, ['medium', 'large']],
      ['GTE', { propertyName: 'amount', operator: 'GTE', value: '50' }, ['medium', 'large']],
      ['BETWEEN', { propertyName: 'amount', operator: 'BETWEEN', value: '6', highValue: '500' }, ['medium', 'large']],
      ['IN', { propertyName: 'amount', operator: 'IN', values: ['5', '500'] }, ['small', 'large']],
      ['NOT_IN', { propertyName: 'amount', operator: 'NOT_IN', values: ['5'] }, ['medium', 'large', 'unpriced']],
      ['HAS_PROPERTY', { propertyName: 'amount', operator: 'HAS_PROPERTY' }, ['small', 'medium', 'large']],
      ['NOT_HAS_PROPERTY', { propertyName: 'amount', operator: 'NOT_HAS_PROPERTY' }, ['unpriced']],
      ['CONTAINS_TOKEN', { propertyName: 'dealname', operator: 'CONTAINS_TOKEN', value: 'gadget' }, ['large', 'unpriced']],
      ['NOT_CONTAINS_TOKEN', { propertyName: 'dealname', operator: 'NOT_CONTAINS_TOKEN', value: 'gadget' }, ['small', 'medium']],
    ])('%s', async (_op, filter, expected) => {
      expect(await dealsWhere(filter)).toEqual(named(...expected));
    });
  });

  test('filter groups are ORed, the filters of a group ANDed', async () => {
    const { data, errors } = await run(
      `query($groups: [FilterGroupInput!]) { searchContacts(filterGroups: $groups) { totalCount nodes { hs_object_id firstname } } }`,
      {
        groups: [
          { filters: [contactMarker, { propertyName: 'firstname', operator: 'EQ', value: 'alice' }] },
          { filters: [contactMarker, { propertyName: 'lifecyclestage', operator: 'EQ', value: 'customer' }] },
          { filters: [{ propertyName: 'firstname', operator: 'EQ', value: 'Carol' }, { propertyName: 'lifecyclestage', operator: 'EQ', value: 'customer' }] },
        ],
      },
    );
    expect(errors).toBeUndefined();
    expect(data.searchContacts.nodes).toEqual([
      { hs_object_id: ids.alice, firstname: 'Alice' },
      { hs_object_id: ids.bob, firstname: 'Bob' },
    ]);
    expect(data.searchContacts.totalCount).toBe(2);
  });

  test('sorts in both directions; the direction defaults to ascending', async () => {
    const groups = [{ filters: [dealMarker] }];
    expect(await dealIds({ groups, sorts: [{ propertyName: 'amount', direction: 'DESCENDING' }] })).toEqual(named('large', 'medium', 'small', 'unpriced'));
    expect(await dealIds({ groups, sorts: [{ propertyName: 'amount', direction: 'ASCENDING' }] })).toEqual(named('small', 'medium', 'large', 'unpriced'));
    expect(await dealIds({ groups, sorts: [{ propertyName: 'dealname' }] })).toEqual(named('large', 'medium', 'small', 'unpriced'));
  });

  test('the request carries exactly the selected properties and the sort as the spec types it', async () => {
    const { calls, errors } = await run(`query($g: [FilterGroupInput!]) {
      searchDeals(filterGroups: $g, sorts: [{ propertyName: "amount", direction: DESCENDING }], first: 2) {
        edges { node { dealname stage { label } } } nodes { amount }
      }
    }`, { g: [{ filters: [dealMarker] }] });
    expect(errors).toBeUndefined();
    // (`stage` may also read the pipelines, unless an earlier request left them in the per-portal metadata cache.)
    const searches = calls.filter((c) => c.call.operation.endsWith('/search'));
    expect(searches).toHaveLength(1);
    expect(searches[0]!.call.body).toEqual({
      filterGroups: [{ filters: [dealMarker] }],
      sorts: ['-amount'],
      properties: ['amount', 'dealname', 'dealstage', 'pipeline'],
      limit: 2,
      after: '0',
    });
  });

  test('query text', async () => {
    const contacts = async (q: string) => {
      const { data, errors } = await run(`query($q: String) { searchContacts(query: $q) { totalCount nodes { hs_object_id } } }`, { q });
      expect(errors).toBeUndefined();
      return { ids: data.searchContacts.nodes.map((n: any) => n.hs_object_id), total: data.searchContacts.totalCount };
    };
    expect(await contacts(M)).toEqual({ ids: named('alice', 'bob', 'carol'), total: 3 });
    expect(await contacts(`${M} acme`)).toEqual({ ids: named('alice', 'carol'), total: 2 });
    expect(await dealIds({ q: 'medium', groups: [{ filters: [dealMarker] }] })).toEqual(named('medium'));
  });

  describe('paging', () => {
    const PRODUCTS = `query($first: Int, $after: String, $g: [FilterGroupInput!]) {
      searchProducts(filterGroups: $g, sorts: [{ propertyName: "price", direction: ASCENDING }], first: $first, after: $after) {
        totalCount edges { cursor node { hs_object_id name } } pageInfo { hasNextPage endCursor }
      }
    }`;
    const page = async (first: number, after?: string | null) => {
      const res = await run(PRODUCTS, { first, after, g: [{ filters: [productMarker] }] });
      expect(res.errors).toBeUndefined();
      expect(res.operations).toEqual(['/crm/v3/objects/{objectType}/search']);
      return res.data.searchProducts;
    };

    test('first/after walk through every page, one search call each, with totalCount on each', async () => {
      const seen: string[] = [];
      const hasNext: boolean[] = [];
      let after: string | null = null;
      do {
        const p = await page(2, after);
        expect(p.totalCount).toBe(7);
        seen.push(...p.edges.map((e: any) => e.node.hs_object_id));
        hasNext.push(p.pageInfo.hasNextPage);
        expect(p.pageInfo.endCursor).toBe(p.edges.at(-1).cursor);
        after = p.pageInfo.hasNextPage ? p.pageInfo.endCursor : null;
      } while (after);
      expect(seen).toEqual(named('p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7'));
      expect(hasNext).toEqual([true, true, true, false]);
    });

    test("any edge's cursor resumes right after that edge", async () => {
      const p = await page(3);
      const resumed = await page(2, p.edges[0].cursor);
      expect(resumed.edges.map((e: any) => e.node.hs_object_id)).toEqual(named('p2', 'p3'));
      const further = await page(2, resumed.edges[1].cursor);
      expect(further.edges.map((e: any) => e.node.hs_object_id)).toEqual(named('p4', 'p5'));
    });

    test('first 0 counts with one call, or none when nothing needs HubSpot', async () => {
      const counted = await page(0, encodeCursor({ a: '2', o: 0 }));
      expect(counted).toEqual({ totalCount: 7, edges: [], pageInfo: { hasNextPage: true, endCursor: encodeCursor({ a: '2', o: 0 }) } });
      const nothing = await run(`{ searchProducts(first: 0) { nodes { name } } }`);
      expect(nothing.errors).toBeUndefined();
      expect(nothing.data.searchProducts.nodes).toEqual([]);
      expect(nothing.calls).toHaveLength(0);
    });

    test('an empty result has no cursor and no next page', async () => {
      const { data } = await run(`query($g: [FilterGroupInput!]) { searchProducts(filterGroups: $g) { totalCount nodes { name } pageInfo { hasNextPage endCursor } } }`, {
        g: [{ filters: [productMarker, { propertyName: 'price', operator: 'GT', value: '1000' }] }],
      });
      expect(data.searchProducts).toEqual({ totalCount: 0, nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });
    });
  });

  describe('nested fields under search results', () => {
    test('associations cost one association batch read and one object batch read per level', async () => {
      const { data, errors, operations } = await run(`query($g: [FilterGroupInput!]) {
        searchDeals(filterGroups: $g, sorts: [{ propertyName: "amount" }]) { nodes { dealname companies { nodes { name } } } }
      }`, { g: [{ filters: [dealMarker] }] });
      expect(errors).toBeUndefined();
      expect(data.searchDeals.nodes).toEqual([
        { dealname: 'Small widget', companies: { nodes: [{ name: `Acme ${M}` }] } },
        { dealname: 'Medium widget', companies: { nodes: [{ name: `Acme ${M}` }, { name: `Beta ${M}` }] } },
        { dealname: 'Large gadget', companies: { nodes: [{ name: `Beta ${M}` }] } },
        { dealname: 'Unpriced gadget', companies: { nodes: [] } },
      ]);
      expect(operations).toEqual([
        '/crm/v3/objects/{objectType}/search',
        '/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/read',
        '/crm/v3/objects/{objectType}/batch/read',
      ]);
    });

    test('records found by the search answer nested loads of them without another read', async () => {
      const { data, errors, operations } = await run(`query($g: [FilterGroupInput!]) {
        searchDeals(filterGroups: $g, sorts: [{ propertyName: "amount" }], first: 3) { nodes { dealname companies { nodes { name deals { nodes { dealname } } } } } }
      }`, { g: [{ filters: [dealMarker] }] });
      expect(errors).toBeUndefined();
      expect(data.searchDeals.nodes[1].companies.nodes[1]).toEqual({ name: `Beta ${M}`, deals: { nodes: [{ dealname: 'Medium widget' }, { dealname: 'Large gadget' }] } });
      // No batch read of deals: every deal reached back through the companies came with the search.
      expect(operations.filter((o) => o === '/crm/v3/objects/{objectType}/batch/read')).toHaveLength(1);
      expect(operations).toHaveLength(4);
    });

    test('property history, which search cannot return, costs one batch read', async () => {
      const { data, errors, calls } = await run(`query($g: [FilterGroupInput!]) {
        searchContacts(filterGroups: $g) { nodes { firstname propertyHistory(name: "firstname") { value } } }
      }`, { g: [{ filters: [contactMarker] }] });
      expect(errors).toBeUndefined();
      expect(data.searchContacts.nodes[0]).toEqual({ firstname: 'Alice', propertyHistory: [{ value: 'Alice' }] });
      expect(calls.map((c) => c.call.operation)).toEqual(['/crm/v3/objects/{objectType}/search', '/crm/v3/objects/{objectType}/batch/read']);
      expect(calls[1]!.call.body).toMatchObject({ properties: ['firstname'], propertiesWithHistory: ['firstname'] });
    });
  });

  test('searchCrmObjects searches any type by name or type id and resolves the dedicated types', async () => {
    for (const objectType of ['deals', '0-3']) {
      const { data, errors, calls } = await run(`query($t: String!, $g: [FilterGroupInput!]) {
        searchCrmObjects(objectType: $t, filterGroups: $g, sorts: [{ propertyName: "amount", direction: DESCENDING }], first: 2) {
          totalCount nodes { __typename hs_object_id ... on Deal { dealname } property(name: "amount") }
        }
      }`, { t: objectType, g: [{ filters: [dealMarker] }] });
      expect(errors).toBeUndefined();
      expect(data.searchCrmObjects).toEqual({
        totalCount: 4,
        nodes: [
          { __typename: 'Deal', hs_object_id: ids.large, dealname: 'Large gadget', property: '500' },
          { __typename: 'Deal', hs_object_id: ids.medium, dealname: 'Medium widget', property: '50' },
        ],
      });
      expect(calls).toHaveLength(1);
      expect(calls[0]!.call.params).toEqual({ objectType: 'deals' });
      expect((calls[0]!.call.body as any).properties).toEqual(['amount', 'dealname']);
    }
  });

  test('every CRM type has its search root field', async () => {
    const fields = CRM_TYPES.map((t) => `${searchFieldOf(t)}(first: 1) { totalCount nodes { __typename } }`);
    const { data, errors, calls } = await run(`{ ${fields.join(' ')} }`);
    expect(errors).toBeUndefined();
    expect(calls).toHaveLength(CRM_TYPES.length);
    for (const t of CRM_TYPES) {
      const conn = data[searchFieldOf(t)];
      expect(typeof conn.totalCount).toBe('number');
      for (const n of conn.nodes) expect(n.__typename).toBe(t.graphqlType);
    }
    expect(Object.keys(data)).toEqual(expect.arrayContaining(['searchContacts', 'searchLineItems', 'searchTasks']));
  });

  describe('invalid input is BAD_USER_INPUT naming the argument, with no upstream call', () => {
    const f = { propertyName: 'amount', operator: 'EQ', value: '1' };
    const groups = (count: number, per: number) => Array.from({ length: count }, () => ({ filters: Array.from({ length: per }, () => f) }));
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['6 filter groups', { groups: groups(6, 1) }, /^filterGroups: .*at most 5 filter groups/],
      ['11 filters in a group', { groups: groups(1, 11) }, /^filterGroups\[0\]\.filters: .*at most 10 filters/],
      ['26 filters in all', { groups: [...groups(2, 10), ...groups(1, 6)] }, /^filterGroups: .*at most 25 filters/],
      ['an empty filter group', { groups: [{ filters: [] }] }, /^filterGroups\[0\]\.filters: /],
      ['BETWEEN without highValue', { groups: [{ filters: [{ propertyName: 'amount', operator: 'BETWEEN', value: '1' }] }] }, /^filterGroups\[0\]\.filters\[0\]\.highValue: /],
      ['IN without values', { groups: [{ filters: [{ propertyName: 'amount', operator: 'IN' }] }] }, /^filterGroups\[0\]\.filters\[0\]\.values: /],
      ['IN with empty values', { groups: [{ filters: [{ propertyName: 'amount', operator: 'IN', values: [] }] }] }, /^filterGroups\[0\]\.filters\[0\]\.values: /],
      ['NOT_IN with a value', { groups: [{ filters: [{ propertyName: 'amount', operator: 'NOT_IN', values: ['1'], value: '1' }] }] }, /^filterGroups\[0\]\.filters\[0\]\.value: /],
      ['HAS_PROPERTY with a value', { groups: [{ filters: [{ propertyName: 'amount', operator: 'HAS_PROPERTY', value: '1' }] }] }, /^filterGroups\[0\]\.filters\[0\]\.value: /],
      ['NOT_HAS_PROPERTY with values', { groups: [{ filters: [{ propertyName: 'amount', operator: 'NOT_HAS_PROPERTY', values: ['1'] }] }] }, /^filterGroups\[0\]\.filters\[0\]\.values: /],
      ['EQ without a value', { groups: [f, { ...f, value: null }].map((x) => ({ filters: [x] })) }, /^filterGroups\[1\]\.filters\[0\]\.value: /],
      ['a query over 3000 characters', { q: 'x'.repeat(3001) }, /^query: /],
      ['first over 200', { first: 201 }, /^first: /],
      ['a negative first', { first: -1 }, /^first: /],
      ['a malformed cursor', { after: 'not-a-cursor' }, /^after: /],
      ['a page past 10,000 results', { after: encodeCursor({ a: '9990', o: 0 }), first: 20 }, /^first: .*10000/],
      ['a cursor past 10,000 results', { after: encodeCursor({ a: '10000', o: 0 }), first: 1 }, /^after: .*10000/],
      ['two sort rules', { sorts: [{ propertyName: 'amount' }, { propertyName: 'dealname' }] }, /^sorts: .*one sort rule/],
    ];

    test.each(cases)('%s', async (_name, variables, pattern) => {
      const since = (await gw.emulator.api('GET', '/__emulator/requests')).body.lastSeq;
      const { data, errors, calls } = await run(SEARCH_DEALS, variables);
      expect(data).toBeNull();
      expect(errors).toHaveLength(1);
      expect(errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(errors[0].path).toEqual(['searchDeals']);
      expect(errors[0].message).toMatch(pattern);
      expect(calls).toHaveLength(0);
      expect((await gw.emulator.api('GET', `/__emulator/requests?since=${since}`)).body.results).toEqual([]);
    });

    test('the generic searchCrmObjects validates the same way', async () => {
      const { errors, calls } = await run(`{ searchCrmObjects(objectType: "deals", sorts: [{ propertyName: "a" }, { propertyName: "b" }]) { totalCount } }`);
      expect(errors[0]).toMatchObject({ path: ['searchCrmObjects'], extensions: { code: 'BAD_USER_INPUT', field: 'sorts' } });
      expect(calls).toHaveLength(0);
    });
  });

  test("HubSpot's own rejections still come back coded (unknown object type)", async () => {
    const { errors, calls } = await run(`{ searchCrmObjects(objectType: "widgets") { totalCount } }`);
    expect(calls).toHaveLength(1);
    expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', hubspot: { status: 400, category: 'VALIDATION_ERROR' } });
  });
});
