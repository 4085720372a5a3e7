import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_WEBHOOK_APP } from '../../src/emulator/options';
import { OTHER_PORTAL_ID, OTHER_PORTAL_TOKEN, PORTAL_ID, READ_ONLY_TOKEN, SMALL_SEED, TOKEN, startEmulator, type TestEmulator } from '../helpers/emulator';
import { describeWithSpecs, requestProblems } from '../helpers/openapi';

/**
 * Schemas v3 against crm-schemas-v3.json, and custom object records through the object, property and association
 * APIs (crm-objects-v3, crm-properties-v3, crm-associations-v4): the seeded `cars` schema, creating, changing,
 * archiving and purging schemas and their association definitions, validation errors, scopes and portal isolation.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SCHEMAS = '/crm-object-schemas/v3/schemas';
const LEGACY = '/crm/v3/schemas';
const CUSTOM_READ_TOKEN = 'custom-read-token';
const SCHEMA_WRITE_ONLY_TOKEN = 'schema-write-token';

const boatSchema = (extra: Json = {}): Json => ({
  name: 'boats',
  labels: { singular: 'Boat', plural: 'Boats' },
  primaryDisplayProperty: 'hull_id',
  requiredProperties: ['hull_id'],
  searchableProperties: ['hull_id', 'boat_name'],
  secondaryDisplayProperties: ['boat_name'],
  associatedObjects: ['CONTACT', '0-3'],
  properties: [
    { name: 'hull_id', label: 'Hull ID', type: 'string', fieldType: 'text', hasUniqueValue: true },
    { name: 'boat_name', label: 'Name', type: 'string', fieldType: 'text' },
    { name: 'length_m', label: 'Length (m)', type: 'number', fieldType: 'number' },
    { name: 'rig', label: 'Rig', type: 'enumeration', fieldType: 'select', options: [{ label: 'Sloop', value: 'sloop', displayOrder: 0, hidden: false }, { label: 'Ketch', value: 'ketch', displayOrder: 1, hidden: false }] },
  ],
  ...extra,
});

describeWithSpecs('schemas and custom objects contract', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startEmulator({
      seed: { ...SMALL_SEED, cars: 20 },
      webhookDelivery: { batchWindowMs: 20, retryBaseDelayMs: 10, retryMaxDelayMs: 20 },
      tokens: [
        { token: TOKEN, portalId: PORTAL_ID, scopes: '*' },
        { token: OTHER_PORTAL_TOKEN, portalId: OTHER_PORTAL_ID, scopes: '*' },
        { token: READ_ONLY_TOKEN, portalId: PORTAL_ID, scopes: ['crm.objects.contacts.read', 'crm.objects.companies.read', 'crm.schemas.contacts.read'] },
        { token: CUSTOM_READ_TOKEN, portalId: PORTAL_ID, scopes: ['crm.schemas.custom.read', 'crm.objects.custom.read', 'crm.objects.contacts.read'] },
        { token: SCHEMA_WRITE_ONLY_TOKEN, portalId: PORTAL_ID, scopes: ['crm.schemas.custom.write'] },
      ],
    });
  });
  afterAll(() => emu.close());
  beforeEach(async () => {
    await emu.api('POST', '/__emulator/reset');
  });

  /**
   * A Schemas API request whose body must be valid for the spec too (only bodies meant to be valid go through here).
   * Record calls are checked on their answers only: the objects spec marks fields required (`associations`, `after`)
   * that HubSpot treats as optional.
   */
  async function send(method: string, path: string, body: unknown, token?: string) {
    expect(requestProblems(method, path, body)).toEqual([]);
    return emu.checked(method, path, body, token === undefined ? undefined : { token });
  }

  async function createBoats(extra: Json = {}): Promise<Json> {
    const res = await send('POST', SCHEMAS, boatSchema(extra));
    expect(res.status).toBe(201);
    return res.body;
  }

  const ids = (results: Json[]) => results.map((r) => r.id);
  const contactIds = async (n: number): Promise<string[]> => ids((await emu.checked('GET', `/crm/v3/objects/contacts?limit=${n}`)).body.results);

  describe('the seeded schema', () => {
    test('lists the demo portal\'s cars schema with its properties and associations', async () => {
      const res = await emu.checked('GET', SCHEMAS);
      expect(res.status).toBe(200);
      expect(res.body.results).toHaveLength(1);
      const cars = res.body.results[0];
      expect(cars).toMatchObject({
        id: '1',
        objectTypeId: '2-1',
        name: 'cars',
        fullyQualifiedName: `p${PORTAL_ID}_cars`,
        labels: { singular: 'Car', plural: 'Cars' },
        primaryDisplayProperty: 'vin',
        requiredProperties: ['vin'],
        searchableProperties: ['vin', 'make', 'model'],
        archived: false,
      });
      const byName = new Map(cars.properties.map((p: Json) => [p.name, p]));
      expect(byName.get('vin')).toMatchObject({ type: 'string', hasUniqueValue: true, groupName: 'cars_information', hubspotDefined: false });
      expect(byName.get('year')).toMatchObject({ type: 'number', fieldType: 'number' });
      expect((byName.get('color') as Json).options.map((o: Json) => o.value)).toEqual(['black', 'white', 'silver', 'blue', 'red', 'green']);
      expect(byName.get('features')).toMatchObject({ type: 'enumeration', fieldType: 'checkbox' });
      expect(byName.get('hs_object_id')).toMatchObject({ hubspotDefined: true });
      expect(cars.associations.map((a: Json) => [a.fromObjectTypeId, a.toObjectTypeId, a.name])).toEqual([
        ['2-1', '0-1', 'cars_to_contact'],
        ['2-1', '0-2', 'cars_to_company'],
      ]);
    });

    test('is found by object type id, fully qualified name or name, at the spec path and the legacy path alike', async () => {
      const byId = await emu.checked('GET', `${SCHEMAS}/2-1`);
      expect(byId.status).toBe(200);
      for (const segment of [`p${PORTAL_ID}_cars`, 'cars', 'CARS']) {
        expect((await emu.checked('GET', `${SCHEMAS}/${segment}`)).body).toEqual(byId.body);
      }
      const legacy = await emu.api('GET', `${LEGACY}/2-1`);
      expect(legacy.body).toEqual(byId.body);
      expect((await emu.api('GET', LEGACY)).body).toEqual((await emu.checked('GET', SCHEMAS)).body);
      const missing = await emu.checked('GET', `${SCHEMAS}/spaceships`);
      expect(missing.status).toBe(404);
      expect(missing.body.category).toBe('OBJECT_NOT_FOUND');
    });

    test('include flags leave out properties, associations and audit dates', async () => {
      const res = await emu.checked('GET', `${SCHEMAS}/2-1?includePropertyDefinitions=false&includeAssociationDefinitions=false&includeAuditMetadata=false`);
      expect(res.body.properties).toEqual([]);
      expect(res.body.associations).toEqual([]);
      expect(res.body.createdAt).toBeUndefined();
      expect((await emu.checked('GET', `${SCHEMAS}?includePropertyDefinitions=maybe`)).status).toBe(400);
    });

    test('batch read returns the live schemas named, by any spelling, once each', async () => {
      const res = await send('POST', `${SCHEMAS}/batch/read`, {
        inputs: ['2-1', `p${PORTAL_ID}_cars`, 'nope'],
        includeAssociationDefinitions: true,
        includeAuditMetadata: true,
        includePropertyDefinitions: false,
      });
      expect(res.status).toBe(200);
      expect(res.body.results.map((s: Json) => s.objectTypeId)).toEqual(['2-1']);
      expect(res.body.results[0].properties).toEqual([]);
    });

    test('its records are associated with contacts and companies through the schema\'s own association types', async () => {
      const labels = await emu.checked('GET', '/crm/associations/v4/2-1/contacts/labels');
      expect(labels.body.results).toEqual([{ category: 'USER_DEFINED', typeId: 1000, fromObjectTypeId: '2-1', toObjectTypeId: '0-1' }]);
      const inverse = await emu.checked('GET', '/crm/associations/v4/contacts/2-1/labels');
      expect(inverse.body.results).toEqual([{ category: 'USER_DEFINED', typeId: 1001, fromObjectTypeId: '0-1', toObjectTypeId: '2-1' }]);
      const cars = await emu.checked('GET', '/crm/v3/objects/2-1?limit=100&properties=vin,make,model,year,color,electric');
      expect(cars.body.results).toHaveLength(20);
      const read = await emu.checked('POST', '/crm/v4/associations/2-1/contacts/batch/read', { inputs: cars.body.results.map((c: Json) => ({ id: c.id })) });
      const linked = read.body.results.filter((r: Json) => r.to.length > 0);
      expect(linked.length).toBeGreaterThan(10);
      expect(linked[0].to[0].associationTypes).toEqual([{ category: 'USER_DEFINED', typeId: 1000 }]);
      for (const car of cars.body.results) {
        expect(car.properties.vin).toMatch(/^[A-HJ-NPR-Z0-9]{17}$/);
        expect(Number(car.properties.year)).toBeGreaterThanOrEqual(2012);
      }
    });
  });

  describe('creating, changing and deleting schemas', () => {
    test('creates a schema whose type works at once in the object, property and association APIs', async () => {
      const boats = await createBoats({ description: 'Boats of the marina' });
      expect(boats).toMatchObject({ id: '2', objectTypeId: '2-2', name: 'boats', fullyQualifiedName: `p${PORTAL_ID}_boats`, description: 'Boats of the marina', archived: false });
      expect(boats.associations.map((a: Json) => [a.toObjectTypeId, a.name])).toEqual([['0-1', 'boats_to_contact'], ['0-3', 'boats_to_deal']]);
      expect(boats.properties.map((p: Json) => p.name)).toEqual(expect.arrayContaining(['hull_id', 'boat_name', 'length_m', 'rig', 'hs_object_id', 'hs_createdate']));

      const groups = await emu.checked('GET', '/crm/v3/properties/2-2/groups');
      expect(groups.body.results).toEqual([{ name: 'boats_information', label: 'Boat information', displayOrder: -1, archived: false }]);
      const rig = await emu.checked('GET', `/crm/v3/properties/p${PORTAL_ID}_boats/rig`);
      expect(rig.body).toMatchObject({ type: 'enumeration', fieldType: 'select', groupName: 'boats_information' });
      expect((await emu.checked('GET', '/crm/v3/objects/boats')).body.results).toEqual([]);
      const dealLabels = await emu.checked('GET', '/crm/associations/v4/2-2/deals/labels');
      expect(dealLabels.body.results).toHaveLength(1);
      expect(dealLabels.body.results[0]).toMatchObject({ category: 'USER_DEFINED', fromObjectTypeId: '2-2', toObjectTypeId: '0-3' });

      const listed = await emu.checked('GET', SCHEMAS);
      expect(listed.body.results.map((s: Json) => s.objectTypeId)).toEqual(['2-1', '2-2']);
    });

    test('a schema may be associated with another custom object and with itself', async () => {
      const boats = await createBoats({ associatedObjects: [`p${PORTAL_ID}_cars`], shouldCreateSameObjectAssociation: true });
      expect(boats.associations.map((a: Json) => [a.fromObjectTypeId, a.toObjectTypeId])).toEqual([['2-2', '2-1'], ['2-2', '2-2']]);
      // The other end lists the definition too.
      const cars = await emu.checked('GET', `${SCHEMAS}/cars`);
      expect(cars.body.associations.map((a: Json) => a.name)).toContain('boats_to_cars');
      const self = (await emu.checked('GET', '/crm/associations/v4/2-2/2-2/labels')).body.results;
      expect(self).toHaveLength(1);
    });

    test('a taken name is a 409, archived schemas included', async () => {
      await createBoats();
      const again = await send('POST', SCHEMAS, boatSchema());
      expect(again.status).toBe(409);
      expect(again.body.category).toBe('CONFLICT');
      expect((await send('POST', SCHEMAS, boatSchema({ name: 'CARS' }))).status).toBe(409);
    });

    test('invalid schemas are a 400 naming every problem', async () => {
      const res = await emu.checked('POST', SCHEMAS, {
        name: '9lives',
        labels: { singular: 'Cat' },
        requiredProperties: ['whiskers'],
        primaryDisplayProperty: 'tail',
        associatedObjects: ['spaceships'],
        properties: [{ name: 'fur', label: 'Fur', type: 'colour', fieldType: 'text' }, { name: 'hs_mine', label: 'Mine', type: 'string', fieldType: 'text' }],
      });
      expect(res.status).toBe(400);
      expect(res.body.category).toBe('VALIDATION_ERROR');
      const fields = res.body.errors.map((e: Json) => e.in);
      expect(fields).toEqual(expect.arrayContaining(['name', 'labels.plural', 'properties[0].type', 'properties[1].name', 'requiredProperties', 'primaryDisplayProperty', 'associatedObjects']));

      const missing = await emu.checked('POST', SCHEMAS, {});
      expect(missing.status).toBe(400);
      expect(missing.body.errors.map((e: Json) => e.in)).toEqual(expect.arrayContaining(['name', 'labels', 'properties', 'requiredProperties', 'associatedObjects']));
      const standard = await emu.checked('POST', SCHEMAS, boatSchema({ name: 'contacts' }));
      expect(standard.status).toBe(400);
      expect(standard.body.message).toMatch(/standard object types/);
      expect((await emu.checked('POST', SCHEMAS, [])).status).toBe(400);
      // Nothing was created by the refused requests, and no type id was used up.
      expect((await createBoats()).objectTypeId).toBe('2-2');
    });

    test('PATCH changes the definition and answers with the ObjectTypeDefinition', async () => {
      const res = await send('PATCH', `${SCHEMAS}/cars`, {
        labels: { singular: 'Vehicle', plural: 'Vehicles' },
        requiredProperties: ['vin', 'make'],
        searchableProperties: ['vin'],
        primaryDisplayProperty: 'model',
        description: 'Fleet vehicles',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ objectTypeId: '2-1', portalId: PORTAL_ID, labels: { singular: 'Vehicle', plural: 'Vehicles' }, requiredProperties: ['vin', 'make'], primaryDisplayProperty: 'model', description: 'Fleet vehicles' });
      expect(res.body.properties).toBeUndefined();
      expect((await emu.checked('GET', `${SCHEMAS}/2-1`)).body.searchableProperties).toEqual(['vin']);
      // The new required property applies to new records.
      const noMake = await emu.checked('POST', '/crm/v3/objects/2-1', { properties: { vin: 'VINWITHOUTMAKE001' } });
      expect(noMake.status).toBe(400);
      expect(noMake.body.errors).toEqual([expect.objectContaining({ code: 'REQUIRED_PROPERTY', context: { propertyName: ['make'] } })]);

      const cleared = await send('PATCH', `${SCHEMAS}/2-1`, { clearDescription: true });
      expect(cleared.body.description).toBeUndefined();
      const bad = await emu.checked('PATCH', `${SCHEMAS}/2-1`, { requiredProperties: ['nope'], labels: { singular: '' } });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: Json) => e.in).sort()).toEqual(['labels.singular', 'requiredProperties']);
      expect((await emu.checked('PATCH', `${SCHEMAS}/2-99`, { description: 'x' })).status).toBe(404);
    });

    test('DELETE needs the records gone; an archived schema is listed with archived=true only and its type stops resolving', async () => {
      const refused = await emu.checked('DELETE', `${SCHEMAS}/cars`);
      expect(refused.status).toBe(400);
      expect(refused.body.message).toMatch(/still has 20 records/);

      const cars = ids((await emu.checked('GET', '/crm/v3/objects/2-1?limit=100')).body.results);
      expect((await emu.checked('POST', '/crm/v3/objects/2-1/batch/archive', { inputs: cars.map((id) => ({ id })) })).status).toBe(204);
      expect((await emu.checked('DELETE', `${SCHEMAS}/cars`)).status).toBe(204);

      expect((await emu.checked('GET', SCHEMAS)).body.results).toEqual([]);
      const archived = await emu.checked('GET', `${SCHEMAS}?archived=true`);
      expect(archived.body.results.map((s: Json) => [s.objectTypeId, s.archived])).toEqual([['2-1', true]]);
      expect((await emu.checked('GET', `${SCHEMAS}/2-1`)).status).toBe(404);
      const records = await emu.checked('GET', '/crm/v3/objects/2-1');
      expect(records.status).toBe(400);
      expect(records.body.message).toBe('Unable to infer object type from: 2-1');
      expect((await emu.checked('GET', '/crm/v3/properties/cars')).status).toBe(400);
      // Deleting twice is a 404; the name stays taken until the schema is purged.
      expect((await emu.checked('DELETE', `${SCHEMAS}/cars`)).status).toBe(404);
      expect((await send('POST', SCHEMAS, boatSchema({ name: 'cars' }))).status).toBe(409);
    });

    test('archived=true purges an archived schema: the name is free again, its type id is not reused', async () => {
      await createBoats();
      const notArchived = await emu.checked('DELETE', `${SCHEMAS}/boats?archived=true`);
      expect(notArchived.status).toBe(404);
      expect((await emu.checked('DELETE', `${SCHEMAS}/boats`)).status).toBe(204);
      expect((await emu.checked('DELETE', `${SCHEMAS}/boats?archived=true`)).status).toBe(204);
      expect((await emu.checked('GET', `${SCHEMAS}?archived=true`)).body.results).toEqual([]);
      expect((await emu.checked('GET', '/crm/associations/v4/contacts/2-2/labels')).status).toBe(400);
      const again = await createBoats();
      expect(again.objectTypeId).toBe('2-3');
      // The legacy purge path does the same.
      expect((await emu.checked('DELETE', `${SCHEMAS}/2-3`)).status).toBe(204);
      expect((await emu.api('DELETE', `${LEGACY}/2-3/purge`)).status).toBe(204);
      expect((await emu.checked('GET', `${SCHEMAS}?archived=true`)).body.results).toEqual([]);
    });

    test('association definitions can be added and removed', async () => {
      const created = await send('POST', `${SCHEMAS}/cars/associations`, { fromObjectTypeId: '2-1', toObjectTypeId: '0-5', name: 'car_to_ticket' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ fromObjectTypeId: '2-1', toObjectTypeId: '0-5', name: 'car_to_ticket' });
      const typeId = Number(created.body.id);
      expect((await emu.checked('GET', '/crm/associations/v4/cars/tickets/labels')).body.results).toEqual([{ category: 'USER_DEFINED', typeId, fromObjectTypeId: '2-1', toObjectTypeId: '0-5' }]);
      expect((await emu.checked('GET', `${SCHEMAS}/cars`)).body.associations.map((a: Json) => a.id)).toContain(String(typeId));

      const duplicate = await send('POST', `${SCHEMAS}/cars/associations`, { fromObjectTypeId: '2-1', toObjectTypeId: '0-5', name: 'car_to_ticket' });
      expect(duplicate.status).toBe(409);
      const elsewhere = await send('POST', `${SCHEMAS}/cars/associations`, { fromObjectTypeId: '0-1', toObjectTypeId: '0-5' });
      expect(elsewhere.status).toBe(400);
      const invalid = await emu.checked('POST', `${SCHEMAS}/cars/associations`, { toObjectTypeId: 'nowhere' });
      expect(invalid.status).toBe(400);
      expect(invalid.body.errors.map((e: Json) => e.in)).toEqual(['fromObjectTypeId']);

      // The label API cannot touch a schema's own types.
      expect((await emu.checked('DELETE', `/crm/associations/v4/cars/tickets/labels/${typeId}`)).status).toBe(400);
      expect((await emu.checked('DELETE', `${SCHEMAS}/cars/associations/${typeId}`)).status).toBe(204);
      expect((await emu.checked('GET', '/crm/associations/v4/cars/tickets/labels')).body.results).toEqual([]);
      expect((await emu.checked('DELETE', `${SCHEMAS}/cars/associations/${typeId}`)).status).toBe(404);
      expect((await emu.checked('DELETE', `${SCHEMAS}/cars/associations/cars_to_company`)).status).toBe(204);
      expect((await emu.checked('GET', `${SCHEMAS}/cars`)).body.associations.map((a: Json) => a.name)).toEqual(['cars_to_contact']);
    });
  });

  describe('custom object records', () => {
    test('create, read, update and archive by 2-<n> id and fully qualified name', async () => {
      const [contact] = await contactIds(1);
      const created = await emu.checked('POST', '/crm/v3/objects/2-1', {
        properties: { vin: '1HGCM82633A004352', make: 'Honda', model: 'Accord', year: '2003', color: 'blue', features: 'sunroof;tow_hitch', electric: 'false' },
        associations: [{ to: { id: contact! }, types: [{ associationCategory: 'USER_DEFINED', associationTypeId: 1000 }] }],
      });
      expect(created.status).toBe(201);
      const id = created.body.id;
      expect(created.body.properties).toMatchObject({ vin: '1HGCM82633A004352', year: '2003', hs_object_id: id });

      const read = await emu.checked('GET', `/crm/v3/objects/p${PORTAL_ID}_cars/${id}?properties=vin,color&associations=contacts`);
      expect(read.body.properties).toMatchObject({ vin: '1HGCM82633A004352', color: 'blue' });
      expect(read.body.properties.make).toBeUndefined();
      expect(read.body.associations.contacts.results).toEqual([{ id: contact, type: 'cars_to_contact' }]);
      // The contact sees the car through the inverse type.
      const fromContact = await emu.checked('GET', `/crm/v3/objects/contacts/${contact}?associations=p${PORTAL_ID}_cars`);
      expect(fromContact.body.associations[`p${PORTAL_ID}_cars`].results).toContainEqual({ id, type: 'contact_to_cars' });

      const byVin = await emu.checked('GET', '/crm/v3/objects/2-1/1HGCM82633A004352?idProperty=vin&properties=model');
      expect(byVin.body.id).toBe(id);
      const updated = await emu.checked('PATCH', `/crm/v3/objects/2-1/${id}`, { properties: { color: 'red', year: 2004 } });
      expect(updated.body.properties).toMatchObject({ color: 'red', year: '2004' });

      const badValue = await emu.checked('PATCH', `/crm/v3/objects/2-1/${id}`, { properties: { color: 'plaid', nope: 'x' } });
      expect(badValue.status).toBe(400);
      expect(badValue.body.errors.map((e: Json) => e.code).sort()).toEqual(['INVALID_OPTION', 'PROPERTY_DOESNT_EXIST']);
      const duplicateVin = await emu.checked('POST', '/crm/v3/objects/2-1', { properties: { vin: '1HGCM82633A004352' } });
      expect(duplicateVin.status).toBe(409);
      const noVin = await emu.checked('POST', '/crm/v3/objects/cars', { properties: { make: 'Ford' } });
      expect(noVin.status).toBe(400);
      expect(noVin.body.errors[0]).toMatchObject({ code: 'REQUIRED_PROPERTY', context: { propertyName: ['vin'] } });

      expect((await emu.checked('DELETE', `/crm/v3/objects/2-1/${id}`)).status).toBe(204);
      expect((await emu.checked('GET', `/crm/v3/objects/2-1/${id}`)).status).toBe(404);
      expect((await emu.checked('GET', `/crm/v3/objects/2-1/${id}?archived=true`)).body.archived).toBe(true);
    });

    test('batch create, read, update, upsert by a unique property and archive', async () => {
      const created = await emu.checked('POST', '/crm/v3/objects/2-1/batch/create', {
        inputs: [
          { properties: { vin: 'BATCHVIN000000001', make: 'Kia' } },
          { properties: { vin: 'BATCHVIN000000002', make: 'Kia' } },
        ],
      });
      expect(created.status).toBe(201);
      const [a, b] = ids(created.body.results);
      const read = await emu.checked('POST', '/crm/v3/objects/2-1/batch/read', { inputs: [{ id: a }, { id: b }, { id: '999999' }], properties: ['make'], propertiesWithHistory: [] });
      expect(read.status).toBe(207);
      expect(ids(read.body.results).sort()).toEqual([a, b].sort());
      expect(read.body.errors[0].message).toMatch(/CARS objects/);

      const update = await emu.checked('POST', '/crm/v3/objects/2-1/batch/update', { inputs: [{ id: a!, properties: { model: 'EV6' } }] });
      expect(update.body.results[0].properties.model).toBe('EV6');
      const upsert = await emu.checked('POST', '/crm/v3/objects/2-1/batch/upsert', {
        inputs: [
          { id: 'BATCHVIN000000002', idProperty: 'vin', properties: { model: 'Niro' } },
          { id: 'BATCHVIN000000003', idProperty: 'vin', properties: { make: 'Kia', model: 'Soul' } },
        ],
      });
      expect(upsert.status).toBe(200);
      expect(upsert.body.results.map((r: Json) => [r.properties.vin, r.new])).toEqual([['BATCHVIN000000002', false], ['BATCHVIN000000003', true]]);
      const archive = await emu.checked('POST', '/crm/v3/objects/2-1/batch/archive', { inputs: [{ id: a! }, { id: b! }] });
      expect(archive.status).toBe(204);
      expect((await emu.checked('GET', `/crm/v3/objects/2-1/${a}`)).status).toBe(404);
    });

    test('search filters, sorts and queries a custom type\'s records', async () => {
      const all = (await emu.checked('GET', '/crm/v3/objects/2-1?limit=100&properties=color,make,year')).body.results as Json[];
      const red = all.filter((c) => c.properties.color === 'red').map((c) => c.id);
      const search = await emu.checked('POST', '/crm/v3/objects/2-1/search', {
        filterGroups: [{ filters: [{ propertyName: 'color', operator: 'EQ', value: 'red' }] }],
        properties: ['color', 'year'],
        sorts: ['year'],
        limit: 100,
      });
      expect(search.status).toBe(200);
      expect(search.body.total).toBe(red.length);
      expect(ids(search.body.results).sort()).toEqual([...red].sort());
      const years = search.body.results.map((r: Json) => Number(r.properties.year));
      expect(years).toEqual([...years].sort((x, y) => x - y));

      const make = all[0]!.properties.make as string;
      const byQuery = await emu.checked('POST', `/crm/v3/objects/p${PORTAL_ID}_cars/search`, { query: make.toLowerCase(), limit: 100 });
      expect(byQuery.body.total).toBe(all.filter((c) => c.properties.make === make).length);

      const [contact] = await contactIds(1);
      const car = all[0]!.id;
      await emu.checked('PUT', `/crm/v4/objects/2-1/${car}/associations/default/contacts/${contact}`);
      const linked = await emu.checked('POST', '/crm/v3/objects/cars/search', { filterGroups: [{ filters: [{ propertyName: 'associations.contacts', operator: 'EQ', value: contact! }] }] });
      expect(ids(linked.body.results)).toContain(car);
    });

    test('v4 associations: batch create and read in both directions, default associations, per-record reads', async () => {
      const [c1, c2] = await contactIds(2);
      const car = (await emu.checked('POST', '/crm/v3/objects/2-1', { properties: { vin: 'ASSOCVIN000000001' } })).body.id;
      const created = await emu.checked('POST', '/crm/v4/associations/2-1/contacts/batch/create', {
        inputs: [{ from: { id: car }, to: { id: c1! }, types: [{ associationCategory: 'USER_DEFINED', associationTypeId: 1000 }] }],
      });
      expect(created.status).toBe(201);
      const wrongType = await emu.checked('POST', '/crm/v4/associations/2-1/contacts/batch/create', {
        inputs: [{ from: { id: car }, to: { id: c1! }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }] }],
      });
      expect(wrongType.status).toBe(207);
      const byDefault = await emu.checked('POST', `/crm/v4/associations/p${PORTAL_ID}_cars/contacts/batch/associate/default`, { inputs: [{ from: { id: car }, to: { id: c2! } }] });
      expect(byDefault.body.results[0].associationSpec).toEqual({ associationCategory: 'USER_DEFINED', associationTypeId: 1000 });

      const read = await emu.checked('POST', '/crm/v4/associations/2-1/contacts/batch/read', { inputs: [{ id: car }] });
      expect(read.body.results[0].to.map((t: Json) => String(t.toObjectId))).toEqual([c1, c2].sort((x, y) => Number(x) - Number(y)));
      const back = await emu.checked('POST', '/crm/v4/associations/contacts/2-1/batch/read', { inputs: [{ id: c1! }] });
      expect(back.body.results[0].to).toContainEqual({ toObjectId: car, associationTypes: [{ category: 'USER_DEFINED', typeId: 1001 }] });
      const perRecord = await emu.checked('GET', `/crm/v4/objects/contacts/${c2}/associations/cars`);
      expect(perRecord.body.results.map((r: Json) => String(r.toObjectId))).toContain(car);

      const archived = await emu.checked('POST', '/crm/v4/associations/2-1/contacts/batch/archive', { inputs: [{ from: { id: car }, to: [{ id: c1! }] }] });
      expect(archived.status).toBe(204);
      const after = await emu.checked('POST', '/crm/v4/associations/2-1/contacts/batch/read', { inputs: [{ id: car }] });
      expect(after.body.results[0].to.map((t: Json) => String(t.toObjectId))).toEqual([c2]);
    });

    test('custom properties created on a custom type appear in its schema and can be written', async () => {
      const prop = await emu.checked('POST', '/crm/v3/properties/2-1', { name: 'plate', label: 'Plate', type: 'string', fieldType: 'text', groupName: 'cars_information' });
      expect(prop.status).toBe(201);
      expect((await emu.checked('GET', `${SCHEMAS}/2-1`)).body.properties.map((p: Json) => p.name)).toContain('plate');
      const car = await emu.checked('POST', '/crm/v3/objects/cars', { properties: { vin: 'PLATEVIN000000001', plate: 'B-CAR 1' } });
      expect(car.body.properties.plate).toBe('B-CAR 1');
      expect((await emu.checked('DELETE', '/crm/v3/properties/2-1/plate')).status).toBe(204);
      expect((await emu.checked('GET', `${SCHEMAS}/2-1`)).body.properties.map((p: Json) => p.name)).not.toContain('plate');
      // HubSpot's own properties of a custom object cannot be archived.
      expect((await emu.checked('DELETE', '/crm/v3/properties/2-1/hs_createdate')).status).toBe(400);
    });

    test('merge works for custom objects', async () => {
      const a = (await emu.checked('POST', '/crm/v3/objects/2-1', { properties: { vin: 'MERGEVIN000000001', make: 'Audi' } })).body.id;
      const b = (await emu.checked('POST', '/crm/v3/objects/2-1', { properties: { vin: 'MERGEVIN000000002', model: 'A4' } })).body.id;
      // (The Custom Objects spec that declares this route is not among the copied specs: no response check.)
      const merged = await emu.api('POST', '/crm/v3/objects/2-1/merge', { primaryObjectId: a, objectIdToMerge: b });
      expect(merged.status).toBe(200);
      expect(merged.body.properties).toMatchObject({ vin: 'MERGEVIN000000001', make: 'Audi', model: 'A4', hs_merged_object_ids: b });
    });
  });

  describe('scopes', () => {
    test('reading schemas needs a custom-object read scope, writing them crm.schemas.custom.write', async () => {
      const denied = await emu.checked('GET', SCHEMAS, undefined, { token: READ_ONLY_TOKEN });
      expect(denied.status).toBe(403);
      expect(denied.body.category).toBe('MISSING_SCOPES');
      expect(denied.body.errors[0].context.requiredGranularScopes).toContain('crm.schemas.custom.read');
      expect((await emu.checked('GET', `${SCHEMAS}/2-1`, undefined, { token: CUSTOM_READ_TOKEN })).status).toBe(200);
      expect((await emu.checked('POST', SCHEMAS, boatSchema(), { token: CUSTOM_READ_TOKEN })).status).toBe(403);
      expect((await emu.checked('PATCH', `${SCHEMAS}/2-1`, { description: 'x' }, { token: CUSTOM_READ_TOKEN })).status).toBe(403);
      expect((await emu.checked('DELETE', `${SCHEMAS}/2-1`, undefined, { token: CUSTOM_READ_TOKEN })).status).toBe(403);
      expect((await emu.checked('POST', SCHEMAS, boatSchema(), { token: SCHEMA_WRITE_ONLY_TOKEN })).status).toBe(201);
    });

    test('custom object records need crm.objects.custom scopes', async () => {
      expect((await emu.checked('GET', '/crm/v3/objects/2-1', undefined, { token: READ_ONLY_TOKEN })).status).toBe(403);
      expect((await emu.checked('GET', '/crm/v3/objects/2-1', undefined, { token: CUSTOM_READ_TOKEN })).status).toBe(200);
      const write = await emu.checked('POST', '/crm/v3/objects/2-1', { properties: { vin: 'SCOPEVIN000000001' } }, { token: CUSTOM_READ_TOKEN });
      expect(write.status).toBe(403);
      expect(write.body.errors[0].context.requiredGranularScopes).toEqual(['crm.objects.custom.write']);
      expect((await emu.checked('POST', '/crm/v4/associations/2-1/contacts/batch/read', { inputs: [{ id: '1' }] }, { token: READ_ONLY_TOKEN })).status).toBe(403);
    });
  });

  describe('portal isolation', () => {
    test('a portal never sees another portal\'s schemas or custom records', async () => {
      await createBoats();
      const boat = (await emu.checked('POST', '/crm/v3/objects/boats', { properties: { hull_id: 'HULL-111' } })).body.id;
      const other = await emu.checked('GET', SCHEMAS, undefined, { token: OTHER_PORTAL_TOKEN });
      expect(other.body.results.map((s: Json) => s.fullyQualifiedName)).toEqual([`p${OTHER_PORTAL_ID}_cars`]);
      for (const segment of ['2-2', `p${PORTAL_ID}_boats`, 'boats']) {
        expect((await emu.checked('GET', `/crm/v3/objects/${segment}/${boat}`, undefined, { token: OTHER_PORTAL_TOKEN })).status).toBe(400);
        expect((await emu.checked('GET', `${SCHEMAS}/${segment}`, undefined, { token: OTHER_PORTAL_TOKEN })).status).toBe(404);
      }
      expect((await emu.checked('GET', `${SCHEMAS}/p${PORTAL_ID}_cars`, undefined, { token: OTHER_PORTAL_TOKEN })).status).toBe(404);
      // Each portal's seeded cars are its own: a VIN written in one is not found in the other.
      await emu.checked('POST', '/crm/v3/objects/2-1', { properties: { vin: 'PORTALVIN00000111' } });
      const search = await emu.checked('POST', '/crm/v3/objects/2-1/search', { filterGroups: [{ filters: [{ propertyName: 'vin', operator: 'EQ', value: 'PORTALVIN00000111' }] }] }, { token: OTHER_PORTAL_TOKEN });
      expect(search.body.total).toBe(0);
      // A schema created in the other portal gets that portal's own numbering.
      const theirs = await emu.checked('POST', SCHEMAS, boatSchema(), { token: OTHER_PORTAL_TOKEN });
      expect(theirs.body).toMatchObject({ objectTypeId: '2-2', fullyQualifiedName: `p${OTHER_PORTAL_ID}_boats` });
    });
  });

  describe('webhooks', () => {
    let server: Server;
    const received: Json[] = [];
    beforeAll(async () => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString('utf8')));
        req.on('end', () => (received.push(...(JSON.parse(body) as Json[])), res.writeHead(204).end()));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    test('API writes to custom object records are delivered as object.* events with the 2-<n> objectTypeId', async () => {
      const app = `/webhooks/v3/${DEFAULT_WEBHOOK_APP.appId}`;
      const key = `hapikey=${DEFAULT_WEBHOOK_APP.developerApiKeys[0]}`;
      const targetUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
      expect((await emu.api('PUT', `${app}/settings?${key}`, { targetUrl, throttling: { maxConcurrentRequests: 5 } }, { token: null })).status).toBe(200);
      expect((await emu.api('POST', `${app}/subscriptions?${key}`, { eventType: 'object.creation', objectTypeId: '2-1', active: true }, { token: null })).status).toBe(201);
      const car = (await emu.checked('POST', '/crm/v3/objects/2-1', { properties: { vin: 'HOOKVIN0000000001' } })).body.id;
      for (let i = 0; i < 100 && !received.some((e) => e.subscriptionType === 'object.creation'); i++) await new Promise((r) => setTimeout(r, 20));
      expect(received.filter((e) => e.subscriptionType === 'object.creation')).toEqual([
        expect.objectContaining({ objectTypeId: '2-1', objectId: Number(car), portalId: PORTAL_ID, changeSource: 'API' }),
      ]);
    });
  });

  describe('admin', () => {
    test('the config lists each portal\'s custom objects; reset brings back the seeded schema and drops the others', async () => {
      await createBoats();
      await emu.checked('PATCH', `${SCHEMAS}/cars`, { description: 'changed' });
      const config = await emu.api('GET', '/__emulator/config');
      expect(config.body.seed.cars).toBe(20);
      expect(config.body.customObjects[String(PORTAL_ID)]).toEqual([
        { objectTypeId: '2-1', fullyQualifiedName: `p${PORTAL_ID}_cars`, archived: false, records: 20 },
        { objectTypeId: '2-2', fullyQualifiedName: `p${PORTAL_ID}_boats`, archived: false, records: 0 },
      ]);
      await emu.api('POST', '/__emulator/reset');
      const after = await emu.checked('GET', SCHEMAS);
      expect(after.body.results.map((s: Json) => s.name)).toEqual(['cars']);
      expect(after.body.results[0].description).not.toBe('changed');
    });
  });
});
