import { jest } from '@jest/globals';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { PORTAL_SCHEMA_DIR, pullSchema } from '../../src/portalSchema/pull';
import * as build from '../../src/portalSchema/build';
import { PassThroughCredentials } from '../../src/auth/credentials';
import { OTHER_PORTAL_TOKEN, PORTAL_ID, READ_ONLY_TOKEN, SMALL_SEED, TOKEN } from '../helpers/emulator';
import { startGateway, type TestGateway } from '../helpers/gateway';

/**
 * The portal's own schema (src/portalSchema) against the emulator: custom properties become typed fields after a
 * reload, custom objects types with associations, search and mutations, batched like standard types.
 */

const CARS = 150;
const seed = { ...SMALL_SEED, cars: CARS } as typeof SMALL_SEED;

/** The emulator calls made since `since` (its request log), by path. */
const upstream = (gw: TestGateway, since: number) => gw.emulator.state.log.list(since).map((r) => `${r.method} ${r.path}`);
const lastSeq = (gw: TestGateway) => gw.emulator.state.log.list().at(-1)?.seq ?? 0;

const typeOf = async (gw: TestGateway, name: string) =>
  (await gw.query(`{ __type(name: "${name}") { kind fields { name description type { kind name ofType { kind name } } } inputFields { name type { name kind ofType { name } } } enumValues { name description } } }`)).body.data.__type;

