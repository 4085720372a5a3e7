/**
 * "Batching is the product" (ARCHITECTURE.md): a query's upstream cost is the minimum HubSpot's REST API allows.
 * Every test here runs a real query over HTTP against the emulator and counts, from the emulator's request log,
 * exactly which calls the gateway made. Expected counts are computed from the data in the emulator's store.
 */
import type { LoggedRequest } from '../../src/emulator/requestLog';
import { objectTypeOf } from '../../src/emulator/objectTypes';
import type { SeedSizes } from '../../src/emulator/options';
import type { Portal } from '../../src/emulator/store';
import { globalId } from '../../src/graphql/ids';
import { PORTAL_ID, SMALL_SEED } from '../helpers/emulator';
import { startGateway, type TestGateway } from '../helpers/gateway';

// ------------------------------------------------------------------------------------------------ data

type Kind = 'contacts' | 'companies' | 'deals';
const typeOf = (kind: Kind) => objectTypeOf(kind)!;
const NO_SEED: SeedSizes = { contacts: 0, companies: 0, deals: 0, tickets: 0, products: 0, owners: 0, engagements: 0 };
const AT = '2025-01-01T00:00:00.000Z';

/** Builds records and associations straight into the emulator's store, and reads them back as HubSpot would. */
class Dataset {
  constructor(readonly portal: Portal) {}

  add(kind: Kind, properties: Record<string, string> = {}): string {
    const id = this.portal.allocateRecordId();
    const values: Record<string, string> = { hs_object_id: id, ...properties };
    const history = Object.fromEntries(Object.entries(values).map(([name, value]) => [name, [{ value, timestamp: AT, sourceType: 'API' }]]));
    this.portal.recordsOf(typeOf(kind)).set(id, { id, properties: values, history, createdAt: AT, updatedAt: AT, archived: false });
    return id;
  }

  addMany(kind: Kind, count: number, properties: (i: number) => Record<string, string>): string[] {
    return Array.from({ length: count }, (_, i) => this.add(kind, properties(i)));
  }

  /** Associates two records with the pair's default (unlabeled) type, both directions. */
  link(from: Kind, fromId: string, to: Kind, toId: string): void {
    const store = this.portal.associations;
    const def = store.defaultType(typeOf(from).id, typeOf(to).id)!;
    store.add(typeOf(from).id, fromId, typeOf(to).id, toId, def.typeId);
  }

  record(kind: Kind, id: string) {
    return this.portal.recordsOf(typeOf(kind)).get(id);
  }

  live(kind: Kind, id: string): boolean {
    const r = this.record(kind, id);
    return r !== undefined && !r.archived;
  }

  /** The first `n` live records of a type, in HubSpot's list order (by id). */
  firstIds(kind: Kind, n: number): string[] {
    return [...this.portal.recordsOf(typeOf(kind)).values()].filter((r) => !r.archived).map((r) => r.id).sort((a, b) => Number(a) - Number(b)).slice(0, n);
  }

  /** A record's live associated records of a type, in HubSpot's order. */
  associated(from: Kind, id: string, to: Kind): string[] {
    return this.portal.associations.list(typeOf(from).id, id, typeOf(to).id).map((a) => a.toId).filter((toId) => this.live(to, toId));
  }
}

const deal = (name: string) => ({ dealname: name, pipeline: 'default', dealstage: 'appointmentscheduled' });
const distinct = (ids: string[]) => [...new Set(ids)];

// ------------------------------------------------------------------------------------------------ calls

const LIST_CONTACTS = 'GET /crm/v3/objects/contacts';
const DEAL_PIPELINES = 'GET /crm/v3/pipelines/deals';
const read = (kind: Kind) => `POST /crm/v3/objects/${kind}/batch/read`;
const associations = (from: Kind, to: Kind) => `POST /crm/v4/associations/${from}/${to}/batch/read`;

interface Measured {
  data: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  errors?: Array<{ message: string; path: Array<string | number>; extensions: Record<string, unknown> }>;
  calls: LoggedRequest[];
}

/** Runs one query and returns its answer and every upstream call it caused. */
async function measure(gw: TestGateway, query: string, variables?: Record<string, unknown>): Promise<Measured> {
  const since = gw.emulator.state.log.lastSeq;
  const res = await gw.query(query, variables);
  expect(res.status).toBe(200);
  return { data: res.body.data, errors: res.body.errors, calls: gw.emulator.state.log.list(since) };
}

