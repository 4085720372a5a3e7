import { isInputObjectType, isObjectType, type GraphQLSchema } from 'graphql';
import { defaultPropertyFields, graphqlTypeOfProperty, type PropertyField } from '../crm/defaultSchema';
import { camel, CRM_TYPES, standardTypeOf, type AssociationField, type CrmTypeInfo } from '../crm/registry';
import type { Property } from '../hubspot/types';
import { typeIdOf, type ObjectSchema, type PortalModel } from './model';
import { claim, fieldNameOf, isEnumValueName, isGraphqlName, lowerFirst, pascal, upperFirst } from './names';

/** A GraphQL enum made from an enumeration property whose every option is a valid enum value name. */
export interface EnumPlan {
  name: string;
  property: string;
  objectType: string;
  /** Every option, hidden ones too: records keep a hidden option's value, and reading it must not fail. */
  values: Array<{ value: string; label: string; hidden?: boolean }>;
}

/** A custom object type, as the registry describes standard ones, with the names HubSpot accepts for it in paths. */
export type CustomTypeInfo = CrmTypeInfo & { aliases: string[]; fullyQualifiedName: string };

/**
 * Everything a portal adds to the schema, named: the typed fields of custom properties on standard types, the
 * association fields standard types get toward custom objects, the custom object types themselves, and the enums.
 * Rendered to SDL by render.ts and given resolvers by resolvers.ts; both only read it.
 */
export interface PortalPlan {
  /** Added property fields of each standard type, by GraphQL type name. */
  added: Map<string, PropertyField[]>;
  /** Added association fields of each standard type, by object type. */
  addedAssociations: Map<string, AssociationField[]>;
  customTypes: Array<{ type: CustomTypeInfo; fields: PropertyField[] }>;
  enums: EnumPlan[];
}

const collator = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Names taken in the base schema: every type name, and every field of every object and input type. */
function takenNames(schema: GraphQLSchema) {
  const types = new Set(Object.keys(schema.getTypeMap()));
  const fields = new Map<string, Set<string>>();
  for (const t of Object.values(schema.getTypeMap())) if (isObjectType(t) || isInputObjectType(t)) fields.set(t.name, new Set(Object.keys(t.getFields())));
  const of = (typeName: string) => {
    let set = fields.get(typeName);
    if (!set) fields.set(typeName, (set = new Set()));
    return set;
  };
  return { types, of };
}

/** The properties the default SDL types for a standard type (memoized: the table is static). */
const defaults = new Map<string, Set<string>>();
const defaultNames = (t: CrmTypeInfo) => defaults.get(t.objectType) ?? defaults.set(t.objectType, new Set(['hs_object_id', ...defaultPropertyFields(t).map((f) => f.property.name), ...t.links.flatMap((l) => l.properties)])).get(t.objectType)!;

/** All of a property's options: one hidden in HubSpot's UI is still a value records may hold (and writes may set). */
const optionsOf = (p: Property) => p.options ?? [];
const isMultiSelect = (p: Property) => p.type === 'enumeration' && p.fieldType === 'checkbox';

/**
 * The GraphQL type of a portal's property: an enumeration whose every option is a valid GraphQL enum value becomes
 * an enum (a list of it for multi-select checkboxes), any other its default (src/crm/defaultSchema.ts).
 */
function fieldOf(p: Property, field: string, owner: string, objectType: string, taken: ReturnType<typeof takenNames>, enums: EnumPlan[]): PropertyField {
  const mapped = field === p.name ? '' : ` GraphQL name of the HubSpot property \`${p.name}\`, whose name is ${isGraphqlName(p.name) ? 'taken by another field' : 'not a valid GraphQL name'}.`;
  const writable = !(p.modificationMetadata?.readOnlyValue ?? false) && !(p.calculated ?? false);
  const property = { name: p.name, label: p.label, type: p.type as never, fieldType: p.fieldType as never, calculated: !writable };
  const base = { field, property, writable };
  const options = optionsOf(p);
  if (p.type === 'enumeration' && !p.externalOptions && options.length > 0) {
    const values = [...new Map(options.map((o) => [o.value, { value: o.value, label: o.label, ...(o.hidden ? { hidden: true } : {}) }])).values()];
    if (values.every((v) => isEnumValueName(v.value))) {
      const name = claim(`${owner}${pascal(field)}`, taken.types);
      enums.push({ name, property: p.name, objectType, values });
      return { ...base, type: isMultiSelect(p) ? `[${name}!]` : name, ...(mapped ? { note: mapped.trim() } : {}) };
    }
    const listed = values.map((v) => `\`${v.value}\` (${v.label}${v.hidden ? ', hidden in HubSpot\'s UI' : ''})`).join(', ');
    const note = `Options: ${listed}${isMultiSelect(p) ? ' (several, as a list)' : ''}; a String because not every option is a valid GraphQL enum value.${mapped}`;
    return { ...base, type: graphqlTypeOfProperty(p as never), note };
  }
  return { ...base, type: graphqlTypeOfProperty(p as never), ...(mapped ? { note: mapped.trim() } : {}) };
}

