import type { Resolvers } from '../src/generated/graphql';
import { decodeCursor, encodeCursor, pageSize } from '../src/graphql/ids';
import { HubSpotError } from '../src/hubspot/errors';

/** Owners list page size HubSpot serves at most. */
const MAX_OWNERS_PAGE = 500;

/** Owners (crm owners v3). Single owners by id come from the cached owner list; lists go to HubSpot. */
export const ownerResolvers: Resolvers = {
  Query: {
    owners: async (_root, { first, after, email, archived }, { hubspot }) => {
      const limit = pageSize(first, MAX_OWNERS_PAGE, 100);
      const cursor = decodeCursor(after);
      const res = await hubspot.owners.list({ limit, ...(cursor.a ? { after: cursor.a } : {}), ...(email ? { email } : {}), archived: archived ?? false });
      const next = res.paging?.next?.after;
      const edges = res.results.map((node, i) => ({ node, cursor: i === res.results.length - 1 && next ? encodeCursor({ a: next, o: 0 }) : encodeCursor({ ...(cursor.a ? { a: cursor.a } : {}), o: i + 1 }) }));
      return { edges, nodes: res.results, pageInfo: { hasNextPage: next !== undefined, endCursor: edges.at(-1)?.cursor ?? null } };
    },
    owner: async (_root, { id, idProperty }, { hubspot, metadata }) => {
      if (idProperty !== 'USER_ID') return metadata.owner(id);
      return hubspot.owners.get(id, { idProperty: 'userId' }).catch((e: unknown) => {
        if (e instanceof HubSpotError && e.status === 404) return null;
        throw e;
      });
    },
  },
  Owner: {
    teams: (o) => o.teams ?? [],
  },
};