const route = (c: LoggedRequest) => `${c.method} ${c.path}`;

/** Calls per route. */
function tally(calls: LoggedRequest[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of calls) out[route(c)] = (out[route(c)] ?? 0) + 1;
  return out;
}

/** An expected tally: routes expected zero times are left out, so toEqual also proves they were not called. */
const exactly = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));

const to = (calls: LoggedRequest[], r: string) => calls.filter((c) => route(c) === r);
const body = (c: LoggedRequest) => c.requestBody as { inputs: Array<{ id: string; after?: string }>; properties?: string[]; propertiesWithHistory?: string[] };
const idsOf = (calls: LoggedRequest[]) => calls.flatMap((c) => body(c).inputs.map((i) => i.id));
const batches = (n: number, size: number) => Math.ceil(n / size);

/** Lets a test change the store between two upstream calls: runs `then` once, right after the first call to `r` is answered. */
function afterCall(gw: TestGateway, r: string, then: () => void): void {
  const log = gw.emulator.state.log;
  const add = log.add.bind(log);
  log.add = (entry) => {
    add(entry);
    if (`${entry.method} ${entry.path}` !== r) return;
    log.add = add;
    then();
  };
}

// ------------------------------------------------------------------------------------------------ 1. the tree

const TREE = `{ contacts(first: 100) { nodes { hs_object_id email
  companies(first: 20) { nodes { hs_object_id name
    deals(first: 50) { nodes { hs_object_id dealname stage { label } } } } } } } }`;

/** What TREE must cost on a dataset: computed from the store, as HubSpot would answer. */
function treeCost(ds: Dataset) {
  const contacts = ds.firstIds('contacts', 100);
  const companies = distinct(contacts.flatMap((id) => ds.associated('contacts', id, 'companies').slice(0, 20)));
  const deals = distinct(companies.flatMap((id) => ds.associated('companies', id, 'deals').slice(0, 50)));
  const staged = deals.some((id) => ds.record('deals', id)!.properties.dealstage);
  return {
    contacts,
    companies,
    deals,
    calls: exactly({
      [LIST_CONTACTS]: 1,
      [associations('contacts', 'companies')]: batches(contacts.length, 1000),
      [read('companies')]: batches(companies.length, 100),
      [associations('companies', 'deals')]: batches(companies.length, 1000),
      [read('deals')]: batches(deals.length, 100),
      [DEAL_PIPELINES]: staged ? 1 : 0,
    }),
  };
}

/** Every node id TREE's answer holds, per type. */
function treeIds(data: any) { // eslint-disable-line @typescript-eslint/no-explicit-any
  const contacts = data.contacts.nodes;
  const companies = contacts.flatMap((c: any) => c.companies.nodes); // eslint-disable-line @typescript-eslint/no-explicit-any
  const deals = companies.flatMap((c: any) => c.deals.nodes); // eslint-disable-line @typescript-eslint/no-explicit-any
  const ids = (nodes: Array<{ hs_object_id: string }>) => distinct(nodes.map((n) => n.hs_object_id)).sort();
  return { contacts: ids(contacts), companies: ids(companies), deals: ids(deals), dealNodes: deals as Array<{ hs_object_id: string; stage: { label: string } | null }> };
}

/** The label of a deal's stage, from the portal's pipelines. */
function stageLabel(ds: Dataset, dealId: string): string | undefined {
  const { pipeline, dealstage } = ds.record('deals', dealId)!.properties;
  return ds.portal.pipelines.get(typeOf('deals').id)?.get(pipeline!)?.stages.find((s) => s.id === dealstage)?.label;
}

/** 100 contacts with 11 companies each, neighbours sharing one (1,001 companies); each company has its own deal and a shared one. */
function buildWideTree(ds: Dataset): void {
  const companies = ds.addMany('companies', 1001, (i) => ({ name: `Company ${i}` }));
  const shared = ds.add('deals', deal('Shared deal'));
  for (const [i, company] of companies.entries()) {
    ds.link('companies', company, 'deals', ds.add('deals', deal(`Deal ${i}`)));
    ds.link('companies', company, 'deals', shared);
  }
  ds.addMany('contacts', 100, (i) => ({ email: `c${i}@example.com` })).forEach((contact, i) => {
    for (const company of companies.slice(i * 10, i * 10 + 11)) ds.link('contacts', contact, 'companies', company);
  });
}

