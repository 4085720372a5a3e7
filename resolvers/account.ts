import type { Resolvers } from '../src/generated/graphql';

/** The connected account: details and daily API usage (account-info v3). */
export const accountResolvers: Resolvers = {
  Query: {
    account: (_root, _args, { hubspot }) => hubspot.account.details(),
  },
  Account: {
    portalId: (account) => String(account.portalId),
    apiUsage: async (_account, _args, { hubspot }) => (await hubspot.account.dailyUsage()).results,
  },
};
