import { installDefaultPipelines } from '../../../src/emulator/defaultPipelines';
import { HubSpotHttpError } from '../../../src/emulator/errors';
import { OBJECT_TYPES, objectTypeOf } from '../../../src/emulator/objectTypes';
import type { SeedSizes } from '../../../src/emulator/options';
import { readSchemaCreate } from '../../../src/emulator/schemaInput';
import { archiveSchema, createSchema, CUSTOM_OBJECT_DEFAULT_PROPERTY_NAMES, purgeSchema } from '../../../src/emulator/schemaStore';
import { seedPortal } from '../../../src/emulator/seed';
import { DEMO_CAR_SCHEMA } from '../../../src/emulator/seedCustomObjects';
import { Portal } from '../../../src/emulator/store';

const SIZES: SeedSizes = { contacts: 40, companies: 10, deals: 20, tickets: 10, products: 5, owners: 4, engagements: 30 };
const NOW = '2025-01-01T00:00:00.000Z';

function seeded(sizes: SeedSizes, seedValue = 7, portalId = 1): Portal {
  const portal = new Portal(portalId);
  installDefaultPipelines(portal);
  seedPortal(portal, sizes, seedValue);
  return portal;
}

/** The standard types' records, owners and association graph: what the seed made before custom objects existed. */
function standardSnapshot(portal: Portal) {
  const associations: unknown[] = [];
  for (const from of OBJECT_TYPES) {
    for (const id of portal.recordsOf(from).keys()) {
      for (const to of OBJECT_TYPES) associations.push(...portal.associations.list(from.id, id, to.id).map((a) => [from.id, id, to.id, a]));
    }
  }
  return { records: OBJECT_TYPES.map((t) => [t.id, [...portal.recordsOf(t).values()]]), owners: portal.owners, associations };
}

const draftOf = (portal: Portal, body: Record<string, unknown>) =>
  readSchemaCreate(structuredClone(body), (segment) => portal.objectType(segment), CUSTOM_OBJECT_DEFAULT_PROPERTY_NAMES, NOW);

describe('the seeded custom object', () => {
  test('leaves every other seeded record, owner and association exactly as before', () => {
    const without = seeded(SIZES);
    const withCars = seeded({ ...SIZES, cars: 20 });
    expect(standardSnapshot(withCars)).toEqual(standardSnapshot(without));
    expect(without.schemas.list()).toEqual([]);
    expect(withCars.schemas.list().map((s) => s.fullyQualifiedName)).toEqual(['p1_cars']);
  });

  test('is deterministic, and differs with the seed value', () => {
    const cars = (p: Portal) => [...p.recordsOf(p.objectType('cars')!).values()];
    expect(cars(seeded({ ...SIZES, cars: 20 }, 7))).toEqual(cars(seeded({ ...SIZES, cars: 20 }, 7)));
    expect(cars(seeded({ ...SIZES, cars: 20 }, 8))).not.toEqual(cars(seeded({ ...SIZES, cars: 20 }, 7)));
  });

  test('has the requested count, unique VINs, valid option values and links to live contacts', () => {
    const portal = seeded({ ...SIZES, cars: 25 });
    const type = portal.objectType('2-1')!;
    const records = [...portal.recordsOf(type).values()];
    expect(records).toHaveLength(25);
    expect(new Set(records.map((r) => r.properties.vin)).size).toBe(25);
    const colors = portal.propertiesOf(type).get('color')!.options.map((o) => o.value);
    const features = portal.propertiesOf(type).get('features')!.options.map((o) => o.value);
    for (const r of records) {
      expect(colors).toContain(r.properties.color);
      for (const f of (r.properties.features ?? '').split(';').filter(Boolean)) expect(features).toContain(f);
      expect(r.properties.hs_object_id).toBe(r.id);
      expect(Number(r.properties.purchase_date) % 86_400_000).toBe(0);
    }
    const linked = records.filter((r) => portal.associations.list(type.id, r.id, '0-1').length > 0);
    expect(linked.length).toBeGreaterThan(15);
    for (const r of linked) {
      const [contact] = portal.associations.list(type.id, r.id, '0-1');
      expect(portal.records.get('0-1')!.has(contact!.toId)).toBe(true);
    }
  });

  test('a portal without contacts still gets its cars, unlinked', () => {
    const portal = seeded({ contacts: 0, companies: 0, deals: 0, tickets: 0, products: 0, owners: 0, engagements: 0, cars: 3 });
    expect(portal.recordsOf(portal.objectType('cars')!).size).toBe(3);
  });
});

