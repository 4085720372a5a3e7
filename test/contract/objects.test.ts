import { READ_ONLY_TOKEN, startEmulator, type ApiResponse, type TestEmulator } from '../helpers/emulator';
import { describeWithSpecs } from '../helpers/openapi';

// CRM objects v3 of the emulator against HubSpot's specs: every answer goes through emu.checked(), which
// validates it against the spec's response schema. Tests create the records they need (seed-independent),
// with a run-unique marker in emails and names.
describeWithSpecs('emulator CRM objects contract', () => {
  let emu: TestEmulator;
  let n = 0;
  const run = `r${Date.now().toString(36)}`;
  /** A fresh, unique email for this run. */
  const email = (name = 'c') => `${name}.${run}.${++n}@example.com`;

  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu.close());

  async function create(type: string, properties: Record<string, unknown>, associations?: unknown[]): Promise<any> {
    const res = await emu.checked('POST', `/crm/v3/objects/${type}`, { properties, ...(associations ? { associations } : {}) });
    if (res.status !== 201) throw new Error(`create ${type} failed: ${res.status} ${res.text}`);
    return res.body;
  }
  const newContact = (props: Record<string, unknown> = {}) => create('contacts', { email: email(), firstname: 'Test', ...props });
  const newDeal = (props: Record<string, unknown> = {}) => create('deals', { dealname: `Deal ${run}`, dealstage: 'appointmentscheduled', ...props });
  const get = (path: string) => emu.checked('GET', path);
  const expectError = (res: ApiResponse, status: number, category: string) => {
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ status: 'error', category });
  };

  describe('object types and scopes', () => {
    test('a type may be named by path name, type id or singular', async () => {
      const contact = await newContact();
      for (const t of ['contacts', '0-1', 'contact']) {
        const res = await get(`/crm/v3/objects/${t}/${contact.id}`);
        expect(res.status).toBe(200);
        expect(res.body.id).toBe(contact.id);
      }
    });

    test('an unknown type is HubSpot 400 "Unable to infer object type"', async () => {
      const res = await emu.checked('GET', '/crm/v3/objects/widgets');
      expectError(res, 400, 'VALIDATION_ERROR');
      expect(res.body.message).toBe('Unable to infer object type from: widgets');
      expect((await emu.checked('POST', '/crm/v3/objects/widgets/batch/read', { inputs: [] })).status).toBe(400);
    });

    test('reads need the read scope and writes the write scope', async () => {
      const contact = await newContact();
      expect((await emu.checked('GET', `/crm/v3/objects/contacts/${contact.id}`, undefined, { token: READ_ONLY_TOKEN })).status).toBe(200);
      const write = await emu.checked('PATCH', `/crm/v3/objects/contacts/${contact.id}`, { properties: { firstname: 'X' } }, { token: READ_ONLY_TOKEN });
      expectError(write, 403, 'MISSING_SCOPES');
      const tickets = await emu.checked('GET', '/crm/v3/objects/tickets?limit=1', undefined, { token: READ_ONLY_TOKEN });
      expectError(tickets, 403, 'MISSING_SCOPES');
      const search = await emu.checked('POST', '/crm/v3/objects/tickets/search', {}, { token: READ_ONLY_TOKEN });
      expectError(search, 403, 'MISSING_SCOPES');
    });
  });

  describe('create', () => {
    test('201 with the stored properties as strings and HubSpot system properties', async () => {
      const address = email('Create');
      const body = await create('contacts', { email: address.toUpperCase(), firstname: 'Ann', hs_email_optout: true, date_of_birth: '1990-05-01' });
      expect(body.id).toMatch(/^\d+$/);
      expect(body.archived).toBe(false);
      expect(body.properties).toMatchObject({
        email: address.toLowerCase(),
        firstname: 'Ann',
        hs_email_optout: 'true',
        date_of_birth: String(Date.UTC(1990, 4, 1)),
        hs_object_id: body.id,
      });
      expect(body.properties.createdate).toBe(body.createdAt);
      expect(body.properties.lastmodifieddate).toBe(body.updatedAt);
      expect(new Date(body.createdAt).toISOString()).toBe(body.createdAt);
    });

    test('numbers sent unquoted are stored as their text', async () => {
      const deal = await newDeal({ amount: 1500.5 });
      expect(deal.properties.amount).toBe('1500.5');
    });

    test('unknown, read-only and invalid values are one 400 naming them all', async () => {
      const res = await emu.checked('POST', '/crm/v3/objects/contacts', {
        properties: { email: email(), foo: 'x', hs_object_id: '1', lifecyclestage: 'nope', date_of_birth: '1606768561954' },
      });
      expectError(res, 400, 'VALIDATION_ERROR');
      expect(res.body.message).toMatch(/^Property values were not valid: \[/);
      const listed = JSON.parse(res.body.message.slice('Property values were not valid: '.length));
      expect(listed.map((p: any) => [p.name, p.error])).toEqual([
        ['foo', 'PROPERTY_DOESNT_EXIST'],
        ['hs_object_id', 'READ_ONLY_VALUE'],
        ['lifecyclestage', 'INVALID_OPTION'],
        ['date_of_birth', 'INVALID_DATE'],
      ]);
      expect(listed[0]).toMatchObject({ isValid: false, message: 'Property "foo" does not exist' });
      expect(res.body.errors[0]).toEqual({ message: 'Property "foo" does not exist', code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: ['foo'] } });
    });

    test.each([
      ['contacts', { email: 'nope' }, 'INVALID_EMAIL'],
      ['companies', { numberofemployees: 'many' }, 'INVALID_INTEGER'],
      ['companies', { is_public: 'maybe' }, 'INVALID_OPTION'],
      ['deals', { dealname: 'x', dealstage: 'appointmentscheduled', closedate: 'soon' }, 'INVALID_DATE'],
      ['deals', { dealname: 'x', dealstage: 'appointmentscheduled', amount: ' 5' }, 'LEADING_TRAILING_WHITESPACE'],
    ])('%s %j is refused with %s', async (type, properties, code) => {
      const res = await emu.checked('POST', `/crm/v3/objects/${type}`, { properties });
      expectError(res, 400, 'VALIDATION_ERROR');
      expect(res.body.errors[0].code).toBe(code);
    });

    test('a body without a properties object is 400', async () => {
      expectError(await emu.checked('POST', '/crm/v3/objects/contacts', { associations: [] }), 400, 'VALIDATION_ERROR');
      expectError(await emu.checked('POST', '/crm/v3/objects/contacts', { properties: 'x' }), 400, 'VALIDATION_ERROR');
      expectError(await emu.checked('POST', '/crm/v3/objects/contacts', ['x']), 400, 'VALIDATION_ERROR');
    });

    test('a second contact with the same email is HubSpot 409, case-insensitively', async () => {
      const first = await newContact();
      const res = await emu.checked('POST', '/crm/v3/objects/contacts', { properties: { email: first.properties.email.toUpperCase() } });
      expectError(res, 409, 'CONFLICT');
      expect(res.body.message).toBe(`Contact already exists. Existing ID: ${first.id}`);
    });

    test('associations given on create are stored both ways', async () => {
      const company = await create('companies', { name: `Acme ${run}` });
      const contact = await newContact();
      const deal = await newDeal({}).then((d) => d);
      const withAssocs = await create('deals', { dealname: 'linked', dealstage: 'qualifiedtobuy' }, [
        { to: { id: company.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 341 }] },
        { to: { id: contact.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] },
      ]);
      const read = await get(`/crm/v3/objects/deals/${withAssocs.id}?associations=companies,contacts`);
      expect(read.body.associations.companies.results).toEqual([{ id: company.id, type: 'deal_to_company' }]);
      expect(read.body.associations.contacts.results).toEqual([{ id: contact.id, type: 'deal_to_contact' }]);
      const back = await get(`/crm/v3/objects/companies/${company.id}?associations=deals`);
      expect(back.body.associations.deals.results).toEqual([{ id: withAssocs.id, type: 'company_to_deal' }]);
      expect(deal.id).not.toBe(withAssocs.id);
    });

    test('associations to missing records or with unknown type ids are 400 and create nothing', async () => {
      const company = await create('companies', { name: `Acme ${run}` });
      const address = email();
      const missing = await emu.checked('POST', '/crm/v3/objects/contacts', {
        properties: { email: address },
        associations: [{ to: { id: '999999999' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }] }],
      });
      expectError(missing, 400, 'VALIDATION_ERROR');
      const unknownType = await emu.checked('POST', '/crm/v3/objects/contacts', {
        properties: { email: address },
        associations: [{ to: { id: company.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 99999 }] }],
      });
      expectError(unknownType, 400, 'VALIDATION_ERROR');
      const wrongCategory = await emu.checked('POST', '/crm/v3/objects/contacts', {
        properties: { email: address },
        associations: [{ to: { id: company.id }, types: [{ associationCategory: 'USER_DEFINED', associationTypeId: 279 }] }],
      });
      expectError(wrongCategory, 400, 'VALIDATION_ERROR');
      expect((await get(`/crm/v3/objects/contacts/${address}?idProperty=email`)).status).toBe(404);
    });
  });

  describe('read', () => {
    test('without properties: HubSpot default set; with: those plus id and dates; unknown names ignored', async () => {
      const contact = await newContact({ lastname: 'Lee', jobtitle: 'CEO' });
      const plain = await get(`/crm/v3/objects/contacts/${contact.id}`);
      expect(Object.keys(plain.body.properties).sort()).toEqual(['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname']);
      const picked = await get(`/crm/v3/objects/contacts/${contact.id}?properties=jobtitle,nonexistent_prop`);
      expect(Object.keys(picked.body.properties).sort()).toEqual(['createdate', 'hs_object_id', 'jobtitle', 'lastmodifieddate']);
      expect(picked.body.propertiesWithHistory).toBeUndefined();
      expect(picked.body.associations).toBeUndefined();
    });

    test('propertiesWithHistory lists values newest first with source API', async () => {
      const contact = await newContact({ firstname: 'One' });
      await emu.checked('PATCH', `/crm/v3/objects/contacts/${contact.id}`, { properties: { firstname: 'Two' } });
      const res = await get(`/crm/v3/objects/contacts/${contact.id}?propertiesWithHistory=firstname,unknown_one`);
      expect(res.body.propertiesWithHistory.firstname.map((h: any) => h.value)).toEqual(['Two', 'One']);
      expect(res.body.propertiesWithHistory.firstname[0].sourceType).toBe('API');
      expect(Object.keys(res.body.propertiesWithHistory)).toEqual(['firstname']);
    });

    test('associations list unlabelled and labelled types; unknown type names are ignored', async () => {
      const company = await create('companies', { name: `Primary ${run}` });
      const contact = await create('contacts', { email: email() }, [
        { to: { id: company.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }, { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }] },
      ]);
      const res = await get(`/crm/v3/objects/contacts/${contact.id}?associations=company&associations=nonsense`);
      expect(res.status).toBe(200);
      expect(res.body.associations.companies.results).toEqual([
        { id: company.id, type: 'contact_to_company_primary' },
        { id: company.id, type: 'contact_to_company' },
      ]);
      expect(Object.keys(res.body.associations)).toEqual(['companies']);
    });

    test('idProperty=email finds contacts case-insensitively', async () => {
      const contact = await newContact();
      const res = await get(`/crm/v3/objects/contacts/${encodeURIComponent(contact.properties.email.toUpperCase())}?idProperty=email`);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(contact.id);
      expect((await get(`/crm/v3/objects/contacts/nobody.${run}@example.com?idProperty=email`)).status).toBe(404);
    });

    test('idProperty must be a unique property: hs_object_id, non-unique and unknown ones are 400', async () => {
      const contact = await newContact();
      for (const idProperty of ['hs_object_id', 'firstname', 'no_such_property']) {
        const res = await get(`/crm/v3/objects/contacts/${contact.id}?idProperty=${idProperty}`);
        expectError(res, 400, 'VALIDATION_ERROR');
        expect(res.body.message).toContain(idProperty);
      }
    });

    test('products can be read by their unique hs_sku', async () => {
      const product = await create('products', { name: 'Widget', hs_sku: `SKU-${run}` });
      const res = await get(`/crm/v3/objects/products/SKU-${run}?idProperty=hs_sku`);
      expect(res.body.id).toBe(product.id);
    });

    test('missing records are 404 OBJECT_NOT_FOUND; non-numeric ids get HubSpot hint', async () => {
      expectError(await get('/crm/v3/objects/contacts/987654321'), 404, 'OBJECT_NOT_FOUND');
      const text = await get('/crm/v3/objects/contacts/abc');
      expectError(text, 404, 'OBJECT_NOT_FOUND');
      expect(text.body.message).toBe('Object not found.  objectId are usually numeric.');
    });

    test('invalid query parameters are 400', async () => {
      const contact = await newContact();
      expectError(await get(`/crm/v3/objects/contacts/${contact.id}?archived=maybe`), 400, 'VALIDATION_ERROR');
    });
  });

  describe('update', () => {
    test('PATCH overwrites given values, "" clears, and updatedAt moves', async () => {
      const contact = await newContact({ lastname: 'Lee', jobtitle: 'CEO' });
      await new Promise((r) => setTimeout(r, 5));
      const res = await emu.checked('PATCH', `/crm/v3/objects/contacts/${contact.id}`, { properties: { lastname: 'Park', jobtitle: '' } });
      expect(res.status).toBe(200);
      expect(res.body.properties.lastname).toBe('Park');
      expect(res.body.properties.jobtitle).toBeUndefined();
      expect(res.body.properties.firstname).toBe('Test');
      expect(res.body.updatedAt > contact.updatedAt).toBe(true);
      expect(res.body.properties.lastmodifieddate).toBe(res.body.updatedAt);
      expect(res.body.createdAt).toBe(contact.createdAt);
      const history = await get(`/crm/v3/objects/contacts/${contact.id}?propertiesWithHistory=jobtitle`);
      expect(history.body.propertiesWithHistory.jobtitle.map((h: any) => h.value)).toEqual(['', 'CEO']);
    });

    test('PATCH by idProperty=email', async () => {
      const contact = await newContact();
      const res = await emu.checked('PATCH', `/crm/v3/objects/contacts/${contact.properties.email}?idProperty=email`, { properties: { firstname: 'ByEmail' } });
      expect(res.body.id).toBe(contact.id);
      expect(res.body.properties.firstname).toBe('ByEmail');
    });

    test('multi-select values replace, or append with a leading ";"', async () => {
      const ticket = await create('tickets', { subject: 'Help', hs_pipeline_stage: '1', hs_ticket_category: 'BILLING_ISSUE' });
      const appended = await emu.checked('PATCH', `/crm/v3/objects/tickets/${ticket.id}`, { properties: { hs_ticket_category: ';PRODUCT_ISSUE' } });
      expect(appended.body.properties.hs_ticket_category).toBe('BILLING_ISSUE;PRODUCT_ISSUE');
      const replaced = await emu.checked('PATCH', `/crm/v3/objects/tickets/${ticket.id}`, { properties: { hs_ticket_category: 'FEATURE_REQUEST' } });
      expect(replaced.body.properties.hs_ticket_category).toBe('FEATURE_REQUEST');
    });

    test('read-only, unknown and invalid values are 400; the record is unchanged', async () => {
      const contact = await newContact({ firstname: 'Keep' });
      const res = await emu.checked('PATCH', `/crm/v3/objects/contacts/${contact.id}`, { properties: { firstname: 'Changed', createdate: '2020-01-01' } });
      expectError(res, 400, 'VALIDATION_ERROR');
      expect(res.body.errors[0].code).toBe('READ_ONLY_VALUE');
      expect((await get(`/crm/v3/objects/contacts/${contact.id}`)).body.properties.firstname).toBe('Keep');
      expectError(await emu.checked('PATCH', `/crm/v3/objects/contacts/${contact.id}`, {}), 400, 'VALIDATION_ERROR');
    });

    test('taking another contact email is 409; missing records are 404', async () => {
      const a = await newContact();
      const b = await newContact();
      const res = await emu.checked('PATCH', `/crm/v3/objects/contacts/${b.id}`, { properties: { email: a.properties.email } });
      expectError(res, 409, 'CONFLICT');
      expect(res.body.message).toBe(`Contact already exists. Existing ID: ${a.id}`);
      expect((await emu.checked('PATCH', `/crm/v3/objects/contacts/${b.id}`, { properties: { email: b.properties.email } })).status).toBe(200);
      expectError(await emu.checked('PATCH', '/crm/v3/objects/contacts/987654321', { properties: { firstname: 'x' } }), 404, 'OBJECT_NOT_FOUND');
    });
  });

  describe('deal and ticket pipelines', () => {
    test('deals need a stage, default to the default pipeline and derive probability and closed flags', async () => {
      const missing = await emu.checked('POST', '/crm/v3/objects/0-3', { properties: { dealname: 'No stage' } });
      expectError(missing, 400, 'VALIDATION_ERROR');
      expect(missing.body.errors[0]).toMatchObject({ code: 'REQUIRED_PROPERTY', context: { propertyName: ['dealstage'] } });
      const deal = await newDeal();
      expect(deal.properties).toMatchObject({ pipeline: 'default', dealstage: 'appointmentscheduled', hs_deal_stage_probability: '0.2', hs_is_closed: 'false' });
      const won = await emu.checked('PATCH', `/crm/v3/objects/0-3/${deal.id}`, { properties: { dealstage: 'closedwon' } });
      expect(won.body.properties).toMatchObject({ hs_deal_stage_probability: '1.0', hs_is_closed: 'true', hs_is_closed_won: 'true' });
      const lost = await emu.checked('PATCH', `/crm/v3/objects/0-3/${deal.id}`, { properties: { dealstage: 'closedlost' } });
      expect(lost.body.properties).toMatchObject({ hs_is_closed: 'true', hs_is_closed_won: 'false' });
    });

    test('a deal stage must exist and a stage cannot be cleared', async () => {
      const bad = await emu.checked('POST', '/crm/v3/objects/0-3', { properties: { dealname: 'x', dealstage: 'nope' } });
      expect(bad.body.errors[0].code).toBe('INVALID_OPTION');
      const deal = await newDeal();
      expectError(await emu.checked('PATCH', `/crm/v3/objects/0-3/${deal.id}`, { properties: { dealstage: '' } }), 400, 'VALIDATION_ERROR');
    });

    test('tickets need hs_pipeline_stage, default to pipeline 0 and get closed_date when closed', async () => {
      expectError(await emu.checked('POST', '/crm/v3/objects/tickets', { properties: { subject: 'x' } }), 400, 'VALIDATION_ERROR');
      const ticket = await create('tickets', { subject: 'Printer', hs_pipeline_stage: '1' });
      expect(ticket.properties).toMatchObject({ hs_pipeline: '0', hs_pipeline_stage: '1' });
      expect(ticket.properties.closed_date).toBeUndefined();
      const closed = await emu.checked('PATCH', `/crm/v3/objects/tickets/${ticket.id}`, { properties: { hs_pipeline_stage: '4' } });
      expect(closed.body.properties.closed_date).toBe(closed.body.updatedAt);
    });
  });

  describe('archive', () => {
    test('DELETE moves a record to the recycle bin: 204, then 404, readable with archived=true', async () => {
      const company = await create('companies', { name: `Bin ${run}` });
      const contact = await create('contacts', { email: email() }, [
        { to: { id: company.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }] },
      ]);
      const del = await emu.checked('DELETE', `/crm/v3/objects/contacts/${contact.id}`);
      expect(del.status).toBe(204);
      expectError(await get(`/crm/v3/objects/contacts/${contact.id}`), 404, 'OBJECT_NOT_FOUND');
      const archived = await get(`/crm/v3/objects/contacts/${contact.id}?archived=true`);
      expect(archived.body).toMatchObject({ id: contact.id, archived: true });
      expect(archived.body.archivedAt).toBe(archived.body.updatedAt);
      const companyView = await get(`/crm/v3/objects/companies/${company.id}?associations=contacts`);
      expect(companyView.body.associations).toBeUndefined();
      expectError(await emu.checked('DELETE', `/crm/v3/objects/contacts/${contact.id}`), 404, 'OBJECT_NOT_FOUND');
    });

    test('an archived contact email can be used again', async () => {
      const contact = await newContact();
      await emu.checked('DELETE', `/crm/v3/objects/contacts/${contact.id}`);
      const again = await emu.checked('POST', '/crm/v3/objects/contacts', { properties: { email: contact.properties.email } });
      expect(again.status).toBe(201);
    });
  });

  describe('list', () => {
    /** Every record of a type, page by page, checking each page against the spec. */
    async function listAll(path: string, limit: number): Promise<{ ids: string[]; pages: any[] }> {
      const ids: string[] = [];
      const pages: any[] = [];
      let after: string | undefined;
      do {
        const sep = path.includes('?') ? '&' : '?';
        const res = await get(`${path}${sep}limit=${limit}${after ? `&after=${after}` : ''}`);
        expect(res.status).toBe(200);
        expect(res.body.results.length).toBeLessThanOrEqual(limit);
        pages.push(res.body);
        ids.push(...res.body.results.map((r: any) => r.id));
        after = res.body.paging?.next?.after;
      } while (after);
      return { ids, pages };
    }

    test('pages through every record in id order with paging.next {after, link}', async () => {
      const made: string[] = [];
      for (let i = 0; i < 5; i++) made.push((await create('line_items', { name: `Line ${run} ${i}`, quantity: i + 1, price: 10 })).id);
      const { ids, pages } = await listAll('/crm/v3/objects/line_items', 2);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.filter((id) => made.includes(id))).toEqual(made);
      expect(ids.map(Number)).toEqual([...ids.map(Number)].sort((a, b) => a - b));
      const next = pages[0].paging.next;
      expect(next.link).toContain(`after=${next.after}`);
      expect(next.link).toContain('/crm/v3/objects/line_items');
      expect(pages[pages.length - 1].paging).toBeUndefined();
    });

    test('limit defaults to 10 and accepts 1..100', async () => {
      for (let i = 0; i < 11; i++) await create('quotes', { hs_title: `Quote ${run} ${i}` });
      expect((await get('/crm/v3/objects/quotes')).body.results).toHaveLength(10);
      expect((await get('/crm/v3/objects/quotes?limit=100')).status).toBe(200);
      expectError(await get('/crm/v3/objects/quotes?limit=101'), 400, 'VALIDATION_ERROR');
      expectError(await get('/crm/v3/objects/quotes?limit=0'), 400, 'VALIDATION_ERROR');
      expectError(await get('/crm/v3/objects/quotes?after=xyz'), 400, 'VALIDATION_ERROR');
    });

    test('archived=true lists only archived records', async () => {
      const kept = await create('meetings', { hs_meeting_title: `Kept ${run}` });
      const binned = await create('meetings', { hs_meeting_title: `Binned ${run}` });
      await emu.checked('DELETE', `/crm/v3/objects/meetings/${binned.id}`);
      const live = await listAll('/crm/v3/objects/meetings', 100);
      expect(live.ids).toContain(kept.id);
      expect(live.ids).not.toContain(binned.id);
      const bin = await listAll('/crm/v3/objects/meetings?archived=true', 100);
      expect(bin.ids).toContain(binned.id);
      expect(bin.ids).not.toContain(kept.id);
      expect(bin.pages.flatMap((p) => p.results).every((r: any) => r.archived === true && r.archivedAt)).toBe(true);
    });

    test('properties, history and associations apply to every listed record', async () => {
      const contact = await newContact();
      const task = await create('tasks', { hs_task_subject: `Call back ${run}`, hs_task_status: 'NOT_STARTED' }, [
        { to: { id: contact.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 204 }] },
      ]);
      const { pages } = await listAll('/crm/v3/objects/tasks?properties=hs_task_subject&propertiesWithHistory=hs_task_status&associations=contacts', 50);
      const listed = pages.flatMap((p) => p.results).find((r: any) => r.id === task.id);
      expect(listed.properties.hs_task_subject).toBe(`Call back ${run}`);
      expect(listed.propertiesWithHistory.hs_task_status[0].value).toBe('NOT_STARTED');
      expect(listed.associations.contacts.results).toEqual([{ id: contact.id, type: 'task_to_contact' }]);
      expectError(await get('/crm/v3/objects/tasks?propertiesWithHistory=hs_task_status&limit=51'), 400, 'VALIDATION_ERROR');
    });
  });

  describe('batch read', () => {
    test('200 with the found records; properties and history as asked', async () => {
      const a = await newContact({ jobtitle: 'A' });
      const b = await newContact({ jobtitle: 'B' });
      const res = await emu.checked('POST', '/crm/v3/objects/contacts/batch/read', {
        inputs: [{ id: a.id }, { id: b.id }, { id: a.id }],
        properties: ['jobtitle'],
        propertiesWithHistory: ['jobtitle'],
      });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('COMPLETE');
      expect(res.body.results.map((r: any) => r.properties.jobtitle).sort()).toEqual(['A', 'B']);
      expect(res.body.results[0].propertiesWithHistory.jobtitle).toHaveLength(1);
    });

    test('207 names the ids not found, with the found ones in results', async () => {
      const a = await newContact();
      const res = await emu.checked('POST', '/crm/v3/objects/contacts/batch/read', { inputs: [{ id: a.id }, { id: '987654321' }], properties: [], propertiesWithHistory: [] });
      expect(res.status).toBe(207);
      expect(res.body.results.map((r: any) => r.id)).toEqual([a.id]);
      expect(res.body.numErrors).toBe(1);
      expect(res.body.errors[0]).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND', context: { ids: ['987654321'] } });
      expect(res.body.errors[0].message).toMatch(/^Could not get some CONTACT objects/);
    });

    test('by idProperty, and archived=true reads the recycle bin', async () => {
      const a = await newContact();
      const byEmail = await emu.checked('POST', '/crm/v3/objects/contacts/batch/read', { inputs: [{ id: a.properties.email }], idProperty: 'email', properties: [], propertiesWithHistory: [] });
      expect(byEmail.body.results[0].id).toBe(a.id);
      await emu.checked('DELETE', `/crm/v3/objects/contacts/${a.id}`);
      const live = await emu.checked('POST', '/crm/v3/objects/contacts/batch/read', { inputs: [{ id: a.id }], properties: [], propertiesWithHistory: [] });
      expect(live.status).toBe(207);
      const bin = await emu.checked('POST', '/crm/v3/objects/contacts/batch/read?archived=true', { inputs: [{ id: a.id }], properties: [], propertiesWithHistory: [] });
      expect(bin.status).toBe(200);
      expect(bin.body.results[0].archived).toBe(true);
    });

    test('more than 100 inputs, or more than 50 with history, is 400', async () => {
      const inputs = (k: number) => Array.from({ length: k }, (_, i) => ({ id: String(i + 1) }));
      expectError(await emu.checked('POST', '/crm/v3/objects/contacts/batch/read', { inputs: inputs(101), properties: [], propertiesWithHistory: [] }), 400, 'VALIDATION_ERROR');
      expectError(await emu.checked('POST', '/crm/v3/objects/contacts/batch/read', { inputs: inputs(51), properties: [], propertiesWithHistory: ['email'] }), 400, 'VALIDATION_ERROR');
      expect((await emu.checked('POST', '/crm/v3/objects/contacts/batch/read', { inputs: inputs(50), properties: [], propertiesWithHistory: ['email'] })).status).not.toBe(400);
      expectError(await emu.checked('POST', '/crm/v3/objects/contacts/batch/read', { properties: [], propertiesWithHistory: [] }), 400, 'VALIDATION_ERROR');
      expectError(await emu.checked('POST', '/crm/v3/objects/contacts/batch/read', { inputs: [{ id: '1' }], idProperty: 'hs_object_id', properties: [], propertiesWithHistory: [] }), 400, 'VALIDATION_ERROR');
    });
  });

  describe('batch create', () => {
    test('201 with every record created, in input order', async () => {
      const emails = [email(), email()];
      const res = await emu.checked('POST', '/crm/v3/objects/contacts/batch/create', { inputs: emails.map((e) => ({ properties: { email: e }, associations: [] })) });
      expect(res.status).toBe(201);
      expect(res.body.results.map((r: any) => r.properties.email)).toEqual(emails);
      expect(res.body.startedAt <= res.body.completedAt).toBe(true);
    });

    test('with unique objectWriteTraceIds, failing inputs are reported (207) and the others created', async () => {
      const good = email();
      const res = await emu.checked('POST', '/crm/v3/objects/contacts/batch/create', {
        inputs: [
          { properties: { email: good }, associations: [], objectWriteTraceId: 't1' },
          { properties: { email: 'broken' }, associations: [], objectWriteTraceId: 't2' },
          { properties: { email: good }, associations: [], objectWriteTraceId: 't3' },
        ],
      });
      expect(res.status).toBe(207);
      expect(res.body.results).toHaveLength(1);
      expect(res.body.results[0]).toMatchObject({ objectWriteTraceId: 't1', properties: { email: good } });
      expect(res.body.numErrors).toBe(2);
      expect(res.body.errors.map((e: any) => [e.category, e.context.objectWriteTraceId])).toEqual([
        ['VALIDATION_ERROR', ['t2']],
        ['CONFLICT', ['t3']],
      ]);
    });

    test('without trace ids one bad input fails the whole batch and nothing is created', async () => {
      const good = email();
      const res = await emu.checked('POST', '/crm/v3/objects/contacts/batch/create', {
        inputs: [{ properties: { email: good }, associations: [] }, { properties: { nope: 'x' }, associations: [] }],
      });
      expectError(res, 400, 'VALIDATION_ERROR');
      expect((await get(`/crm/v3/objects/contacts/${good}?idProperty=email`)).status).toBe(404);
    });

    test('more than 100 inputs is 400', async () => {
      const inputs = Array.from({ length: 101 }, () => ({ properties: { name: 'x' }, associations: [] }));
      expectError(await emu.checked('POST', '/crm/v3/objects/companies/batch/create', { inputs }), 400, 'VALIDATION_ERROR');
    });
  });

  describe('batch update', () => {
    test('200 with the updated records; ids may be unique property values', async () => {
      const a = await newContact();
      const b = await newContact();
      const res = await emu.checked('POST', '/crm/v3/objects/contacts/batch/update', {
        inputs: [
          { id: a.id, properties: { jobtitle: 'CTO' } },
          { id: b.properties.email, idProperty: 'email', properties: { jobtitle: 'CFO' } },
        ],
      });
      expect(res.status).toBe(200);
      expect(res.body.results.map((r: any) => [r.id, r.properties.jobtitle])).toEqual([[a.id, 'CTO'], [b.id, 'CFO']]);
    });

    test('207 for missing ids and invalid values; the valid inputs are applied', async () => {
      const a = await newContact();
      const b = await newContact();
      const res = await emu.checked('POST', '/crm/v3/objects/contacts/batch/update', {
        inputs: [
          { id: a.id, properties: { jobtitle: 'Done' } },
          { id: '987654321', properties: { jobtitle: 'x' } },
          { id: b.id, properties: { lifecyclestage: 'nope' } },
        ],
      });
      expect(res.status).toBe(207);
      expect(res.body.results.map((r: any) => r.id)).toEqual([a.id]);
      expect(res.body.errors.map((e: any) => e.category)).toEqual(['OBJECT_NOT_FOUND', 'VALIDATION_ERROR']);
      expect(res.body.errors[0].context.ids).toEqual(['987654321']);
      expect(res.body.errors[1].context.id).toEqual([b.id]);
    });

    test('a malformed input refuses the whole batch before anything is written', async () => {
      const a = await newContact({ jobtitle: 'Before' });
      const res = await emu.checked('POST', '/crm/v3/objects/contacts/batch/update', {
        inputs: [{ id: a.id, properties: { jobtitle: 'After' } }, { id: 'x', idProperty: 'firstname', properties: {} }],
      });
      expectError(res, 400, 'VALIDATION_ERROR');
      expect((await get(`/crm/v3/objects/contacts/${a.id}?properties=jobtitle`)).body.properties.jobtitle).toBe('Before');
    });

    test('duplicate ids, missing ids and more than 100 inputs are 400', async () => {
      const a = await newContact();
      expectError(await emu.checked('POST', '/crm/v3/objects/contacts/batch/update', { inputs: [{ id: a.id, properties: {} }, { id: a.id, properties: {} }] }), 400, 'VALIDATION_ERROR');
      expectError(await emu.checked('POST', '/crm/v3/objects/contacts/batch/update', { inputs: [{ properties: {} }] }), 400, 'VALIDATION_ERROR');
      const many = Array.from({ length: 101 }, (_, i) => ({ id: String(i + 1), properties: {} }));
      expectError(await emu.checked('POST', '/crm/v3/objects/contacts/batch/update', { inputs: many }), 400, 'VALIDATION_ERROR');
    });
  });

  describe('batch upsert', () => {
    test('creates what is missing (new:true) and updates what exists (new:false) by idProperty', async () => {
      const existing = await newContact({ jobtitle: 'Old' });
      const fresh = email();
      const res = await emu.checked('POST', '/crm/v3/objects/contacts/batch/upsert', {
        inputs: [
          { id: existing.properties.email, idProperty: 'email', properties: { jobtitle: 'New' } },
          { id: fresh, idProperty: 'email', properties: { firstname: 'Fresh' } },
        ],
      });
      expect(res.status).toBe(200);
      const [updated, created] = res.body.results;
      expect(updated).toMatchObject({ id: existing.id, new: false, properties: { jobtitle: 'New' } });
      expect(created).toMatchObject({ new: true, properties: { email: fresh, firstname: 'Fresh' } });
    });

    test('the idProperty may come as a query parameter', async () => {
      const sku = `UPS-${run}`;
      const res = await emu.checked('POST', '/crm/v3/objects/products/batch/upsert?idProperty=hs_sku', { inputs: [{ id: sku, properties: { name: 'Upserted' } }] });
      expect(res.body.results[0]).toMatchObject({ new: true, properties: { hs_sku: sku, name: 'Upserted' } });
      const again = await emu.checked('POST', '/crm/v3/objects/products/batch/upsert?idProperty=hs_sku', { inputs: [{ id: sku, properties: { price: 5 } }] });
      expect(again.body.results[0]).toMatchObject({ id: res.body.results[0].id, new: false, properties: { price: '5' } });
    });

    test('207 for inputs that fail; record ids without idProperty can only update', async () => {
      const a = await newContact();
      const res = await emu.checked('POST', '/crm/v3/objects/contacts/batch/upsert', {
        inputs: [
          { id: a.id, properties: { jobtitle: 'ById' } },
          { id: '987654321', properties: { jobtitle: 'x' } },
          { id: email(), idProperty: 'email', properties: { hs_object_id: '1' } },
        ],
      });
      expect(res.status).toBe(207);
      expect(res.body.results).toEqual([expect.objectContaining({ id: a.id, new: false })]);
      expect(res.body.errors.map((e: any) => e.category)).toEqual(['OBJECT_NOT_FOUND', 'VALIDATION_ERROR']);
    });

    test('duplicate ids and non-unique idProperty are 400', async () => {
      const id = email();
      expectError(await emu.checked('POST', '/crm/v3/objects/contacts/batch/upsert', { inputs: [{ id, idProperty: 'email', properties: {} }, { id, idProperty: 'email', properties: {} }] }), 400, 'VALIDATION_ERROR');
      expectError(await emu.checked('POST', '/crm/v3/objects/contacts/batch/upsert', { inputs: [{ id: 'x', idProperty: 'firstname', properties: {} }] }), 400, 'VALIDATION_ERROR');
    });
  });

  describe('batch archive', () => {
    test('204; the records go to the recycle bin; unknown ids are ignored', async () => {
      const a = await create('calls', { hs_call_title: `Call ${run}` });
      const b = await create('calls', { hs_call_title: `Call ${run}` });
      const res = await emu.checked('POST', '/crm/v3/objects/calls/batch/archive', { inputs: [{ id: a.id }, { id: b.id }, { id: '987654321' }] });
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      for (const id of [a.id, b.id]) {
        expect((await get(`/crm/v3/objects/calls/${id}`)).status).toBe(404);
        expect((await get(`/crm/v3/objects/calls/${id}?archived=true`)).body.archived).toBe(true);
      }
    });

    test('more than 100 inputs or inputs without ids are 400, and nothing is archived', async () => {
      const many = Array.from({ length: 101 }, (_, i) => ({ id: String(i + 1) }));
      expectError(await emu.checked('POST', '/crm/v3/objects/calls/batch/archive', { inputs: many }), 400, 'VALIDATION_ERROR');
      const kept = await create('calls', { hs_call_title: `Kept ${run}` });
      expectError(await emu.checked('POST', '/crm/v3/objects/calls/batch/archive', { inputs: [{ id: kept.id }, {}] }), 400, 'VALIDATION_ERROR');
      expect((await get(`/crm/v3/objects/calls/${kept.id}`)).status).toBe(200);
    });
  });

  describe('merge', () => {
    test('contacts: primary values win, gaps are filled, ids and associations move to the primary', async () => {
      const company = await create('companies', { name: `Merge Co ${run}` });
      const primary = await newContact({ firstname: 'Primary', jobtitle: '' });
      const other = await create('contacts', { email: email(), firstname: 'Other', jobtitle: 'Engineer' }, [
        { to: { id: company.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }] },
      ]);
      const res = await emu.checked('POST', '/crm/v3/objects/contacts/merge', { primaryObjectId: primary.id, objectIdToMerge: other.id });
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(primary.id);
      expect(res.body.properties).toMatchObject({
        firstname: 'Primary',
        jobtitle: 'Engineer',
        email: primary.properties.email,
        hs_merged_object_ids: other.id,
        hs_additional_emails: other.properties.email,
        hs_object_id: primary.id,
      });
      const viaOldId = await get(`/crm/v3/objects/contacts/${other.id}?associations=companies`);
      expect(viaOldId.body.id).toBe(primary.id);
      expect(viaOldId.body.associations.companies.results[0].id).toBe(company.id);
      const companyView = await get(`/crm/v3/objects/companies/${company.id}?associations=contacts`);
      expect(companyView.body.associations.contacts.results.map((r: any) => r.id)).toEqual([primary.id]);
      const dup = await emu.checked('POST', '/crm/v3/objects/contacts', { properties: { email: other.properties.email } });
      expectError(dup, 409, 'CONFLICT');
    });

    test('merged ids accumulate across merges', async () => {
      const [a, b, c] = [await create('companies', { name: 'A' }), await create('companies', { name: 'B' }), await create('companies', { name: 'C' })];
      await emu.checked('POST', '/crm/v3/objects/companies/merge', { primaryObjectId: b.id, objectIdToMerge: c.id });
      const res = await emu.checked('POST', '/crm/v3/objects/companies/merge', { primaryObjectId: a.id, objectIdToMerge: b.id });
      expect(res.body.properties.hs_merged_object_ids.split(';').sort()).toEqual([b.id, c.id].sort());
      expect((await get(`/crm/v3/objects/companies/${c.id}`)).body.id).toBe(a.id);
    });

    test('deals: the merge creates a new deal and both old ids answer as it', async () => {
      const contact = await newContact();
      const primary = await newDeal({ dealname: 'Primary deal', amount: 100 });
      const other = await create('deals', { dealname: 'Other deal', dealstage: 'qualifiedtobuy', description: 'from other' }, [
        { to: { id: contact.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] },
      ]);
      const res = await emu.checked('POST', '/crm/v3/objects/0-3/merge', { primaryObjectId: primary.id, objectIdToMerge: other.id });
      expect(res.status).toBe(200);
      const merged = res.body;
      expect([primary.id, other.id]).not.toContain(merged.id);
      expect(merged.properties).toMatchObject({ dealname: 'Primary deal', amount: '100', description: 'from other', hs_object_id: merged.id });
      expect(merged.properties.hs_merged_object_ids.split(';').sort()).toEqual([primary.id, other.id].sort());
      for (const old of [primary.id, other.id]) expect((await get(`/crm/v3/objects/0-3/${old}`)).body.id).toBe(merged.id);
      const contactView = await get(`/crm/v3/objects/contacts/${contact.id}?associations=deals`);
      expect(contactView.body.associations.deals.results.map((r: any) => r.id)).toEqual([merged.id]);
    });

    test('tickets can be merged', async () => {
      const a = await create('tickets', { subject: 'A', hs_pipeline_stage: '1' });
      const b = await create('tickets', { subject: 'B', hs_pipeline_stage: '2', content: 'details' });
      const res = await emu.checked('POST', '/crm/v3/objects/tickets/merge', { primaryObjectId: a.id, objectIdToMerge: b.id });
      expect(res.body.properties).toMatchObject({ subject: 'A', content: 'details', hs_merged_object_ids: b.id });
    });

    test('merging a record with itself is 400; missing records are 404; bodies need both ids', async () => {
      const a = await newContact();
      expectError(await emu.checked('POST', '/crm/v3/objects/contacts/merge', { primaryObjectId: a.id, objectIdToMerge: a.id }), 400, 'VALIDATION_ERROR');
      expectError(await emu.checked('POST', '/crm/v3/objects/contacts/merge', { primaryObjectId: a.id, objectIdToMerge: '987654321' }), 404, 'OBJECT_NOT_FOUND');
      expectError(await emu.checked('POST', '/crm/v3/objects/contacts/merge', { primaryObjectId: a.id }), 400, 'VALIDATION_ERROR');
    });

    test('types without merge answer 404', async () => {
      const a = await create('products', { name: 'P1' });
      const b = await create('products', { name: 'P2' });
      const res = await emu.api('POST', '/crm/v3/objects/products/merge', { primaryObjectId: a.id, objectIdToMerge: b.id });
      expectError(res, 404, 'OBJECT_NOT_FOUND');
    });
  });

  describe('GDPR delete', () => {
    test('deletes a contact for good and blocks its email from being used again', async () => {
      const contact = await newContact();
      const res = await emu.checked('POST', '/crm/v3/objects/contacts/gdpr-delete', { objectId: contact.id });
      expect(res.status).toBe(204);
      expect((await get(`/crm/v3/objects/contacts/${contact.id}`)).status).toBe(404);
      expect((await get(`/crm/v3/objects/contacts/${contact.id}?archived=true`)).status).toBe(404);
      const again = await emu.checked('POST', '/crm/v3/objects/contacts', { properties: { email: contact.properties.email } });
      expectError(again, 400, 'VALIDATION_ERROR');
      expect(again.body.errors[0].context.propertyName).toEqual(['email']);
    });

    test('by email: found or not, 204, and the email is blocklisted', async () => {
      const contact = await newContact();
      expect((await emu.checked('POST', '/crm/v3/objects/contacts/gdpr-delete', { objectId: contact.properties.email, idProperty: 'email' })).status).toBe(204);
      expect((await get(`/crm/v3/objects/contacts/${contact.id}`)).status).toBe(404);
      const unknown = email('Never');
      expect((await emu.checked('POST', '/crm/v3/objects/contacts/gdpr-delete', { objectId: unknown, idProperty: 'email' })).status).toBe(204);
      expectError(await emu.checked('POST', '/crm/v3/objects/contacts', { properties: { email: unknown } }), 400, 'VALIDATION_ERROR');
    });

    test('unknown ids are 404, bodies need objectId, and only contacts have it', async () => {
      expectError(await emu.checked('POST', '/crm/v3/objects/contacts/gdpr-delete', { objectId: '987654321' }), 404, 'OBJECT_NOT_FOUND');
      expectError(await emu.checked('POST', '/crm/v3/objects/contacts/gdpr-delete', {}), 400, 'VALIDATION_ERROR');
      const company = await create('companies', { name: 'No GDPR' });
      expectError(await emu.api('POST', '/crm/v3/objects/companies/gdpr-delete', { objectId: company.id }), 404, 'OBJECT_NOT_FOUND');
    });
  });
});
