import type { PropertyDefinition } from './defaultProperties';
import { HubSpotHttpError } from './errors';
import type { ObjectTypeInfo } from './objectTypes';
import { effectiveOptions } from './propertyOptions';
import type { Portal } from './store';

/**
 * Property values as HubSpot's CRM object APIs take them: every value is stored as a string, validated against
 * the portal's property definitions. How each type is stored (and returned) here:
 * - `number`: the decimal text as sent (`"17"`, `"-3.5"`); exponent notation is refused, as HubSpot does
 *   (`1.42e-14 was not a valid number.`, INVALID_INTEGER).
 * - `bool`: `"true"` / `"false"` (input is matched case-insensitively).
 * - `enumeration`: an option value; multi-select (fieldType `checkbox`) values are `;`-joined, each one an
 *   option. A leading `;` appends to the values already stored, HubSpot's documented append syntax.
 * - `date`: epoch milliseconds of midnight UTC (`"1572480000000"`), the form HubSpot documents for date values;
 *   `YYYY-MM-DD` and midnight ISO timestamps are accepted and converted. Other times are INVALID_DATE
 *   (`... is at 8:22:47.890 UTC, not midnight!`).
 * - `datetime`: ISO-8601 UTC (`"2024-01-10T08:30:00.000Z"`), as HubSpot returns `createdate` and friends;
 *   epoch milliseconds and ISO strings with any offset are accepted and converted.
 * - `string` / `phone_number`: as sent; `contacts.email` must look like an address and is lower-cased.
 * An empty string clears a value (the caller removes the property). Non-string types refuse leading or
 * trailing whitespace (HubSpot's LEADING_TRAILING_WHITESPACE rule, in force since 2025).
 */

/** One invalid value, as HubSpot lists it inside `Property values were not valid: [...]`. */
export interface ValueProblem {
  name: string;
  error: string;
  message: string;
  propertyValue?: string;
}

export type ValueResult = { ok: true; value: string } | { ok: false; problem: ValueProblem };

const DAY_MS = 86_400_000;
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)$/;
const EPOCH_MS = /^-?\d+$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const problem = (name: string, error: string, message: string, propertyValue?: string): ValueResult => ({
  ok: false,
  problem: { name, error, message, ...(propertyValue !== undefined ? { propertyValue } : {}) },
});

/**
 * A JSON input value as HubSpot reads it: clients often send numbers and booleans unquoted, which HubSpot
 * accepts as their text; `null` clears like `""`. Objects and arrays are not property values.
 */
export function coerceInput(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw === 'boolean') return raw ? 'true' : 'false';
  if (raw === null) return '';
  return undefined;
}

