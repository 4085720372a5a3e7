import { schemaGroupName } from './customObjects';
import type { PropertyDefinition } from './defaultProperties';
import { HubSpotHttpError } from './errors';
import { InputProblems, isJsonObject, readBool, readString, type JsonObject } from './inputProblems';
import { objectTypeOf, type ObjectTypeInfo } from './objectTypes';
import { readPropertyCreate } from './propertyInput';

/**
 * Reading and checking Schemas API bodies (crm-schemas-v3 `ObjectSchemaEgg`, `ObjectTypeDefinitionPatch`,
 * `AssociationDefinitionEgg`). Each reader collects every problem of a body into one 400 VALIDATION_ERROR. What
 * depends on the portal (does a name exist, which types can be associated) comes in as functions.
 */

/** Letters, digits and underscores, starting with a letter: it becomes part of `p<portalId>_<name>` and of paths. */
const SCHEMA_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const MAX_NAME_LENGTH = 100;

export interface SchemaDraft {
  name: string;
  labels: { singular: string; plural: string };
  description?: string;
  /** The custom properties created with the schema (HubSpot's own are added by the store). */
  properties: PropertyDefinition[];
  requiredProperties: string[];
  searchableProperties: string[];
  secondaryDisplayProperties: string[];
  primaryDisplayProperty?: string;
  associatedObjects: ObjectTypeInfo[];
  allowsSensitiveProperties: boolean;
  sameObjectAssociation: boolean;
}

export type SchemaPatch = Partial<Pick<SchemaDraft, 'labels' | 'description' | 'requiredProperties' | 'searchableProperties' | 'secondaryDisplayProperties' | 'primaryDisplayProperty' | 'allowsSensitiveProperties'>> & {
  clearDescription?: boolean;
  restorable?: boolean;
};

/** A list of strings; `required` also reports a missing one. */
function readStringList(body: JsonObject, key: string, problems: InputProblems, required = false): string[] | undefined {
  const v = body[key];
  if (v === undefined || v === null) {
    if (required) problems.add(key, `${key} is required`, 'REQUIRED_FIELD');
    return undefined;
  }
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) {
    problems.add(key, `${key} must be an array of strings`, 'INVALID_TYPE');
    return undefined;
  }
  return [...new Set(v as string[])];
}

/** `labels`: singular and plural, both non-empty (HubSpot shows them in its UI). */
function readLabels(body: JsonObject, problems: InputProblems, required: boolean): { singular?: string; plural?: string } | undefined {
  const v = body.labels;
  if (v === undefined || v === null) {
    if (required) problems.add('labels', 'labels is required: {singular, plural}', 'REQUIRED_FIELD');
    return undefined;
  }
  if (!isJsonObject(v)) {
    problems.add('labels', 'labels must be an object {singular, plural}', 'INVALID_TYPE');
    return undefined;
  }
  const singular = readString(v, 'singular', problems, { required, at: 'labels.singular' });
  const plural = readString(v, 'plural', problems, { required, at: 'labels.plural' });
  for (const [key, value] of [['singular', singular], ['plural', plural]] as const) {
    if (value !== undefined && value.trim() === '') problems.add(`labels.${key}`, `labels.${key} must not be empty`, 'REQUIRED_FIELD');
  }
  return { ...(singular !== undefined ? { singular } : {}), ...(plural !== undefined ? { plural } : {}) };
}

/** Names in `key` that are not among `known`, each reported once. */
function checkKnown(names: string[] | undefined, known: (name: string) => boolean, key: string, problems: InputProblems): void {
  for (const name of names ?? []) {
    if (!known(name)) problems.add(key, `${key} names '${name}', which is not a property of this object type`, 'PROPERTY_DOESNT_EXIST');
  }
}

/**
 * The custom properties of an `ObjectSchemaEgg`, read like the Properties API's PropertyCreate (same rules), in the
 * schema's own group unless one is named. A problem of property i is reported at `properties[i].<field>`.
 */
