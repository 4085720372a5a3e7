import type { PropertyDefinition } from './defaultProperties';
import { validationError } from './errors';
import type { ObjectTypeInfo } from './objectTypes';
import { publicObject, recordsInIdOrder } from './records';
import type { CrmRecord, Portal } from './store';
import { coerceInput, liveProperty, timeValueMs } from './values';

/**
 * CRM search (`POST /crm/v3/objects/{objectType}/search`, crm-objects-v3 PublicObjectSearchRequest), evaluated
 * over the portal's live records the way HubSpot's search index answers:
 * - filter groups are ORed, the filters inside a group ANDed; caps are HubSpot's since 2024-08-26
 *   (5 groups, 10 filters per group, 25 in all);
 * - numbers, dates and datetimes compare numerically (datetime filter values may be epoch ms or ISO);
 *   strings compare case-insensitively; multi-select values match on any of their options;
 * - negative operators (NEQ, NOT_IN, NOT_CONTAINS_TOKEN) also match records without a value;
 * - `query` matches, by token prefix, the type's default searchable properties;
 * - results come in id order unless sorted; records without the sort property come last;
 * - at most 10,000 results can be paged through; `limit` is at most 200.
 * Archived records never appear and results carry no associations.
 */

export const SEARCH_MAX_LIMIT = 200;
export const SEARCH_MAX_RESULTS = 10_000;
export const MAX_FILTER_GROUPS = 5;
export const MAX_FILTERS_PER_GROUP = 10;
export const MAX_FILTERS = 25;
const MAX_QUERY_LENGTH = 3000;
const DEFAULT_LIMIT = 10;

export const OPERATORS = [
  'EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN',
  'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN',
] as const;
export type Operator = (typeof OPERATORS)[number];

/** Properties `query` looks in, per type (HubSpot's "default searchable properties"). */
const QUERY_PROPERTIES: Record<string, string[]> = {
  contacts: ['firstname', 'lastname', 'email', 'phone', 'mobilephone', 'company', 'hs_additional_emails'],
  companies: ['name', 'domain', 'website', 'phone'],
  deals: ['dealname', 'pipeline', 'dealstage', 'description', 'dealtype'],
  tickets: ['subject', 'content', 'hs_pipeline_stage', 'hs_ticket_category'],
  products: ['name', 'description', 'price', 'hs_sku'],
  line_items: ['name', 'description', 'price', 'quantity', 'hs_sku'],
  quotes: ['hs_title', 'hs_sender_firstname', 'hs_sender_lastname', 'hs_sender_email', 'hs_quote_number'],
  notes: ['hs_note_body'],
  calls: ['hs_call_title', 'hs_call_body'],
  emails: ['hs_email_subject', 'hs_email_text'],
  meetings: ['hs_meeting_title', 'hs_meeting_body'],
  tasks: ['hs_task_subject', 'hs_task_body'],
};

interface Filter {
  propertyName: string;
  operator: Operator;
  value?: string;
  highValue?: string;
  values?: string[];
}

interface Sort {
  propertyName: string;
  descending: boolean;
}