/** Epoch ms of a date/datetime value as stored or as written in a filter: epoch ms, `YYYY-MM-DD` or ISO. */
export function timeValueMs(value: string): number | undefined {
  if (EPOCH_MS.test(value)) return Number(value);
  if (ISO_DATE.test(value) || ISO_DATETIME.test(value)) {
    const ms = Date.parse(ISO_DATE.test(value) ? `${value}T00:00:00Z` : value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/** HubSpot's wording for a date that is not midnight UTC: `1606768561954 is at 20:36:1.954 UTC, not midnight!`. */
function notMidnightMessage(raw: string, ms: number): string {
  const d = new Date(ms);
  const millis = String(d.getUTCMilliseconds()).padStart(3, '0');
  return `${raw} is at ${d.getUTCHours()}:${d.getUTCMinutes()}:${d.getUTCSeconds()}.${millis} UTC, not midnight!`;
}

function normalizeDate(name: string, raw: string): ValueResult {
  const ms = timeValueMs(raw);
  if (ms === undefined || !Number.isFinite(ms) || Number.isNaN(new Date(ms).getTime())) {
    return problem(name, 'INVALID_DATE', `${raw} is not a valid date; send midnight UTC in epoch milliseconds or YYYY-MM-DD.`, raw);
  }
  if (((ms % DAY_MS) + DAY_MS) % DAY_MS !== 0) return problem(name, 'INVALID_DATE', notMidnightMessage(raw, ms), raw);
  return { ok: true, value: String(ms) };
}

function normalizeDateTime(name: string, raw: string): ValueResult {
  const ms = timeValueMs(raw);
  const date = ms === undefined ? undefined : new Date(ms);
  if (!date || Number.isNaN(date.getTime())) {
    return problem(name, 'INVALID_DATE', `${raw} is not a valid datetime; send epoch milliseconds or an ISO-8601 timestamp.`, raw);
  }
  return { ok: true, value: date.toISOString() };
}

/**
 * Enumeration values: one option, or for multi-select several `;`-joined. A leading `;` keeps the values
 * already stored (`";new"` appends). Options with no list at all (e.g. `hs_attachment_ids`, ids of files)
 * take any value; pipelines, stages and owners are checked against the portal's live options.
 */
function normalizeEnumeration(portal: Portal, type: ObjectTypeInfo, def: PropertyDefinition, raw: string, existing: string | undefined): ValueResult {
  const options = effectiveOptions(portal, type, def);
  const dynamic = def.externalOptions || def.referencedObjectType === 'OWNER' || ['pipeline', 'dealstage', 'hs_pipeline', 'hs_pipeline_stage'].includes(def.name);
  const allowed = new Set(options.map((o) => o.value));
  const check = (v: string) => allowed.has(v) || (!dynamic && options.length === 0);
  const invalid = (v: string) =>
    problem(def.name, 'INVALID_OPTION', `${v} was not one of the allowed options: [${options.map((o) => o.value).join(', ')}]`, raw);
  if (def.fieldType !== 'checkbox') return check(raw) ? { ok: true, value: raw } : invalid(raw);
  const appending = raw.startsWith(';');
  const values = raw.split(';').filter((v) => v !== '');
  for (const v of values) if (!check(v)) return invalid(v);
  const kept = appending && existing ? existing.split(';').filter(Boolean) : [];
  return { ok: true, value: [...new Set([...kept, ...values])].join(';') };
}

/**
 * Validates and normalises one value against its definition. `existing` is the stored value, used by the
 * multi-select append syntax. The empty string is always valid: it clears the property.
 */
export function normalizeValue(portal: Portal, type: ObjectTypeInfo, def: PropertyDefinition, raw: string, existing?: string): ValueResult {
  if (raw === '') return { ok: true, value: '' };
  const isStringType = def.type === 'string' || def.type === 'phone_number';
  if (!isStringType && raw.trim() !== raw) {
    return problem(def.name, 'LEADING_TRAILING_WHITESPACE', `"${raw}" includes leading or trailing whitespace.`, raw);
  }
  switch (def.type) {
    case 'number':
      return DECIMAL.test(raw) ? { ok: true, value: raw } : problem(def.name, 'INVALID_INTEGER', `${raw} was not a valid number.`, raw);
    case 'bool': {
      const lower = raw.toLowerCase();
      return lower === 'true' || lower === 'false'
        ? { ok: true, value: lower }
        : problem(def.name, 'INVALID_OPTION', `${raw} was not one of the allowed options: [true, false]`, raw);
    }
    case 'enumeration':
      return normalizeEnumeration(portal, type, def, raw, existing);
    case 'date':
      return normalizeDate(def.name, raw);
    case 'datetime':
      return normalizeDateTime(def.name, raw);
    default:
      if (type.id === '0-1' && def.name === 'email') {
        const email = raw.trim().toLowerCase();
        return EMAIL.test(email) ? { ok: true, value: email } : problem(def.name, 'INVALID_EMAIL', `Email address ${raw} is invalid`, raw);
      }
      return { ok: true, value: raw };
  }
}

/** The portal's live (not archived) definition of a property, if any. */
export function liveProperty(portal: Portal, type: ObjectTypeInfo, name: string): PropertyDefinition | undefined {
  const def = portal.propertiesOf(type).get(name);
  return def && !def.archived ? def : undefined;
}

/**
 * Validates a whole `properties` input. Unknown and read-only names, and every invalid value, are collected
 * so that one 400 names them all, as HubSpot does. Returns the normalised values (`""` = clear).
 */
export function normalizeProperties(
  portal: Portal,
  type: ObjectTypeInfo,
  input: Record<string, unknown>,
  existing: Record<string, string> = {},
): { values: Record<string, string>; problems: ValueProblem[] } {
  const values: Record<string, string> = {};
  const problems: ValueProblem[] = [];
  for (const [name, rawInput] of Object.entries(input)) {
    const def = liveProperty(portal, type, name);
    if (!def) {
      problems.push({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
      continue;
    }
    if (def.modificationMetadata.readOnlyValue) {
      problems.push({ name, error: 'READ_ONLY_VALUE', message: `"${name}" is a read only property; its value cannot be set.` });
      continue;
    }
    const raw = coerceInput(rawInput);
    if (raw === undefined) {
      problems.push({ name, error: 'INVALID_PROPERTY_VALUE', message: `The value of "${name}" must be a string, number or boolean` });
      continue;
    }
    const result = normalizeValue(portal, type, def, raw, existing[name]);
    if (result.ok) values[name] = result.value;
    else problems.push(result.problem);
  }
  return { values, problems };
}

/**
 * HubSpot's 400 for invalid values: the problems JSON-encoded in the message, and one entry each in `errors`
 * with the property name in `context.propertyName`.
 */
export function propertyValuesError(problems: ValueProblem[]): HubSpotHttpError {
  const listed = problems.map((p) => ({
    isValid: false,
    message: p.message,
    error: p.error,
    name: p.name,
    localizedErrorMessage: p.message,
    ...(p.propertyValue !== undefined ? { propertyValue: p.propertyValue } : {}),
  }));
  return new HubSpotHttpError(400, 'VALIDATION_ERROR', `Property values were not valid: ${JSON.stringify(listed)}`, {
    errors: problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: [p.name] } })),
  });
}
