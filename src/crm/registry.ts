/**
 * The CRM object types the schema has dedicated types for, and how they connect: the single table from which
 * the default CRM SDL is generated (src/crm/defaultSchema.ts) and by which resolvers map GraphQL types to
 * HubSpot object types. The configured portal's custom objects join it at run time (setPortalTypes, src/portalSchema);
 * any other is reached generically (`crmObject`).
 */
export interface AssociationField {
  /** GraphQL field name, e.g. `companies`. */
  field: string;
  /** HubSpot object type at the other end, e.g. `companies`. */
  toObjectType: string;
  /** Only associations of this HubSpot type id (parent/child companies). */
  typeId?: number;
  /** A single record (the first match) rather than a connection. */
  single?: boolean;
  description?: string;
}

export interface LinkField {
  field: string;
  /** GraphQL type returned. */
  type: 'Owner' | 'Pipeline' | 'PipelineStage' | 'Product';
  /** HubSpot properties the link reads. */
  properties: string[];
  description: string;
}

export interface CrmTypeInfo {
  /** GraphQL type, e.g. `Contact`. */
  graphqlType: string;
  /** HubSpot object type name used in paths, e.g. `contacts`. */
  objectType: string;
  /** HubSpot object type id, e.g. `0-1`. */
  typeId: string;
  /** Root field names: `contact` / `contacts` / `searchContacts`. */
  singular: string;
  plural: string;
  associations: AssociationField[];
  links: LinkField[];
  /** Unique properties the root field accepts as `idProperty`, besides the id. */
  uniqueProperties: string[];
  description: string;
  /** How prose names the records, e.g. `line items`; default the object type with its underscore as a space. */
  pluralLabel?: string;
}

const engagementTargets = ['contacts', 'companies', 'deals', 'tickets'];
const engagements = ['calls', 'emails', 'meetings', 'notes', 'tasks'];
const owner: LinkField = { field: 'owner', type: 'Owner', properties: ['hubspot_owner_id'], description: 'The record owner (`hubspot_owner_id`).' };

const assoc = (...targets: string[]): AssociationField[] => targets.map((t) => ({ field: camel(t), toObjectType: t }));

