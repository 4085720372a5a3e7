/**
 * A sample second subgraph for the supergraph demos (deploy/compose.yaml, `npm run deploy:local`, the scale-out
 * test): a "loyalty" service that adds points and a tier to HubSpot contacts by extending the gateway's Contact
 * entity by its key, and lists its top members as references the gateway resolves. Run alone:
 * `PORT=4002 tsx deploy/sample-subgraph/loyalty.ts` (or `node dist/deploy/sample-subgraph/loyalty.js` in the image).
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { FEDERATION_SPEC_URL } from '../../src/graphql/federation';
import { globalId, parseGlobalId } from '../../src/graphql/ids';

export const LOYALTY_SDL = `
extend schema @link(url: "${FEDERATION_SPEC_URL}", import: ["@key"])

type Contact @key(fields: "id") {
  id: ID!
  "Points in the loyalty programme: a pure function of the contact's HubSpot id in this sample."
  loyaltyPoints: Int!
  tier: LoyaltyTier!
}

enum LoyaltyTier { SILVER GOLD }

type Query {
  "The programme's top members: references to HubSpot contacts, which the gateway resolves."
  topMembers(first: Int! = 5): [Contact!]!
}
`;

/** The demo portal's first contacts (the emulator's seed numbers contacts from 101). */
export const DEFAULT_MEMBER_IDS = ['101', '102', '103', '104', '105'];

export const pointsOf = (contactGlobalId: string) => (Number(parseGlobalId(contactGlobalId).id) * 37) % 1000;

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export async function startLoyaltySubgraph(opts: { port?: number; host?: string; memberIds?: string[] } = {}): Promise<{ url: string; stop(): Promise<void> }> {
  const members = opts.memberIds ?? DEFAULT_MEMBER_IDS;
  const server = new ApolloServer({
    logger: quiet,
    stopOnTerminationSignals: false, // the caller decides when to stop (below: on SIGTERM/SIGINT)
    schema: buildSubgraphSchema({
      typeDefs: parse(LOYALTY_SDL),
      resolvers: {
        Query: { topMembers: (_root: unknown, { first }: { first: number }) => members.slice(0, Math.max(0, first)).map((id) => ({ id: globalId('contacts', id) })) },
        Contact: {
          __resolveReference: (ref: { id: string }) => ref,
          loyaltyPoints: (c: { id: string }) => pointsOf(c.id),
          tier: (c: { id: string }) => (pointsOf(c.id) >= 500 ? 'GOLD' : 'SILVER'),
        },
      } as never,
    }),
  });
  const { url } = await startStandaloneServer(server, { listen: { port: opts.port ?? 4002, host: opts.host ?? '127.0.0.1' } });
  return { url, stop: () => server.stop() };
}

if (require.main === module) {
  const port = Number(process.env.PORT ?? 4002);
  const memberIds = process.env.LOYALTY_MEMBER_IDS?.split(',').map((s) => s.trim()).filter(Boolean);
  startLoyaltySubgraph({ port, host: process.env.HOST ?? '127.0.0.1', ...(memberIds?.length ? { memberIds } : {}) }).then(
    ({ url, stop }) => {
      process.stdout.write(`Loyalty subgraph ready at ${url}\n`);
      const bye = () => void stop().then(() => process.exit(0));
      process.once('SIGTERM', bye);
      process.once('SIGINT', bye);
    },
    (e: unknown) => {
      process.stderr.write(`loyalty subgraph failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