describe('portal schema: custom properties', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ emulator: { seed } });
  });
  afterAll(() => gw.close());

  it('a property created through the gateway is a typed, queryable and writable field once the mutation answers', async () => {
    expect((await typeOf(gw, 'Contact')).fields.map((f: { name: string }) => f.name)).not.toContain('loyalty_points');
    const builds = gw.gateway.portalSchema.builds;
    const since = lastSeq(gw);
    const created = await gw.query(`mutation { propertyCreate(objectType: "contacts", input: { name: "loyalty_points", label: "Loyalty points", type: NUMBER, fieldType: NUMBER, groupName: "contactinformation" }) { userErrors { message } propertyDefinition { name } } }`);
    expect(created.body.data.propertyCreate.userErrors).toEqual([]);
    // The mutation re-read only the properties of the type it changed, and built one schema.
    expect(upstream(gw, since).filter((c) => c.startsWith('GET /crm/v3/properties/'))).toEqual(['GET /crm/v3/properties/contacts']);
    expect(gw.gateway.portalSchema.builds).toBe(builds + 1);

    const field = (await typeOf(gw, 'Contact')).fields.find((f: { name: string }) => f.name === 'loyalty_points');
    expect(field.type).toMatchObject({ kind: 'SCALAR', name: 'Float' });
    expect((await typeOf(gw, 'ContactPropertiesInput')).inputFields.map((f: { name: string }) => f.name)).toContain('loyalty_points');

    const id = (await gw.query('{ contacts(first: 1) { nodes { hs_object_id } } }')).body.data.contacts.nodes[0].hs_object_id;
    const updated = await gw.query(`mutation($id: ID!) { contactUpdate(input: { id: $id, properties: { loyalty_points: 42.5 } }) { userErrors { message } contact { loyalty_points } } }`, { id });
    expect(updated.body.data.contactUpdate).toEqual({ userErrors: [], contact: { loyalty_points: 42.5 } });
    const read = await gw.query(`query($id: ID!) { contact(id: $id) { loyalty_points raw: property(name: "loyalty_points") } }`, { id });
    expect(read.body.data.contact).toEqual({ loyalty_points: 42.5, raw: '42.5' });
  });

  it('an enumeration whose options are valid names becomes an enum (a list of it for a multi-select); others stay Strings with their options documented', async () => {
    const tier = await gw.query(`mutation { propertyCreate(objectType: "contacts", input: { name: "tier", label: "Tier", type: ENUMERATION, fieldType: SELECT, groupName: "contactinformation",
      options: [{ label: "Gold", value: "gold" }, { label: "Silver", value: "silver" }] }) { userErrors { message } } }`);
    expect(tier.body.data.propertyCreate.userErrors).toEqual([]);
    const tags = await gw.query(`mutation { propertyCreate(objectType: "contacts", input: { name: "interests", label: "Interests", type: ENUMERATION, fieldType: CHECKBOX, groupName: "contactinformation",
      options: [{ label: "Cars", value: "cars" }, { label: "Boats", value: "boats" }] }) { userErrors { message } } }`);
    expect(tags.body.data.propertyCreate.userErrors).toEqual([]);
    const sizes = await gw.query(`mutation { propertyCreate(objectType: "contacts", input: { name: "shirt_size", label: "Shirt size", type: ENUMERATION, fieldType: SELECT, groupName: "contactinformation",
      options: [{ label: "Extra large", value: "x-large" }, { label: "Small", value: "small" }] }) { userErrors { message } } }`);
    expect(sizes.body.data.propertyCreate.userErrors).toEqual([]);

    const enumType = await typeOf(gw, 'ContactTier');
    expect(enumType.kind).toBe('ENUM');
    expect(enumType.enumValues).toEqual([{ name: 'gold', description: 'Gold' }, { name: 'silver', description: 'Silver' }]);
    const fields = (await typeOf(gw, 'Contact')).fields;
    expect(fields.find((f: { name: string }) => f.name === 'tier').type).toMatchObject({ kind: 'ENUM', name: 'ContactTier' });
    expect(fields.find((f: { name: string }) => f.name === 'interests').type).toMatchObject({ kind: 'LIST', ofType: { kind: 'NON_NULL' } });
    const shirt = fields.find((f: { name: string }) => f.name === 'shirt_size');
    expect(shirt.type).toMatchObject({ kind: 'SCALAR', name: 'String' });
    expect(shirt.description).toContain('`x-large` (Extra large)');

    const id = (await gw.query('{ contacts(first: 1) { nodes { hs_object_id } } }')).body.data.contacts.nodes[0].hs_object_id;
    const written = await gw.query(`mutation($id: ID!) { contactUpdate(input: { id: $id, properties: { tier: gold, interests: [cars, boats], shirt_size: "x-large" } }) { userErrors { message } contact { tier interests shirt_size } } }`, { id });
    expect(written.body.data.contactUpdate).toEqual({ userErrors: [], contact: { tier: 'gold', interests: ['cars', 'boats'], shirt_size: 'x-large' } });
    // A value outside the enum is refused before any call.
    const bad = await gw.query(`mutation($id: ID!) { contactUpdate(input: { id: $id, properties: { tier: platinum } }) { userErrors { message } } }`, { id });
    expect(bad.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');

    // An option added in HubSpot since the schema was built: the field fails with a coded error naming the way out.
    const options = [{ label: 'Gold', value: 'gold' }, { label: 'Silver', value: 'silver' }, { label: 'Bronze', value: 'bronze' }].map((o, i) => ({ ...o, displayOrder: i, hidden: false }));
    expect((await gw.emulator.api('PATCH', '/crm/v3/properties/contacts/tier', { options })).status).toBe(200);
    expect((await gw.emulator.api('PATCH', `/crm/v3/objects/contacts/${id}`, { properties: { tier: 'bronze' } })).status).toBe(200);
    const stale = await gw.query(`query($id: ID!) { contact(id: $id) { tier raw: property(name: "tier") } }`, { id });
    expect(stale.body.data.contact).toEqual({ tier: null, raw: 'bronze' });
    expect(stale.body.errors).toEqual([expect.objectContaining({ path: ['contact', 'tier'], extensions: expect.objectContaining({ code: 'UPSTREAM_ERROR' }) })]);
    expect(stale.body.errors[0].message).toContain('property(name: "tier")');
    // After a reload the option is a value of the enum.
    expect(await gw.gateway.portalSchema.reload()).toBe('swapped');
    expect((await gw.query(`query($id: ID!) { contact(id: $id) { tier } }`, { id })).body.data.contact.tier).toBe('bronze');
  });

  it('an option hidden in HubSpot\'s UI stays a value of the enum: records that hold it still read', async () => {
    const id = (await gw.query('{ contacts(first: 1) { nodes { hs_object_id } } }')).body.data.contacts.nodes[0].hs_object_id;
    expect((await gw.emulator.api('PATCH', `/crm/v3/objects/contacts/${id}`, { properties: { tier: 'silver' } })).status).toBe(200);
    const options = [['Gold', 'gold', false], ['Silver', 'silver', true], ['Bronze', 'bronze', false]].map(([label, value, hidden], i) => ({ label, value, hidden, displayOrder: i }));
    expect((await gw.emulator.api('PATCH', '/crm/v3/properties/contacts/tier', { options })).status).toBe(200);
    expect(await gw.gateway.portalSchema.reload()).toBe('swapped');
    const read = await gw.query(`query($id: ID!) { contact(id: $id) { tier } }`, { id });
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data.contact).toEqual({ tier: 'silver' });
    expect((await typeOf(gw, 'ContactTier')).enumValues).toContainEqual({ name: 'silver', description: 'Silver (hidden in HubSpot\'s UI)' });
  });

  it('a property whose name is not a valid GraphQL name gets a valid one, documented, readable and writable', async () => {
    // HubSpot holds legacy names the API no longer lets one create; the emulator gets one directly.
    const contacts = gw.emulator.state.portal(PORTAL_ID).properties.get('0-1')!;
    const custom = { ...contacts.get('firstname')!, hubspotDefined: false, type: 'string', fieldType: 'text' } as never as object;
    contacts.set('2nd-phone', { ...custom, name: '2nd-phone', label: 'Second phone' } as never);
    // A property named like an association field gets a suffix.
    contacts.set('companies', { ...custom, name: 'companies', label: 'Companies (text)' } as never);
    expect(await gw.gateway.portalSchema.reload()).toBe('swapped');

    const fields = (await typeOf(gw, 'Contact')).fields;
    const phone = fields.find((f: { name: string }) => f.name === '_2nd_phone');
    expect(phone.description).toContain('`2nd-phone`');
    expect(phone.description).toContain('not a valid GraphQL name');
    expect(fields.find((f: { name: string }) => f.name === 'companies_2').description).toContain('taken by another field');

    const id = (await gw.query('{ contacts(first: 1) { nodes { hs_object_id } } }')).body.data.contacts.nodes[0].hs_object_id;
    const written = await gw.query(`mutation($id: ID!) { contactUpdate(input: { id: $id, properties: { _2nd_phone: "+1 555 0100", companies_2: "Acme" } }) { userErrors { message } contact { _2nd_phone companies_2 raw: property(name: "2nd-phone") } } }`, { id });
    expect(written.body.data.contactUpdate).toEqual({ userErrors: [], contact: { _2nd_phone: '+1 555 0100', companies_2: 'Acme', raw: '+1 555 0100' } });
    const since = lastSeq(gw);
    const read = await gw.query(`query($id: ID!) { contact(id: $id) { _2nd_phone } }`, { id });
    expect(read.body.data.contact._2nd_phone).toBe('+1 555 0100');
    // The read asked HubSpot for the property by its own name.
    expect(gw.emulator.state.log.list(since).map((r) => (r.requestBody as { properties?: string[] }).properties)).toEqual([['2nd-phone']]);
  });

  it('a reload that finds nothing changed builds nothing; one whose build fails keeps the schema served', async () => {
    const builds = gw.gateway.portalSchema.builds;
    expect(await gw.gateway.portalSchema.reload()).toBe('unchanged');
    expect(gw.gateway.portalSchema.builds).toBe(builds);

    const failing = jest.spyOn(build, 'buildPortalSchema').mockImplementationOnce(() => {
      throw new Error('no such schema');
    });
    const served = gw.gateway.portalSchema.schema;
    const created = await gw.query(`mutation { propertyCreate(objectType: "contacts", input: { name: "nickname", label: "Nickname", type: STRING, fieldType: TEXT, groupName: "contactinformation" }) { userErrors { message } } }`);
    expect(created.body.data.propertyCreate.userErrors).toEqual([]);
    expect(failing).toHaveBeenCalledTimes(1);
    failing.mockRestore();
    expect(gw.gateway.portalSchema.schema).toBe(served);
    expect((await gw.query('{ contacts(first: 1) { nodes { loyalty_points } } }')).body.errors).toBeUndefined();
    // The next reload builds it.
    expect(await gw.gateway.portalSchema.reload()).toBe('swapped');
    expect((await typeOf(gw, 'Contact')).fields.map((f: { name: string }) => f.name)).toContain('nickname');
  });
});

