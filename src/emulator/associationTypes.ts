import { OBJECT_TYPES } from './objectTypes';

/** One direction of an association type between two object types (crm-associations-schema-v4). */
export interface AssociationTypeDef {
  fromTypeId: string;
  toTypeId: string;
  typeId: number;
  category: 'HUBSPOT_DEFINED' | 'USER_DEFINED' | 'INTEGRATOR_DEFINED';
  label: string | null;
  /** Internal name, e.g. `contact_to_company` or the user's label name. */
  name: string;
  /** The type id of the same association seen from the other side. */
  inverseTypeId: number;
}

const id = (name: string) => OBJECT_TYPES.find((t) => t.name === name)!.id;
const singular = (name: string) => OBJECT_TYPES.find((t) => t.name === name)!.singular;

/**
 * HubSpot-defined association type ids (HubSpot's associations guide, see HUBSPOT-FACTS §5):
 * `[from, to, unlabeled id, inverse id, primary id?, inverse primary id?]`.
 */
const DEFAULTS: Array<[string, string, number, number, number?, number?]> = [
  ['contacts', 'companies', 279, 280, 1, 2],
  ['contacts', 'deals', 4, 3],
  ['contacts', 'tickets', 15, 16],
  ['contacts', 'contacts', 449, 449],
  ['companies', 'companies', 450, 450],
  ['deals', 'deals', 451, 451],
  ['tickets', 'tickets', 452, 452],
  ['companies', 'deals', 342, 341, 6, 5],
  ['companies', 'tickets', 340, 339, 25, 26],
  ['deals', 'tickets', 27, 28],
  ['deals', 'line_items', 19, 20],
  ['quotes', 'deals', 64, 63],
  ['quotes', 'line_items', 67, 68],
  ['quotes', 'contacts', 69, 70],
  ['quotes', 'companies', 71, 72],
  ['contacts', 'calls', 193, 194], ['companies', 'calls', 181, 182], ['deals', 'calls', 205, 206], ['tickets', 'calls', 219, 220],
  ['contacts', 'emails', 197, 198], ['companies', 'emails', 185, 186], ['deals', 'emails', 209, 210], ['tickets', 'emails', 223, 224],
  ['contacts', 'meetings', 199, 200], ['companies', 'meetings', 187, 188], ['deals', 'meetings', 211, 212], ['tickets', 'meetings', 225, 226],
  ['contacts', 'notes', 201, 202], ['companies', 'notes', 189, 190], ['deals', 'notes', 213, 214], ['tickets', 'notes', 227, 228],
  ['contacts', 'tasks', 203, 204], ['companies', 'tasks', 191, 192], ['deals', 'tasks', 215, 216], ['tickets', 'tasks', 229, 230],
];

/** Parent/child companies: labelled HubSpot-defined types on the company↔company pair. */
export const PARENT_TO_CHILD_COMPANY = 13;
export const CHILD_TO_PARENT_COMPANY = 14;

/** The association types every new portal has, both directions. */
export function defaultAssociationTypes(): AssociationTypeDef[] {
  const out: AssociationTypeDef[] = [];
  const add = (from: string, to: string, typeId: number, inverse: number, label: string | null, name: string) =>
    out.push({ fromTypeId: id(from), toTypeId: id(to), typeId, inverseTypeId: inverse, category: 'HUBSPOT_DEFINED', label, name });
  for (const [from, to, typeId, inverse, primary, inversePrimary] of DEFAULTS) {
    const [a, b] = [singular(from), singular(to)];
    add(from, to, typeId, inverse, null, `${a}_to_${b}`);
    if (from !== to) add(to, from, inverse, typeId, null, `${b}_to_${a}`);
    if (primary !== undefined && inversePrimary !== undefined) {
      add(from, to, primary, inversePrimary, 'Primary', `${a}_to_${b}_primary`);
      add(to, from, inversePrimary, primary, 'Primary', `${b}_to_${a}_primary`);
    }
  }
  add('companies', 'companies', PARENT_TO_CHILD_COMPANY, CHILD_TO_PARENT_COMPANY, 'Parent Company', 'parent_to_child_company');
  add('companies', 'companies', CHILD_TO_PARENT_COMPANY, PARENT_TO_CHILD_COMPANY, 'Child Company', 'child_to_parent_company');
  return out;
}
