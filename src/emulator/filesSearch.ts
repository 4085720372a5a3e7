import type { Request } from 'express';
import { queryBool, queryInt, queryList, queryString } from './context';
import { validationError } from './errors';

/**
 * `GET /files/v3/files/search` and `GET /files/v3/folders/search`: the query parameters files-v3 declares,
 * applied to the portal's live items. Exact values, `…Gte`/`…Lte` ranges, id lists, `sort` (`field` or
 * `-field`, several allowed), `limit` (default 10, at most 100) and an offset cursor (`after`, at most 10,000;
 * `before` pages back).
 */
export const SEARCH_MAX_LIMIT = 100;
export const SEARCH_MAX_OFFSET = 10_000;

type Value = string | number | boolean | undefined;

/** How a searchable field is read from an item, and how its query parameters compare. */
export interface SearchField<T> {
  get(item: T): Value;
  kind: 'text' | 'number' | 'date' | 'boolean';
  /** Parameters for exact, `Gte` and `Lte` matches (text: exact only). Default true. */
  filterable?: boolean;
  sortable?: boolean;
}

export type SearchFields<T> = Record<string, SearchField<T>>;

function parseNumber(req: Request, name: string): number | undefined {
  const v = queryString(req, name);
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw validationError(`Invalid value for query parameter ${name}: '${v}' is not a number`);
  return n;
}

function parseDate(req: Request, name: string): number | undefined {
  const v = queryString(req, name);
  if (v === undefined || v === '') return undefined;
  const t = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (Number.isNaN(t)) throw validationError(`Invalid value for query parameter ${name}: '${v}' is not a date-time`);
  return t;
}

const asNumber = (v: Value, kind: SearchField<unknown>['kind']) =>
  v === undefined ? undefined : kind === 'date' ? (typeof v === 'number' ? v : Date.parse(String(v))) : Number(v);

/** A predicate per query parameter given; an item matches when all hold. */
function predicates<T>(req: Request, fields: SearchFields<T>): Array<(item: T) => boolean> {
  const out: Array<(item: T) => boolean> = [];
  for (const [name, field] of Object.entries(fields)) {
    if (field.filterable === false) continue;
    if (field.kind === 'text') {
      const v = queryString(req, name);
      if (v !== undefined && v !== '') out.push((item) => String(field.get(item) ?? '').toLowerCase() === v.toLowerCase());
      continue;
    }
    if (field.kind === 'boolean') {
      if (queryString(req, name) === undefined) continue;
      const want = queryBool(req, name);
      out.push((item) => Boolean(field.get(item)) === want);
      continue;
    }
    const read = field.kind === 'date' ? parseDate : parseNumber;
    const value = (item: T) => asNumber(field.get(item), field.kind);
    const eq = read(req, name);
    const gte = read(req, `${name}Gte`);
    const lte = read(req, `${name}Lte`);
    if (eq !== undefined) out.push((item) => value(item) === eq);
    if (gte !== undefined) out.push((item) => (value(item) ?? -Infinity) >= gte);
    if (lte !== undefined) out.push((item) => (value(item) ?? Infinity) <= lte);
  }
  return out;
}

/** `sort=-size&sort=name` → a comparator; ids break ties so that paging is stable. */
function comparator<T>(req: Request, fields: SearchFields<T>, idOf: (item: T) => string): (a: T, b: T) => number {
  const rules = queryList(req, 'sort').map((raw) => {
    const desc = raw.startsWith('-');
    const name = desc ? raw.slice(1) : raw;
    const field = fields[name];
    if (!field || field.sortable === false) {
      const allowed = Object.entries(fields).filter(([, f]) => f.sortable !== false).map(([n]) => n);
      throw validationError(`Invalid value for query parameter sort: '${raw}' (sortable: ${allowed.join(', ')}, '-' for descending)`);
    }
    return { field, desc };
  });
  const compare = (x: Value, y: Value) => {
    if (x === y) return 0;
    if (x === undefined) return 1;
    if (y === undefined) return -1;
    return typeof x === 'string' && typeof y === 'string' ? x.localeCompare(y) : Number(x) - Number(y);
  };
  return (a, b) => {
    for (const { field, desc } of rules) {
      const c = compare(field.get(a), field.get(b));
      if (c !== 0) return desc ? -c : c;
    }
    return Number(idOf(a)) - Number(idOf(b));
  };
}

function offsetParam(req: Request, name: 'after' | 'before'): number | undefined {
  const raw = queryString(req, name);
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) > SEARCH_MAX_OFFSET) {
    throw validationError(`Invalid value for query parameter ${name}: '${raw}' must be an offset from 0 to ${SEARCH_MAX_OFFSET}`);
  }
  return Number(raw);
}

function pageLink(req: Request, name: 'after' | 'before', value: number): string {
  const url = new URL(req.originalUrl, `${req.protocol}://${req.get('host') ?? 'localhost'}`);
  url.searchParams.delete('after');
  url.searchParams.delete('before');
  url.searchParams.set(name, String(value));
  return url.toString();
}

/**
 * One page of matching items plus `paging` (`next.after` while more remain, `prev.before` past the first
 * page). `extra` holds the filters that are not plain field comparisons (name contains, path, id lists).
 */
export function searchPage<T>(req: Request, items: Iterable<T>, fields: SearchFields<T>, idOf: (item: T) => string, extra: Array<(item: T) => boolean>) {
  const limit = queryInt(req, 'limit', 10, 1, SEARCH_MAX_LIMIT);
  const after = offsetParam(req, 'after');
  const before = offsetParam(req, 'before');
  const tests = [...predicates(req, fields), ...extra];
  const matching = [...items].filter((item) => tests.every((t) => t(item))).sort(comparator(req, fields, idOf));
  const start = after ?? (before !== undefined ? Math.max(0, before - limit) : 0);
  const end = before !== undefined && after === undefined ? before : start + limit;
  const next = end < matching.length && end <= SEARCH_MAX_OFFSET ? { after: String(end), link: pageLink(req, 'after', end) } : undefined;
  const prev = start > 0 ? { before: String(start), link: pageLink(req, 'before', start) } : undefined;
  return {
    results: matching.slice(start, end),
    ...(next || prev ? { paging: { ...(next ? { next } : {}), ...(prev ? { prev } : {}) } } : {}),
  };
}

/** `ids=1,2` and `parentFolderIds=…`: int64 lists; a bad entry is a 400. */
export function idListParam(req: Request, name: string): Set<string> | undefined {
  const list = queryList(req, name);
  if (!list.length) return undefined;
  for (const id of list) if (!/^\d+$/.test(id)) throw validationError(`Invalid value for query parameter ${name}: '${id}' is not an id`);
  return new Set(list);
}
