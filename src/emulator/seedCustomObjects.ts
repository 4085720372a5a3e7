import { Random } from './random';
import { readSchemaCreate } from './schemaInput';
import { createSchema, CUSTOM_OBJECT_DEFAULT_PROPERTY_NAMES } from './schemaStore';
import type { CrmRecord, HistoryEntry, Portal } from './store';

/**
 * The demo portal's custom object, `cars`: a schema created through the same code as `POST /crm/v3/schemas`,
 * and records associated with the seeded contacts (and their primary companies). Its values come from a random
 * stream of their own, so adding it left every other seeded value, id and association as it was.
 */

/** The fixed "now" the demo schema and its records are dated against (the same as the rest of the seed). */
const BASE_TIME = Date.UTC(2025, 5, 30, 12, 0, 0);
const DAY = 86_400_000;
/** Mixed into the portal's seed value: the cars' own random stream. */
const CARS_STREAM = 0x0ca7_5eed;

/** The `ObjectSchemaEgg` of the demo object: one property of each kind a client may want to type. */
export const DEMO_CAR_SCHEMA = {
  name: 'cars',
  labels: { singular: 'Car', plural: 'Cars' },
  description: 'Vehicles of the demo fleet, each linked to the contact who drives it.',
  primaryDisplayProperty: 'vin',
  secondaryDisplayProperties: ['make', 'model'],
  requiredProperties: ['vin'],
  searchableProperties: ['vin', 'make', 'model'],
  associatedObjects: ['CONTACT', 'COMPANY'],
  properties: [
    { name: 'vin', label: 'VIN', type: 'string', fieldType: 'text', hasUniqueValue: true, description: 'Vehicle identification number (17 characters).' },
    { name: 'make', label: 'Make', type: 'string', fieldType: 'text' },
    { name: 'model', label: 'Model', type: 'string', fieldType: 'text' },
    { name: 'year', label: 'Year', type: 'number', fieldType: 'number' },
    { name: 'mileage', label: 'Mileage (km)', type: 'number', fieldType: 'number' },
    {
      name: 'color', label: 'Color', type: 'enumeration', fieldType: 'select',
      options: ['black', 'white', 'silver', 'blue', 'red', 'green'].map((value, i) => ({ label: value[0]!.toUpperCase() + value.slice(1), value, displayOrder: i, hidden: false })),
    },
    {
      name: 'features', label: 'Features', type: 'enumeration', fieldType: 'checkbox',
      options: [['sunroof', 'Sunroof'], ['heated_seats', 'Heated seats'], ['tow_hitch', 'Tow hitch'], ['all_wheel_drive', 'All-wheel drive']].map(([value, label], i) => ({ label: label!, value: value!, displayOrder: i, hidden: false })),
    },
    { name: 'electric', label: 'Electric', type: 'bool', fieldType: 'booleancheckbox' },
    { name: 'purchase_date', label: 'Purchase date', type: 'date', fieldType: 'date' },
  ],
};

/** [make, model, electric] */
const MODELS: Array<[string, string, boolean]> = [
  ['Toyota', 'Corolla', false], ['Toyota', 'RAV4', false], ['Volkswagen', 'Golf', false], ['Volkswagen', 'ID.4', true],
  ['Tesla', 'Model 3', true], ['Tesla', 'Model Y', true], ['Ford', 'Focus', false], ['Ford', 'F-150', false],
  ['Honda', 'Civic', false], ['Nissan', 'Leaf', true], ['BMW', '320i', false], ['Volvo', 'XC40', false], ['Kia', 'EV6', true],
];
const FEATURES = ['sunroof', 'heated_seats', 'tow_hitch', 'all_wheel_drive'];
const COLORS = ['black', 'white', 'silver', 'blue', 'red', 'green'];
/** VINs never use I, O or Q (ISO 3779). */
const VIN_CHARS = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';

const iso = (ms: number) => new Date(ms).toISOString();

/** Creates the `cars` schema in a portal and `count` cars. Deterministic for a seed value. */
export function seedDemoCustomObject(portal: Portal, count: number, seedValue: number): void {
  const rnd = new Random((seedValue ^ CARS_STREAM) >>> 0);
  const schemaTime = iso(BASE_TIME - 400 * DAY);
  const draft = readSchemaCreate(structuredClone(DEMO_CAR_SCHEMA), (segment) => portal.objectType(segment), CUSTOM_OBJECT_DEFAULT_PROPERTY_NAMES, schemaTime);
  const schema = createSchema(portal, draft, schemaTime);
  const type = schema.type;
  const toContact = portal.associations.defaultType(type.id, '0-1')!;
  const toCompany = portal.associations.defaultType(type.id, '0-2')!;
  const contacts = [...(portal.records.get('0-1')?.values() ?? [])].filter((c) => !c.archived).sort((a, b) => Number(a.id) - Number(b.id));
  const owners = portal.owners.filter((o) => !o.archived);
  const vins = new Set<string>();

  for (let i = 0; i < count; i++) {
    const [make, model, electric] = rnd.pick(MODELS);
    let vin = '';
    while (vin === '' || vins.has(vin)) vin = Array.from({ length: 17 }, () => rnd.pick([...VIN_CHARS])).join('');
    vins.add(vin);
    const year = rnd.int(2012, 2025);
    const purchased = Date.UTC(year, rnd.int(0, 11), rnd.int(1, 28));
    const created = BASE_TIME - rnd.int(30, 390) * DAY + rnd.int(0, 86_399) * 1000;
    const updated = Math.min(BASE_TIME, created + rnd.int(0, 60) * DAY);
    const features = FEATURES.filter(() => rnd.chance(0.35));
    const owner = owners.length && rnd.chance(0.8) ? rnd.pick(owners) : undefined;
    const id = portal.allocateRecordId();
    const values: Record<string, string | undefined> = {
      vin,
      make,
      model,
      year: String(year),
      mileage: String(Math.max(0, (2025 - year) * rnd.int(6_000, 22_000) + rnd.int(0, 999))),
      color: rnd.pick(COLORS),
      features: features.length ? features.join(';') : undefined,
      electric: String(electric),
      purchase_date: String(Math.min(purchased, Date.UTC(2025, 5, 1))),
      hubspot_owner_id: owner?.id,
      hs_object_id: id,
      hs_createdate: iso(created),
      hs_lastmodifieddate: iso(updated),
    };
    const properties: Record<string, string> = {};
    const history: Record<string, HistoryEntry[]> = {};
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) continue;
      properties[name] = value;
      history[name] = [{ value, timestamp: name === 'hs_lastmodifieddate' ? iso(updated) : iso(created), sourceType: 'IMPORT' }];
    }
    const record: CrmRecord = { id, properties, history, createdAt: iso(created), updatedAt: iso(updated), archived: false };
    portal.recordsOf(type).set(id, record);

    // Most cars have a driver; a car whose driver works for a company is linked to that company too.
    if (contacts.length && rnd.chance(0.9)) {
      const contact = rnd.pick(contacts);
      portal.associations.add(type.id, id, '0-1', contact.id, toContact.typeId);
      const company = portal.associations.list('0-1', contact.id, '0-2')[0];
      if (company) portal.associations.add(type.id, id, '0-2', company.toId, toCompany.typeId);
    }
  }
}