describe('portal schema: custom objects', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ emulator: { seed } });
  });
  afterAll(() => gw.close());

  it('types a custom object with its properties, enums, associations and root fields', async () => {
    const car = await typeOf(gw, 'Car');
    const field = (name: string) => car.fields.find((f: { name: string }) => f.name === name);
    expect(field('vin').type).toMatchObject({ kind: 'SCALAR', name: 'String' });
    expect(field('year').type).toMatchObject({ kind: 'SCALAR', name: 'Float' });
    expect(field('electric').type).toMatchObject({ kind: 'SCALAR', name: 'Boolean' });
    expect(field('purchase_date').type).toMatchObject({ kind: 'SCALAR', name: 'Date' });
    expect(field('color').type).toMatchObject({ kind: 'ENUM', name: 'CarColor' });
    expect(field('contacts').type).toMatchObject({ kind: 'NON_NULL', ofType: { name: 'ContactAssociationConnection' } });
    expect(field('owner').type).toMatchObject({ kind: 'OBJECT', name: 'Owner' });
    expect((await typeOf(gw, 'Contact')).fields.find((f: { name: string }) => f.name === 'cars').type).toMatchObject({ ofType: { name: 'CarAssociationConnection' } });
    const query = (await typeOf(gw, 'Query')).fields.map((f: { name: string }) => f.name);
    expect(query).toEqual(expect.arrayContaining(['car', 'cars', 'carsByIds', 'searchCars']));
  });

  it('reads a page of cars with their contacts in as many calls as a page of a standard type with its associations', async () => {
    const q = (list: string, assoc: string, props: string) => `{ ${list}(first: 100) { nodes { ${props} ${assoc}(first: 5) { nodes { hs_object_id } } } } }`;
    let since = lastSeq(gw);
    const cars = await gw.query(q('cars', 'contacts', 'vin color features'));
    expect(cars.body.errors).toBeUndefined();
    expect(cars.body.data.cars.nodes).toHaveLength(100);
    const carCalls = upstream(gw, since);
    since = lastSeq(gw);
    const deals = await gw.query(q('deals', 'contacts', 'dealname'));
    expect(deals.body.errors).toBeUndefined();
    const dealCalls = upstream(gw, since);
    // One list, one v4 association batch read (⌈100 sources / 1000⌉), one contact batch read (⌈ids / 100⌉).
    expect(carCalls).toEqual(['GET /crm/v3/objects/2-1', 'POST /crm/v4/associations/2-1/contacts/batch/read', 'POST /crm/v3/objects/contacts/batch/read']);
    expect(carCalls.length).toBe(dealCalls.length);
    const linked = cars.body.data.cars.nodes.filter((n: { contacts: { nodes: unknown[] } }) => n.contacts.nodes.length > 0);
    expect(linked.length).toBeGreaterThan(50);
  });

  it('batch-reads ⌈ids / 100⌉ and loads cars reached from contacts in one batch per level', async () => {
    const ids = (await gw.query('{ cars(first: 100) { nodes { hs_object_id } } c2: searchCars(first: 50, sorts: [{ propertyName: "hs_object_id", direction: DESCENDING }]) { nodes { hs_object_id } } }')).body.data;
    const all = [...new Set([...ids.cars.nodes, ...ids.c2.nodes].map((n: { hs_object_id: string }) => n.hs_object_id))];
    expect(all.length).toBeGreaterThan(100);
    let since = lastSeq(gw);
    const byIds = await gw.query('query($ids: [ID!]!) { carsByIds(ids: $ids) { vin } }', { ids: all });
    expect(byIds.body.data.carsByIds.every((c: { vin: string } | null) => c && c.vin)).toBe(true);
    expect(upstream(gw, since)).toEqual(Array(Math.ceil(all.length / 100)).fill('POST /crm/v3/objects/2-1/batch/read'));

    since = lastSeq(gw);
    const contacts = await gw.query('{ contacts(first: 30) { nodes { email cars { nodes { hs_object_id vin year } } } } }');
    expect(contacts.body.errors).toBeUndefined();
    const reached = new Set(contacts.body.data.contacts.nodes.flatMap((c: { cars: { nodes: Array<{ hs_object_id: string }> } }) => c.cars.nodes.map((n) => n.hs_object_id)));
    expect(reached.size).toBeGreaterThan(0);
    expect(upstream(gw, since)).toEqual([
      'GET /crm/v3/objects/contacts', 'POST /crm/v4/associations/contacts/2-1/batch/read',
      ...Array(Math.ceil(reached.size / 100)).fill('POST /crm/v3/objects/2-1/batch/read'),
    ]);
  });

  it('searches cars with typed filters and sorts, in one search call', async () => {
    const since = lastSeq(gw);
    const res = await gw.query(`{ searchCars(filterGroups: [{ filters: [{ propertyName: "color", operator: EQ, value: "red" }] }], sorts: [{ propertyName: "year", direction: DESCENDING }], first: 5) { totalCount nodes { vin color year } } }`);
    expect(res.body.errors).toBeUndefined();
    const nodes = res.body.data.searchCars.nodes as Array<{ color: string; year: number }>;
    expect(nodes.length).toBeGreaterThan(0);
    expect(nodes.every((n) => n.color === 'red')).toBe(true);
    expect(nodes.map((n) => n.year)).toEqual([...nodes.map((n) => n.year)].sort((a, b) => b - a));
    expect(upstream(gw, since)).toEqual(['POST /crm/v3/objects/2-1/search']);
  });

  it('creates, updates and reads cars through typed inputs, with an association to a contact; node(id:) gives a Car', async () => {
    const contact = (await gw.query('{ contacts(first: 1) { nodes { hs_object_id } } }')).body.data.contacts.nodes[0].hs_object_id;
    const created = await gw.query(`mutation($contact: ID!) { carCreate(input: { properties: { vin: "TESTVIN0000000001", make: "Volvo", year: 2021, color: blue, features: [sunroof], electric: true, purchase_date: "2021-03-04" },
      associations: [{ toObjectType: "contacts", toId: $contact }] }) { userErrors { message } car { id vin color features electric purchase_date contacts { nodes { hs_object_id } } } } }`, { contact });
    expect(created.body.errors).toBeUndefined();
    expect(created.body.data.carCreate.userErrors).toEqual([]);
    const car = created.body.data.carCreate.car;
    expect(car).toMatchObject({ vin: 'TESTVIN0000000001', color: 'blue', features: ['sunroof'], electric: true, purchase_date: '2021-03-04', contacts: { nodes: [{ hs_object_id: contact }] } });
    const updated = await gw.query(`mutation { carUpdate(input: { id: "TESTVIN0000000001", idProperty: "vin", properties: { color: green } }) { userErrors { message } car { color } } }`);
    expect(updated.body.data.carUpdate).toEqual({ userErrors: [], car: { color: 'green' } });
    const node = await gw.query(`query($id: ID!) { node(id: $id) { __typename ... on Car { vin color } } }`, { id: car.id });
    expect(node.body.data.node).toEqual({ __typename: 'Car', vin: 'TESTVIN0000000001', color: 'green' });
    const byVin = await gw.query('{ car(id: "TESTVIN0000000001", idProperty: "vin") { make } }');
    expect(byVin.body.data.car).toEqual({ make: 'Volvo' });
  });

  it('a new custom object joins the schema on reload, and requests in flight finish on the schema they started with', async () => {
    // Every emulator call takes a while from here on, so the query below is still running when the schema swaps.
    gw.emulator.state.options.latency = { fixedMs: 150, jitterMs: 0 };
    try {
      const created = await gw.emulator.api('POST', '/crm-object-schemas/v3/schemas', {
        name: 'boats', labels: { singular: 'Boat', plural: 'Boats' }, primaryDisplayProperty: 'hull_id', requiredProperties: ['hull_id'],
        properties: [{ name: 'hull_id', label: 'Hull id', type: 'string', fieldType: 'text', hasUniqueValue: true }], associatedObjects: ['CONTACT'],
      });
      expect(created.status).toBe(201);
      const since = lastSeq(gw);
      const inFlight = gw.query('{ cars(first: 3) { nodes { vin contacts { nodes { email companies { nodes { name contacts { nodes { email } } } } } } } } }');
      // Once the query's first call has been answered, swap the schema under it.
      while (!upstream(gw, since).includes('GET /crm/v3/objects/2-1')) await new Promise((r) => setTimeout(r, 5));
      let swapped = false;
      const reload = gw.gateway.portalSchema.reload().then((r) => ((swapped = true), r));
      const result = await inFlight;
      expect(swapped).toBe(true);
      expect(await reload).toBe('swapped');
      expect(result.body.errors).toBeUndefined();
      expect(result.body.data.cars.nodes).toHaveLength(3);
    } finally {
      gw.emulator.state.options.latency = { fixedMs: 0, jitterMs: 0 };
    }
    const boats = await gw.query('{ boats(first: 1) { nodes { hull_id } } contacts(first: 1) { nodes { boats { nodes { hull_id } } } } }');
    expect(boats.body.errors).toBeUndefined();
  });
});

