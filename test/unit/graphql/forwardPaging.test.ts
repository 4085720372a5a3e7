import { GraphQLError } from 'graphql';
import { forwardConnection, type ForwardPage } from '../../../src/graphql/forwardPaging';

/** A HubSpot-like list of 0..n-1 whose `after` is the index of the next item; pages hold at most `cap` items. */
function list(n: number, cap = 200) {
  const calls: Array<{ after: string | undefined; limit: number }> = [];
  const fetch = async (after: string | undefined, limit: number): Promise<ForwardPage<number>> => {
    calls.push({ after, limit });
    const start = after === undefined ? 0 : Number(after);
    const end = Math.min(n, start + Math.min(limit, cap));
    const results = Array.from({ length: end - start }, (_, i) => start + i);
    return { results, ...(end < n ? { paging: { next: { after: String(end) } } } : {}) };
  };
  return { fetch, calls };
}

describe('forwardConnection', () => {
  test('asks HubSpot for exactly `first` and says whether more follow', async () => {
    const hs = list(12);
    const page = await forwardConnection({ first: 5, after: null, maxPageSize: 200, fetch: hs.fetch });
    expect(page.nodes).toEqual([0, 1, 2, 3, 4]);
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: page.edges[4]!.cursor });
    expect(hs.calls).toEqual([{ after: undefined, limit: 5 }]);
    const last = await forwardConnection({ first: 10, after: page.pageInfo.endCursor, maxPageSize: 200, fetch: hs.fetch });
    expect(last.nodes).toEqual([5, 6, 7, 8, 9, 10, 11]);
    expect(last.pageInfo.hasNextPage).toBe(false);
  });

  test('resumes from a middle edge, reading that HubSpot page again only up to what is missing', async () => {
    const hs = list(30);
    const page = await forwardConnection({ first: 10, after: null, maxPageSize: 200, fetch: hs.fetch });
    const resumed = await forwardConnection({ first: 4, after: page.edges[6]!.cursor, maxPageSize: 200, fetch: hs.fetch });
    expect(resumed.nodes).toEqual([7, 8, 9, 10]);
    expect(hs.calls.at(-1)).toEqual({ after: undefined, limit: 11 });
  });

  test('fills the page across short HubSpot pages', async () => {
    const hs = list(20, 3);
    const page = await forwardConnection({ first: 7, after: null, maxPageSize: 200, fetch: hs.fetch });
    expect(page.nodes).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(hs.calls.map((c) => c.after)).toEqual([undefined, '3', '6']);
  });

  test('with a filter, reads whole pages and stops after maxPages with a cursor to go on from', async () => {
    const hs = list(1000, 50);
    const keep = (n: number) => n >= 180;
    const page = await forwardConnection({ first: 3, after: undefined, maxPageSize: 50, fetch: hs.fetch, keep, maxPages: 2 });
    expect(page.nodes).toEqual([]);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(hs.calls).toEqual([{ after: undefined, limit: 50 }, { after: '50', limit: 50 }]);
    const next = await forwardConnection({ first: 3, after: page.pageInfo.endCursor, maxPageSize: 50, fetch: hs.fetch, keep, maxPages: 2 });
    expect(next.nodes).toEqual([180, 181, 182]);
  });

  test('an empty list is an empty page; a cursor that is not ours is BAD_USER_INPUT', async () => {
    const empty = await forwardConnection({ first: 5, after: null, maxPageSize: 200, fetch: list(0).fetch });
    expect(empty).toEqual({ edges: [], nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });
    const bad = forwardConnection({ first: 5, after: 'bogus', maxPageSize: 200, fetch: list(3).fetch });
    await expect(bad).rejects.toBeInstanceOf(GraphQLError);
    await expect(bad).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });
});
