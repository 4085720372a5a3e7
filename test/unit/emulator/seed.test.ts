import { CHILD_TO_PARENT_COMPANY, PARENT_TO_CHILD_COMPANY } from '../../../src/emulator/associationTypes';
import { installDefaultPipelines } from '../../../src/emulator/defaultPipelines';
import { OBJECT_TYPES, objectTypeOf, type ObjectTypeInfo } from '../../../src/emulator/objectTypes';
import { defaultEmulatorOptions, type SeedSizes } from '../../../src/emulator/options';
import { effectiveOptions } from '../../../src/emulator/propertyOptions';
import { SEED_BASE_TIME, seedPortal } from '../../../src/emulator/seed';
import { Portal, type CrmRecord } from '../../../src/emulator/store';

const DEFAULT_SIZES = defaultEmulatorOptions().seed;
const SMALL: SeedSizes = { contacts: 60, companies: 15, deals: 40, tickets: 20, products: 8, owners: 5, engagements: 50 };
const ZERO: SeedSizes = { contacts: 0, companies: 0, deals: 0, tickets: 0, products: 0, owners: 0, engagements: 0 };
const ENGAGEMENT_TYPES = ['notes', 'calls', 'emails', 'meetings', 'tasks'];

function seeded(sizes: SeedSizes, seedValue = 7): Portal {
  const portal = new Portal(1);
  installDefaultPipelines(portal);
  seedPortal(portal, sizes, seedValue);
  return portal;
}

const type = (name: string): ObjectTypeInfo => objectTypeOf(name)!;
const recordsOf = (portal: Portal, name: string): CrmRecord[] => [...portal.recordsOf(type(name)).values()];
const assocIds = (portal: Portal, from: string, id: string, to: string) => portal.associations.list(type(from).id, id, type(to).id);

/** Everything the seed produced, in a comparable form: records, owners and the association graph. */
function snapshot(portal: Portal) {
  const associations: Array<[string, string, string, string, number[]]> = [];
  for (const from of OBJECT_TYPES) {
    for (const id of portal.recordsOf(from).keys()) {
      for (const to of OBJECT_TYPES) {
        for (const { toId, typeIds } of portal.associations.list(from.id, id, to.id)) associations.push([from.id, id, to.id, toId, typeIds]);
      }
    }
  }
  return { records: [...portal.records].map(([t, m]) => [t, [...m.values()]]), owners: portal.owners, associations };
}