export function camel(objectType: string): string {
  return objectType.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

export const CRM_TYPES: readonly CrmTypeInfo[] = [
  {
    graphqlType: 'Contact', objectType: 'contacts', typeId: '0-1', singular: 'contact', plural: 'contacts',
    associations: assoc('companies', 'deals', 'tickets', 'quotes', ...engagements), links: [owner], uniqueProperties: ['email'],
    description: 'A person: a lead, customer or any other contact.',
  },
  {
    graphqlType: 'Company', objectType: 'companies', typeId: '0-2', singular: 'company', plural: 'companies',
    associations: [
      ...assoc('contacts', 'deals', 'tickets', 'quotes', ...engagements),
      { field: 'parentCompany', toObjectType: 'companies', typeId: 14, single: true, description: 'The parent company, if any (association type 14, child to parent).' },
      { field: 'childCompanies', toObjectType: 'companies', typeId: 13, description: 'Child companies (association type 13, parent to child).' },
    ],
    links: [owner], uniqueProperties: [], description: 'An organisation.',
  },
  {
    graphqlType: 'Deal', objectType: 'deals', typeId: '0-3', singular: 'deal', plural: 'deals',
    associations: assoc('contacts', 'companies', 'tickets', 'line_items', 'quotes', ...engagements),
    links: [
      owner,
      { field: 'pipeline', type: 'Pipeline', properties: ['pipeline'], description: 'The pipeline the deal is in (its id is the `pipeline` property).' },
      { field: 'stage', type: 'PipelineStage', properties: ['pipeline', 'dealstage'], description: 'The deal stage (`dealstage`), with its label and probability.' },
    ],
    uniqueProperties: [], description: 'A sales opportunity moving through a pipeline.',
  },
  {
    graphqlType: 'Ticket', objectType: 'tickets', typeId: '0-5', singular: 'ticket', plural: 'tickets',
    associations: assoc('contacts', 'companies', 'deals', ...engagements),
    links: [
      owner,
      { field: 'pipeline', type: 'Pipeline', properties: ['hs_pipeline'], description: 'The pipeline the ticket is in (`hs_pipeline`).' },
      { field: 'stage', type: 'PipelineStage', properties: ['hs_pipeline', 'hs_pipeline_stage'], description: 'The ticket status (`hs_pipeline_stage`), with its label and open/closed state.' },
    ],
    uniqueProperties: [], description: 'A customer service request.',
  },
  {
    graphqlType: 'Product', objectType: 'products', typeId: '0-7', singular: 'product', plural: 'products',
    associations: [], links: [owner], uniqueProperties: ['hs_sku'], description: 'A good or service in the product library.',
  },
  {
    graphqlType: 'LineItem', objectType: 'line_items', typeId: '0-8', singular: 'lineItem', plural: 'lineItems',
    associations: assoc('deals', 'quotes'),
    links: [{ field: 'product', type: 'Product', properties: ['hs_product_id'], description: 'The product this line item was made from (`hs_product_id`).' }],
    uniqueProperties: [], description: 'A product as sold on a deal or quote: quantity, price, discount.',
  },
  {
    graphqlType: 'Quote', objectType: 'quotes', typeId: '0-14', singular: 'quote', plural: 'quotes',
    associations: assoc('deals', 'line_items', 'contacts', 'companies'), links: [owner], uniqueProperties: [], description: 'A price quote sent to a buyer.',
  },
  ...[
    ['Call', 'calls', '0-48', 'call', 'A logged or recorded phone call.'],
    ['Email', 'emails', '0-49', 'email', 'A logged email.'],
    ['Meeting', 'meetings', '0-47', 'meeting', 'A meeting.'],
    ['Note', 'notes', '0-46', 'note', 'A note on a record.'],
    ['Task', 'tasks', '0-27', 'task', 'A to-do.'],
  ].map(([graphqlType, objectType, typeId, singular, description]) => ({
    graphqlType: graphqlType!, objectType: objectType!, typeId: typeId!, singular: singular!, plural: objectType!,
    associations: assoc(...engagementTargets), links: [owner], uniqueProperties: [], description: description!,
  })),
];


const byObjectType = new Map<string, CrmTypeInfo>();
for (const t of CRM_TYPES) {
  byObjectType.set(t.objectType, t);
  byObjectType.set(t.typeId, t);
}
const byGraphqlType = new Map(CRM_TYPES.map((t) => [t.graphqlType, t]));

/**
 * The configured portal's custom object types (src/portalSchema), by every name HubSpot accepts for them in a path
 * (`2-123`, `p123_cars`, `cars`): replaced as a whole when the served schema is swapped, so that lookups and the
 * schema agree. Standard types always win a name.
 */
let portalByObjectType = new Map<string, CrmTypeInfo>();
let portalByGraphqlType = new Map<string, CrmTypeInfo>();
/** Association fields a portal's schema adds to standard types (`Contact.cars`), by object type. */
let portalAssociations = new Map<string, AssociationField[]>();

export function setPortalTypes(types: ReadonlyArray<CrmTypeInfo & { aliases?: readonly string[] }>, addedAssociations: ReadonlyMap<string, AssociationField[]> = new Map()): void {
  const byName = new Map<string, CrmTypeInfo>();
  for (const t of types) for (const name of [t.objectType, t.typeId, ...(t.aliases ?? [])]) if (!byObjectType.has(name.toLowerCase())) byName.set(name.toLowerCase(), t);
  portalByObjectType = byName;
  portalByGraphqlType = new Map(types.map((t) => [t.graphqlType, t]));
  portalAssociations = new Map(addedAssociations);
}

/**
 * The custom types of one built schema, by every name of their object type: what records of those types resolve to
 * in that schema, even when another gateway of the same process (tests) serves another portal.
 */
const typesOfSchema = new WeakMap<object, Map<string, CrmTypeInfo>>();

export function setSchemaTypes(schema: object, types: ReadonlyArray<CrmTypeInfo & { aliases?: readonly string[] }>): void {
  const byName = new Map<string, CrmTypeInfo>();
  for (const t of types) for (const name of [t.objectType, t.typeId, ...(t.aliases ?? [])]) byName.set(name.toLowerCase(), t);
  typesOfSchema.set(schema, byName);
}

/** The dedicated type of an object type in a given schema: a standard type, or one of that schema's custom types. */
export function crmTypeIn(schema: object, objectType: string): CrmTypeInfo | undefined {
  const key = objectType.toLowerCase();
  return byObjectType.get(key) ?? typesOfSchema.get(schema)?.get(key);
}

/** A type's association fields: its own, and those the portal's schema adds to it. */
export function associationsOf(t: CrmTypeInfo): AssociationField[] {
  return [...t.associations, ...(portalAssociations.get(t.objectType) ?? [])];
}

/**
 * The standard type of a HubSpot object type (name or id), never a portal's custom type: what a portal's schema is
 * planned against (src/portalSchema), so that custom types of the schema being replaced never leak into the next.
 */
export function standardTypeOf(objectType: string): CrmTypeInfo | undefined {
  return byObjectType.get(objectType.toLowerCase());
}

/** The dedicated type for a HubSpot object type (name or id), if the schema has one. */
export function crmTypeOf(objectType: string): CrmTypeInfo | undefined {
  const key = objectType.toLowerCase();
  return byObjectType.get(key) ?? portalByObjectType.get(key);
}

export function crmTypeByGraphqlType(name: string): CrmTypeInfo | undefined {
  return byGraphqlType.get(name) ?? portalByGraphqlType.get(name);
}