describe('object type resolution per portal', () => {
  test('standard types resolve to the same static definitions as before', () => {
    const portal = new Portal(5);
    for (const t of OBJECT_TYPES) {
      expect(portal.objectType(t.name)).toBe(t);
      expect(portal.objectType(t.id)).toBe(objectTypeOf(t.id));
    }
  });

  test('a custom type resolves by 2-<n>, fully qualified name and name, in its own portal only, and not once archived', () => {
    const portal = new Portal(5);
    const other = new Portal(6);
    const schema = createSchema(portal, draftOf(portal, DEMO_CAR_SCHEMA), NOW);
    for (const segment of ['2-1', 'p5_cars', 'cars', 'P5_CARS']) expect(portal.objectType(segment)).toBe(schema.type);
    expect(schema.type).toMatchObject({ id: '2-1', name: 'p5_cars', singular: 'cars', scope: 'custom', custom: true });
    expect(other.objectType('2-1')).toBeUndefined();
    expect(other.objectType('cars')).toBeUndefined();
    expect(objectTypeOf('cars')).toBeUndefined();

    archiveSchema(portal, schema, NOW);
    expect(portal.objectType('2-1')).toBeUndefined();
    expect(portal.schemas.find('cars')).toBe(schema);
    purgeSchema(portal, schema);
    expect(portal.schemas.find('cars')).toBeUndefined();
    expect(portal.records.has('2-1')).toBe(false);
    expect(portal.associations.typesBetween('2-1', '0-1')).toEqual([]);
  });
});

describe('readSchemaCreate', () => {
  const problemsOf = (body: Record<string, unknown>): string[] => {
    try {
      draftOf(new Portal(5), body);
    } catch (e) {
      if (e instanceof HubSpotHttpError) return (e.extra.errors ?? []).map((d) => `${d.in}:${d.code}`);
      throw e;
    }
    return [];
  };

  test('accepts the demo schema and the spec example shape (isPrimaryDisplayLabel)', () => {
    expect(problemsOf(DEMO_CAR_SCHEMA)).toEqual([]);
    const draft = draftOf(new Portal(5), {
      name: 'my_object',
      labels: { singular: 'My object', plural: 'My objects' },
      associatedObjects: ['CONTACT'],
      requiredProperties: ['my_object_property'],
      properties: [{ isPrimaryDisplayLabel: true, label: 'My object property', name: 'my_object_property', type: 'string', fieldType: 'text' }],
    });
    expect(draft.primaryDisplayProperty).toBe('my_object_property');
    expect(draft.properties[0]!.groupName).toBe('my_object_information');
  });

  test('names every problem of a body', () => {
    expect(
      problemsOf({
        name: 'deals',
        labels: { singular: '', plural: 'x' },
        requiredProperties: ['hs_object_id'],
        searchableProperties: 'vin',
        associatedObjects: ['0-99'],
        properties: [{ name: 'a', label: 'A', type: 'string', fieldType: 'text' }, { name: 'a', label: 'A', type: 'string', fieldType: 'text' }, { name: 'hubspot_owner_id', label: 'O', type: 'string', fieldType: 'text' }],
      }).sort(),
    ).toEqual([
      'associatedObjects:INVALID_OBJECT_TYPE',
      'labels.singular:REQUIRED_FIELD',
      'name:INVALID_NAME',
      'properties[1].name:DUPLICATE_PROPERTY',
      'properties[2].name:DUPLICATE_PROPERTY',
      'requiredProperties:PROPERTY_DOESNT_EXIST',
      'searchableProperties:INVALID_TYPE',
    ]);
  });
});
