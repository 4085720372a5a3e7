import { parse } from 'graphql';
import type { Property } from '../../../src/hubspot/types';
import { setPortalTypes } from '../../../src/crm/registry';
import { estimateCost } from '../../../src/graphql/cost';
import { buildPortalSchema } from '../../../src/portalSchema/build';
import { normalizeModel, type PortalModel } from '../../../src/portalSchema/model';

const prop = (name: string): Property => ({ name, label: name, type: 'string', fieldType: 'text', description: '', groupName: 'g', options: [], hubspotDefined: false }) as Property;

/** A portal with one custom object, Boat, of type `typeId`, associated with contacts. */
const model = (typeId: string): PortalModel =>
  normalizeModel({
    properties: { contacts: [], [typeId]: [prop('hull_id')] },
    schemas: [{
      id: typeId.split('-')[1]!, objectTypeId: typeId, name: 'boats', fullyQualifiedName: 'p1_boats', labels: { singular: 'Boat', plural: 'Boats' }, requiredProperties: [], properties: [],
      associations: [{ id: '30', fromObjectTypeId: typeId, toObjectTypeId: '0-1' }],
    }],
  });

describe('the cost of a portal\'s schema', () => {
  afterEach(() => setPortalTypes([]));

  it('prices custom root fields per schema: two schemas of one process each price their own type', () => {
    const a = buildPortalSchema(model('2-7'), false);
    const b = buildPortalSchema(model('2-9'), false);
    const q = parse('{ boats(first: 5) { nodes { hull_id } } }');
    expect(estimateCost(a.schema, q).parts).toEqual({ '2-7: list': 1 });
    expect(estimateCost(b.schema, q).parts).toEqual({ '2-9: list': 1 });
  });

  it('a portal association field in a mutation payload reads no properties of the written record', () => {
    const built = buildPortalSchema(model('2-7'), false);
    setPortalTypes(built.plan.customTypes.map((c) => c.type), built.plan.addedAssociations);
    const q = parse('mutation { contactUpdate(input: { id: "1", properties: {} }) { contact { boats(first: 5) { nodes { hull_id } } } } }');
    const parts = estimateCost(built.schema, q).parts;
    expect(Object.keys(parts).filter((k) => k.startsWith('contacts: batch read'))).toEqual([]);
    expect(parts).toMatchObject({ 'contactUpdate: write': 1 });
  });
});