describe('seedPortal', () => {
  const portal = seeded(DEFAULT_SIZES, 42);

  test('is deterministic: the same seed gives identical data, another seed different data', () => {
    expect(snapshot(seeded(SMALL, 7))).toEqual(snapshot(seeded(SMALL, 7)));
    expect(snapshot(seeded(SMALL, 8))).not.toEqual(snapshot(seeded(SMALL, 7)));
  });

  test('creates the requested number of each object type', () => {
    for (const name of ['contacts', 'companies', 'deals', 'tickets', 'products'] as const) {
      expect(recordsOf(portal, name)).toHaveLength(DEFAULT_SIZES[name]);
    }
    expect(portal.owners).toHaveLength(DEFAULT_SIZES.owners);
    const engagements = ENGAGEMENT_TYPES.map((t) => recordsOf(portal, t).length);
    expect(engagements.reduce((a, b) => a + b, 0)).toBe(DEFAULT_SIZES.engagements);
    for (const count of engagements) expect(count).toBeGreaterThan(0);
    expect(recordsOf(portal, 'line_items').length).toBeGreaterThan(0);
  });

  test('seeds the default sizes well under a second', () => {
    seeded(DEFAULT_SIZES, 1); // warm up the JIT
    const started = performance.now();
    seeded(DEFAULT_SIZES, 2);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test('works with sizes of 0, and with contacts but no companies or owners', () => {
    const empty = seeded(ZERO);
    expect(OBJECT_TYPES.every((t) => empty.recordsOf(t).size === 0)).toBe(true);
    expect(empty.owners).toHaveLength(0);

    const loose = seeded({ ...ZERO, contacts: 10, deals: 5, tickets: 3, engagements: 6 });
    expect(recordsOf(loose, 'contacts')).toHaveLength(10);
    for (const contact of recordsOf(loose, 'contacts')) {
      expect(contact.properties.hubspot_owner_id).toBeUndefined();
      expect(assocIds(loose, 'contacts', contact.id, 'companies')).toEqual([]);
    }
    expect(recordsOf(loose, 'deals').every((d) => assocIds(loose, 'deals', d.id, 'contacts').length >= 1)).toBe(true);
  });

  test('every record carries its id, create/modify dates, history and times within the two years before the base date', () => {
    const problems: string[] = [];
    const check = (ok: boolean, what: string) => ok || problems.push(what);
    const isoMs = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
    for (const t of OBJECT_TYPES) {
      for (const record of portal.recordsOf(t).values()) {
        const where = `${t.name}/${record.id}`;
        check(record.archived === false, `${where}: archived`);
        check(record.properties.hs_object_id === record.id, `${where}: hs_object_id`);
        check(record.properties[t.createdProperty] === record.createdAt, `${where}: ${t.createdProperty}`);
        check(record.properties[t.modifiedProperty] === record.updatedAt, `${where}: ${t.modifiedProperty}`);
        const [created, updated] = [Date.parse(record.createdAt), Date.parse(record.updatedAt)];
        check(isoMs.test(record.createdAt) && isoMs.test(record.updatedAt), `${where}: createdAt/updatedAt not ISO with ms`);
        check(created >= SEED_BASE_TIME - 730 * 86_400_000 && created <= updated && updated <= SEED_BASE_TIME, `${where}: times out of range`);
        check(Object.keys(record.history).sort().join() === Object.keys(record.properties).sort().join(), `${where}: history keys`);
        for (const [name, entries] of Object.entries(record.history)) {
          const [entry] = entries;
          check(entries.length === 1 && entry!.value === record.properties[name], `${where}.${name}: history value`);
          check(['CRM_UI', 'IMPORT'].includes(entry!.sourceType) && isoMs.test(entry!.timestamp), `${where}.${name}: history source/timestamp`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('stores values as HubSpot does, valid for each property definition', () => {
    const problems: string[] = [];
    for (const t of OBJECT_TYPES) {
      const defs = portal.propertiesOf(t);
      for (const record of portal.recordsOf(t).values()) {
        for (const [name, value] of Object.entries(record.properties)) {
          const def = defs.get(name);
          const where = `${t.name}/${record.id}.${name}=${JSON.stringify(value)}`;
          if (!def) problems.push(`${where}: no such property`);
          else if (typeof value !== 'string') problems.push(`${where}: not a string`);
          else if (!valueFits(def.type, def.fieldType, value, effectiveOptions(portal, t, def).map((o) => o.value))) problems.push(`${where}: not a valid ${def.type}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('owners are people with numeric ids, unique emails, and some teams', () => {
    const ids = new Set(portal.owners.map((o) => o.id));
    expect(ids.size).toBe(portal.owners.length);
    expect(new Set(portal.owners.map((o) => o.email)).size).toBe(portal.owners.length);
    for (const owner of portal.owners) {
      expect(owner).toMatchObject({ type: 'PERSON', archived: false });
      expect(owner.id).toMatch(/^\d+$/);
      expect(Number.isInteger(owner.userId)).toBe(true);
      expect(owner.email).toMatch(/^[a-z]+\.[a-z]+\d*@[a-z.-]+$/);
    }
    expect(portal.owners.filter((o) => o.teams.length > 0).length).toBeGreaterThanOrEqual(2);
    for (const t of OBJECT_TYPES) {
      for (const record of portal.recordsOf(t).values()) {
        const ownerId = record.properties.hubspot_owner_id;
        if (ownerId !== undefined) expect(ids.has(ownerId)).toBe(true);
      }
    }
  });

  test('contact emails, company domains and product SKUs are unique; emails use the company domain', () => {
    const contacts = recordsOf(portal, 'contacts');
    expect(new Set(contacts.map((c) => c.properties.email)).size).toBe(contacts.length);
    const companies = recordsOf(portal, 'companies');
    expect(new Set(companies.map((c) => c.properties.domain)).size).toBe(companies.length);
    const products = recordsOf(portal, 'products');
    expect(new Set(products.map((p) => p.properties.hs_sku)).size).toBe(products.length);
    for (const contact of contacts) {
      expect(contact.properties.email).toMatch(/^[a-z]+\.[a-z]+\d*@[a-z0-9.-]+\.[a-z]+$/);
      const primary = assocIds(portal, 'contacts', contact.id, 'companies')[0];
      if (primary) {
        const company = portal.recordsOf(type('companies')).get(primary.toId)!;
        expect(contact.properties.email!.endsWith(`@${company.properties.domain}`)).toBe(true);
        expect(contact.properties.company).toBe(company.properties.name);
      }
    }
  });

  test('every association points at an existing record through a defined type, seen from both sides', () => {
    const problems: string[] = [];
    for (const from of OBJECT_TYPES) {
      for (const id of portal.recordsOf(from).keys()) {
        for (const to of OBJECT_TYPES) {
          for (const { toId, typeIds } of portal.associations.list(from.id, id, to.id)) {
            if (!portal.recordsOf(to).has(toId)) problems.push(`${from.name}/${id} → missing ${to.name}/${toId}`);
            for (const typeId of typeIds) {
              const def = portal.associations.typeDef(from.id, to.id, typeId);
              if (!def) problems.push(`${from.name}/${id} → ${to.name}/${toId}: unknown type ${typeId}`);
              else if (!portal.associations.list(to.id, toId, from.id).find((a) => a.toId === id)?.typeIds.includes(def.inverseTypeId)) {
                problems.push(`${from.name}/${id} → ${to.name}/${toId}: inverse ${def.inverseTypeId} missing`);
              }
            }
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('contacts, deals and tickets have at most one primary company, always with the unlabeled type', () => {
    const primaries: Array<[string, number, number]> = [['contacts', 1, 279], ['deals', 5, 341], ['tickets', 26, 339]];
    for (const [name, primaryType, unlabeled] of primaries) {
      let withCompany = 0;
      for (const record of recordsOf(portal, name)) {
        const companies = assocIds(portal, name, record.id, 'companies');
        expect(companies.filter((c) => c.typeIds.includes(primaryType)).length).toBeLessThanOrEqual(1);
        for (const c of companies) expect(c.typeIds).toContain(unlabeled);
        if (companies.length) withCompany++;
      }
      expect(withCompany).toBeGreaterThan(recordsOf(portal, name).length / 2);
    }
  });

  test('deals sit in default pipeline stages with the stage probability, linked to 1-3 contacts', () => {
    const stages = portal.pipelines.get('0-3')!.get('default')!.stages;
    for (const deal of recordsOf(portal, 'deals')) {
      expect(deal.properties.pipeline).toBe('default');
      const stage = stages.find((s) => s.id === deal.properties.dealstage);
      expect(stage).toBeDefined();
      expect(deal.properties.hs_deal_stage_probability).toBe(stage!.metadata.probability);
      const contacts = assocIds(portal, 'deals', deal.id, 'contacts').length;
      expect(contacts).toBeGreaterThanOrEqual(1);
      expect(contacts).toBeLessThanOrEqual(3);
    }
    const ticketStages = portal.pipelines.get('0-5')!.get('0')!.stages.map((s) => s.id);
    for (const ticket of recordsOf(portal, 'tickets')) {
      expect(ticket.properties.hs_pipeline).toBe('0');
      expect(ticketStages).toContain(ticket.properties.hs_pipeline_stage);
    }
  });

  test('line items belong to deals, reference products and add up to the deal amount', () => {
    const products = portal.recordsOf(type('products'));
    const lineItems = portal.recordsOf(type('line_items'));
    for (const item of lineItems.values()) {
      const { quantity, price, amount, hs_product_id } = item.properties;
      expect(products.has(hs_product_id!)).toBe(true);
      expect(Number(amount)).toBeCloseTo(Number(quantity) * Number(price), 2);
      expect(assocIds(portal, 'line_items', item.id, 'deals')).toHaveLength(1);
    }
    for (const deal of recordsOf(portal, 'deals')) {
      const items = assocIds(portal, 'deals', deal.id, 'line_items');
      if (!items.length) continue;
      const total = items.reduce((sum, { toId }) => sum + Number(lineItems.get(toId)!.properties.amount), 0);
      expect(Number(deal.properties.amount)).toBeCloseTo(total, 2);
    }
  });

  test('some companies have a parent company (types 13/14), never more than one level deep', () => {
    const companies = recordsOf(portal, 'companies');
    const children = companies.filter((c) => assocIds(portal, 'companies', c.id, 'companies').some((a) => a.typeIds.includes(CHILD_TO_PARENT_COMPANY)));
    expect(children.length).toBeGreaterThan(0);
    for (const child of children) {
      expect(assocIds(portal, 'companies', child.id, 'companies').some((a) => a.typeIds.includes(PARENT_TO_CHILD_COMPANY))).toBe(false);
    }
  });

  test('engagements are associated with contacts, companies or deals', () => {
    for (const name of ENGAGEMENT_TYPES) {
      for (const engagement of recordsOf(portal, name)) {
        const linked = ['contacts', 'companies', 'deals'].flatMap((to) => assocIds(portal, name, engagement.id, to));
        expect(linked.length).toBeGreaterThan(0);
        expect(engagement.properties.hs_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      }
    }
  });
});

/** Whether a stored value is in HubSpot's format for the property type. */
function valueFits(propertyType: string, fieldType: string, value: string, options: string[]): boolean {
  switch (propertyType) {
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(value);
    case 'bool':
      return value === 'true' || value === 'false';
    case 'datetime':
      return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(value) && !Number.isNaN(Date.parse(value));
    case 'date':
      return /^-?\d+$/.test(value) && Number(value) % 86_400_000 === 0;
    case 'enumeration': {
      const values = fieldType === 'checkbox' ? value.split(';') : [value];
      return values.every((v) => v !== '' && (options.length === 0 || options.includes(v)));
    }
    default:
      return value !== '';
  }
}
