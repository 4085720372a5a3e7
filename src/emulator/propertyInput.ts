import { VALID_FIELD_TYPES } from '../crm/propertyTypes';
import type { PropertyDefinition, PropertyType } from './defaultProperties';
import { InputProblems, isJsonObject, readBool, readEnum, readInt, readString, type JsonObject } from './inputProblems';

/**
 * Reading and checking Properties API bodies (crm-properties-v3 `PropertyCreate`, `PropertyUpdate`,
 * `PropertyGroupCreate`, `PropertyGroupUpdate`). Functions here only look at the body and at what they are
 * given; existence and uniqueness against the portal are the routes' business.
 */

export const PROPERTY_TYPES = Object.keys(VALID_FIELD_TYPES) as PropertyType[];
export const FIELD_TYPES = [...new Set(Object.values(VALID_FIELD_TYPES).flat())].sort();
export const DATA_SENSITIVITIES = ['highly_sensitive', 'non_sensitive', 'sensitive'] as const;
export type DataSensitivity = (typeof DATA_SENSITIVITIES)[number];
const NUMBER_DISPLAY_HINTS = ['currency', 'duration', 'formatted', 'percentage', 'probability', 'unformatted'];
const TEXT_DISPLAY_HINTS = ['domain_name', 'email', 'ip_address', 'multi_line', 'phone_number', 'physical_address', 'postal_code', 'unformatted_single_line'];

/** Lowercase letters, digits and underscores, starting with a letter; `hs_` is HubSpot's own prefix. */
const PROPERTY_NAME = /^[a-z][a-z0-9_]*$/;
const GROUP_NAME = PROPERTY_NAME;

type Option = PropertyDefinition['options'][number];

/** HubSpot's bool properties carry their two choices as options. */
const BOOL_OPTIONS: Option[] = [
  { label: 'Yes', value: 'true', displayOrder: 0, hidden: false },
  { label: 'No', value: 'false', displayOrder: 1, hidden: false },
];

function checkPropertyName(name: string, problems: InputProblems): void {
  if (!PROPERTY_NAME.test(name)) {
    problems.add('name', `name '${name}' must start with a lowercase letter and hold only lowercase letters, digits and underscores`, 'INVALID_PROPERTY_NAME');
  } else if (name.startsWith('hs_')) {
    problems.add('name', `name '${name}' starts with hs_, which is reserved for HubSpot's own properties`, 'INVALID_PROPERTY_NAME');
  }
}

/** `OptionInput[]`: label, value and hidden are required; values must be unique. */
function readOptions(raw: unknown, problems: InputProblems): Option[] | undefined {
  if (!Array.isArray(raw)) {
    problems.add('options', 'options must be an array', 'INVALID_TYPE');
    return undefined;
  }
  const options: Option[] = [];
  raw.forEach((o, i) => {
    const at = `options[${i}]`;
    if (!isJsonObject(o)) return problems.add(at, `${at} must be an object`, 'INVALID_TYPE');
    const before = problems.count;
    const label = readString(o, 'label', problems, { required: true, at: `${at}.label` });
    const value = readString(o, 'value', problems, { required: true, at: `${at}.value` });
    const hidden = readBool(o, 'hidden', problems, { required: true, at: `${at}.hidden` });
    const displayOrder = readInt(o, 'displayOrder', problems, { at: `${at}.displayOrder` });
    const description = readString(o, 'description', problems, { at: `${at}.description` });
    if (problems.count > before) return;
    if (options.some((x) => x.value === value)) {
      return problems.add(`${at}.value`, `option value '${value}' is used more than once; option values must be unique`, 'DUPLICATE_OPTION');
    }
    options.push({ label: label!, value: value!, hidden: hidden!, displayOrder: displayOrder ?? i, ...(description !== undefined ? { description } : {}) });
  });
  return options;
}

/**
 * The options a definition keeps for its type: enumerations need their own (unless they pull them from
 * elsewhere, `externalOptions`), bool properties get Yes/No when none are given, other types have none
 * (the spec: "will be empty for other property types"), so options sent for them are dropped.
 */
function settleOptions(type: PropertyType, options: Option[] | undefined, externalOptions: boolean, problems: InputProblems): Option[] {
  if (type === 'enumeration') {
    if (!externalOptions && !options?.length) problems.add('options', 'enumeration properties need at least one option', 'REQUIRED_FIELD');
    return options ?? [];
  }
  if (type === 'bool') return options?.length ? options : BOOL_OPTIONS.map((o) => ({ ...o }));
  return [];
}

