import type {
  PropertyCreateInput,
  PropertyFieldType,
  PropertyGroupCreateInput,
  PropertyGroupUpdateInput,
  PropertyOptionInput,
  PropertyType,
  PropertyUpdateInput,
} from '../generated/graphql';
import type { PropertiesApi, PropertyCreate } from '../hubspot/properties';
import type { Property, PropertyOption } from '../hubspot/types';
import { invalid, refused, type Checked } from './metadataWrite';
import { VALID_FIELD_TYPES, type PropertyType as HubSpotPropertyType } from './propertyTypes';
import type { UserError } from './userErrors';

/**
 * Checking property and property-group mutation inputs before any HubSpot call, and translating them into
 * HubSpot's bodies (crm-properties-v3 `PropertyCreate`, `PropertyUpdate`, `PropertyGroupCreate`/`Update`).
 */

/** Lowercase letters, digits and underscores, starting with a letter (HubSpot's internal names). */
const INTERNAL_NAME = /^[a-z][a-z0-9_]*$/;
/** HubSpot's own properties start with `hs_`; custom ones may not. */
const RESERVED_PREFIX = 'hs_';

/** HubSpot's `PropertyUpdate` body, as the client takes it. */
export type PropertyUpdate = Parameters<PropertiesApi['update']>[2];

/** HubSpot's word for one of our enum values (`PHONE_NUMBER` → `phone_number`); OTHER has none. */
const hubspotWord = (value: PropertyType | PropertyFieldType): string | null => (value === 'OTHER' ? null : value.toLowerCase());

const isKnownType = (type: string): type is HubSpotPropertyType => Object.hasOwn(VALID_FIELD_TYPES, type);

function nameProblems(name: string, at: string[], what: string, reservePrefix: boolean): UserError[] {
  if (!INTERNAL_NAME.test(name)) {
    return [invalid(at, `The ${what} name '${name}' must start with a lowercase letter and hold only lowercase letters, digits and underscores.`)];
  }
  if (reservePrefix && name.startsWith(RESERVED_PREFIX)) {
    return [invalid(at, `The ${what} name '${name}' starts with '${RESERVED_PREFIX}', which HubSpot reserves for its own properties.`)];
  }
  return [];
}

const labelProblems = (label: string | null | undefined, at: string[]) =>
  label != null && label.trim() === '' ? [invalid(at, 'A label must not be empty.')] : [];

/** The type/fieldType pair must be one HubSpot accepts (`VALID_FIELD_TYPES`); a type it does not document is HubSpot's to judge. */
function fieldTypeProblems(type: string, fieldType: string, at: string[]): UserError[] {
  if (!isKnownType(type) || VALID_FIELD_TYPES[type].includes(fieldType)) return [];
  return [invalid(at, `The fieldType ${fieldType.toUpperCase()} does not suit type ${type.toUpperCase()}; use one of ${VALID_FIELD_TYPES[type].map((f) => f.toUpperCase()).join(', ')}.`)];
}

/**
 * Options go with the type: enumerations need at least one; other types take none (HubSpot keeps options for
 * enumerations only). `options` null means "not given" — fine on an update, not on an enumeration's create.
 */
function optionsForTypeProblems(type: string, options: readonly PropertyOptionInput[] | null | undefined, at: string[], required: boolean): UserError[] {
  if (type !== 'enumeration') {
    return options?.length ? [invalid(at, `Only enumeration properties have options; this one is of type ${type.toUpperCase()}.`)] : [];
  }
  return (options == null && required) || options?.length === 0 ? [invalid(at, 'An enumeration property needs at least one option.')] : [];
}

/** Option values are what records store, so each may appear once. */
function duplicateValueProblems(options: readonly PropertyOptionInput[] | null | undefined, at: string[]): UserError[] {
  const problems: UserError[] = [];
  (options ?? []).forEach((o, i, all) => {
    if (all.findIndex((x) => x.value === o.value) < i) problems.push(invalid([...at, String(i), 'value'], `The option value '${o.value}' is used more than once; option values must be unique.`));
  });
  return problems;
}

function toOptions(options: readonly PropertyOptionInput[]): PropertyOption[] {
  return options.map((o) => ({
    label: o.label,
    value: o.value,
    hidden: o.hidden ?? false,
    ...(o.displayOrder != null ? { displayOrder: o.displayOrder } : {}),
    ...(o.description != null ? { description: o.description } : {}),
  }));
}

