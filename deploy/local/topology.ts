/**
 * The deployment's topology as processes on one machine: the HubSpot emulator, N gateway instances sharing Redis
 * (FEDERATION on), the sample loyalty subgraph, the load balancer in front of the gateways, and a supergraph
 * router (@apollo/gateway, in place of Apollo Router's binary) in front of the balancer and the subgraph.
 * `npm run deploy:local` runs it; the scale-out test starts the same pieces with its own settings.
 */
import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { generateApiKey } from '../../src/auth/apiKeys';
import { DEFAULT_DEMO_TOKEN, DEFAULT_WEBHOOK_APP } from '../../src/emulator/options';
import { startBalancer, type Balancer } from '../lb/balancer';
import { startEmulatorProcess, startGatewayProcess, startLoyaltyProcess, type RunningProcess } from './processes';

export interface TopologyOptions {
  instances?: number;
  redisUrl: string;
  /** Settings of every gateway instance, over the defaults below. */
  gatewayEnv?: Record<string, string>;
  /** Settings of the emulator. */
  emulatorEnv?: Record<string, string>;
  /** The token the gateways use; it must be one of the emulator's EMULATOR_TOKENS. */
  token?: string;
  lbPort?: number;
  routerPort?: number;
  /** Start the loyalty subgraph and the router in front. Default true. */
  supergraph?: boolean;
  /** The callers' API key (X-API-Key); default a new one, whose hash the instances get in API_KEY_HASHES. */
  apiKey?: { key: string; hash: string };
}

export interface Topology {
  emulator: RunningProcess;
  gateways: RunningProcess[];
  lb: Balancer;
  loyalty?: RunningProcess;
  /** The supergraph's GraphQL URL. */
  routerUrl?: string;
  /** What callers send as X-API-Key (to the balancer, or to the router, which passes it on). */
  apiKey: string;
  stop(): Promise<void>;
}

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * A supergraph router composing its subgraphs from their `_service { sdl }` (what rover does from subgraph_url).
 * It passes the caller's X-API-Key and Authorization on to the subgraphs, as deploy/router.yaml has Apollo Router do;
 * composing (introspecting `_service`) uses `ownKey`.
 */
async function startRouter(subgraphs: Array<{ name: string; url: string }>, port: number, ownKey: string): Promise<{ url: string; stop(): Promise<void> }> {
  const PASSED_ON = ['x-api-key', 'authorization'];
  class PassHeaders extends RemoteGraphQLDataSource<{ headers?: Record<string, string | string[] | undefined> }> {
    override willSendRequest({ request, context }: Parameters<NonNullable<RemoteGraphQLDataSource['willSendRequest']>>[0] & { context: { headers?: Record<string, string | string[] | undefined> } }) {
      const incoming = context.headers;
      if (!incoming) request.http?.headers.set('x-api-key', ownKey); // composition's own _service query
      for (const h of PASSED_ON) {
        const v = incoming?.[h];
        if (typeof v === 'string') request.http?.headers.set(h, v);
      }
    }
  }
  const gateway = new ApolloGateway({ supergraphSdl: new IntrospectAndCompose({ subgraphs }), logger: quiet, buildService: ({ url }) => new PassHeaders({ url }) });
  // stopOnTerminationSignals off: Ctrl-C is run.ts's to handle (it stops every process, then exits).
  const server = new ApolloServer<{ headers: Record<string, string | string[] | undefined> }>({ gateway, logger: quiet, stopOnTerminationSignals: false });
  const { url } = await startStandaloneServer(server, { listen: { port, host: '127.0.0.1' }, context: async ({ req }) => ({ headers: req.headers }) });
  return { url, stop: () => server.stop() };
}

export async function startTopology(opts: TopologyOptions): Promise<Topology> {
  const started: Array<{ stop(): Promise<void> }> = [];
  const stop = async () => {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
  };
  try {
    const token = opts.token ?? DEFAULT_DEMO_TOKEN;
    const apiKey = opts.apiKey ?? generateApiKey();
    const emulator = await startEmulatorProcess({ LOG_LEVEL: 'warn', ...opts.emulatorEnv });
    started.push(emulator);
    const env = {
      HUBSPOT_TOKEN: token,
      HUBSPOT_BASE_URL: emulator.url,
      // The emulator's demo app: its webhook deliveries are signed with this secret, its key manages the subscriptions.
      WEBHOOK_CLIENT_SECRET: DEFAULT_WEBHOOK_APP.clientSecret,
      HUBSPOT_APP_ID: String(DEFAULT_WEBHOOK_APP.appId),
      HUBSPOT_DEVELOPER_API_KEY: DEFAULT_WEBHOOK_APP.developerApiKeys[0]!,
      FEDERATION: 'true',
      REDIS_URL: opts.redisUrl,
      LOG_LEVEL: 'warn',
      API_KEY_HASHES: apiKey.hash,
      ...opts.gatewayEnv,
    };
    const gateways = await Promise.all(Array.from({ length: opts.instances ?? 2 }, (_, i) => startGatewayProcess(`gateway-${i + 1}`, env)));
    started.push(...gateways);
    const lb = await startBalancer({ backends: gateways.map((g) => new URL(g.url).origin), healthIntervalMs: 500 }, opts.lbPort ?? 0);
    started.push({ stop: () => lb.close() });
    const topology: Topology = { emulator, gateways, lb, apiKey: apiKey.key, stop };
    if (opts.supergraph ?? true) {
      topology.loyalty = await startLoyaltyProcess();
      started.push(topology.loyalty);
      const router = await startRouter([{ name: 'hubspot', url: `${lb.url}/graphql` }, { name: 'loyalty', url: topology.loyalty.url }], opts.routerPort ?? 0, apiKey.key);
      started.push(router);
      topology.routerUrl = router.url;
    }
    return topology;
  } catch (e) {
    await stop();
    throw e;
  }
}