function checkFieldType(type: PropertyType, fieldType: string, problems: InputProblems): void {
  if (!VALID_FIELD_TYPES[type].includes(fieldType)) {
    problems.add('fieldType', `fieldType '${fieldType}' is not valid for type '${type}'; use one of ${VALID_FIELD_TYPES[type].join(', ')}`, 'INVALID_FIELD_TYPE');
  }
}

/** The display-hint and currency fields both bodies share, copied when valid. */
function readExtras(body: JsonObject, problems: InputProblems): Partial<PropertyDefinition> {
  const numberDisplayHint = readEnum(body, 'numberDisplayHint', NUMBER_DISPLAY_HINTS, problems);
  const textDisplayHint = readEnum(body, 'textDisplayHint', TEXT_DISPLAY_HINTS, problems);
  const currencyPropertyName = readString(body, 'currencyPropertyName', problems);
  const showCurrencySymbol = readBool(body, 'showCurrencySymbol', problems);
  const calculationFormula = readString(body, 'calculationFormula', problems);
  return {
    ...(numberDisplayHint !== undefined ? { numberDisplayHint } : {}),
    ...(textDisplayHint !== undefined ? { textDisplayHint } : {}),
    ...(currencyPropertyName !== undefined ? { currencyPropertyName } : {}),
    ...(showCurrencySymbol !== undefined ? { showCurrencySymbol } : {}),
    ...(calculationFormula !== undefined ? { calculationFormula } : {}),
  };
}

/**
 * A new custom property from a `PropertyCreate` body, or a 400 naming every problem. `groupExists` tells
 * whether a live group of that name exists; the name's uniqueness is checked by the caller (409).
 */
export function readPropertyCreate(body: JsonObject, groupExists: (name: string) => boolean, now: string): PropertyDefinition {
  const problems = new InputProblems();
  const name = readString(body, 'name', problems, { required: true });
  if (name !== undefined) checkPropertyName(name, problems);
  const label = readString(body, 'label', problems, { required: true });
  const type = readEnum(body, 'type', PROPERTY_TYPES, problems, { required: true });
  const fieldType = readEnum(body, 'fieldType', FIELD_TYPES, problems, { required: true });
  if (type && fieldType) checkFieldType(type, fieldType, problems);
  const groupName = readString(body, 'groupName', problems, { required: true });
  if (groupName !== undefined && !groupExists(groupName)) problems.add('groupName', `property group '${groupName}' does not exist`, 'GROUP_NOT_FOUND');
  const description = readString(body, 'description', problems) ?? '';
  const displayOrder = readInt(body, 'displayOrder', problems) ?? -1;
  const hasUniqueValue = readBool(body, 'hasUniqueValue', problems) ?? false;
  const hidden = readBool(body, 'hidden', problems) ?? false;
  const formField = readBool(body, 'formField', problems) ?? false;
  const externalOptions = readBool(body, 'externalOptions', problems) ?? false;
  const referencedObjectType = readString(body, 'referencedObjectType', problems);
  if (externalOptions && (type !== 'enumeration' || referencedObjectType !== 'OWNER')) {
    problems.add('externalOptions', "externalOptions is only for enumeration properties with referencedObjectType 'OWNER'", 'INVALID_INPUT');
  }
  const dataSensitivity = readEnum(body, 'dataSensitivity', DATA_SENSITIVITIES, problems) ?? 'non_sensitive';
  const rawOptions = body.options === undefined || body.options === null ? undefined : readOptions(body.options, problems);
  const extras = readExtras(body, problems);
  const options = type ? settleOptions(type, rawOptions, externalOptions, problems) : [];
  problems.throwIfAny('Invalid property');
  return {
    name: name!,
    label: label!,
    type: type!,
    fieldType: fieldType!,
    description,
    groupName: groupName!,
    options,
    displayOrder,
    calculated: false,
    externalOptions,
    hasUniqueValue,
    hidden,
    formField,
    hubspotDefined: false,
    archived: false,
    createdAt: now,
    updatedAt: now,
    ...(referencedObjectType !== undefined ? { referencedObjectType } : {}),
    dataSensitivity,
    modificationMetadata: { archivable: true, readOnlyDefinition: false, readOnlyValue: false, readOnlyOptions: false },
    ...extras,
  };
}

/**
 * A `PropertyUpdate` applied to a copy of `current`, or a 400. `hasUniqueValue` cannot change once set, nor can
 * the name; fields the schema does not list are ignored.
 */
