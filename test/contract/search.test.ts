import { startEmulator, type ApiResponse, type TestEmulator } from '../helpers/emulator';
import { describeWithSpecs } from '../helpers/openapi';

// CRM search of the emulator against HubSpot's spec and HubSpot's documented semantics. The records are made
// here and carry a run-unique marker; every search filters on it, so seed data never changes the answers.
describeWithSpecs('emulator CRM search contract', () => {
  let emu: TestEmulator;
  const M = `mk${Date.now().toString(36)}`;
  const contact: Record<string, any> = {};
  const deal: Record<string, any> = {};
  const ticket: Record<string, any> = {};
  let company: any;

  async function create(type: string, properties: Record<string, unknown>, associations?: unknown[]): Promise<any> {
    const res = await emu.checked('POST', `/crm/v3/objects/${type}`, { properties, ...(associations ? { associations } : {}) });
    if (res.status !== 201) throw new Error(`create ${type} failed: ${res.status} ${res.text}`);
    return res.body;
  }

  beforeAll(async () => {
    emu = await startEmulator();
    company = await create('companies', { name: `Searchable ${M}` });
    contact.alice = await create(
      'contacts',
      { company: M, firstname: 'Alice', lastname: 'Archer', email: `alice.${M}@acme.test`, date_of_birth: '1990-01-15', lifecyclestage: 'lead', jobtitle: 'Chief Executive' },
      [{ to: { id: company.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }] }],
    );
    contact.bob = await create('contacts', { company: M, firstname: 'bob', lastname: 'Baker', email: `bob.${M}@beta.test`, date_of_birth: '1985-06-30', lifecyclestage: 'customer' });
    contact.carol = await create('contacts', { company: M, firstname: 'Carol', lastname: 'Clark', email: `carol.${M}@acme.test`, lifecyclestage: 'lead', jobtitle: 'Engineer' });
    contact.dan = await create('contacts', { company: M, firstname: 'Dan', email: `dan.${M}@acme.test` });
    await emu.checked('DELETE', `/crm/v3/objects/contacts/${contact.dan.id}`);

    const stage = { dealstage: 'appointmentscheduled', description: M };
    deal.small = await create('deals', { ...stage, dealname: 'Small', amount: '5', closedate: '2024-01-10T08:30:00Z' });
    deal.medium = await create('deals', { ...stage, dealname: 'Medium', amount: '50', closedate: '2024-03-01T00:00:00Z' });
    deal.large = await create('deals', { ...stage, dealname: 'Large', amount: '500', closedate: '2024-06-01T12:00:00Z' });
    deal.unpriced = await create('deals', { ...stage, dealname: 'Unpriced' });

    ticket.both = await create('tickets', { subject: `Printer ${M} jam`, hs_pipeline_stage: '1', hs_ticket_category: 'BILLING_ISSUE;PRODUCT_ISSUE' });
    ticket.feature = await create('tickets', { subject: `Wish ${M} list`, hs_pipeline_stage: '1', hs_ticket_category: 'FEATURE_REQUEST' });
    ticket.none = await create('tickets', { subject: `Other ${M} thing`, hs_pipeline_stage: '1' });
  });
  afterAll(() => emu.close());

  const search = (type: string, body: unknown) => emu.checked('POST', `/crm/v3/objects/${type}/search`, body);
  const ids = (res: ApiResponse) => res.body.results.map((r: any) => r.id);
  const ofContacts = (...names: string[]) => names.map((n) => contact[n].id);
  const ofDeals = (...names: string[]) => names.map((n) => deal[n].id);

  const marked = { contacts: { propertyName: 'company', operator: 'EQ', value: M }, deals: { propertyName: 'description', operator: 'EQ', value: M } };
  /** Contacts of this run matching one more filter. */
  const contactsWhere = async (filter: Record<string, unknown>) => ids(await search('contacts', { filterGroups: [{ filters: [marked.contacts, filter] }] }));
  const dealsWhere = async (filter: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    ids(await search('deals', { filterGroups: [{ filters: [marked.deals, filter] }], ...extra }));

  const expectError = (res: ApiResponse, status: number, category: string) => {
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ status: 'error', category });
  };

  describe('operators', () => {
    test('EQ matches whole values, strings case-insensitively', async () => {
      expect(await contactsWhere({ propertyName: 'firstname', operator: 'EQ', value: 'ALICE' })).toEqual(ofContacts('alice'));
      expect(await contactsWhere({ propertyName: 'firstname', operator: 'EQ', value: 'Ali' })).toEqual([]);
      expect(await contactsWhere({ propertyName: 'hs_object_id', operator: 'EQ', value: contact.bob.id })).toEqual(ofContacts('bob'));
    });

    test('NEQ excludes the value and keeps records without one', async () => {
      expect(await contactsWhere({ propertyName: 'lifecyclestage', operator: 'NEQ', value: 'lead' })).toEqual(ofContacts('bob'));
      expect(await contactsWhere({ propertyName: 'jobtitle', operator: 'NEQ', value: 'engineer' })).toEqual(ofContacts('alice', 'bob'));
    });

    test('LT, LTE, GT, GTE compare numbers numerically, not as text', async () => {
      expect(await dealsWhere({ propertyName: 'amount', operator: 'LT', value: '50' })).toEqual(ofDeals('small'));
      expect(await dealsWhere({ propertyName: 'amount', operator: 'LTE', value: '50' })).toEqual(ofDeals('small', 'medium'));
      expect(await dealsWhere({ propertyName: 'amount', operator: 'GT', value: '9' })).toEqual(ofDeals('medium', 'large'));
      expect(await dealsWhere({ propertyName: 'amount', operator: 'GTE', value: '5' })).toEqual(ofDeals('small', 'medium', 'large'));
    });

    test('datetime filters take ISO strings or epoch ms', async () => {
      const march = Date.UTC(2024, 2, 1);
      expect(await dealsWhere({ propertyName: 'closedate', operator: 'GTE', value: '2024-03-01T00:00:00.000Z' })).toEqual(ofDeals('medium', 'large'));
      expect(await dealsWhere({ propertyName: 'closedate', operator: 'GTE', value: String(march) })).toEqual(ofDeals('medium', 'large'));
      expect(await dealsWhere({ propertyName: 'closedate', operator: 'EQ', value: String(march) })).toEqual(ofDeals('medium'));
      expect(await dealsWhere({ propertyName: 'closedate', operator: 'LT', value: '2024-01-10T08:30:00.001Z' })).toEqual(ofDeals('small'));
    });

    test('BETWEEN is inclusive at both ends', async () => {
      const filter = { propertyName: 'closedate', operator: 'BETWEEN', value: '2024-01-10T08:30:00Z', highValue: String(Date.UTC(2024, 2, 1)) };
      expect(await dealsWhere(filter)).toEqual(ofDeals('small', 'medium'));
      expect(await dealsWhere({ propertyName: 'amount', operator: 'BETWEEN', value: '6', highValue: '500' })).toEqual(ofDeals('medium', 'large'));
    });

    test('date properties compare by day, given as epoch ms or YYYY-MM-DD', async () => {
      expect(await contactsWhere({ propertyName: 'date_of_birth', operator: 'GTE', value: '1989-01-01' })).toEqual(ofContacts('alice'));
      expect(await contactsWhere({ propertyName: 'date_of_birth', operator: 'EQ', value: String(Date.UTC(1985, 5, 30)) })).toEqual(ofContacts('bob'));
    });

    test('IN and NOT_IN take values, case-insensitively', async () => {
      expect(await contactsWhere({ propertyName: 'lifecyclestage', operator: 'IN', values: ['customer', 'LEAD'] })).toEqual(ofContacts('alice', 'bob', 'carol'));
      expect(await contactsWhere({ propertyName: 'firstname', operator: 'IN', values: ['bob', 'carol'] })).toEqual(ofContacts('bob', 'carol'));
      expect(await contactsWhere({ propertyName: 'lifecyclestage', operator: 'NOT_IN', values: ['lead'] })).toEqual(ofContacts('bob'));
    });

    test('HAS_PROPERTY and NOT_HAS_PROPERTY', async () => {
      expect(await contactsWhere({ propertyName: 'date_of_birth', operator: 'HAS_PROPERTY' })).toEqual(ofContacts('alice', 'bob'));
      expect(await contactsWhere({ propertyName: 'date_of_birth', operator: 'NOT_HAS_PROPERTY' })).toEqual(ofContacts('carol'));
      expect(await dealsWhere({ propertyName: 'amount', operator: 'NOT_HAS_PROPERTY' })).toEqual(ofDeals('unpriced'));
    });

    test('CONTAINS_TOKEN matches words and * wildcards; NOT_CONTAINS_TOKEN the rest', async () => {
      expect(await contactsWhere({ propertyName: 'email', operator: 'CONTAINS_TOKEN', value: '*@acme.test' })).toEqual(ofContacts('alice', 'carol'));
      expect(await contactsWhere({ propertyName: 'jobtitle', operator: 'CONTAINS_TOKEN', value: 'executive' })).toEqual(ofContacts('alice'));
      expect(await contactsWhere({ propertyName: 'jobtitle', operator: 'CONTAINS_TOKEN', value: 'exec' })).toEqual([]);
      expect(await contactsWhere({ propertyName: 'jobtitle', operator: 'CONTAINS_TOKEN', value: 'exec*' })).toEqual(ofContacts('alice'));
      expect(await contactsWhere({ propertyName: 'email', operator: 'NOT_CONTAINS_TOKEN', value: '*@acme.test' })).toEqual(ofContacts('bob'));
    });

    test('multi-select values match on any selected option', async () => {
      const marker = { propertyName: 'subject', operator: 'CONTAINS_TOKEN', value: M };
      const where = async (filter: Record<string, unknown>) => ids(await search('tickets', { filterGroups: [{ filters: [marker, filter] }] }));
      expect(await where({ propertyName: 'hs_ticket_category', operator: 'EQ', value: 'PRODUCT_ISSUE' })).toEqual([ticket.both.id]);
      expect(await where({ propertyName: 'hs_ticket_category', operator: 'IN', values: ['FEATURE_REQUEST', 'PRODUCT_ISSUE'] })).toEqual([ticket.both.id, ticket.feature.id]);
      expect(await where({ propertyName: 'hs_ticket_category', operator: 'NEQ', value: 'BILLING_ISSUE' })).toEqual([ticket.feature.id, ticket.none.id]);
    });

    test('associations.<type> filters by associated record ids', async () => {
      expect(await contactsWhere({ propertyName: 'associations.company', operator: 'EQ', value: company.id })).toEqual(ofContacts('alice'));
    });
  });

  describe('filter groups', () => {
    test('groups are ORed, filters in a group ANDed', async () => {
      const res = await search('contacts', {
        filterGroups: [
          { filters: [marked.contacts, { propertyName: 'firstname', operator: 'EQ', value: 'alice' }] },
          { filters: [marked.contacts, { propertyName: 'firstname', operator: 'EQ', value: 'bob' }] },
        ],
      });
      expect(ids(res)).toEqual(ofContacts('alice', 'bob'));
      expect(res.body.total).toBe(2);
    });

    test('archived records never appear', async () => {
      expect(await contactsWhere({ propertyName: 'firstname', operator: 'EQ', value: 'Dan' })).toEqual([]);
    });

    test('at most 5 groups, 10 filters per group and 25 filters in all', async () => {
      const f = (k: number) => Array.from({ length: k }, () => marked.contacts);
      const groups = (count: number, per: number) => Array.from({ length: count }, () => ({ filters: f(per) }));
      const six = await search('contacts', { filterGroups: groups(6, 1) });
      expectError(six, 400, 'VALIDATION_ERROR');
      expect(six.body.message).toMatch(/at most 5 filterGroups/);
      const eleven = await search('contacts', { filterGroups: groups(1, 11) });
      expectError(eleven, 400, 'VALIDATION_ERROR');
      expect(eleven.body.message).toMatch(/at most 10 filters/);
      const many = await search('contacts', { filterGroups: groups(3, 9) });
      expectError(many, 400, 'VALIDATION_ERROR');
      expect(many.body.message).toMatch(/at most 25 filters/);
      const full = await search('contacts', { filterGroups: groups(5, 5) });
      expect(full.status).toBe(200);
      expect(full.body.total).toBe(3);
    });

    test('malformed filters are 400 with a message naming the problem', async () => {
      const bad = async (filter: Record<string, unknown>, pattern: RegExp) => {
        const res = await search('contacts', { filterGroups: [{ filters: [filter] }] });
        expectError(res, 400, 'VALIDATION_ERROR');
        expect(res.body.message).toMatch(pattern);
      };
      await bad({ propertyName: 'email', operator: 'LIKE', value: 'x' }, /operator 'LIKE'/);
      await bad({ operator: 'EQ', value: 'x' }, /propertyName is required/);
      await bad({ propertyName: 'email', operator: 'EQ' }, /needs a value/);
      await bad({ propertyName: 'email', operator: 'IN', value: 'x' }, /needs a non-empty values array/);
      await bad({ propertyName: 'amount', operator: 'BETWEEN', value: '1' }, /needs value and highValue/);
      expectError(await search('contacts', { filterGroups: [{}] }), 400, 'VALIDATION_ERROR');
      expectError(await search('contacts', { filterGroups: 'x' }), 400, 'VALIDATION_ERROR');
    });
  });

  describe('query', () => {
    test('matches token prefixes of the default searchable properties', async () => {
      const q = async (query: string) => ids(await search('contacts', { query, filterGroups: [{ filters: [marked.contacts] }] }));
      expect(await q('ali')).toEqual(ofContacts('alice'));
      expect(await q('acme')).toEqual(ofContacts('alice', 'carol'));
      expect(await q('carol cla')).toEqual(ofContacts('carol'));
      expect(await q('engineer')).toEqual([]);
      expect(ids(await search('contacts', { query: M }))).toEqual(ofContacts('alice', 'bob', 'carol'));
      expect(ids(await search('deals', { query: 'medium', filterGroups: [{ filters: [marked.deals] }] }))).toEqual(ofDeals('medium'));
    });

    test('a query over 3000 characters is 400', async () => {
      expectError(await search('contacts', { query: 'x'.repeat(3001) }), 400, 'VALIDATION_ERROR');
    });
  });

  describe('sorts', () => {
    test('"-prop" and {propertyName, direction}; numbers numerically; missing values last', async () => {
      const all = { propertyName: 'description', operator: 'EQ', value: M };
      const sorted = async (sorts: unknown[]) => ids(await search('deals', { filterGroups: [{ filters: [all] }], sorts }));
      expect(await sorted(['-amount'])).toEqual(ofDeals('large', 'medium', 'small', 'unpriced'));
      expect(await sorted([{ propertyName: 'amount', direction: 'ASCENDING' }])).toEqual(ofDeals('small', 'medium', 'large', 'unpriced'));
      expect(await sorted([{ propertyName: 'closedate', direction: 'DESCENDING' }])).toEqual(ofDeals('large', 'medium', 'small', 'unpriced'));
      expect(await sorted(['dealname'])).toEqual(ofDeals('large', 'medium', 'small', 'unpriced'));
    });

    test('without sorts results come in id (creation) order; bad sorts are 400', async () => {
      expect(await dealsWhere({ propertyName: 'dealname', operator: 'HAS_PROPERTY' })).toEqual(ofDeals('small', 'medium', 'large', 'unpriced'));
      expectError(await search('deals', { sorts: [{ propertyName: 'amount', direction: 'UP' }] }), 400, 'VALIDATION_ERROR');
      expectError(await search('deals', { sorts: [42] }), 400, 'VALIDATION_ERROR');
    });
  });

  describe('properties and shape', () => {
    test('default properties per type; explicit ones plus id and dates; no associations', async () => {
      const plain = await search('contacts', { filterGroups: [{ filters: [marked.contacts] }], limit: 1 });
      expect(Object.keys(plain.body.results[0].properties).sort()).toEqual(['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname']);
      expect(plain.body.results[0].associations).toBeUndefined();
      const picked = await search('contacts', { filterGroups: [{ filters: [marked.contacts] }], properties: ['jobtitle', 'unknown_prop'], limit: 1 });
      expect(picked.body.results[0].properties).toEqual({
        createdate: contact.alice.createdAt,
        hs_object_id: contact.alice.id,
        jobtitle: 'Chief Executive',
        lastmodifieddate: contact.alice.updatedAt,
      });
      const deals = await search('deals', { filterGroups: [{ filters: [marked.deals] }], limit: 1 });
      expect(Object.keys(deals.body.results[0].properties).sort()).toEqual([
        'amount', 'closedate', 'createdate', 'dealname', 'dealstage', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline',
      ]);
    });

    test('an empty body searches everything', async () => {
      const res = await search('contacts', {});
      expect(res.status).toBe(200);
      expect(res.body.total).toBeGreaterThanOrEqual(3);
      expect(res.body.results.length).toBeLessThanOrEqual(10);
    });

    test('unknown object types are 400', async () => {
      expectError(await search('widgets', {}), 400, 'VALIDATION_ERROR');
    });
  });

  describe('paging and limits', () => {
    test('limit and after page through the matches, with total and paging.next.after', async () => {
      const body = { filterGroups: [{ filters: [marked.contacts] }], limit: 2 };
      const first = await search('contacts', body);
      expect(first.body.total).toBe(3);
      expect(ids(first)).toEqual(ofContacts('alice', 'bob'));
      expect(first.body.paging.next.after).toBe('2');
      const second = await search('contacts', { ...body, after: first.body.paging.next.after });
      expect(ids(second)).toEqual(ofContacts('carol'));
      expect(second.body.paging).toBeUndefined();
      expect(second.body.total).toBe(3);
    });

    test('limit is at most 200 and after a number', async () => {
      expect((await search('contacts', { limit: 200 })).status).toBe(200);
      const over = await search('contacts', { limit: 201 });
      expectError(over, 400, 'VALIDATION_ERROR');
      expect(over.body.message).toMatch(/at most 200/);
      expectError(await search('contacts', { after: 'abc' }), 400, 'VALIDATION_ERROR');
      expectError(await search('contacts', { limit: -1 }), 400, 'VALIDATION_ERROR');
    });

    test('no more than 10,000 results can be paged through', async () => {
      expect((await search('contacts', { after: '9800', limit: 200 })).status).toBe(200);
      const beyond = await search('contacts', { after: '9801', limit: 200 });
      expectError(beyond, 400, 'VALIDATION_ERROR');
      expect(beyond.body.message).toMatch(/10000/);
      expectError(await search('contacts', { after: 10000, limit: 1 }), 400, 'VALIDATION_ERROR');
    });
  });
});