/** Names a custom object type and its root fields, trying `Car`, `Car_2` … until none of the names is taken. */
function nameCustomType(s: ObjectSchema, taken: ReturnType<typeof takenNames>) {
  const base = pascal(s.labels.singular || s.name);
  const pluralBase = lowerFirst(pascal(s.labels.plural || `${s.labels.singular || s.name}s`));
  for (let n = 1; ; n++) {
    const T = n === 1 ? base : `${base}_${n}`;
    const singular = lowerFirst(T);
    let plural = n === 1 ? pluralBase : `${pluralBase}_${n}`;
    if (plural === singular) plural = `${plural}List`;
    const P = upperFirst(plural);
    const typeNames = [T, `${T}Edge`, `${T}Connection`, `${T}AssociationEdge`, `${T}AssociationConnection`, `${T}PropertiesInput`, `${T}CreateInput`, `${T}UpdateInput`, `${T}UpsertInput`, `${T}Payload`, `${P}BatchPayload`];
    const queries = [singular, plural, `${plural}ByIds`, `search${P}`];
    const mutations = [`${singular}Create`, `${singular}Update`, `${singular}Archive`, `${plural}BatchCreate`, `${plural}BatchUpdate`, `${plural}BatchUpsert`, `${plural}BatchArchive`];
    if (typeNames.some((x) => taken.types.has(x)) || queries.some((q) => taken.of('Query').has(q)) || mutations.some((m) => taken.of('Mutation').has(m))) continue;
    typeNames.forEach((x) => taken.types.add(x));
    queries.forEach((q) => taken.of('Query').add(q));
    mutations.forEach((m) => taken.of('Mutation').add(m));
    return { graphqlType: T, singular, plural };
  }
}

/**
 * Plans a portal's extension of `base` (the schema without it). Deterministic: the model is sorted, and names are
 * claimed in a fixed order — custom object types by type id, then properties by name, type by type.
 */
export function planExtension(model: PortalModel, base: GraphQLSchema): PortalPlan {
  const taken = takenNames(base);
  const enums: EnumPlan[] = [];
  const customTypes: PortalPlan['customTypes'] = [];
  const infos = new Map<string, CustomTypeInfo>();

  for (const s of model.schemas) {
    const names = nameCustomType(s, taken);
    const id = typeIdOf(s);
    const fqn = s.fullyQualifiedName ?? s.name;
    const unique = (model.properties[id] ?? []).filter((p) => p.hasUniqueValue).map((p) => p.name);
    const label = s.labels.singular || s.name;
    infos.set(id, {
      ...names, objectType: id, typeId: id, associations: [], links: [], uniqueProperties: unique,
      description: s.description || `${label}: a custom object of this portal (\`${fqn}\`, type id \`${id}\`).`,
      pluralLabel: (s.labels.plural || `${label}s`).toLowerCase(),
      aliases: [...new Set([fqn, s.name])], fullyQualifiedName: fqn,
    });
  }
  // The model's own custom types and the standard ones only: never the custom types of the schema being served now,
  // which may be gone from the portal (an association definition can outlive the schema it points to).
  const lookup = (objectType: string) => infos.get(objectType) ?? standardTypeOf(objectType);

  // A custom type's own fields are claimed first (the record's, its owner link), then associations, then properties.
  for (const info of infos.values()) {
    const fields = taken.of(info.graphqlType);
    ['id', 'hs_object_id', 'objectType', 'createdAt', 'updatedAt', 'archived', 'archivedAt', 'property', 'properties', 'propertyHistory'].forEach((f) => fields.add(f));
    if ((model.properties[info.objectType] ?? []).some((p) => p.name === 'hubspot_owner_id')) {
      info.links.push({ field: claim('owner', fields), type: 'Owner', properties: ['hubspot_owner_id'], description: 'The record owner (`hubspot_owner_id`).' });
    }
  }

  // Associations: one field per pair of types (labels tell several definitions of one pair apart); an association to
  // an object type the model does not have (an archived custom object) is left out.
  const addedAssociations = new Map<string, AssociationField[]>();
  const associationsOf = (t: CrmTypeInfo) =>
    infos.has(t.objectType) ? t.associations : (addedAssociations.get(t.objectType) ?? addedAssociations.set(t.objectType, []).get(t.objectType)!);
  const link = (from: CrmTypeInfo, to: CrmTypeInfo) => {
    const list = associationsOf(from);
    if ([...from.associations, ...list].some((a) => a.toObjectType === to.objectType)) return;
    // Toward a standard type the field is named as the standard types name theirs (`contacts`, `lineItems`).
    const name = infos.has(to.objectType) ? to.plural : camel(to.objectType);
    list.push({ field: claim(name, taken.of(from.graphqlType)), toObjectType: to.objectType });
  };
  for (const s of model.schemas) {
    for (const a of s.associations) {
      const [from, to] = [lookup(a.fromObjectTypeId), lookup(a.toObjectTypeId)];
      if (!from || !to) continue;
      link(from, to);
      link(to, from);
    }
  }
  for (const list of addedAssociations.values()) list.sort((a, b) => collator(a.field, b.field));

  // Custom properties of standard types: not HubSpot's, not already a field.
  const added = new Map<string, PropertyField[]>();
  for (const t of CRM_TYPES) {
    const fields = taken.of(t.graphqlType);
    // HubSpot's own properties are the default SDL's business (those it types are fields already).
    const custom = (model.properties[t.objectType] ?? []).filter((p) => !p.hubspotDefined && !defaultNames(t).has(p.name));
    const planned = custom.map((p) => fieldOf(p, claim(fieldNameOf(p.name), fields), t.graphqlType, t.objectType, taken, enums));
    if (planned.length) added.set(t.graphqlType, planned);
  }
  // Every property of a custom type (hs_object_id is the record's own field).
  for (const info of infos.values()) {
    const fields = taken.of(info.graphqlType);
    const props = (model.properties[info.objectType] ?? []).filter((p) => p.name !== 'hs_object_id');
    customTypes.push({ type: info, fields: props.map((p) => fieldOf(p, claim(fieldNameOf(p.name), fields), info.graphqlType, info.objectType, taken, enums)) });
  }
  return { added, addedAssociations, customTypes, enums };
}