export interface SearchRequest {
  query?: string;
  filterGroups: Filter[][];
  sorts: Sort[];
  properties: string[];
  limit: number;
  after: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------- parsing

function parseFilter(raw: unknown, where: string): Filter {
  if (!isObject(raw)) throw validationError(`Invalid input JSON: ${where} must be an object with propertyName and operator`);
  const { propertyName, operator } = raw;
  if (typeof propertyName !== 'string' || propertyName === '') throw validationError(`${where}.propertyName is required`);
  if (typeof operator !== 'string' || !(OPERATORS as readonly string[]).includes(operator)) {
    throw validationError(`${where}.operator '${String(operator)}' is not one of the accepted operators: [${OPERATORS.join(', ')}]`);
  }
  const op = operator as Operator;
  const value = raw.value === undefined ? undefined : coerceInput(raw.value);
  const highValue = raw.highValue === undefined ? undefined : coerceInput(raw.highValue);
  const values = Array.isArray(raw.values) ? raw.values.map(coerceInput) : undefined;
  if (values?.some((v) => v === undefined)) throw validationError(`${where}.values must be an array of strings`);
  if (op === 'IN' || op === 'NOT_IN') {
    if (!values || values.length === 0) throw validationError(`${where}: operator ${op} needs a non-empty values array`);
  } else if (op === 'BETWEEN') {
    if (value === undefined || highValue === undefined) throw validationError(`${where}: operator BETWEEN needs value and highValue`);
  } else if (op !== 'HAS_PROPERTY' && op !== 'NOT_HAS_PROPERTY' && value === undefined) {
    throw validationError(`${where}: operator ${op} needs a value`);
  }
  return { propertyName, operator: op, value, highValue, values: values as string[] | undefined };
}

function parseFilterGroups(raw: unknown): Filter[][] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw validationError('Invalid input JSON: filterGroups must be an array');
  if (raw.length > MAX_FILTER_GROUPS) {
    throw validationError(`Too many filter groups: ${raw.length}. A search accepts at most ${MAX_FILTER_GROUPS} filterGroups.`);
  }
  const groups = raw.map((group: unknown, g) => {
    const filters = isObject(group) ? group.filters : undefined;
    if (!Array.isArray(filters)) throw validationError(`Invalid input JSON: filterGroups[${g}].filters must be an array`);
    if (filters.length > MAX_FILTERS_PER_GROUP) {
      throw validationError(`Too many filters in filterGroups[${g}]: ${filters.length}. A filter group accepts at most ${MAX_FILTERS_PER_GROUP} filters.`);
    }
    return filters.map((f: unknown, i) => parseFilter(f, `filterGroups[${g}].filters[${i}]`));
  });
  const total = groups.reduce((n, g) => n + g.length, 0);
  if (total > MAX_FILTERS) throw validationError(`Too many filters: ${total}. A search accepts at most ${MAX_FILTERS} filters across all filterGroups.`);
  return groups;
}

/** Sorts as the spec types them (`"prop"`, `"-prop"`) and as HubSpot's docs show them (`{propertyName, direction}`). */
function parseSorts(raw: unknown): Sort[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw validationError('Invalid input JSON: sorts must be an array');
  return raw.map((s: unknown, i) => {
    if (typeof s === 'string' && s.replace(/^-/, '') !== '') return { propertyName: s.replace(/^-/, ''), descending: s.startsWith('-') };
    if (isObject(s) && typeof s.propertyName === 'string' && s.propertyName !== '') {
      const direction = s.direction ?? 'ASCENDING';
      if (direction !== 'ASCENDING' && direction !== 'DESCENDING') throw validationError(`sorts[${i}].direction must be ASCENDING or DESCENDING`);
      return { propertyName: s.propertyName, descending: direction === 'DESCENDING' };
    }
    throw validationError(`sorts[${i}] must be a property name ("-name" for descending) or {propertyName, direction}`);
  });
}

function parseCount(raw: unknown, name: string, fallback: number): number {
  if (raw === undefined || raw === null || raw === '') return fallback;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 0) throw validationError(`${name} must be a non-negative integer (got ${JSON.stringify(raw)})`);
  return n;
}

/** Reads and checks a search body; every limit HubSpot enforces is a 400 with a message naming it. */
export function parseSearchRequest(body: unknown): SearchRequest {
  if (body === undefined || body === null) body = {};
  if (!isObject(body)) throw validationError('Invalid input JSON: the search body must be a JSON object');
  const query = body.query === undefined || body.query === null ? undefined : coerceInput(body.query);
  if (query !== undefined && query.length > MAX_QUERY_LENGTH) throw validationError(`query is too long: at most ${MAX_QUERY_LENGTH} characters`);
  const properties = body.properties === undefined || body.properties === null ? [] : body.properties;
  if (!Array.isArray(properties) || properties.some((p) => typeof p !== 'string')) throw validationError('Invalid input JSON: properties must be an array of strings');
  const limit = parseCount(body.limit, 'limit', DEFAULT_LIMIT);
  if (limit > SEARCH_MAX_LIMIT) throw validationError(`limit must be at most ${SEARCH_MAX_LIMIT} (got ${limit})`);
  const after = parseCount(body.after, 'after', 0);
  if (after + limit > SEARCH_MAX_RESULTS) {
    throw validationError(`A search can page through at most ${SEARCH_MAX_RESULTS} results: after (${after}) + limit (${limit}) exceeds ${SEARCH_MAX_RESULTS}. Narrow the filters instead.`);
  }
  return { query, filterGroups: parseFilterGroups(body.filterGroups), sorts: parseSorts(body.sorts), properties: properties as string[], limit, after };
}

