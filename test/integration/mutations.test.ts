import { startGateway, type TestGateway } from '../helpers/gateway';

const CONTACT = 'contact { hs_object_id email firstname lastname date_of_birth hs_email_optout }';
const ERRORS = 'userErrors { field message code }';

describe('CRM object mutations against the emulator', () => {
  let gw: TestGateway;
  let n = 0;
  const email = () => `m${Date.now()}-${n++}@example.com`;
  const raw = async (type: string, id: string, props: string) => (await gw.emulator.api('GET', `/crm/v3/objects/${type}/${id}?properties=${props}`)).body;
  const callsDuring = async <T>(run: () => Promise<T>) => {
    const before = gw.calls.length;
    const result = await run();
    return { result, calls: gw.calls.slice(before).map((c) => `${c.call.method} ${c.call.operation}`) };
  };

  beforeAll(async () => {
    gw = await startGateway({ env: { UPSTREAM_TIMEOUT_MS: '1000' } });
  });
  afterAll(() => gw.close());
  afterEach(() => gw.emulator.api('PUT', '/__emulator/faults', { faults: [] }));

  test('create serialises typed values as HubSpot stores them and reads them back', async () => {
    const e = email();
    const res = await gw.query(`mutation($e: String!) { contactCreate(input: { properties: { email: $e, firstname: "Ada", date_of_birth: "1815-12-10", hs_email_optout: true }, otherProperties: [{ name: "jobtitle", value: "Analyst" }] }) { ${CONTACT} ${ERRORS} } }`, { e });
    const p = res.body.data.contactCreate;
    expect(p.userErrors).toEqual([]);
    expect(p.contact).toMatchObject({ email: e, firstname: 'Ada', date_of_birth: '1815-12-10', hs_email_optout: true });
    const stored = await raw('contacts', p.contact.hs_object_id, 'date_of_birth,hs_email_optout,jobtitle');
    expect(stored.properties).toMatchObject({ date_of_birth: String(Date.UTC(1815, 11, 10)), hs_email_optout: 'true', jobtitle: 'Analyst' });
  });

  test('multi-select values are ;-joined and an explicit null clears a value', async () => {
    const created = await gw.query(`mutation { ticketCreate(input: { properties: { subject: "Printer on fire", hs_pipeline_stage: "1", hs_ticket_category: ["PRODUCT_ISSUE", "BILLING_ISSUE"], content: "smoke" } }) { ticket { hs_object_id hs_ticket_category content } ${ERRORS} } }`);
    const t = created.body.data.ticketCreate;
    expect(t.userErrors).toEqual([]);
    expect(t.ticket.hs_ticket_category).toEqual(['PRODUCT_ISSUE', 'BILLING_ISSUE']);
    expect((await raw('tickets', t.ticket.hs_object_id, 'hs_ticket_category')).properties.hs_ticket_category).toBe('PRODUCT_ISSUE;BILLING_ISSUE');
    const cleared = await gw.query(`mutation { ticketUpdate(input: { id: "${t.ticket.hs_object_id}", properties: { content: null } }) { ticket { content } ${ERRORS} } }`);
    expect(cleared.body.data.ticketUpdate).toEqual({ ticket: { content: null }, userErrors: [] });
  });

  test('associations on create: default, by label and by explicit types', async () => {
    const company = await gw.query(`mutation { companyCreate(input: { properties: { name: "Assoc Co", domain: "assoc-${Date.now()}.example" } }) { company { hs_object_id } ${ERRORS} } }`);
    const companyId = company.body.data.companyCreate.company.hs_object_id;
    const res = await gw.query(`mutation($e: String!) { contactCreate(input: { properties: { email: $e }, associations: [
      { toObjectType: "companies", toId: "${companyId}" },
      { toObjectType: "companies", toId: "${companyId}", label: "Primary" }
    ] }) { contact { companies { edges { primary types { typeId label } node { name } } } } ${ERRORS} } }`, { e: email() });
    const edges = res.body.data.contactCreate.contact.companies.edges;
    expect(edges).toHaveLength(1);
    expect(edges[0]).toMatchObject({ primary: true, node: { name: 'Assoc Co' } });
    expect(edges[0].types.map((t: { typeId: number }) => t.typeId).sort((a: number, b: number) => a - b)).toEqual([1, 279]);
    const bad = await gw.query(`mutation { contactCreate(input: { properties: { email: "${email()}" }, associations: [{ toObjectType: "companies", toId: "${companyId}", label: "No such label" }] }) { contact { hs_object_id } } }`);
    expect(bad.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(bad.body.errors[0].message).toMatch(/No such label/);
  });

  test('validation failures are userErrors naming the input field', async () => {
    const res = await gw.query(`mutation { contactCreate(input: { properties: { email: "not-an-email" }, otherProperties: [{ name: "no_such_prop", value: "x" }, { name: "hs_object_id", value: "5" }] }) { contact { hs_object_id } ${ERRORS} } }`);
    const p = res.body.data.contactCreate;
    expect(p.contact).toBeNull();
    expect(p.userErrors).toEqual(expect.arrayContaining([
      { field: ['input', 'properties', 'email'], message: expect.any(String), code: 'INVALID' },
      { field: ['input', 'properties', 'no_such_prop'], message: expect.any(String), code: 'UNKNOWN_PROPERTY' },
      { field: ['input', 'properties', 'hs_object_id'], message: expect.any(String), code: 'READ_ONLY' },
    ]));
  });

  test('a duplicate email is a CONFLICT naming the existing record', async () => {
    const e = email();
    const first = await gw.query(`mutation { contactCreate(input: { properties: { email: "${e}" } }) { contact { hs_object_id } } }`);
    const dup = await gw.query(`mutation { contactCreate(input: { properties: { email: "${e}" } }) { contact { hs_object_id } ${ERRORS} } }`);
    expect(dup.body.data.contactCreate.userErrors).toEqual([
      { field: ['input', 'properties', 'email'], message: expect.stringContaining(first.body.data.contactCreate.contact.hs_object_id), code: 'CONFLICT' },
    ]);
  });

  test('update by id and by unique property; not found is a NOT_FOUND userError', async () => {
    const e = email();
    await gw.query(`mutation { contactCreate(input: { properties: { email: "${e}", firstname: "Old" } }) { contact { hs_object_id } } }`);
    const byEmail = await gw.query(`mutation { contactUpdate(input: { id: "${e}", idProperty: "email", properties: { firstname: "New" } }) { contact { firstname } ${ERRORS} } }`);
    expect(byEmail.body.data.contactUpdate).toEqual({ contact: { firstname: 'New' }, userErrors: [] });
    const missing = await gw.query(`mutation { dealUpdate(input: { id: "999999999", properties: { dealname: "x" } }) { deal { hs_object_id } ${ERRORS} } }`);
    expect(missing.body.data.dealUpdate.userErrors[0]).toMatchObject({ field: ['input', 'id'], code: 'NOT_FOUND' });
  });

  test('archive moves to the recycle bin; a second archive is NOT_FOUND', async () => {
    const c = await gw.query(`mutation { companyCreate(input: { properties: { name: "Gone Co" } }) { company { hs_object_id } } }`);
    const id = c.body.data.companyCreate.company.hs_object_id;
    const res = await gw.query(`mutation { companyArchive(id: "${id}") { archivedId ${ERRORS} } }`);
    expect(res.body.data.companyArchive).toEqual({ archivedId: id, userErrors: [] });
    expect((await gw.emulator.api('GET', `/crm/v3/objects/companies/${id}?archived=true`)).body.archived).toBe(true);
    const again = await gw.query(`mutation { companyArchive(id: "${id}") { archivedId ${ERRORS} } }`);
    expect(again.body.data.companyArchive.userErrors[0].code).toBe('NOT_FOUND');
  });

  test('merge returns the surviving record HubSpot names (deals get a new id)', async () => {
    const mk = async () => (await gw.query(`mutation { dealCreate(input: { properties: { dealname: "D", dealstage: "appointmentscheduled", pipeline: "default" } }) { deal { hs_object_id } } }`)).body.data.dealCreate.deal.hs_object_id;
    const [a, b] = [await mk(), await mk()];
    const res = await gw.query(`mutation { dealMerge(primaryId: "${a}", mergeId: "${b}") { deal { hs_object_id hs_merged_object_ids } ${ERRORS} } }`);
    const deal = res.body.data.dealMerge.deal;
    expect(res.body.data.dealMerge.userErrors).toEqual([]);
    expect([a, b]).not.toContain(deal.hs_object_id);
    expect(deal.hs_merged_object_ids).toEqual(expect.arrayContaining([a, b]));
    const ca = (await gw.query(`mutation { contactCreate(input: { properties: { email: "${email()}" } }) { contact { hs_object_id } } }`)).body.data.contactCreate.contact.hs_object_id;
    const cb = (await gw.query(`mutation { contactCreate(input: { properties: { email: "${email()}" } }) { contact { hs_object_id } } }`)).body.data.contactCreate.contact.hs_object_id;
    const merged = await gw.query(`mutation { contactMerge(primaryId: "${ca}", mergeId: "${cb}") { contact { hs_object_id } ${ERRORS} } }`);
    expect(merged.body.data.contactMerge.userErrors).toEqual([]);
  });

  test('a batch of 250 creates is split into 3 calls, results in input order, one bad input nulls only itself (207)', async () => {
    const tag = Date.now();
    const inputs = Array.from({ length: 250 }, (_, i) => ({ properties: { email: i === 130 ? 'broken' : `b${tag}-${i}@example.com` } }));
    const { result, calls } = await callsDuring(() => gw.query(`mutation($inputs: [ContactCreateInput!]!) { contactsBatchCreate(inputs: $inputs) { contacts { email } ${ERRORS} } }`, { inputs }));
    expect(calls).toEqual(Array(3).fill('POST /crm/v3/objects/{objectType}/batch/create'));
    const p = result.body.data.contactsBatchCreate;
    expect(p.contacts).toHaveLength(250);
    p.contacts.forEach((c: { email: string } | null, i: number) => (i === 130 ? expect(c).toBeNull() : expect(c!.email).toBe(`b${tag}-${i}@example.com`)));
    expect(p.userErrors).toEqual([{ field: ['inputs', '130', 'properties', 'email'], message: expect.any(String), code: 'INVALID' }]);
  });

  test('batch update maps a missing id to its input; batch upsert by email creates then updates (idempotent)', async () => {
    const e = email();
    const c = (await gw.query(`mutation { contactCreate(input: { properties: { email: "${e}" } }) { contact { hs_object_id } } }`)).body.data.contactCreate.contact.hs_object_id;
    const upd = await gw.query(`mutation { contactsBatchUpdate(inputs: [{ id: "${c}", properties: { firstname: "One" } }, { id: "987654321", properties: { firstname: "Two" } }]) { contacts { firstname } ${ERRORS} } }`);
    expect(upd.body.data.contactsBatchUpdate.contacts).toEqual([{ firstname: 'One' }, null]);
    expect(upd.body.data.contactsBatchUpdate.userErrors[0]).toMatchObject({ field: ['inputs', '1', 'id'], code: 'NOT_FOUND' });
    const e2 = email();
    const upsert = `mutation { contactsBatchUpsert(idProperty: "email", inputs: [{ id: "${e}", properties: { lastname: "Existing" } }, { id: "${e2}", properties: { lastname: "Fresh" } }]) { contacts { email lastname } ${ERRORS} } }`;
    const first = await gw.query(upsert);
    expect(first.body.data.contactsBatchUpsert).toEqual({ contacts: [{ email: e, lastname: 'Existing' }, { email: e2, lastname: 'Fresh' }], userErrors: [] });
    await gw.query(upsert);
    const search = await gw.emulator.api('POST', '/crm/v3/objects/contacts/search', { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: e2 }] }] });
    expect(search.body.total).toBe(1);
  });

  test('batch archive of 250 ids makes 3 calls', async () => {
    const ids = Array.from({ length: 250 }, (_, i) => String(900000 + i));
    const { result, calls } = await callsDuring(() => gw.query(`mutation($ids: [ID!]!) { dealsBatchArchive(ids: $ids) { archivedIds ${ERRORS} } }`, { ids }));
    expect(calls).toHaveLength(3);
    expect(result.body.data.dealsBatchArchive.archivedIds).toHaveLength(250);
  });

  test('GDPR delete removes the contact for good', async () => {
    const e = email();
    const id = (await gw.query(`mutation { contactCreate(input: { properties: { email: "${e}" } }) { contact { hs_object_id } } }`)).body.data.contactCreate.contact.hs_object_id;
    const res = await gw.query(`mutation { contactGdprDelete(id: "${e}", idProperty: "email") { archivedId ${ERRORS} } }`);
    expect(res.body.data.contactGdprDelete.userErrors).toEqual([]);
    expect((await gw.emulator.api('GET', `/crm/v3/objects/contacts/${id}?archived=true`)).status).toBe(404);
  });

  test('generic mutations work for any object type by name or id', async () => {
    const res = await gw.query(`mutation { crmObjectCreate(objectType: "0-7", properties: [{ name: "name", value: "Widget" }, { name: "price", value: "9.5" }]) { crmObject { objectType hs_object_id ... on Product { name price } } ${ERRORS} } }`);
    expect(res.body.data.crmObjectCreate).toMatchObject({ crmObject: { objectType: 'products', name: 'Widget', price: 9.5 }, userErrors: [] });
    const id = res.body.data.crmObjectCreate.crmObject.hs_object_id;
    const upd = await gw.query(`mutation { crmObjectUpdate(objectType: "products", id: "${id}", properties: [{ name: "price", value: "11" }]) { crmObject { ... on Product { price } } ${ERRORS} } }`);
    expect(upd.body.data.crmObjectUpdate.crmObject.price).toBe(11);
    const arch = await gw.query(`mutation { crmObjectArchive(objectType: "products", id: "${id}") { archivedId } }`);
    expect(arch.body.data.crmObjectArchive.archivedId).toBe(id);
  });

  test('fresh reads: a later mutation field in the same request sees the earlier write', async () => {
    const e = email();
    const c = (await gw.query(`mutation { contactCreate(input: { properties: { email: "${e}", firstname: "Before" } }) { contact { hs_object_id } } }`)).body.data.contactCreate.contact.hs_object_id;
    const res = await gw.query(`mutation {
      first: contactUpdate(input: { id: "${c}", properties: { firstname: "After" } }) { contact { firstname } }
      second: contactUpdate(input: { id: "${c}", properties: { lastname: "Too" } }) { contact { firstname lastname } }
    }`);
    expect(res.body.data.second.contact).toEqual({ firstname: 'After', lastname: 'Too' });
  });

  test('a create whose answer is lost is not retried: one record exists and the client is told the outcome is unknown', async () => {
    const e = email();
    await gw.emulator.api('PUT', '/__emulator/faults', { faults: [{ kind: 'lost-response', rate: 1, route: '^/crm/v3/objects/contacts$', method: 'POST' }], timeoutFaultMs: 5000 });
    const { result, calls } = await callsDuring(() => gw.query(`mutation { contactCreate(input: { properties: { email: "${e}" } }) { contact { hs_object_id } ${ERRORS} } }`));
    expect(calls).toEqual(['POST /crm/v3/objects/{objectType}']);
    expect(result.body.data.contactCreate.contact).toBeNull();
    expect(result.body.data.contactCreate.userErrors[0]).toMatchObject({ code: 'UPSTREAM_ERROR', message: expect.stringMatching(/may or may not have been applied/) });
    await gw.emulator.api('PUT', '/__emulator/faults', { faults: [] });
    const search = await gw.emulator.api('POST', '/crm/v3/objects/contacts/search', { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: e }] }] });
    expect(search.body.total).toBe(1);
  });
});