/** Keeps the given (non-null) fields only: GraphQL's null means "not given" for HubSpot's optional fields. */
function given<T extends object>(fields: T): { [K in keyof T]?: NonNullable<T[K]> } {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v != null)) as { [K in keyof T]?: NonNullable<T[K]> };
}

/** `propertyCreate`: name rules, a type/fieldType pair HubSpot accepts, options that suit the type. */
export function checkPropertyCreate(input: PropertyCreateInput): Checked<PropertyCreate> {
  const type = hubspotWord(input.type);
  const fieldType = hubspotWord(input.fieldType);
  const problems = [...nameProblems(input.name, ['input', 'name'], 'property', true), ...labelProblems(input.label, ['input', 'label'])];
  if (!type) problems.push(invalid(['input', 'type'], 'OTHER stands for types HubSpot may report; a property is created with one of the documented types.'));
  if (!fieldType) problems.push(invalid(['input', 'fieldType'], 'OTHER stands for field types HubSpot may report; a property is created with one of the documented field types.'));
  if (type && fieldType) problems.push(...fieldTypeProblems(type, fieldType, ['input', 'fieldType']));
  if (type) problems.push(...optionsForTypeProblems(type, input.options, ['input', 'options'], true));
  problems.push(...duplicateValueProblems(input.options, ['input', 'options']));
  if (problems.length) return refused(problems);
  return {
    ok: true,
    value: {
      name: input.name,
      label: input.label.trim(),
      type: type!,
      fieldType: fieldType!,
      groupName: input.groupName,
      ...given({ description: input.description, hasUniqueValue: input.hasUniqueValue, hidden: input.hidden, formField: input.formField, displayOrder: input.displayOrder }),
      ...(input.options?.length ? { options: toOptions(input.options) } : {}),
    },
  };
}

/** Whether checking an update needs the property's current definition (its type decides fieldType and options). */
export const updateNeedsDefinition = (input: PropertyUpdateInput) => input.fieldType != null || input.options != null;

/**
 * `propertyUpdate`. Without `current`, only what the input alone shows; with it, also whether the fieldType and
 * options suit the property's type (which an update cannot change).
 */
export function checkPropertyUpdate(input: PropertyUpdateInput, current?: Property): Checked<PropertyUpdate> {
  const fieldType = input.fieldType != null ? hubspotWord(input.fieldType) : undefined;
  const problems = labelProblems(input.label, ['input', 'label']);
  if (fieldType === null) problems.push(invalid(['input', 'fieldType'], 'OTHER stands for field types HubSpot may report; choose one of the documented field types.'));
  if (current && fieldType) problems.push(...fieldTypeProblems(current.type, fieldType, ['input', 'fieldType']));
  if (current) problems.push(...optionsForTypeProblems(current.type, input.options, ['input', 'options'], false));
  problems.push(...duplicateValueProblems(input.options, ['input', 'options']));
  if (problems.length) return refused(problems);
  return {
    ok: true,
    value: {
      ...given({ label: input.label?.trim(), description: input.description, groupName: input.groupName, hidden: input.hidden, formField: input.formField, displayOrder: input.displayOrder }),
      ...(fieldType ? { fieldType } : {}),
      ...(input.options != null ? { options: toOptions(input.options) } : {}),
    },
  };
}

/** `propertyGroupCreate`: an internal name (HubSpot's own groups carry no `hs_` rule) and a label. */
export function checkGroupCreate(input: PropertyGroupCreateInput): Checked<{ name: string; label: string; displayOrder?: number }> {
  const problems = [...nameProblems(input.name, ['input', 'name'], 'group', false), ...labelProblems(input.label, ['input', 'label'])];
  if (problems.length) return refused(problems);
  return { ok: true, value: { name: input.name, label: input.label.trim(), ...given({ displayOrder: input.displayOrder }) } };
}

/** `propertyGroupUpdate`: only what is given; a given label must not be blank. */
export function checkGroupUpdate(input: PropertyGroupUpdateInput): Checked<{ label?: string; displayOrder?: number }> {
  const problems = labelProblems(input.label, ['input', 'label']);
  if (problems.length) return refused(problems);
  return { ok: true, value: given({ label: input.label?.trim(), displayOrder: input.displayOrder }) };
}