// ---------------------------------------------------------------------------------------------- matching

type Kind = 'number' | 'time' | 'string';

function kindOf(def: PropertyDefinition | undefined): Kind {
  if (def?.type === 'number') return 'number';
  if (def?.type === 'date' || def?.type === 'datetime') return 'time';
  return 'string';
}

const DECIMAL = /^-?(\d+\.?\d*|\.\d+)$/;

function numberOf(kind: Kind, value: string): number | undefined {
  if (kind === 'number') return DECIMAL.test(value) ? Number(value) : undefined;
  if (kind === 'time') return timeValueMs(value);
  return undefined;
}

/** Orders two values of a property: numerically where both are numbers/times, otherwise as case-folded text. */
function compare(kind: Kind, a: string, b: string): number {
  const x = numberOf(kind, a);
  const y = numberOf(kind, b);
  if (x !== undefined && y !== undefined) return x - y;
  const [p, q] = [a.toLowerCase(), b.toLowerCase()];
  return p < q ? -1 : p > q ? 1 : 0;
}

/**
 * A record's values for a filter or sort property: none when unset; the options of a multi-select; the
 * associated ids for HubSpot's `associations.<type>` pseudo-property.
 */
function valuesOf(portal: Portal, type: ObjectTypeInfo, record: CrmRecord, propertyName: string, def: PropertyDefinition | undefined): string[] {
  if (propertyName.startsWith('associations.')) {
    const toType = portal.objectType(propertyName.slice('associations.'.length));
    return toType ? portal.associations.list(type.id, record.id, toType.id).map((a) => a.toId) : [];
  }
  const value = record.properties[propertyName];
  if (value === undefined || value === '') return [];
  return def?.type === 'enumeration' && def.fieldType === 'checkbox' ? value.split(';').filter(Boolean) : [value];
}

/** Tokens of a text as the index sees them: the whole value, its words, and the parts of emails and domains. */
function tokensOf(text: string): Set<string> {
  const lower = text.toLowerCase();
  return new Set([lower, ...lower.split(/\s+/), ...lower.split(/[^\p{L}\p{N}@._+-]+/u), ...lower.split(/[^\p{L}\p{N}]+/u)].filter(Boolean));
}

const escapeRegex = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/** CONTAINS_TOKEN: every word of the filter value matches a token; `*` is a wildcard (`*@hubspot.com`). */
function containsToken(text: string, pattern: string): boolean {
  const tokens = tokensOf(text);
  return pattern
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((term) => {
      if (!term.includes('*')) return tokens.has(term);
      const re = new RegExp(`^${term.split('*').map(escapeRegex).join('.*')}$`, 'u');
      return [...tokens].some((t) => re.test(t));
    });
}

