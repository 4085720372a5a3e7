import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startGateway, type TestGateway } from '../helpers/gateway';

/**
 * ../shared/seed-hubspot-public-apis.txt — the document the product started from — shows HubSpot's APIs as curl
 * examples. Each test here is the GraphQL equivalent of one example, run through the gateway against the
 * emulator; the README's "From HubSpot's REST examples to GraphQL" table names the same operations.
 */
describe("the seed document's flows through the gateway", () => {
  let gw: TestGateway;
  const tag = Date.now();
  const ok = async (query: string, variables?: Record<string, unknown>) => {
    const res = await gw.query(query, variables);
    expect(res.body.errors).toBeUndefined();
    return res.body.data;
  };
  const noUserErrors = (payload: { userErrors: unknown[] }) => expect(payload.userErrors).toEqual([]);

  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  test('Account: details, API usage, audit logs, login activity', async () => {
    const d = await ok(`{ account { portalId accountType timeZone companyCurrency additionalCurrencies utcOffset uiDomain dataHostingLocation
      apiUsage { name usageLimit currentUsage collectedAt fetchStatus resetsAt }
      auditLogs(occurredAfter: "2020-01-01T00:00:00Z", occurredBefore: "2099-01-31T23:59:59Z", first: 100) { nodes { id } pageInfo { hasNextPage } }
      loginActivity(first: 50) { nodes { id } } } }`);
    expect(d.account.apiUsage[0].name).toBe('private-apps-api-calls-daily');
    expect(d.account.auditLogs.nodes.length).toBeGreaterThan(0);
    expect(d.account.loginActivity.nodes.length).toBeGreaterThan(0);
  });

  test('Contacts: list, get by id and email, create, update, archive, search', async () => {
    const list = await ok(`{ contacts(first: 10) { nodes { hs_object_id firstname lastname email phone createdate lastmodifieddate } pageInfo { endCursor } } }`);
    expect(list.contacts.nodes).toHaveLength(10);
    const email = `john.doe.${tag}@example.com`;
    const created = await ok(`mutation($e: String!) { contactCreate(input: { properties: { email: $e, firstname: "John", lastname: "Doe", phone: "+1-555-0100", company: "Acme Corp" } }) { contact { hs_object_id } userErrors { message } } }`, { e: email });
    noUserErrors(created.contactCreate);
    const id = created.contactCreate.contact.hs_object_id;
    expect((await ok(`{ contact(id: "${id}") { email } }`)).contact.email).toBe(email);
    expect((await ok(`{ contact(id: "${email}", idProperty: "email") { hs_object_id } }`)).contact.hs_object_id).toBe(id);
    noUserErrors((await ok(`mutation { contactUpdate(input: { id: "${id}", properties: { lifecyclestage: "customer", jobtitle: "CTO" } }) { contact { lifecyclestage } userErrors { message } } }`)).contactUpdate);
    const found = await ok(`{ searchContacts(filterGroups: [{ filters: [{ propertyName: "email", operator: EQ, value: "${email}" }] }], sorts: [{ propertyName: "createdate", direction: DESCENDING }], first: 10) { totalCount nodes { hs_object_id } } }`);
    expect(found.searchContacts.totalCount).toBe(1);
    noUserErrors((await ok(`mutation { contactArchive(id: "${id}") { archivedId userErrors { message } } }`)).contactArchive);
  });

  test('Contacts: batch create, read, update, upsert; merge', async () => {
    const batch = await ok(`mutation { contactsBatchCreate(inputs: [{ properties: { email: "a.${tag}@example.com", firstname: "A" } }, { properties: { email: "b.${tag}@example.com", firstname: "B" } }]) { contacts { hs_object_id email } userErrors { message } } }`);
    noUserErrors(batch.contactsBatchCreate);
    const [a, b] = batch.contactsBatchCreate.contacts;
    expect((await ok(`{ contactsByIds(ids: ["${a.hs_object_id}", "${b.hs_object_id}"]) { email } }`)).contactsByIds.map((c: { email: string }) => c.email)).toEqual([a.email, b.email]);
    expect((await ok(`{ contactsByIds(ids: ["${b.email}"], idProperty: "email") { hs_object_id } }`)).contactsByIds[0].hs_object_id).toBe(b.hs_object_id);
    noUserErrors((await ok(`mutation { contactsBatchUpdate(inputs: [{ id: "${a.hs_object_id}", properties: { lifecyclestage: "lead" } }]) { contacts { lifecyclestage } userErrors { message } } }`)).contactsBatchUpdate);
    noUserErrors((await ok(`mutation { contactsBatchUpsert(idProperty: "email", inputs: [{ id: "c.${tag}@example.com", properties: { firstname: "C" } }]) { contacts { email } userErrors { message } } }`)).contactsBatchUpsert);
    const merged = await ok(`mutation { contactMerge(primaryId: "${a.hs_object_id}", mergeId: "${b.hs_object_id}") { contact { hs_object_id } userErrors { message } } }`);
    noUserErrors(merged.contactMerge);
  });

  test('Companies, deals (stage update, batch create), tickets', async () => {
    expect((await ok(`{ companies(first: 10) { nodes { name domain industry } } }`)).companies.nodes.length).toBeGreaterThan(0);
    const co = await ok(`mutation { companyCreate(input: { properties: { name: "Acme ${tag}", domain: "acme-${tag}.example", industry: "COMPUTER_SOFTWARE", city: "Boston" } }) { company { hs_object_id } userErrors { message } } }`);
    const companyId = co.companyCreate.company.hs_object_id;
    noUserErrors((await ok(`mutation { companyUpdate(input: { id: "${companyId}", properties: { numberofemployees: 250 } }) { company { numberofemployees } userErrors { message } } }`)).companyUpdate);
    expect((await ok(`{ searchCompanies(query: "Acme ${tag}") { totalCount } }`)).searchCompanies.totalCount).toBeGreaterThanOrEqual(1);
    expect((await ok(`{ deals(first: 10) { nodes { dealname amount dealstage pipeline { id } closedate } } }`)).deals.nodes.length).toBeGreaterThan(0);
    const deal = await ok(`mutation { dealCreate(input: { properties: { dealname: "New Deal ${tag}", amount: 5000, dealstage: "appointmentscheduled", pipeline: "default" }, associations: [{ toObjectType: "companies", toId: "${companyId}" }] }) { deal { hs_object_id } userErrors { message } } }`);
    const dealId = deal.dealCreate.deal.hs_object_id;
    const moved = await ok(`mutation { dealUpdate(input: { id: "${dealId}", properties: { dealstage: "closedwon" } }) { deal { stage { label probability } } userErrors { message } } }`);
    expect(moved.dealUpdate.deal.stage.label).toBe('Closed Won');
    expect((await ok(`{ searchDeals(filterGroups: [{ filters: [{ propertyName: "amount", operator: GTE, value: "5000" }, { propertyName: "dealstage", operator: EQ, value: "closedwon" }] }]) { totalCount } }`)).searchDeals.totalCount).toBeGreaterThanOrEqual(1);
    noUserErrors((await ok(`mutation { dealsBatchCreate(inputs: [{ properties: { dealname: "D1 ${tag}", dealstage: "appointmentscheduled" } }, { properties: { dealname: "D2 ${tag}", dealstage: "qualifiedtobuy" } }]) { deals { hs_object_id } userErrors { message } } }`)).dealsBatchCreate);
    expect((await ok(`{ tickets(first: 10) { nodes { subject hs_pipeline_stage hs_ticket_priority } } }`)).tickets.nodes.length).toBeGreaterThan(0);
    noUserErrors((await ok(`mutation { ticketCreate(input: { properties: { subject: "Login issue", content: "Cannot log in", hs_pipeline: "0", hs_pipeline_stage: "1", hs_ticket_priority: "HIGH" } }) { ticket { hs_object_id } userErrors { message } } }`)).ticketCreate);
  });

  test('Pipelines and properties', async () => {
    const pipelines = await ok(`{ pipelines(objectType: DEALS) { id label stages { id label probability } } }`);
    const first = pipelines.pipelines[0];
    expect((await ok(`{ pipeline(objectType: DEALS, id: "${first.id}") { label } }`)).pipeline.label).toBe(first.label);
    noUserErrors((await ok(`mutation { pipelineCreate(objectType: DEALS, input: { label: "Enterprise ${tag}", displayOrder: 1, stages: [{ label: "Discovery", displayOrder: 0, probability: 0.1 }, { label: "Won", displayOrder: 1, probability: 1.0 }] }) { pipeline { id } userErrors { message } } }`)).pipelineCreate);
    expect((await ok(`{ propertyDefinitions(objectType: "contacts") { name } }`)).propertyDefinitions.length).toBeGreaterThan(10);
    const name = `customer_tier_${tag}`;
    noUserErrors((await ok(`mutation { propertyCreate(objectType: "contacts", input: { name: "${name}", label: "Customer Tier", type: ENUMERATION, fieldType: SELECT, groupName: "contactinformation", options: [{ label: "Gold", value: "gold" }, { label: "Silver", value: "silver" }] }) { propertyDefinition { name } userErrors { message } } }`)).propertyCreate);
    noUserErrors((await ok(`mutation { propertyUpdate(objectType: "contacts", name: "${name}", input: { label: "Customer Tier Level" }) { propertyDefinition { label } userErrors { message } } }`)).propertyUpdate);
  });

  test('Associations: create and delete', async () => {
    const c = (await ok(`{ contacts(first: 1) { nodes { hs_object_id } } companies(first: 1) { nodes { hs_object_id } } }`));
    const contactId = c.contacts.nodes[0].hs_object_id;
    const companyId = c.companies.nodes[0].hs_object_id;
    noUserErrors((await ok(`mutation { associationCreate(input: { fromObjectType: "contacts", fromId: "${contactId}", toObjectType: "companies", toId: "${companyId}", types: [{ category: HUBSPOT_DEFINED, typeId: 279 }] }) { userErrors { message } } }`)).associationCreate);
    noUserErrors((await ok(`mutation { associationDelete(input: { fromObjectType: "contacts", fromId: "${contactId}", toObjectType: "companies", toId: "${companyId}" }) { userErrors { message } } }`)).associationDelete);
  });

  test('Files: upload, import from URL, search, get, delete', async () => {
    const operations = JSON.stringify({ query: 'mutation($file: Upload!) { fileUpload(file: $file, input: { folderPath: "/documents", access: PUBLIC_NOT_INDEXABLE }) { file { id name } userErrors { message } } }', variables: { file: null } });
    const form = new FormData();
    form.set('operations', operations);
    form.set('map', JSON.stringify({ 0: ['variables.file'] }));
    form.set('0', new Blob(['%PDF-1.4 seed'], { type: 'application/pdf' }), `report-${tag}.pdf`);
    const up = await (await fetch(gw.url, { method: 'POST', body: form, headers: { 'apollo-require-preflight': 'true' } })).json();
    expect(up.errors).toBeUndefined();
    const fileId = up.data.fileUpload.file.id;
    const source: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from('89504e470d0a1a0a', 'hex')));
    await new Promise<void>((r) => source.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(source.address() as AddressInfo).port}/image-${tag}.png`;
      const imp = await ok(`mutation { fileImportFromUrl(input: { url: "${url}", access: PUBLIC_INDEXABLE, folderPath: "/images" }) { taskId userErrors { message } } }`);
      const taskId = imp.fileImportFromUrl.taskId;
      let status = 'PENDING';
      for (let i = 0; i < 50 && status !== 'COMPLETE'; i++) {
        status = (await ok(`{ fileImportStatus(taskId: "${taskId}") { status } }`)).fileImportStatus.status;
        if (status !== 'COMPLETE') await new Promise((r) => setTimeout(r, 100));
      }
      expect(status).toBe('COMPLETE');
    } finally {
      await new Promise((r) => source.close(r));
    }
    expect((await ok(`{ files(filter: { name: "report-${tag}" }, first: 20) { nodes { id } } }`)).files.nodes.map((f: { id: string }) => f.id)).toContain(fileId);
    expect((await ok(`{ file(id: "${fileId}") { id url } }`)).file.id).toBe(fileId);
    noUserErrors((await ok(`mutation { fileDelete(id: "${fileId}") { deletedId userErrors { message } } }`)).fileDelete);
  });

  test('Webhooks: settings get / configure / delete, subscriptions create / list', async () => {
    noUserErrors((await ok(`mutation { webhookSettingsUpdate(input: { targetUrl: "https://example.com/webhooks", maxConcurrentRequests: 10 }) { settings { targetUrl } userErrors { message } } }`)).webhookSettingsUpdate);
    expect((await ok(`{ webhookSettings { targetUrl maxConcurrentRequests } }`)).webhookSettings.targetUrl).toBe('https://example.com/webhooks');
    const sub = await ok(`mutation { webhookSubscriptionCreate(input: { eventType: CONTACT_PROPERTY_CHANGE, propertyName: "email", active: true }) { subscription { id } userErrors { message } } }`);
    noUserErrors(sub.webhookSubscriptionCreate);
    expect((await ok(`{ webhookSubscriptions { id } }`)).webhookSubscriptions.map((s: { id: string }) => s.id)).toContain(sub.webhookSubscriptionCreate.subscription.id);
    expect((await ok(`mutation { webhookSettingsDelete { deleted } }`)).webhookSettingsDelete.deleted).toBe(true);
  });
});
