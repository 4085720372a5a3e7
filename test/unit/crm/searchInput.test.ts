import { GraphQLError } from 'graphql';
import { SEARCH_LIMITS, searchPlan, type SearchArgs } from '../../../src/crm/searchInput';
import type { FilterInput } from '../../../src/generated/graphql';
import { encodeCursor } from '../../../src/graphql/ids';

/** The BAD_USER_INPUT a plan raises, as `path: message`. */
function rejection(args: SearchArgs): string {
  try {
    searchPlan(args);
  } catch (e) {
    expect(e).toBeInstanceOf(GraphQLError);
    expect((e as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
    expect((e as GraphQLError).message.startsWith(`${String((e as GraphQLError).extensions.field)}: `)).toBe(true);
    return (e as GraphQLError).message;
  }
  throw new Error(`expected ${JSON.stringify(args)} to be rejected`);
}

const where = (...filters: FilterInput[]): SearchArgs => ({ filterGroups: [{ filters }] });
const eq: FilterInput = { propertyName: 'email', operator: 'EQ', value: 'a@b.test' };

describe('searchPlan', () => {
  test('no arguments: an empty search of the first 10 results', () => {
    expect(searchPlan({})).toEqual({ request: { filterGroups: [], sorts: [], limit: 10, after: '0' }, offset: 0, first: 10 });
  });

  test('translates filters, keeping only the fields each operator takes', () => {
    const plan = searchPlan({
      query: 'ada',
      filterGroups: [
        { filters: [eq, { propertyName: 'amount', operator: 'BETWEEN', value: '1', highValue: '9' }] },
        { filters: [{ propertyName: 'lifecyclestage', operator: 'IN', values: ['lead', 'customer'] }, { propertyName: 'phone', operator: 'HAS_PROPERTY' }] },
      ],
      first: 50,
    });
    expect(plan.request).toEqual({
      query: 'ada',
      filterGroups: [
        { filters: [{ propertyName: 'email', operator: 'EQ', value: 'a@b.test' }, { propertyName: 'amount', operator: 'BETWEEN', value: '1', highValue: '9' }] },
        { filters: [{ propertyName: 'lifecyclestage', operator: 'IN', values: ['lead', 'customer'] }, { propertyName: 'phone', operator: 'HAS_PROPERTY' }] },
      ],
      sorts: [],
      limit: 50,
      after: '0',
    });
  });

  test('sorts go out as the spec types them: "name" ascending, "-name" descending', () => {
    expect(searchPlan({ sorts: [{ propertyName: 'createdate', direction: 'DESCENDING' }] }).request.sorts).toEqual(['-createdate']);
    expect(searchPlan({ sorts: [{ propertyName: 'amount', direction: 'ASCENDING' }] }).request.sorts).toEqual(['amount']);
    expect(searchPlan({ sorts: [{ propertyName: 'amount', direction: null }] }).request.sorts).toEqual(['amount']);
  });

  test('cursors: HubSpot after plus a position become the offset sent', () => {
    expect(searchPlan({ after: encodeCursor({ a: '20', o: 3 }), first: 5 })).toMatchObject({ request: { after: '23', limit: 5 }, offset: 23 });
    expect(searchPlan({ after: encodeCursor({ o: 7 }) })).toMatchObject({ request: { after: '7' }, offset: 7 });
  });

  test('first 0 asks HubSpot for one result, only for the total', () => {
    expect(searchPlan({ first: 0, after: encodeCursor({ a: '40', o: 0 }) })).toMatchObject({ request: { limit: 1, after: '0' }, offset: 40, first: 0 });
  });

  test('HubSpot caps: 5 groups, 10 filters a group, 25 in all — at the cap passes, past it fails', () => {
    const groups = (count: number, per: number): SearchArgs => ({ filterGroups: Array.from({ length: count }, () => ({ filters: Array.from({ length: per }, () => eq) })) });
    expect(searchPlan(groups(5, 5)).request.filterGroups).toHaveLength(5);
    expect(searchPlan(groups(1, 10)).request.filterGroups[0]!.filters).toHaveLength(10);
    expect(rejection(groups(6, 1))).toMatch(/^filterGroups: HubSpot takes at most 5 filter groups, got 6/);
    expect(rejection(groups(2, 11))).toMatch(/^filterGroups\[0\]\.filters: HubSpot takes at most 10 filters in a group, got 11/);
    expect(rejection(groups(3, 9))).toMatch(/^filterGroups: HubSpot takes at most 25 filters in all groups together, got 27/);
    expect(rejection({ filterGroups: [{ filters: [eq] }, { filters: [] }] })).toMatch(/^filterGroups\[1\]\.filters: a filter group needs at least one filter/);
  });

  test.each<[string, FilterInput, RegExp]>([
    ['BETWEEN without highValue', { propertyName: 'amount', operator: 'BETWEEN', value: '1' }, /\.highValue: operator BETWEEN needs a highValue/],
    ['BETWEEN without value', { propertyName: 'amount', operator: 'BETWEEN', highValue: '1' }, /\.value: operator BETWEEN needs a value/],
    ['BETWEEN with values', { propertyName: 'amount', operator: 'BETWEEN', value: '1', highValue: '2', values: ['3'] }, /\.values: operator BETWEEN takes no values/],
    ['IN without values', { propertyName: 'x', operator: 'IN' }, /\.values: operator IN needs a non-empty list of values/],
    ['IN with empty values', { propertyName: 'x', operator: 'IN', values: [] }, /\.values: operator IN needs a non-empty list/],
    ['NOT_IN with a value', { propertyName: 'x', operator: 'NOT_IN', values: ['a'], value: 'a' }, /\.value: operator NOT_IN takes no value/],
    ['HAS_PROPERTY with a value', { propertyName: 'x', operator: 'HAS_PROPERTY', value: 'a' }, /\.value: operator HAS_PROPERTY takes no value/],
    ['NOT_HAS_PROPERTY with values', { propertyName: 'x', operator: 'NOT_HAS_PROPERTY', values: ['a'] }, /\.values: operator NOT_HAS_PROPERTY takes no values/],
    ['EQ without a value', { propertyName: 'x', operator: 'EQ' }, /\.value: operator EQ needs a value/],
    ['CONTAINS_TOKEN with highValue', { propertyName: 'x', operator: 'CONTAINS_TOKEN', value: 'a', highValue: 'b' }, /\.highValue: operator CONTAINS_TOKEN takes no highValue/],
    ['GT with values', { propertyName: 'x', operator: 'GT', value: '1', values: ['2'] }, /\.values: operator GT takes no values/],
    ['an empty property name', { propertyName: ' ', operator: 'EQ', value: 'a' }, /\.propertyName: must not be empty/],
  ])('rejects %s, naming the filter', (_name, filter, pattern) => {
    const message = rejection({ filterGroups: [{ filters: [eq] }, { filters: [eq, filter] }] });
    expect(message.startsWith('filterGroups[1].filters[1].')).toBe(true);
    expect(message).toMatch(pattern);
  });

  test('query at most 3000 characters', () => {
    expect(searchPlan({ query: 'x'.repeat(SEARCH_LIMITS.queryLength) }).request.query).toHaveLength(3000);
    expect(rejection({ query: 'x'.repeat(3001) })).toMatch(/^query: HubSpot takes at most 3000 characters, got 3001/);
  });

  test('first 0..200', () => {
    expect(searchPlan({ first: 200 }).first).toBe(200);
    expect(rejection({ first: 201 })).toMatch(/^first: must be from 0 to 200, got 201/);
    expect(rejection({ first: -1 })).toMatch(/^first: must be from 0 to 200/);
  });

  test('after must be a search cursor of ours', () => {
    expect(rejection({ after: 'garbage' })).toMatch(/^after: 'garbage' is not a valid cursor/);
    expect(rejection({ after: encodeCursor({ a: 'not-an-offset', o: 1 }) })).toMatch(/^after: .* is not a search cursor/);
  });

  test('at most 10,000 results can be paged through', () => {
    expect(searchPlan({ after: encodeCursor({ a: '9800', o: 0 }), first: 200 }).offset).toBe(9800);
    expect(rejection({ after: encodeCursor({ a: '9800', o: 1 }), first: 200 })).toMatch(/^first: .*at most 10000 results.*ask for at most 199/);
    expect(rejection({ after: encodeCursor({ a: '10000', o: 0 }), first: 1 })).toMatch(/^after: .*at most 10000 results/);
    expect(searchPlan({ after: encodeCursor({ a: '10000', o: 0 }), first: 0 }).offset).toBe(10000);
  });

  test('sorts: one rule, a real property name', () => {
    const two = [{ propertyName: 'a' }, { propertyName: 'b' }];
    expect(rejection({ sorts: two })).toMatch(/^sorts: HubSpot applies one sort rule per search, got 2/);
    expect(rejection({ sorts: [{ propertyName: '' }] })).toMatch(/^sorts\[0\]\.propertyName: must not be empty/);
    expect(rejection({ sorts: [{ propertyName: '-amount' }] })).toMatch(/^sorts\[0\]\.propertyName: '-amount' is not a property name/);
  });
});