function readSchemaProperties(body: JsonObject, groupName: string, reserved: ReadonlySet<string>, now: string, problems: InputProblems): PropertyDefinition[] {
  const raw = body.properties;
  if (raw === undefined || raw === null) {
    problems.add('properties', 'properties is required (it may be empty)', 'REQUIRED_FIELD');
    return [];
  }
  if (!Array.isArray(raw)) {
    problems.add('properties', 'properties must be an array of property definitions', 'INVALID_TYPE');
    return [];
  }
  const out: PropertyDefinition[] = [];
  raw.forEach((input: unknown, i) => {
    const at = `properties[${i}]`;
    if (!isJsonObject(input)) return problems.add(at, `${at} must be an object`, 'INVALID_TYPE');
    try {
      const def = readPropertyCreate({ groupName, ...input }, (g) => g === groupName, now);
      if (reserved.has(def.name) || out.some((d) => d.name === def.name)) {
        return problems.add(`${at}.name`, `property name '${def.name}' is used more than once or is one of HubSpot's own`, 'DUPLICATE_PROPERTY');
      }
      out.push(def);
    } catch (e) {
      if (!(e instanceof HubSpotHttpError)) throw e;
      for (const d of e.extra.errors ?? [{ message: e.message }]) problems.add(`${at}${d.in ? `.${d.in}` : ''}`, `${at}: ${d.message}`, d.code);
    }
  });
  return out;
}

/**
 * A new schema from an `ObjectSchemaEgg`, or a 400 naming every problem. `resolveType` finds the object types of
 * `associatedObjects` (names such as `CONTACT` or `contacts`, ids such as `0-1` or `2-3`); `defaultNames` are the
 * HubSpot-defined properties every custom object gets, which the display and search lists may name too.
 */
export function readSchemaCreate(
  body: JsonObject,
  resolveType: (segment: string) => ObjectTypeInfo | undefined,
  defaultNames: ReadonlySet<string>,
  now: string,
): SchemaDraft {
  const problems = new InputProblems();
  const name = readString(body, 'name', problems, { required: true });
  if (name !== undefined) {
    if (!SCHEMA_NAME.test(name) || name.length > MAX_NAME_LENGTH) {
      problems.add('name', `name '${name}' must start with a letter, hold only letters, digits and underscores, and have at most ${MAX_NAME_LENGTH} characters`, 'INVALID_NAME');
    } else if (objectTypeOf(name)) {
      problems.add('name', `name '${name}' is the name of one of HubSpot's standard object types`, 'INVALID_NAME');
    }
  }
  const labels = readLabels(body, problems, true);
  const description = readString(body, 'description', problems);
  const allowsSensitiveProperties = readBool(body, 'allowsSensitiveProperties', problems) ?? false;
  const sameObjectAssociation = readBool(body, 'shouldCreateSameObjectAssociation', problems) ?? false;
  const properties = readSchemaProperties(body, schemaGroupName(name ?? 'object'), defaultNames, now, problems);
  const names = new Set([...defaultNames, ...properties.map((p) => p.name)]);
  const known = (n: string) => names.has(n);

  const requiredProperties = readStringList(body, 'requiredProperties', problems, true);
  checkKnown(requiredProperties, (n) => properties.some((p) => p.name === n), 'requiredProperties', problems);
  const searchableProperties = readStringList(body, 'searchableProperties', problems);
  checkKnown(searchableProperties, known, 'searchableProperties', problems);
  const secondaryDisplayProperties = readStringList(body, 'secondaryDisplayProperties', problems);
  checkKnown(secondaryDisplayProperties, known, 'secondaryDisplayProperties', problems);
  // The spec's own example marks the primary display property on the property itself (`isPrimaryDisplayLabel`).
  const flagged = Array.isArray(body.properties) ? body.properties.find((p: unknown) => isJsonObject(p) && p.isPrimaryDisplayLabel === true) : undefined;
  const primaryDisplayProperty = readString(body, 'primaryDisplayProperty', problems) ?? (isJsonObject(flagged) && typeof flagged.name === 'string' ? flagged.name : undefined);
  checkKnown(primaryDisplayProperty === undefined ? undefined : [primaryDisplayProperty], known, 'primaryDisplayProperty', problems);

  const associatedNames = readStringList(body, 'associatedObjects', problems, true);
  const associatedObjects: ObjectTypeInfo[] = [];
  for (const segment of associatedNames ?? []) {
    const type = resolveType(segment);
    if (!type) problems.add('associatedObjects', `associatedObjects names '${segment}', which is not an object type of this account`, 'INVALID_OBJECT_TYPE');
    else if (!associatedObjects.includes(type)) associatedObjects.push(type);
  }
  problems.throwIfAny('Invalid object schema');
  return {
    name: name!,
    labels: { singular: labels!.singular!, plural: labels!.plural! },
    ...(description !== undefined ? { description } : {}),
    properties,
    requiredProperties: requiredProperties!,
    searchableProperties: searchableProperties ?? [],
    secondaryDisplayProperties: secondaryDisplayProperties ?? [],
    ...(primaryDisplayProperty !== undefined ? { primaryDisplayProperty } : {}),
    associatedObjects,
    allowsSensitiveProperties,
    sameObjectAssociation,
  };
}