const TREE_DATASETS: Array<{ name: string; seed: SeedSizes; build?: (ds: Dataset) => void; shape: (cost: ReturnType<typeof treeCost>) => void }> = [
  {
    name: 'the small demo seed',
    seed: SMALL_SEED,
    shape: (c) => expect(c.companies.length).toBeGreaterThan(0),
  },
  {
    name: 'a medium demo seed (deals over one batch)',
    seed: { contacts: 150, companies: 160, deals: 450, tickets: 0, products: 0, owners: 3, engagements: 0 },
    shape: (c) => expect(c.deals.length).toBeGreaterThan(100),
  },
  {
    name: 'built: 1,001 companies (over one association batch) and 1,002 deals',
    seed: NO_SEED,
    build: buildWideTree,
    shape: (c) => expect([c.contacts.length, c.companies.length, c.deals.length]).toEqual([100, 1001, 1002]),
  },
  {
    name: 'built: contacts without companies',
    seed: NO_SEED,
    build: (ds) => void ds.addMany('contacts', 40, (i) => ({ email: `lonely${i}@example.com` })),
    shape: (c) => expect([c.contacts.length, c.companies.length]).toEqual([40, 0]),
  },
];

describe.each(TREE_DATASETS)('contacts → companies → deals → stage, on $name', ({ seed, build, shape }) => {
  let gw: TestGateway;
  let ds: Dataset;
  beforeAll(async () => {
    // The tree asks for far more records than the data holds; the cost limit (cost.test.ts) is not under test here.
    gw = await startGateway({ emulator: { seed }, env: { MAX_QUERY_COST: '100000' } });
    ds = new Dataset(gw.emulator.state.portal(PORTAL_ID));
    build?.(ds);
  });
  afterAll(() => gw.close());

  test('costs 1 list, ⌈contacts/1000⌉ + ⌈companies/1000⌉ association reads, ⌈companies/100⌉ + ⌈deals/100⌉ batch reads, 1 pipelines read (0 once cached)', async () => {
    const cost = treeCost(ds);
    shape(cost);
    const first = await measure(gw, TREE);
    expect(first.errors).toBeUndefined();
    expect(tally(first.calls)).toEqual(cost.calls);
    expect(treeIds(first.data)).toMatchObject({ contacts: [...cost.contacts].sort(), companies: [...cost.companies].sort(), deals: [...cost.deals].sort() });
    for (const d of treeIds(first.data).dealNodes) expect(d.stage?.label).toBe(stageLabel(ds, d.hs_object_id));

    // Each record is asked for once per level, in batches within HubSpot's limits, with exactly the properties selected.
    const companyReads = to(first.calls, read('companies'));
    expect(idsOf(companyReads).sort()).toEqual([...cost.companies].sort());
    expect(companyReads.every((c) => body(c).inputs.length <= 100 && body(c).properties!.join() === 'name')).toBe(true);
    const dealReads = to(first.calls, read('deals'));
    expect(idsOf(dealReads).sort()).toEqual([...cost.deals].sort());
    expect(dealReads.every((c) => body(c).inputs.length <= 100 && body(c).properties!.join() === 'dealname,dealstage,pipeline')).toBe(true);
    expect(to(first.calls, associations('companies', 'deals')).every((c) => body(c).inputs.length <= 1000)).toBe(true);

    // The same query again, within the metadata TTL: pipelines come from the gateway's cache.
    const second = await measure(gw, TREE);
    expect(second.errors).toBeUndefined();
    expect(tally(second.calls)).toEqual(exactly({ ...cost.calls, [DEAL_PIPELINES]: 0 }));
  });
});

// ------------------------------------------------------------------------------------------------ 2–6