describe('portal schema: an archived custom object', () => {
  it('leaves the schema with the next reload, though the association definitions toward it outlive it', async () => {
    const gw = await startGateway({ emulator: { seed } });
    try {
      const schemaOf = async (name: string, singular: string, plural: string) => {
        const r = await gw.emulator.api('POST', '/crm-object-schemas/v3/schemas', {
          name, labels: { singular, plural }, primaryDisplayProperty: 'code', requiredProperties: ['code'],
          properties: [{ name: 'code', label: 'Code', type: 'string', fieldType: 'text' }], associatedObjects: [],
        });
        expect(r.status).toBe(201);
        return (r.body as { objectTypeId: string }).objectTypeId;
      };
      const garages = await schemaOf('garages', 'Garage', 'Garages');
      const bikes = await schemaOf('bikes', 'Bike', 'Bikes');
      expect((await gw.emulator.api('POST', `/crm-object-schemas/v3/schemas/${garages}/associations`, { fromObjectTypeId: garages, toObjectTypeId: bikes })).status).toBe(201);
      expect(await gw.gateway.portalSchema.reload()).toBe('swapped');
      expect((await typeOf(gw, 'Garage')).fields.map((f: { name: string }) => f.name)).toContain('bikes');

      // HubSpot archives a schema only without live records; its association definitions stay.
      const bike = await gw.emulator.api('POST', `/crm/v3/objects/${bikes}`, { properties: { code: 'B1' } });
      expect(bike.status).toBe(201);
      expect((await gw.emulator.api('DELETE', `/crm/v3/objects/${bikes}/${(bike.body as { id: string }).id}`)).status).toBe(204);
      expect((await gw.emulator.api('DELETE', `/crm-object-schemas/v3/schemas/${bikes}`)).status).toBe(204);

      expect(await gw.gateway.portalSchema.reload()).toBe('swapped');
      expect(await typeOf(gw, 'Bike')).toBeNull();
      expect((await typeOf(gw, 'Garage')).fields.map((f: { name: string }) => f.name)).not.toContain('bikes');
      const read = await gw.query('{ garages(first: 1) { nodes { code } } }');
      expect(read.body.errors).toBeUndefined();
    } finally {
      await gw.close();
    }
  });
});