export function readPropertyUpdate(current: PropertyDefinition, body: JsonObject, groupExists: (name: string) => boolean, now: string): PropertyDefinition {
  const problems = new InputProblems();
  if (body.hasUniqueValue !== undefined && body.hasUniqueValue !== current.hasUniqueValue) {
    problems.add('hasUniqueValue', 'hasUniqueValue cannot be changed once a property is created', 'IMMUTABLE_FIELD');
  }
  if (body.name !== undefined && body.name !== current.name) problems.add('name', 'a property cannot be renamed', 'IMMUTABLE_FIELD');
  const label = readString(body, 'label', problems);
  if (label !== undefined && label.trim() === '') problems.add('label', 'label must not be empty', 'REQUIRED_FIELD');
  const type = readEnum(body, 'type', PROPERTY_TYPES, problems) ?? current.type;
  const fieldType = readEnum(body, 'fieldType', FIELD_TYPES, problems) ?? current.fieldType;
  checkFieldType(type, fieldType, problems);
  const groupName = readString(body, 'groupName', problems);
  if (groupName !== undefined && !groupExists(groupName)) problems.add('groupName', `property group '${groupName}' does not exist`, 'GROUP_NOT_FOUND');
  const description = readString(body, 'description', problems);
  const displayOrder = readInt(body, 'displayOrder', problems);
  const hidden = readBool(body, 'hidden', problems);
  const formField = readBool(body, 'formField', problems);
  const rawOptions = body.options === undefined || body.options === null ? undefined : readOptions(body.options, problems);
  const extras = readExtras(body, problems);
  const options = settleOptions(type, rawOptions ?? (type === current.type ? current.options : undefined), current.externalOptions, problems);
  problems.throwIfAny(`Invalid update of property ${current.name}`);
  return {
    ...current,
    ...extras,
    ...(label !== undefined ? { label } : {}),
    type,
    fieldType,
    ...(groupName !== undefined ? { groupName } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(displayOrder !== undefined ? { displayOrder } : {}),
    ...(hidden !== undefined ? { hidden } : {}),
    ...(formField !== undefined ? { formField } : {}),
    options,
    updatedAt: now,
  };
}

/** A `PropertyGroupCreate` body: name (property-name rules, `hs_` allowed) and label required. */
export function readGroupCreate(body: JsonObject): { name: string; label: string; displayOrder: number } {
  const problems = new InputProblems();
  const name = readString(body, 'name', problems, { required: true });
  if (name !== undefined && !GROUP_NAME.test(name)) {
    problems.add('name', `name '${name}' must start with a lowercase letter and hold only lowercase letters, digits and underscores`, 'INVALID_GROUP_NAME');
  }
  const label = readString(body, 'label', problems, { required: true });
  const displayOrder = readInt(body, 'displayOrder', problems) ?? -1;
  problems.throwIfAny('Invalid property group');
  return { name: name!, label: label!, displayOrder };
}

/** A `PropertyGroupUpdate` body: label and displayOrder, both optional. */
export function readGroupUpdate(body: JsonObject): { label?: string; displayOrder?: number } {
  const problems = new InputProblems();
  const label = readString(body, 'label', problems);
  if (label !== undefined && label.trim() === '') problems.add('label', 'label must not be empty', 'REQUIRED_FIELD');
  const displayOrder = readInt(body, 'displayOrder', problems);
  problems.throwIfAny('Invalid property group update');
  return { ...(label !== undefined ? { label } : {}), ...(displayOrder !== undefined ? { displayOrder } : {}) };
}

/** The `inputs: [{name}]` of the batch read and archive bodies. */
export function readNameInputs(body: JsonObject): string[] {
  const problems = new InputProblems();
  if (!Array.isArray(body.inputs)) {
    problems.add('inputs', body.inputs === undefined ? 'inputs is required' : 'inputs must be an array', body.inputs === undefined ? 'REQUIRED_FIELD' : 'INVALID_TYPE');
    problems.throwIfAny('Invalid batch input');
  }
  const names: string[] = [];
  (body.inputs as unknown[]).forEach((input, i) => {
    const name = isJsonObject(input) ? readString(input, 'name', problems, { required: true, at: `inputs[${i}].name` }) : undefined;
    if (!isJsonObject(input)) problems.add(`inputs[${i}]`, `inputs[${i}] must be an object with a name`, 'INVALID_TYPE');
    if (name !== undefined) names.push(name);
  });
  problems.throwIfAny('Invalid batch input');
  return [...new Set(names)];
}
