import { objectTypeOf } from '../../src/emulator/objectTypes';
import type { PropertyDefinition } from '../../src/emulator/defaultProperties';
import { PORTAL_ID } from '../helpers/emulator';
import { startGateway, type TestGateway } from '../helpers/gateway';

/** The CRM graph's metadata over real HTTP: pipelines, owners, property definitions and groups, association labels. */
describe('metadata reads', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  /** Runs a query that must succeed; returns its data. */
  async function data(query: string, variables?: Record<string, unknown>) {
    const res = await gw.query(query, variables);
    expect(res.body.errors).toBeUndefined();
    expect(res.status).toBe(200);
    return res.body.data;
  }

  /** Upstream operations made by `run`, in order. */
  async function upstreamOf(run: () => Promise<unknown>): Promise<string[]> {
    const before = gw.calls.length;
    await run();
    return gw.calls.slice(before).map((c) => `${c.call.method} ${c.call.operation}`);
  }

  describe('pipelines', () => {
    const PIPELINES = `query ($type: PipelineObjectType!) {
      pipelines(objectType: $type) { id label displayOrder objectType archived
        stages { id label displayOrder probability ticketState isClosed archived pipeline { id label } } } }`;

    test('deal pipelines: stages in order with labels, probabilities and closed flags; stage.pipeline links back', async () => {
      const { pipelines } = await data(PIPELINES, { type: 'DEALS' });
      expect(pipelines).toHaveLength(1);
      const sales = pipelines[0];
      expect(sales).toMatchObject({ id: 'default', label: 'Sales Pipeline', objectType: 'DEALS', archived: false });
      expect(sales.stages.map((s: { id: string }) => s.id)).toEqual([
        'appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent', 'closedwon', 'closedlost',
      ]);
      expect(sales.stages[0]).toEqual({
        id: 'appointmentscheduled', label: 'Appointment Scheduled', displayOrder: 0, probability: 0.2, ticketState: null, isClosed: false, archived: false,
        pipeline: { id: 'default', label: 'Sales Pipeline' },
      });
      expect(sales.stages.find((s: { id: string }) => s.id === 'closedwon')).toMatchObject({ probability: 1, isClosed: true });
      expect(sales.stages.find((s: { id: string }) => s.id === 'closedlost')).toMatchObject({ probability: 0, isClosed: true });
    });

    test('ticket pipelines: stages carry ticketState and no probability', async () => {
      const { pipelines } = await data(PIPELINES, { type: 'TICKETS' });
      expect(pipelines.map((p: { id: string; label: string }) => [p.id, p.label])).toEqual([['0', 'Support Pipeline']]);
      expect(pipelines[0].stages.map((s: { label: string; ticketState: string; isClosed: boolean; probability: number | null }) => [s.label, s.ticketState, s.isClosed, s.probability])).toEqual([
        ['New', 'OPEN', false, null],
        ['Waiting on contact', 'OPEN', false, null],
        ['Waiting on us', 'OPEN', false, null],
        ['Closed', 'CLOSED', true, null],
      ]);
      expect(pipelines[0].stages[3].pipeline).toEqual({ id: '0', label: 'Support Pipeline' });
    });

    test('pipeline(id) finds one pipeline of the type and is null for an id the type does not have', async () => {
      const res = await data(`{ deal: pipeline(objectType: DEALS, id: "default") { id label stages { id } }
        ticket: pipeline(objectType: TICKETS, id: "0") { id label }
        wrongType: pipeline(objectType: TICKETS, id: "default") { id }
        missing: pipeline(objectType: DEALS, id: "nope") { id } }`);
      expect(res.deal).toMatchObject({ id: 'default', label: 'Sales Pipeline' });
      expect(res.deal.stages).toHaveLength(7);
      expect(res.ticket).toEqual({ id: '0', label: 'Support Pipeline' });
      expect(res.wrongType).toBeNull();
      expect(res.missing).toBeNull();
    });
  });

  describe('owners', () => {
    test('the owners connection pages with first/after and filters by email', async () => {
      const all = (await gw.emulator.api('GET', '/crm/v3/owners?limit=100')).body.results as Array<{ id: string; email: string }>;
      expect(all.length).toBe(4);
      const OWNERS = 'query ($first: Int, $after: String, $email: String) { owners(first: $first, after: $after, email: $email) { nodes { id email } edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }';
      const first = (await data(OWNERS, { first: 3 })).owners;
      expect(first.nodes.map((o: { id: string }) => o.id)).toEqual(all.slice(0, 3).map((o) => o.id));
      expect(first.pageInfo.hasNextPage).toBe(true);
      expect(first.pageInfo.endCursor).toBe(first.edges[2].cursor);
      const rest = (await data(OWNERS, { first: 3, after: first.pageInfo.endCursor })).owners;
      expect(rest.nodes.map((o: { id: string }) => o.id)).toEqual(all.slice(3).map((o) => o.id));
      expect(rest.pageInfo.hasNextPage).toBe(false);

      const byEmail = (await data(OWNERS, { email: all[2]!.email.toUpperCase() })).owners;
      expect(byEmail.nodes).toEqual([{ id: all[2]!.id, email: all[2]!.email }]);
      const none = (await data(OWNERS, { email: 'nobody@example.invalid' })).owners;
      expect(none).toMatchObject({ nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });
    });

    test('owner(id) and owner(idProperty: USER_ID) find the same owner; unknown ids are null', async () => {
      const sample = (await gw.emulator.api('GET', '/crm/v3/owners?limit=100')).body.results[1] as { id: string; userId: number; email: string; firstName: string; lastName: string };
      const OWNER = `query ($id: ID!, $by: OwnerIdProperty) { owner(id: $id, idProperty: $by) {
        id email firstName lastName userId type archived createdAt updatedAt teams { id name primary } } }`;
      const byId = (await data(OWNER, { id: sample.id })).owner;
      expect(byId).toMatchObject({ id: sample.id, email: sample.email, firstName: sample.firstName, lastName: sample.lastName, userId: sample.userId, type: 'PERSON', archived: false });
      expect(Array.isArray(byId.teams)).toBe(true);
      const byUserId = (await data(OWNER, { id: String(sample.userId), by: 'USER_ID' })).owner;
      expect(byUserId).toEqual(byId);
      expect((await data(OWNER, { id: '999999999' })).owner).toBeNull();
      expect((await data(OWNER, { id: '999999999', by: 'USER_ID' })).owner).toBeNull();
    });
  });

  describe('property definitions', () => {
    const FIELDS = `name label type fieldType hubspotType hubspotFieldType description groupName group { name label }
      options { label value displayOrder hidden description } displayOrder hasUniqueValue hidden formField calculated
      externalOptions hubspotDefined readOnlyValue readOnlyDefinition archived referencedObjectType createdAt updatedAt`;

    test('contacts: typed definitions, enumeration options (lifecyclestage), owner references, the resolved group', async () => {
      const { propertyDefinitions } = await data(`{ propertyDefinitions(objectType: "contacts") { ${FIELDS} } }`);
      const byName = new Map(propertyDefinitions.map((p: { name: string }) => [p.name, p]));
      expect(byName.get('email')).toMatchObject({
        label: 'Email', type: 'STRING', fieldType: 'TEXT', hubspotType: 'string', hubspotFieldType: 'text', description: null, groupName: 'contactinformation',
        group: { name: 'contactinformation', label: 'Contact information' }, options: [], hasUniqueValue: true, hubspotDefined: true,
        readOnlyDefinition: true, readOnlyValue: false, archived: false, createdAt: '1970-01-01T00:00:00.000Z',
      });
      const lifecycle = byName.get('lifecyclestage') as { type: string; fieldType: string; options: Array<{ value: string; label: string; displayOrder: number; hidden: boolean }> };
      expect(lifecycle).toMatchObject({ type: 'ENUMERATION', fieldType: 'RADIO' });
      expect(lifecycle.options.map((o) => o.value)).toEqual(['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other']);
      expect(lifecycle.options[1]).toEqual({ label: 'Lead', value: 'lead', displayOrder: 1, hidden: false, description: null });
      expect(byName.get('hubspot_owner_id')).toMatchObject({ type: 'ENUMERATION', fieldType: 'SELECT', referencedObjectType: 'OWNER', externalOptions: true });
      expect((byName.get('hubspot_owner_id') as { options: unknown[] }).options).toHaveLength(4);
      expect(byName.get('createdate')).toMatchObject({ type: 'DATETIME', fieldType: 'DATE', calculated: true, readOnlyValue: true, formField: false });
      expect(byName.get('hs_email_optout')).toMatchObject({ type: 'BOOL', fieldType: 'BOOLEANCHECKBOX' });
    });

    test('deals: the dealstage options are the stages of the portal pipelines, pipeline options the pipelines', async () => {
      const res = await data(`{ stage: propertyDefinition(objectType: "deals", name: "dealstage") { name type fieldType options { label value description } }
        pipeline: propertyDefinition(objectType: "0-3", name: "pipeline") { options { label value } }
        pipelines(objectType: DEALS) { id label stages { id label } } }`);
      const stages = res.pipelines.flatMap((p: { label: string; stages: Array<{ id: string; label: string }> }) => p.stages.map((s) => ({ label: s.label, value: s.id, description: p.label })));
      expect(res.stage).toMatchObject({ name: 'dealstage', type: 'ENUMERATION', fieldType: 'RADIO' });
      expect(res.stage.options).toEqual(stages);
      expect(res.pipeline.options).toEqual([{ label: 'Sales Pipeline', value: 'default' }]);
    });

    test('property groups, with their properties; `0-1` and `contacts` are the same type', async () => {
      const res = await data(`{ byName: propertyGroups(objectType: "contacts") { name label displayOrder archived properties { name } }
        byId: propertyGroups(objectType: "0-1") { name } }`);
      expect(res.byName).toEqual([expect.objectContaining({ name: 'contactinformation', label: 'Contact information', displayOrder: 0, archived: false })]);
      expect(res.byName[0].properties.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['email', 'firstname', 'lifecyclestage']));
      expect(res.byId).toEqual([{ name: 'contactinformation' }]);
    });

    test('custom and archived properties: archived ones only with archived: true', async () => {
      const created = await gw.emulator.api('POST', '/crm/v3/properties/companies', {
        name: 'tier', label: 'Tier', type: 'enumeration', fieldType: 'select', groupName: 'companyinformation', description: 'Account tier',
        options: [{ label: 'Gold', value: 'gold', displayOrder: 0, hidden: false }, { label: 'Legacy', value: 'legacy', displayOrder: 1, hidden: true, description: 'old' }],
      });
      expect(created.status).toBe(201);
      expect((await gw.emulator.api('POST', '/crm/v3/properties/companies', { name: 'old_score', label: 'Old score', type: 'number', fieldType: 'number', groupName: 'companyinformation' })).status).toBe(201);
      expect((await gw.emulator.api('DELETE', '/crm/v3/properties/companies/old_score')).status).toBe(204);

      const res = await data(`{ tier: propertyDefinition(objectType: "companies", name: "tier") { ${FIELDS} }
        live: propertyDefinitions(objectType: "companies") { name }
        archived: propertyDefinitions(objectType: "companies", archived: true) { name archived type } }`);
      expect(res.tier).toMatchObject({
        name: 'tier', type: 'ENUMERATION', fieldType: 'SELECT', description: 'Account tier', hubspotDefined: false, archived: false,
        options: [{ label: 'Gold', value: 'gold', displayOrder: 0, hidden: false, description: null }, { label: 'Legacy', value: 'legacy', displayOrder: 1, hidden: true, description: 'old' }],
      });
      const live = res.live.map((p: { name: string }) => p.name);
      expect(live).toContain('tier');
      expect(live).not.toContain('old_score');
      expect(res.archived).toEqual([{ name: 'old_score', archived: true, type: 'NUMBER' }]);
    });

    test('types and field types HubSpot adds later are OTHER, with HubSpot\'s word kept', async () => {
      // HubSpot's answers are open strings (real portals show e.g. `object_coordinates`); the emulator only
      // accepts the documented ones through its API, so the definition is put straight into its store.
      const products = gw.emulator.state.portal(PORTAL_ID).propertiesOf(objectTypeOf('products')!);
      const base = products.get('name')!;
      products.set('hs_coordinates', { ...structuredClone(base), name: 'hs_coordinates', label: 'Coordinates', type: 'object_coordinates', fieldType: 'calculation_rollup' } as unknown as PropertyDefinition);
      const { propertyDefinition } = await data('{ propertyDefinition(objectType: "products", name: "hs_coordinates") { type fieldType hubspotType hubspotFieldType } }');
      expect(propertyDefinition).toEqual({ type: 'OTHER', fieldType: 'OTHER', hubspotType: 'object_coordinates', hubspotFieldType: 'calculation_rollup' });
    });

    test('an unknown property is null with NOT_FOUND; an unknown object type is BAD_USER_INPUT', async () => {
      const missing = await gw.query('{ propertyDefinition(objectType: "contacts", name: "no_such_property") { name } }');
      expect(missing.body.data).toEqual({ propertyDefinition: null });
      expect(missing.body.errors).toEqual([expect.objectContaining({ path: ['propertyDefinition'], message: "Object type contacts has no property named 'no_such_property'", extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })]);

      for (const query of [
        '{ propertyDefinitions(objectType: "spaceships") { name } }',
        '{ propertyDefinition(objectType: "spaceships", name: "email") { name } }',
        '{ propertyGroups(objectType: "spaceships") { name } }',
        '{ associationLabels(fromObjectType: "spaceships", toObjectType: "contacts") { typeId } }',
      ]) {
        const res = await gw.query(query);
        expect(res.status).toBe(200);
        // Lists are non-null, so their error nulls `data`; the single definition is a nullable field.
        expect(res.body.data === null || Object.values(res.body.data).every((v) => v === null)).toBe(true);
        expect(res.body.errors).toHaveLength(1);
        expect(res.body.errors[0].message).toMatch(/spaceships/);
        expect(res.body.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', hubspot: { status: 400, category: 'VALIDATION_ERROR', correlationId: expect.any(String) } });
      }
    });
  });

  describe('association labels', () => {
    test('HubSpot-defined types and a USER_DEFINED label created through the API', async () => {
      const created = await gw.emulator.api('POST', '/crm/associations/v4/contacts/companies/labels', { label: 'Former employee', name: 'former_employee', inverseLabel: 'Former employer' });
      expect(created.status).toBe(200);
      const typeId = (created.body.results as Array<{ typeId: number; label: string }>).find((r) => r.label === 'Former employee')!.typeId;

      const res = await data(`{ forward: associationLabels(fromObjectType: "contacts", toObjectType: "companies") { typeId label category }
        byId: associationLabels(fromObjectType: "0-1", toObjectType: "0-2") { typeId }
        inverse: associationLabels(fromObjectType: "companies", toObjectType: "contacts") { typeId label category } }`);
      expect(res.forward).toEqual(expect.arrayContaining([
        { typeId: 279, label: null, category: 'HUBSPOT_DEFINED' },
        { typeId: 1, label: 'Primary', category: 'HUBSPOT_DEFINED' },
        { typeId, label: 'Former employee', category: 'USER_DEFINED' },
      ]));
      expect(res.byId).toEqual(res.forward.map((l: { typeId: number }) => ({ typeId: l.typeId })));
      expect(res.inverse).toEqual(expect.arrayContaining([
        { typeId: 280, label: null, category: 'HUBSPOT_DEFINED' },
        { typeId: expect.any(Number), label: 'Former employer', category: 'USER_DEFINED' },
      ]));
    });

    test('a category HubSpot adds later is null, not a failed query', async () => {
      const store = gw.emulator.state.portal(PORTAL_ID).associations;
      store.addTypeDef({ fromTypeId: '0-7', toTypeId: '0-8', typeId: 9001, inverseTypeId: 9001, category: 'PARTNER_DEFINED' as 'USER_DEFINED', label: 'Bundle', name: 'bundle' });
      const { associationLabels } = await data('{ associationLabels(fromObjectType: "products", toObjectType: "line_items") { typeId label category } }');
      expect(associationLabels).toContainEqual({ typeId: 9001, label: 'Bundle', category: null });
    });
  });

  test('every kind of metadata is cached: asking again makes no upstream call', async () => {
    const query = `{ pipelines(objectType: TICKETS) { id }
      owner(id: "${(await gw.emulator.api('GET', '/crm/v3/owners?limit=1')).body.results[0].id}") { id }
      propertyDefinitions(objectType: "tickets") { name group { name } }
      propertyGroups(objectType: "tickets") { name properties { name } }
      associationLabels(fromObjectType: "tickets", toObjectType: "deals") { typeId } }`;
    const first = await upstreamOf(() => data(query));
    // All but pipelines and owners (read by earlier tests) load now, once each although several fields need them.
    expect(first.sort()).toEqual([
      'GET /crm/associations/v4/{fromObjectType}/{toObjectType}/labels',
      'GET /crm/v3/properties/{objectType}',
      'GET /crm/v3/properties/{objectType}/groups',
    ]);
    expect(await upstreamOf(() => data(query))).toEqual([]);
    expect(await upstreamOf(() => data(query.replaceAll('"tickets"', '"0-5"').replace('"deals"', '"0-3"')))).toEqual([]);
  });
});