describe('batching guarantees on data built in the store', () => {
  let gw: TestGateway;
  let ds: Dataset;
  beforeAll(async () => {
    gw = await startGateway({ emulator: { seed: NO_SEED }, env: { MAX_QUERY_COST: '100000' } });
    ds = new Dataset(gw.emulator.state.portal(PORTAL_ID));
  });
  afterAll(() => gw.close());

  describe('one record reached by several paths at one level', () => {
    let shared: string;
    let contactA: string;
    let contactB: string;
    let dealA: string;
    beforeAll(() => {
      shared = ds.add('companies', { name: 'Shared Inc', domain: 'shared.example', phone: '+1 555 0100' });
      [contactA, contactB] = ds.addMany('contacts', 2, (i) => ({ email: `two-paths-${i}@example.com` })) as [string, string];
      dealA = ds.add('deals', deal('Two paths'));
      for (const from of [contactA, contactB]) ds.link('contacts', from, 'companies', shared);
      ds.link('deals', dealA, 'companies', shared);
    });

    test('two association fields of different sources reach a company: it is read once, in one batch with the union of properties', async () => {
      const { data, errors, calls } = await measure(
        gw,
        `{ a: contact(id: "${contactA}") { companies { nodes { name } } } b: deal(id: "${dealA}") { companies { nodes { domain } } } }`,
      );
      expect(errors).toBeUndefined();
      expect(data.a.companies.nodes).toEqual([{ name: 'Shared Inc' }]);
      expect(data.b.companies.nodes).toEqual([{ domain: 'shared.example' }]);
      expect(tally(calls)).toEqual({
        [read('contacts')]: 1,
        [read('deals')]: 1,
        [associations('contacts', 'companies')]: 1,
        [associations('deals', 'companies')]: 1,
        [read('companies')]: 1,
      });
      expect(body(to(calls, read('companies'))[0]!)).toMatchObject({ inputs: [{ id: shared }], properties: ['domain', 'name'] });
    });

    test('aliases of one association field make one association read and one company read with the union of properties', async () => {
      const { data, errors, calls } = await measure(
        gw,
        `{ contact(id: "${contactA}") { a: companies { nodes { name } } b: companies(first: 5) { edges { node { domain phone } } } } }`,
      );
      expect(errors).toBeUndefined();
      expect(data.contact.b.edges[0].node).toEqual({ domain: 'shared.example', phone: '+1 555 0100' });
      expect(tally(calls)).toEqual({ [read('contacts')]: 1, [associations('contacts', 'companies')]: 1, [read('companies')]: 1 });
      expect(body(to(calls, read('companies'))[0]!)).toMatchObject({ inputs: [{ id: shared }], properties: ['domain', 'name', 'phone'] });
    });

    test('node(id:) and contact(id:) aliases batch their lookups and reach the shared company once', async () => {
      const { errors, calls } = await measure(
        gw,
        `{ x: node(id: "${globalId('contacts', contactA)}") { ... on Contact { email companies { nodes { name } } } }
           y: contact(id: "${contactB}") { email companies { nodes { ... on Company { domain } } } } }`,
      );
      expect(errors).toBeUndefined();
      expect(tally(calls)).toEqual({ [read('contacts')]: 1, [associations('contacts', 'companies')]: 1, [read('companies')]: 1 });
      expect(idsOf(to(calls, read('contacts'))).sort()).toEqual([contactA, contactB].sort());
      expect(idsOf(to(calls, associations('contacts', 'companies'))).sort()).toEqual([contactA, contactB].sort());
      expect(body(to(calls, read('companies'))[0]!)).toMatchObject({ inputs: [{ id: shared }], properties: ['domain', 'name'] });
    });

    test('a list and a lookup side by side reach the same companies in one batch read', async () => {
      const { errors, calls } = await measure(
        gw,
        `{ contacts(first: 100) { nodes { companies { nodes { name } } } } deal(id: "${dealA}") { companies { nodes { phone } } } }`,
      );
      expect(errors).toBeUndefined();
      expect(to(calls, read('companies')).map((c) => body(c).properties)).toEqual([['name', 'phone']]);
      expect(idsOf(to(calls, read('companies')))).toEqual([shared]);
    });
  });

  describe('batch sizes', () => {
    let hub: string;
    let companies: string[];
    beforeAll(() => {
      hub = ds.add('contacts', { email: 'hub@example.com' });
      companies = ds.addMany('companies', 250, (i) => ({ name: `Sized ${i}` }));
      for (const c of companies) ds.link('contacts', hub, 'companies', c);
    });

    test('250 distinct companies at one level make 3 batch reads of at most 100, each id asked once', async () => {
      const { data, errors, calls } = await measure(gw, `{ contact(id: "${hub}") { companies(first: 250) { nodes { hs_object_id name } } } }`);
      expect(errors).toBeUndefined();
      expect(data.contact.companies.nodes.map((n: { hs_object_id: string }) => n.hs_object_id)).toEqual(companies);
      expect(tally(calls)).toEqual({ [read('contacts')]: 1, [associations('contacts', 'companies')]: 1, [read('companies')]: 3 });
      const reads = to(calls, read('companies'));
      expect(reads.map((c) => body(c).inputs.length).sort((a, b) => b - a)).toEqual([100, 100, 50]);
      expect(idsOf(reads).sort()).toEqual([...companies].sort());
    });

    test('with propertyHistory selected, the same 250 companies are read in 5 batches of at most 50', async () => {
      const { data, errors, calls } = await measure(
        gw,
        `{ contact(id: "${hub}") { companies(first: 250) { nodes { name propertyHistory(name: "name") { value sourceType } } } } }`,
      );
      expect(errors).toBeUndefined();
      expect(data.contact.companies.nodes[7]).toEqual({ name: 'Sized 7', propertyHistory: [{ value: 'Sized 7', sourceType: 'API' }] });
      const reads = to(calls, read('companies'));
      expect(reads.map((c) => body(c).inputs.length)).toEqual([50, 50, 50, 50, 50]);
      expect(reads.every((c) => body(c).propertiesWithHistory!.join() === 'name' && body(c).properties!.join() === 'name')).toBe(true);
      expect(idsOf(reads).sort()).toEqual([...companies].sort());
    });

    test('1,500 association sources at one level make 2 v4 association reads of at most 1,000', async () => {
      const parents = ds.addMany('companies', 3, (i) => ({ name: `Parent ${i}` }));
      const deals = ds.addMany('deals', 10, (i) => deal(`Wide ${i}`));
      const contacts: string[] = [];
      for (const parent of parents) {
        for (const contact of ds.addMany('contacts', 500, (i) => ({ email: `wide-${parent}-${i}@example.com` }))) {
          ds.link('companies', parent, 'contacts', contact);
          ds.link('contacts', contact, 'deals', deals[contacts.length % deals.length]!);
          contacts.push(contact);
        }
      }
      const branch = (alias: string, id: string) => `${alias}: company(id: "${id}") { contacts(first: 500) { nodes { email deals { nodes { dealname } } } } }`;
      const { data, errors, calls } = await measure(gw, `{ ${parents.map((id, i) => branch(`p${i}`, id)).join(' ')} }`);
      expect(errors).toBeUndefined();
      expect(data.p2.contacts.nodes[499].deals.nodes).toHaveLength(1);
      expect(tally(calls)).toEqual({
        [read('companies')]: 1,
        [associations('companies', 'contacts')]: 1,
        [read('contacts')]: 15,
        [associations('contacts', 'deals')]: 2,
        [read('deals')]: 1,
      });
      const reads = to(calls, associations('contacts', 'deals'));
      expect(reads.map((c) => body(c).inputs.length).sort((a, b) => b - a)).toEqual([1000, 500]);
      expect(idsOf(reads).sort()).toEqual([...contacts].sort());
      expect(idsOf(to(calls, read('deals'))).sort()).toEqual([...deals].sort());
    });
  });

  describe('a record with 1,200 associations (HubSpot pages of 500)', () => {
    let company: string;
    let contacts: string[];
    beforeAll(() => {
      company = ds.add('companies', { name: 'Big Co' });
      contacts = ds.addMany('contacts', 1200, (i) => ({ email: `big-${i}@example.com` }));
      for (const c of contacts) ds.link('companies', company, 'contacts', c);
    });

    const PAGE = `query($first: Int, $after: String) { company(id: "COMPANY") {
      contacts(first: $first, after: $after) { edges { cursor node { hs_object_id } } pageInfo { hasNextPage endCursor } } } }`;

    /** Pages through every contact; returns the ids in order and the association reads of each request. */
    async function pageThrough(first: number) {
      const seen: string[] = [];
      const reads: Array<Array<{ id: string; after?: string }>> = [];
      let after: string | null = null;
      for (let request = 0; request < 100; request++) {
        const { data, errors, calls } = await measure(gw, PAGE.replace('COMPANY', company), { first, after });
        expect(errors).toBeUndefined();
        const conn = data.company.contacts;
        seen.push(...conn.edges.map((e: { node: { hs_object_id: string } }) => e.node.hs_object_id));
        reads.push(to(calls, associations('companies', 'contacts')).flatMap((c) => body(c).inputs));
        if (!conn.pageInfo.hasNextPage) break;
        after = conn.pageInfo.endCursor;
      }
      return { seen, reads };
    }

    test('first: 500 reaches all 1,200 in 3 requests, each reading exactly the one HubSpot page it needs', async () => {
      const { seen, reads } = await pageThrough(500);
      expect(seen).toEqual(contacts);
      expect(reads).toEqual([[{ id: company }], [{ id: company, after: expect.any(String) }], [{ id: company, after: expect.any(String) }]]);
      expect(reads[1]![0]!.after).not.toEqual(reads[2]![0]!.after);
    });

    test('first: 100 reaches all 1,200 with no duplicates or misses in 12 requests of one association read each', async () => {
      const { seen, reads } = await pageThrough(100);
      expect(seen).toEqual(contacts);
      expect(new Set(seen).size).toBe(1200);
      expect(reads.map((r) => r.length)).toEqual(Array(12).fill(1));
      // Requests 1–5 read HubSpot's first page, 6–10 its second, 11–12 its third.
      expect(reads.map((r) => r[0]!.after ?? 'first')).toEqual([...Array(5).fill('first'), ...Array(5).fill(reads[5]![0]!.after), ...Array(2).fill(reads[10]![0]!.after)]);
    });

    test('a first page of 10 reads one HubSpot page; a window across a page boundary reads exactly the two pages it spans', async () => {
      const start = await measure(gw, PAGE.replace('COMPANY', company), { first: 10 });
      expect(tally(start.calls)).toEqual({ [read('companies')]: 1, [associations('companies', 'contacts')]: 1, [read('contacts')]: 1 });
      const at400 = await measure(gw, PAGE.replace('COMPANY', company), { first: 400 });
      const across = await measure(gw, PAGE.replace('COMPANY', company), { first: 150, after: at400.data.company.contacts.pageInfo.endCursor });
      expect(across.data.company.contacts.edges.map((e: { node: { hs_object_id: string } }) => e.node.hs_object_id)).toEqual(contacts.slice(400, 550));
      expect(to(across.calls, associations('companies', 'contacts')).map((c) => body(c).inputs)).toEqual([[{ id: company }], [{ id: company, after: expect.any(String) }]]);
      expect(to(across.calls, read('contacts')).map((c) => body(c).inputs.length).sort((a, b) => b - a)).toEqual([100, 50]);
    });
  });

  describe('one missing record nulls one field', () => {
    let good: string[];
    beforeAll(() => {
      good = ds.addMany('contacts', 2, (i) => ({ email: `found-${i}@example.com` }));
    });

    test('bogus ids among good ones in contact(id:) and node(id:) aliases: one batch read, NOT_FOUND on those fields only', async () => {
      const { data, errors, calls } = await measure(
        gw,
        `{ a: contact(id: "${good[0]}") { email } b: contact(id: "999999") { email }
           c: node(id: "${globalId('contacts', good[1]!)}") { ... on Contact { email } } d: node(id: "${globalId('contacts', '888888')}") { id } }`,
      );
      expect(data).toEqual({ a: { email: 'found-0@example.com' }, b: null, c: { email: 'found-1@example.com' }, d: null });
      expect(tally(calls)).toEqual({ [read('contacts')]: 1 });
      expect(idsOf(calls).sort()).toEqual([good[0], '999999', good[1], '888888'].sort());
      expect(errors!.map((e) => [e.path, e.extensions.code]).sort()).toEqual([
        [['b'], 'NOT_FOUND'],
        [['d'], 'NOT_FOUND'],
      ]);
    });

    test('an associated company deleted between the association read and the batch read nulls that node only', async () => {
      const contact = ds.add('contacts', { email: 'race@example.com' });
      const companies = ds.addMany('companies', 3, (i) => ({ name: `Raced ${i}` }));
      for (const c of companies) ds.link('contacts', contact, 'companies', c);
      afterCall(gw, associations('contacts', 'companies'), () => (ds.record('companies', companies[1]!)!.archived = true));
      const { data, errors, calls } = await measure(gw, `{ contact(id: "${contact}") { companies { edges { node { name } } nodes { hs_object_id } } } }`);
      expect(data.contact.companies.edges.map((e: { node: unknown }) => e.node)).toEqual([{ name: 'Raced 0' }, null, { name: 'Raced 2' }]);
      expect(data.contact.companies.nodes).toEqual([{ hs_object_id: companies[0] }, null, { hs_object_id: companies[2] }]);
      expect(tally(calls)).toEqual({ [read('contacts')]: 1, [associations('contacts', 'companies')]: 1, [read('companies')]: 1 });
      expect(errors!.map((e) => [e.path, e.extensions.code, e.extensions.id]).sort()).toEqual([
        [['contact', 'companies', 'edges', 1, 'node'], 'NOT_FOUND', companies[1]],
        [['contact', 'companies', 'nodes', 1], 'NOT_FOUND', companies[1]],
      ]);
    });
  });
});