describe('portal schema: subscriptions', () => {
  it('a subscription started after a reload selects the new fields, over the schema being served', async () => {
    const gw = await startGateway({ emulator: { seed } });
    const client = createClient({ url: gw.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    try {
      const created = await gw.query(`mutation { propertyCreate(objectType: "2-1", input: { name: "plate", label: "Plate", type: STRING, fieldType: TEXT, groupName: "cars_information" }) { userErrors { message } } }`);
      expect(created.body.data.propertyCreate.userErrors).toEqual([]);
      const car = (await gw.query('{ cars(first: 1) { nodes { hs_object_id } } }')).body.data.cars.nodes[0].hs_object_id;
      await gw.emulator.api('PATCH', `/crm/v3/objects/2-1/${car}`, { properties: { plate: 'AB-123' } });
      const results: Array<{ data?: { crmObjectChanged: { object: unknown } }; errors?: unknown }> = [];
      const stop = client.subscribe(
        { query: 'subscription { crmObjectChanged(objectTypes: ["2-1"]) { objectId object { __typename ... on Car { vin plate color } } } }' },
        { next: (v) => void results.push(v as never), error: (e) => void results.push({ errors: e }), complete: () => undefined },
      );
      await gw.untilSubscribed(1);
      await gw.events.publish([{ eventId: 'e-car-1', portalId: PORTAL_ID, objectType: '2-1', objectId: car, kind: 'propertyChange', subscriptionType: 'object.propertyChange', occurredAt: Date.now(), propertyName: 'plate', propertyValue: 'AB-123' }]);
      for (let i = 0; i < 200 && results.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      stop();
      expect(results[0]?.errors).toBeUndefined();
      expect(results[0]?.data?.crmObjectChanged.object).toMatchObject({ __typename: 'Car', plate: 'AB-123', vin: expect.any(String) });
    } finally {
      await client.dispose();
      await gw.close();
    }
  });
});

describe('portal schema: which portal, and when none', () => {
  it('PORTAL_SCHEMA_REFRESH_SECONDS re-reads the portal: a property created in HubSpot itself joins the schema', async () => {
    const gw = await startGateway({ emulator: { seed }, env: { PORTAL_SCHEMA_REFRESH_SECONDS: '1' } });
    try {
      const builds = gw.gateway.portalSchema.builds;
      const created = await gw.emulator.api('POST', '/crm/v3/properties/companies', { name: 'partner_level', label: 'Partner level', type: 'number', fieldType: 'number', groupName: 'companyinformation' });
      expect(created.status).toBe(201);
      for (let i = 0; i < 200 && gw.gateway.portalSchema.builds === builds; i++) await new Promise((r) => setTimeout(r, 25));
      expect(gw.gateway.portalSchema.builds).toBe(builds + 1);
      expect((await typeOf(gw, 'Company')).fields.find((f: { name: string }) => f.name === 'partner_level').type).toMatchObject({ name: 'Float' });
    } finally {
      await gw.close();
    }
  });

  it('PORTAL_SCHEMA=false serves the base schema, and opens no schema change channel on Redis', async () => {
    const redis = process.env.REDIS_URL;
    const gw = await startGateway({ emulator: { seed }, env: { PORTAL_SCHEMA: 'false', ...(redis ? { REDIS_URL: redis } : {}) } });
    try {
      expect(await typeOf(gw, 'Car')).toBeNull();
      expect('ready' in (gw.gateway.portalSchema as unknown as { options: { changes: object } }).options.changes).toBe(false);
      const generic = await gw.query('{ crmObjects(objectType: "2-1", first: 1) { nodes { __typename vin: property(name: "vin") } } }');
      expect(generic.body.data.crmObjects.nodes[0]).toMatchObject({ __typename: 'GenericCrmObject', vin: expect.any(String) });
    } finally {
      await gw.close();
    }
  });

  it('pass-through mode types no portal without PORTAL_SCHEMA_TOKEN, and the token\'s portal with it', async () => {
    const without = await startGateway({ emulator: { seed }, credentials: new PassThroughCredentials() });
    try {
      expect(await typeOf(without, 'Car')).toBeNull();
      // The generic access reaches the caller's custom objects.
      const generic = await without.query('{ crmObjects(objectType: "2-1", first: 1) { nodes { __typename vin: property(name: "vin") } } }', undefined, { authorization: `Bearer ${TOKEN}` });
      expect(generic.body.data.crmObjects.nodes).toEqual([{ __typename: 'GenericCrmObject', vin: expect.any(String) }]);
    } finally {
      await without.close();
    }
    const withToken = await startGateway({ emulator: { seed }, credentials: new PassThroughCredentials(), env: { PORTAL_SCHEMA_TOKEN: TOKEN } });
    try {
      const res = await withToken.query('{ cars(first: 1) { nodes { vin } } }', undefined, { authorization: `Bearer ${TOKEN}` });
      expect(res.body.data.cars.nodes).toHaveLength(1);
    } finally {
      await withToken.close();
    }
  });

  it('another portal\'s property writes re-read nothing of the typed portal; the typed portal\'s own do', async () => {
    const gw = await startGateway({ emulator: { seed }, credentials: new PassThroughCredentials(), env: { PORTAL_SCHEMA_TOKEN: TOKEN } });
    try {
      const create = (token: string, name: string) =>
        gw.query(`mutation { propertyCreate(objectType: "contacts", input: { name: "${name}", label: "${name}", type: STRING, fieldType: TEXT, groupName: "contactinformation" }) { userErrors { message } } }`, undefined, { authorization: `Bearer ${token}` });
      const typedPortalReads = (since: number) => gw.emulator.state.log.list(since).filter((r) => r.portalId === PORTAL_ID && r.path.startsWith('/crm/v3/properties/') && r.method === 'GET');
      let since = lastSeq(gw);
      const builds = gw.gateway.portalSchema.builds;
      expect((await create(OTHER_PORTAL_TOKEN, 'other_portal_field')).body.data.propertyCreate.userErrors).toEqual([]);
      expect(typedPortalReads(since)).toEqual([]);
      expect(gw.gateway.portalSchema.builds).toBe(builds);
      since = lastSeq(gw);
      expect((await create(TOKEN, 'typed_portal_field')).body.data.propertyCreate.userErrors).toEqual([]);
      expect(typedPortalReads(since).map((r) => r.path)).toEqual(['/crm/v3/properties/contacts']);
      expect((await typeOf(gw, 'Contact')).fields.map((f: { name: string }) => f.name)).toContain('typed_portal_field');
    } finally {
      await gw.close();
    }
  });

  it('a token without some schema scopes types what it may read, and nothing of the rest', async () => {
    const gw = await startGateway({ emulator: { seed }, token: READ_ONLY_TOKEN });
    try {
      const created = await gw.emulator.api('POST', '/crm/v3/properties/contacts', { name: 'favourite_color', label: 'Favourite color', type: 'string', fieldType: 'text', groupName: 'contactinformation' });
      expect(created.status).toBe(201);
      expect(await gw.gateway.portalSchema.reload()).toBe('swapped');
      expect((await typeOf(gw, 'Contact')).fields.map((f: { name: string }) => f.name)).toContain('favourite_color');
      // No crm.schemas.custom.read: the Schemas API refuses, and the portal has no custom object to type.
      expect(await typeOf(gw, 'Car')).toBeNull();
    } finally {
      await gw.close();
    }
  });

  it('FEDERATION=true serves custom objects as entities', async () => {
    const gw = await startGateway({ emulator: { seed }, env: { FEDERATION: 'true' } });
    try {
      const sdl = (await gw.query('{ _service { sdl } }')).body.data._service.sdl as string;
      expect(sdl).toMatch(/type Car implements Node & CrmObject\s+@key\(fields: "id"\)/);
      const id = (await gw.query('{ cars(first: 1) { nodes { id vin } } }')).body.data.cars.nodes[0];
      const entities = await gw.query('query($r: [_Any!]!) { _entities(representations: $r) { ... on Car { vin } } }', { r: [{ __typename: 'Car', id: id.id }] });
      expect(entities.body.data._entities).toEqual([{ vin: id.vin }]);
    } finally {
      await gw.close();
    }
  });

  it('with Redis, a property created through one instance reaches the schema of the other', async () => {
    const redis = process.env.REDIS_URL;
    if (!redis) return;
    const channel = `portal-schema-test-${process.pid}-${Date.now()}`;
    const a = await startGateway({ emulator: { seed }, env: { REDIS_URL: redis, EVENTS_CHANNEL: channel } });
    const b = await startGateway({ emulator: { seed }, baseUrl: a.emulator.url, env: { REDIS_URL: redis, EVENTS_CHANNEL: channel } });
    try {
      await (b.gateway.portalSchema as unknown as { options: { changes: { ready?: Promise<void> } } }).options.changes.ready;
      await (a.gateway.portalSchema as unknown as { options: { changes: { ready?: Promise<void> } } }).options.changes.ready;
      const builds = b.gateway.portalSchema.builds;
      const created = await a.query(`mutation { propertyCreate(objectType: "deals", input: { name: "region_code", label: "Region code", type: STRING, fieldType: TEXT, groupName: "dealinformation" }) { userErrors { message } } }`);
      expect(created.body.data.propertyCreate.userErrors).toEqual([]);
      for (let i = 0; i < 200 && b.gateway.portalSchema.builds === builds; i++) await new Promise((r) => setTimeout(r, 25));
      expect((await typeOf(b, 'Deal')).fields.map((f: { name: string }) => f.name)).toContain('region_code');
    } finally {
      await b.close();
      await a.close();
    }
  });
});

describe('npm run schema:pull', () => {
  it('writes the same files for the same portal, the SDL the gateway serves for it; the committed schema/portal/ is the demo portal\'s', async () => {
    const dirs = [mkdtempSync(join(tmpdir(), 'pull-')), mkdtempSync(join(tmpdir(), 'pull-'))];
    try {
      const config = loadConfig({ LOG_LEVEL: 'silent' });
      const [first, second] = [await pullSchema(config, dirs[0]), await pullSchema(config, dirs[1])];
      expect(first.map((f) => f.slice(dirs[0]!.length))).toEqual(['/portal-mutations.graphql', '/portal-types.graphql']);
      const read = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
      expect(read(dirs[1]!)).toEqual(read(dirs[0]!));
      expect(second).toHaveLength(2);
      // `npm run schema:pull` after changing the renderer keeps this true.
      expect(read(PORTAL_SCHEMA_DIR)).toEqual(read(dirs[0]!));

      // A gateway over the same portal serves exactly that SDL.
      const gw = await startGateway({ emulator: { seed: config.emulator.seed, tokens: [{ token: TOKEN, portalId: config.emulator.tokens[0]!.portalId, scopes: '*' }] } });
      try {
        expect(gw.gateway.portalSchema.portal!.sdl).toEqual(read(dirs[0]!));
      } finally {
        await gw.close();
      }
    } finally {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  });
});