function matchesFilter(portal: Portal, type: ObjectTypeInfo, record: CrmRecord, filter: Filter): boolean {
  const def = liveProperty(portal, type, filter.propertyName);
  const kind = filter.propertyName.startsWith('associations.') ? 'number' : kindOf(def);
  const values = valuesOf(portal, type, record, filter.propertyName, def);
  const equals = (v: string, f: string) => compare(kind, v, f) === 0;
  const some = (test: (v: string) => boolean) => values.some(test);
  const value = filter.value ?? '';
  switch (filter.operator) {
    case 'EQ':
      return some((v) => equals(v, value));
    case 'NEQ':
      return !some((v) => equals(v, value));
    case 'LT':
      return some((v) => compare(kind, v, value) < 0);
    case 'LTE':
      return some((v) => compare(kind, v, value) <= 0);
    case 'GT':
      return some((v) => compare(kind, v, value) > 0);
    case 'GTE':
      return some((v) => compare(kind, v, value) >= 0);
    case 'BETWEEN':
      return some((v) => compare(kind, v, value) >= 0 && compare(kind, v, filter.highValue ?? '') <= 0);
    case 'IN':
      return some((v) => filter.values!.some((f) => equals(v, f)));
    case 'NOT_IN':
      return !some((v) => filter.values!.some((f) => equals(v, f)));
    case 'HAS_PROPERTY':
      return values.length > 0;
    case 'NOT_HAS_PROPERTY':
      return values.length === 0;
    case 'CONTAINS_TOKEN':
      return some((v) => containsToken(v, value));
    case 'NOT_CONTAINS_TOKEN':
      return !some((v) => containsToken(v, value));
  }
}

/** A custom object's `query` looks in its schema's searchable properties and its primary display property. */
function queryPropertiesOf(portal: Portal, type: ObjectTypeInfo): string[] {
  const schema = type.custom ? portal.schemas.byObjectTypeId(type.id) : undefined;
  if (!schema) return QUERY_PROPERTIES[type.name] ?? [];
  return [...new Set([...schema.searchableProperties, ...(schema.primaryDisplayProperty ? [schema.primaryDisplayProperty] : [])])];
}

/** `query`: every word must prefix a token of one of the type's default searchable properties. */
function matchesQuery(queryProperties: string[], record: CrmRecord, query: string): boolean {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return true;
  const tokens = queryProperties.flatMap((p) => (record.properties[p] ? [...tokensOf(record.properties[p]!)] : []));
  return terms.every((term) => tokens.some((t) => t.startsWith(term)));
}

function sortRecords(portal: Portal, type: ObjectTypeInfo, records: CrmRecord[], sorts: Sort[]): CrmRecord[] {
  if (sorts.length === 0) return records;
  const keyed = sorts.map((s) => {
    const def = liveProperty(portal, type, s.propertyName);
    return { ...s, def, kind: kindOf(def) };
  });
  return [...records].sort((a, b) => {
    for (const s of keyed) {
      const [va] = valuesOf(portal, type, a, s.propertyName, s.def);
      const [vb] = valuesOf(portal, type, b, s.propertyName, s.def);
      if (va === undefined || vb === undefined) {
        if (va !== vb) return va === undefined ? 1 : -1;
        continue;
      }
      const c = compare(s.kind, va, vb);
      if (c !== 0) return s.descending ? -c : c;
    }
    return Number(a.id) - Number(b.id);
  });
}

/** Runs a search; the body of the 200 answer (crm-objects-v3 CollectionResponseWithTotalSimplePublicObject). */
export function searchRecords(portal: Portal, type: ObjectTypeInfo, body: unknown): Record<string, unknown> {
  const request = parseSearchRequest(body);
  const queryProperties = queryPropertiesOf(portal, type);
  const matching = recordsInIdOrder(portal, type).filter(
    (r) =>
      !r.archived &&
      (request.query === undefined || matchesQuery(queryProperties, r, request.query)) &&
      (request.filterGroups.length === 0 || request.filterGroups.some((group) => group.every((f) => matchesFilter(portal, type, r, f)))),
  );
  const sorted = sortRecords(portal, type, matching, request.sorts);
  const page = sorted.slice(request.after, request.after + request.limit);
  const nextAfter = request.after + request.limit;
  const hasNext = request.limit > 0 && nextAfter < sorted.length && nextAfter < SEARCH_MAX_RESULTS;
  return {
    total: sorted.length,
    results: page.map((r) => publicObject(portal, type, r, { properties: request.properties })),
    ...(hasNext ? { paging: { next: { after: String(nextAfter) } } } : {}),
  };
}
