import { parse } from 'graphql';
import { setPortalTypes } from '../../../src/crm/registry';
import type { Property } from '../../../src/hubspot/types';
import { baseSchema, buildPortalSchema, extensionOf } from '../../../src/portalSchema/build';
import { modelHash, normalizeModel, type ObjectSchema, type PortalModel } from '../../../src/portalSchema/model';

const prop = (name: string, type = 'string', fieldType = 'text', extra: Partial<Property> = {}): Property =>
  ({ name, label: name.replace(/_/g, ' '), type, fieldType, description: '', groupName: 'g', options: [], hubspotDefined: false, ...extra }) as Property;
const options = (...values: string[]) => values.map((value, i) => ({ label: value.toUpperCase(), value, displayOrder: i, hidden: false }));

const schema = (id: string, singular: string, plural: string, associations: ObjectSchema['associations'] = []): ObjectSchema => ({
  id: id.split('-')[1]!, objectTypeId: id, name: plural.toLowerCase(), fullyQualifiedName: `p1_${plural.toLowerCase()}`, labels: { singular, plural },
  requiredProperties: [], properties: [], associations,
});

function model(): PortalModel {
  return {
    properties: {
      contacts: [prop('tier', 'enumeration', 'select', { options: options('gold', 'silver') }), prop('2nd-phone'), prop('firstname', 'string', 'text', { hubspotDefined: true }), prop('size', 'enumeration', 'radio', { options: options('x-large', 'true') })],
      '2-7': [prop('hull_id', 'string', 'text', { hasUniqueValue: true }), prop('length_m', 'number', 'number'), prop('hs_object_id', 'number', 'number', { hubspotDefined: true })],
      '2-12': [prop('name')],
      // Nothing writable: no typed input (GraphQL has no empty input types), still a type.
      '2-13': [prop('hs_createdate', 'datetime', 'date', { hubspotDefined: true, modificationMetadata: { archivable: false, readOnlyDefinition: true, readOnlyValue: true } })],
    },
    schemas: [
      // A custom object labelled like a standard type gets a suffixed name; the other one the plain one.
      schema('2-12', 'Contact', 'Contacts'),
      schema('2-13', 'Audit entry', 'Audit entries'),
      schema('2-7', 'Boat', 'Boats', [{ id: '20', fromObjectTypeId: '2-7', toObjectTypeId: '0-1', name: 'boat_to_contact' }, { id: '21', fromObjectTypeId: '0-1', toObjectTypeId: '2-7', name: 'contact_to_boat' }]),
    ],
  };
}

describe('portal schema plan', () => {
  it('is the same SDL and hash whatever order HubSpot lists things in', () => {
    const a = normalizeModel(model());
    const shuffled = model();
    shuffled.schemas.reverse();
    shuffled.properties.contacts!.reverse();
    shuffled.schemas[1]!.associations.reverse();
    const b = normalizeModel(shuffled);
    expect(extensionOf(b).sdl).toEqual(extensionOf(a).sdl);
    expect(modelHash(b)).toBe(modelHash(a));
  });

  it('ignores what the schema does not depend on in the hash', () => {
    const a = normalizeModel(model());
    const b = normalizeModel(model());
    b.properties.contacts![0]!.updatedAt = '2030-01-01T00:00:00Z';
    expect(modelHash(b)).toBe(modelHash(a));
    b.properties.contacts![0]!.options.push({ label: 'Bronze', value: 'bronze', hidden: false });
    expect(modelHash(b)).not.toBe(modelHash(a));
  });

  it('leaves out associations toward object types the model lacks, even one the registry still holds from the schema served before', () => {
    const before = extensionOf(normalizeModel(model()));
    // The served schema's custom types are in the registry; then the portal archives Boat, whose association definitions stay.
    setPortalTypes(before.plan.customTypes.map((c) => c.type), before.plan.addedAssociations);
    try {
      const m = model();
      m.schemas = m.schemas.filter((s) => s.objectTypeId !== '2-7');
      m.schemas[0]!.associations.push({ id: '22', fromObjectTypeId: '2-12', toObjectTypeId: '2-7', name: 'contact_to_boat' });
      const { plan, sdl } = extensionOf(normalizeModel(m));
      expect(plan.customTypes.flatMap((c) => c.type.associations)).toEqual([]);
      expect(plan.addedAssociations.get('contacts') ?? []).toEqual([]);
      for (const text of Object.values(sdl)) expect(() => parse(text!)).not.toThrow();
      expect(() => buildPortalSchema(normalizeModel(m), false)).not.toThrow();
    } finally {
      setPortalTypes([]);
    }
  });

  it('keeps options hidden in HubSpot\'s UI as enum values, and says so', () => {
    const m = model();
    m.properties.contacts![0]!.options[1]!.hidden = true;
    const { plan, sdl } = extensionOf(normalizeModel(m));
    expect(plan.enums.find((e) => e.name === 'ContactTier')!.values).toEqual([{ value: 'gold', label: 'GOLD' }, { value: 'silver', label: 'SILVER', hidden: true }]);
    expect(sdl['portal-types.graphql']).toContain('"SILVER (hidden in HubSpot\'s UI)"\n  silver');
    expect(modelHash(normalizeModel(m))).not.toBe(modelHash(normalizeModel(model())));
  });

  it('names types, fields and enums validly and without collisions, and builds', () => {
    const m = normalizeModel(model());
    const { plan, sdl } = extensionOf(m);
    expect(plan.customTypes.map((c) => [c.type.graphqlType, c.type.singular, c.type.plural])).toEqual([['Boat', 'boat', 'boats'], ['Contact_2', 'contact_2', 'contacts_2'], ['AuditEntry', 'auditEntry', 'auditEntries']]);
    expect(plan.added.get('Contact')!.map((f) => [f.field, f.type])).toEqual([['_2nd_phone', 'String'], ['size', 'String'], ['tier', 'ContactTier']]);
    expect(plan.added.get('Contact')!.find((f) => f.field === 'size')!.note).toContain('`x-large` (X-LARGE)');
    expect(plan.addedAssociations.get('contacts')).toEqual([{ field: 'boats', toObjectType: '2-7' }]);
    expect(plan.customTypes[0]!.type.uniqueProperties).toEqual(['hull_id']);
    for (const text of Object.values(sdl)) expect(() => parse(text!)).not.toThrow();
    const built = buildPortalSchema(m, false).schema;
    expect(Object.keys(built.getQueryType()!.getFields())).toEqual(expect.arrayContaining(['boat', 'boats', 'boatsByIds', 'searchBoats', 'contact_2', 'contacts_2']));
    expect(Object.keys(baseSchema().getQueryType()!.getFields())).not.toContain('boats');
    expect(built.getType('AuditEntryPropertiesInput')).toBeUndefined();
    expect(Object.keys(built.getMutationType()!.getFields())).toContain('auditEntryCreate');
    // The federated build makes the custom types entities.
    expect(buildPortalSchema(m, true).served.getType('_Entity')).toBeDefined();
  });
});
