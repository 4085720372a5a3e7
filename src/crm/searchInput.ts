import { GraphQLError } from 'graphql';
import type { FilterGroupInput, FilterInput, SortInput } from '../generated/graphql';
import { decodeCursor, pageSize } from '../graphql/ids';
import type { Filter, SearchRequest } from '../hubspot/types';

/**
 * HubSpot's limits on one search (crm-objects-v3 `PublicObjectSearchRequest`; the filter caps are those of
 * HubSpot's changelog effective 2024-08-26, stricter than the spec's "up to 6 groups"). Checking them here
 * turns a would-be 400 from HubSpot into a BAD_USER_INPUT that names the argument, and saves the call.
 */
export const SEARCH_LIMITS = {
  filterGroups: 5,
  filtersPerGroup: 10,
  filters: 25,
  queryLength: 3000,
  pageSize: 200,
  /** Results a search can page through, whatever the page size. */
  results: 10_000,
  /** HubSpot applies a single sort rule per search. */
  sorts: 1,
} as const;

/** The arguments every `search…` root field takes. */
export interface SearchArgs {
  query?: string | null;
  filterGroups?: readonly FilterGroupInput[] | null;
  sorts?: readonly SortInput[] | null;
  first?: number | null;
  after?: string | null;
}

/** A validated search: HubSpot's request body (less `properties`, which the selection decides) and the page asked for. */
export interface SearchPlan {
  request: Omit<SearchRequest, 'properties'> & { filterGroups: Array<{ filters: Filter[] }>; sorts: string[]; limit: number; after: string };
  /** Position of the page's first result among all matches: HubSpot's search cursor is this offset. */
  offset: number;
  /** Results asked for. With 0 the request still asks for one result, for `total`, and the results are dropped. */
  first: number;
}

function badInput(path: string, message: string): GraphQLError {
  return new GraphQLError(`${path}: ${message}`, { extensions: { code: 'BAD_USER_INPUT', field: path } });
}

/** Which of value / highValue / values each operator takes (crm-objects-v3 `Filter`, HubSpot's search guide). */
type Shape = 'single' | 'range' | 'list' | 'none';

function shapeOf(operator: FilterInput['operator']): Shape {
  switch (operator) {
    case 'BETWEEN':
      return 'range';
    case 'IN':
    case 'NOT_IN':
      return 'list';
    case 'HAS_PROPERTY':
    case 'NOT_HAS_PROPERTY':
      return 'none';
    default:
      return 'single';
  }
}

const present = (v: unknown) => v !== null && v !== undefined;

function toFilter(f: FilterInput, path: string): Filter {
  if (f.propertyName.trim() === '') throw badInput(`${path}.propertyName`, 'must not be empty');
  const shape = shapeOf(f.operator);
  const takes = { value: shape === 'single' || shape === 'range', highValue: shape === 'range', values: shape === 'list' };
  for (const key of ['value', 'highValue', 'values'] as const) {
    if (present(f[key]) && !takes[key]) throw badInput(`${path}.${key}`, `operator ${f.operator} takes no ${key}`);
  }
  if (takes.value && !present(f.value)) throw badInput(`${path}.value`, `operator ${f.operator} needs a value`);
  if (takes.highValue && !present(f.highValue)) throw badInput(`${path}.highValue`, `operator ${f.operator} needs a highValue`);
  if (takes.values && !f.values?.length) throw badInput(`${path}.values`, `operator ${f.operator} needs a non-empty list of values`);
  return {
    propertyName: f.propertyName,
    operator: f.operator,
    ...(takes.value ? { value: f.value! } : {}),
    ...(takes.highValue ? { highValue: f.highValue! } : {}),
    ...(takes.values ? { values: [...f.values!] } : {}),
  };
}

