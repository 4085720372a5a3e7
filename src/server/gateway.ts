import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type NextFunction, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { GatewayContext } from '../context';
import { formatError } from '../graphql/errors';
import { buildSchema } from '../graphql/schema';
import { HubSpotClient, type CallOutcome } from '../hubspot/client';
import type { Transport } from '../hubspot/transport';
import { createHash } from 'node:crypto';
import { createKeyv } from '../cache/keyvStore';
import { MetadataCache } from '../cache/metadata';
import { CrmMetadata } from '../crm/metadata';
import { Loaders } from '../loaders';
import { MemoryBudget, RedisBudget } from '../hubspot/policy/budget';
import { RateLimiter } from '../hubspot/policy/limiter';
import { ResilientPolicy } from '../hubspot/policy/retry';
import { costReportPlugin } from './costPlugin';
import { graphiqlHandler } from './graphiql';
import { Readiness } from './readiness';

/** Largest accepted GraphQL request body. */
const BODY_LIMIT = '1mb';
/** The readiness probe's own timeout. */
const READY_TIMEOUT_MS = 3_000;

export interface GatewayDeps {
  config: Config;
  logger: Logger;
  /** The shared connection pool to HubSpot or the emulator. */
  transport: Transport;
  /** The HubSpot access token of the configured portal. */
  credential: () => string | Promise<string>;
  /** Told of every upstream call (tests and benchmarks count them). */
  onUpstreamCall?: (outcome: CallOutcome) => void;
}

export interface Gateway {
  app: express.Express;
  httpServer: Server;
  listen(port: number, host: string): Promise<{ url: string; port: number }>;
  /** Stops accepting, lets in-flight requests finish (Apollo's drain plugin), then resolves. */
  stop(): Promise<void>;
}

/** Cache scope of a credential: a hash of the token, so caches never mix portals (or tokens) and never hold the token. */
async function portalKeyOf(credential: () => string | Promise<string>): Promise<string> {
  return createHash('sha256').update(await credential()).digest('hex').slice(0, 24);
}

const jsonError = (res: Response, status: number, code: string, message: string) => res.status(status).json({ errors: [{ message, extensions: { code } }] });

/** The HTTP server: GraphQL (Apollo Server on Express 5), GraphiQL, /healthz and /readyz. */
export async function createGateway(deps: GatewayDeps): Promise<Gateway> {
  const { config, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const apollo = new ApolloServer<GatewayContext>({
    schema: buildSchema(),
    introspection: config.introspection,
    csrfPrevention: true,
    formatError,
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginLandingPageDisabled(), costReportPlugin()],
    logger: { debug: (m) => logger.debug(m), info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
  });
  await apollo.start();

  const metadataCache = new MetadataCache(createKeyv('hubspot-graphql:metadata', config.redisUrl), config.metadataTtlSeconds * 1000);
  // One budget per portal for the whole process — or, with Redis, for every instance.
  const limiter = new RateLimiter(config.redisUrl ? new RedisBudget(config.redisUrl) : new MemoryBudget(), {
    ...config.rateLimit,
    marginMs: Math.max(25, Math.round(config.rateLimit.windowMs * 0.01)),
  });
  const clientFor = (signal?: AbortSignal, log: Logger = logger, cost?: GatewayContext['cost'], policy?: ResilientPolicy) =>
    new HubSpotClient({
      transport: deps.transport,
      credential: deps.credential,
      ...(signal ? { signal } : {}),
      ...(policy ? { policy } : {}),
      onCall: (o) => {
        if (cost) cost.upstreamCalls++;
        log.debug({ operation: `${o.call.method} ${o.call.operation}`, status: o.status, ms: Math.round(o.durationMs) }, 'upstream call');
        deps.onUpstreamCall?.(o);
      },
    });
  const readiness = new Readiness(() => clientFor(AbortSignal.timeout(READY_TIMEOUT_MS)).account.details());

  app.use((req, res, next) => {
    const started = performance.now();
    const id = req.get('x-request-id') ?? randomUUID();
    res.setHeader('x-request-id', id);
    res.locals.log = logger.child({ requestId: id });
    res.on('finish', () => (res.locals.log as Logger).info({ method: req.method, path: req.originalUrl.split('?')[0], status: res.statusCode, ms: Math.round(performance.now() - started) }, 'request'));
    next();
  });
  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/readyz', async (_req, res) => {
    const r = await readiness.check();
    res.status(r.ready ? 200 : 503).json(r.ready ? { status: 'ready' } : { status: 'unavailable', reason: r.reason });
  });
  if (config.graphiql) app.get('/graphql', graphiqlHandler('/graphql'));
  app.use(
    '/graphql',
    express.json({ limit: BODY_LIMIT }),
    expressMiddleware(apollo, {
      context: async ({ res }): Promise<GatewayContext> => {
        const log = res.locals.log as Logger;
        const abort = new AbortController();
        res.once('close', () => abort.abort());
        // The request ends when the client goes away or its deadline passes, whichever is first.
        const deadline = Date.now() + config.requestDeadlineMs;
        const signal = AbortSignal.any([abort.signal, AbortSignal.timeout(config.requestDeadlineMs)]);
        // Every upstream call of the request listens on this signal; a deep query makes many.
        setMaxListeners(0, signal);
        const cost = { upstreamCalls: 0 };
        const portalKey = await portalKeyOf(deps.credential);
        const policy = new ResilientPolicy(limiter, config.retry, portalKey, deadline, signal);
        const hubspot = clientFor(signal, log, cost, policy);
        return { hubspot, loaders: new Loaders(hubspot), metadata: new CrmMetadata(hubspot, metadataCache, portalKey), logger: log, cost };
      },
    }),
  );
  app.use((_req: Request, res: Response) => jsonError(res, 404, 'NOT_FOUND', 'Not found: the GraphQL endpoint is /graphql'));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const type = (err as { type?: string })?.type;
    if (type === 'entity.parse.failed') return jsonError(res, 400, 'BAD_REQUEST', 'The request body is not valid JSON');
    if (type === 'entity.too.large') return jsonError(res, 413, 'BAD_REQUEST', `The request body exceeds ${BODY_LIMIT}`);
    logger.error({ err }, 'unhandled HTTP error');
    return jsonError(res, 500, 'INTERNAL', 'Internal error');
  });

  return {
    app,
    httpServer,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const actual = (httpServer.address() as AddressInfo).port;
          resolve({ url: `http://${host.includes(':') ? `[${host}]` : host}:${actual}/graphql`, port: actual });
        });
      }),
    stop: async () => {
      await apollo.stop();
      await metadataCache.disconnect();
      await limiter.close();
    },
  };
}