/** An `ObjectTypeDefinitionPatch`; property names it lists must be live properties of the type. */
export function readSchemaPatch(body: JsonObject, propertyExists: (name: string) => boolean): SchemaPatch {
  const problems = new InputProblems();
  const labels = readLabels(body, problems, false);
  const description = readString(body, 'description', problems);
  const clearDescription = readBool(body, 'clearDescription', problems);
  const allowsSensitiveProperties = readBool(body, 'allowsSensitiveProperties', problems);
  const restorable = readBool(body, 'restorable', problems);
  const requiredProperties = readStringList(body, 'requiredProperties', problems);
  const searchableProperties = readStringList(body, 'searchableProperties', problems);
  const secondaryDisplayProperties = readStringList(body, 'secondaryDisplayProperties', problems);
  const primaryDisplayProperty = readString(body, 'primaryDisplayProperty', problems);
  checkKnown(requiredProperties, propertyExists, 'requiredProperties', problems);
  checkKnown(searchableProperties, propertyExists, 'searchableProperties', problems);
  checkKnown(secondaryDisplayProperties, propertyExists, 'secondaryDisplayProperties', problems);
  checkKnown(primaryDisplayProperty === undefined ? undefined : [primaryDisplayProperty], propertyExists, 'primaryDisplayProperty', problems);
  if (clearDescription && description !== undefined) problems.add('clearDescription', 'send either description or clearDescription, not both', 'INVALID_INPUT');
  problems.throwIfAny('Invalid object schema update');
  return {
    ...(labels ? { labels: labels as SchemaDraft['labels'] } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(clearDescription !== undefined ? { clearDescription } : {}),
    ...(allowsSensitiveProperties !== undefined ? { allowsSensitiveProperties } : {}),
    ...(restorable !== undefined ? { restorable } : {}),
    ...(requiredProperties ? { requiredProperties } : {}),
    ...(searchableProperties ? { searchableProperties } : {}),
    ...(secondaryDisplayProperties ? { secondaryDisplayProperties } : {}),
    ...(primaryDisplayProperty !== undefined ? { primaryDisplayProperty } : {}),
  };
}

/** An `AssociationDefinitionEgg`: both object types required, the name optional (lower-case, digits, underscores). */
export function readAssociationEgg(body: JsonObject): { fromObjectTypeId: string; toObjectTypeId: string; name?: string } {
  const problems = new InputProblems();
  const fromObjectTypeId = readString(body, 'fromObjectTypeId', problems, { required: true });
  const toObjectTypeId = readString(body, 'toObjectTypeId', problems, { required: true });
  const name = readString(body, 'name', problems);
  if (name !== undefined && !/^[a-z][a-z0-9_]*$/.test(name)) {
    problems.add('name', `name '${name}' must start with a lowercase letter and hold only lowercase letters, digits and underscores`, 'INVALID_NAME');
  }
  problems.throwIfAny('Invalid association definition');
  return { fromObjectTypeId: fromObjectTypeId!, toObjectTypeId: toObjectTypeId!, ...(name !== undefined ? { name } : {}) };
}
