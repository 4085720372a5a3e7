import type { Resolvers } from '../src/generated/graphql';

/**
 * `rateLimit`: this operation's estimated cost (set by the cost plugin before execution) and the portal's rate
 * limit now. `dryRun` is acted on by the cost plugin, which then runs nothing but this field.
 */
export const rateLimitResolvers: Resolvers = {
  Query: {
    rateLimit: async (_root, _args, { cost }) => {
      const status = await cost.rateLimit();
      return { cost: cost.estimated ?? 0, limit: status.limit, remaining: status.remaining, resetAt: status.resetAt.toISOString() };
    },
  },
};