function toFilterGroups(groups: readonly FilterGroupInput[]): Array<{ filters: Filter[] }> {
  if (groups.length > SEARCH_LIMITS.filterGroups) {
    throw badInput('filterGroups', `HubSpot takes at most ${SEARCH_LIMITS.filterGroups} filter groups, got ${groups.length}`);
  }
  let total = 0;
  const out = groups.map((group, g) => {
    const path = `filterGroups[${g}].filters`;
    // An empty group would match every record and so silently void the other (ORed) groups.
    if (group.filters.length === 0) throw badInput(path, 'a filter group needs at least one filter');
    if (group.filters.length > SEARCH_LIMITS.filtersPerGroup) {
      throw badInput(path, `HubSpot takes at most ${SEARCH_LIMITS.filtersPerGroup} filters in a group, got ${group.filters.length}`);
    }
    total += group.filters.length;
    return { filters: group.filters.map((f, i) => toFilter(f, `${path}[${i}]`)) };
  });
  if (total > SEARCH_LIMITS.filters) throw badInput('filterGroups', `HubSpot takes at most ${SEARCH_LIMITS.filters} filters in all groups together, got ${total}`);
  return out;
}

/**
 * Sorts as the spec types them: strings, `name` ascending and `-name` descending. (HubSpot's guide shows
 * `{propertyName, direction}` objects instead; the spec is our wire contract.)
 */
function toSorts(sorts: readonly SortInput[]): string[] {
  if (sorts.length > SEARCH_LIMITS.sorts) throw badInput('sorts', `HubSpot applies one sort rule per search, got ${sorts.length}`);
  return sorts.map((s, i) => {
    const name = s.propertyName.trim();
    if (name === '') throw badInput(`sorts[${i}].propertyName`, 'must not be empty');
    // A leading '-' would read as "descending" on the wire.
    if (name.startsWith('-')) throw badInput(`sorts[${i}].propertyName`, `'${name}' is not a property name`);
    return s.direction === 'DESCENDING' ? `-${name}` : name;
  });
}

/** The offset a search cursor points at. Our cursors carry HubSpot's `after` (an offset) and a position past it. */
function offsetOf(after: string | null | undefined): number {
  let cursor;
  try {
    cursor = decodeCursor(after);
  } catch {
    throw badInput('after', `'${after}' is not a valid cursor`);
  }
  if (cursor.a !== undefined && !/^\d+$/.test(cursor.a)) throw badInput('after', `'${after}' is not a search cursor`);
  return Number(cursor.a ?? 0) + cursor.o;
}

function checkPage(first: number | null | undefined, offset: number): number {
  let n: number;
  try {
    n = pageSize(first, SEARCH_LIMITS.pageSize);
  } catch {
    throw badInput('first', `must be from 0 to ${SEARCH_LIMITS.pageSize}, got ${first}`);
  }
  if (offset >= SEARCH_LIMITS.results && n > 0) {
    throw badInput('after', `a search can page through at most ${SEARCH_LIMITS.results} results and this cursor is at result ${offset + 1}; narrow the filters instead`);
  }
  if (offset + n > SEARCH_LIMITS.results) {
    throw badInput('first', `a search can page through at most ${SEARCH_LIMITS.results} results, and results ${offset + 1}–${offset + n} go past that; ask for at most ${SEARCH_LIMITS.results - offset}`);
  }
  return n;
}

/**
 * Checks a search's arguments against HubSpot's rules and limits and translates them into HubSpot's request.
 * Every problem is a BAD_USER_INPUT naming the argument, raised before any upstream call.
 */
export function searchPlan(args: SearchArgs): SearchPlan {
  const offset = offsetOf(args.after);
  const first = checkPage(args.first, offset);
  if (present(args.query) && args.query!.length > SEARCH_LIMITS.queryLength) {
    throw badInput('query', `HubSpot takes at most ${SEARCH_LIMITS.queryLength} characters, got ${args.query!.length}`);
  }
  const filterGroups = toFilterGroups(args.filterGroups ?? []);
  const sorts = toSorts(args.sorts ?? []);
  return {
    request: {
      ...(present(args.query) ? { query: args.query! } : {}),
      filterGroups,
      sorts,
      // Page size 0 still needs one result's worth of call for `total`; any offset gives the same total.
      limit: first === 0 ? 1 : first,
      after: first === 0 ? '0' : String(offset),
    },
    offset,
    first,
  };
}
