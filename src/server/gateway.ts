import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { setMaxListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { GatewayContext, RequestCost } from '../context';
import { formatError } from '../graphql/errors';
import { maxAliasesRule, maxDepthRule } from '../graphql/limits';
import { PortalSchemaHost } from '../portalSchema/host';
import { schemaCredential } from '../portalSchema/portal';
import { createSchemaChangeChannel } from '../events/schemaChanges';
import { HubSpotClient, type CallOutcome, type CallPolicy, type HubSpotCall } from '../hubspot/client';
import { HubSpotError } from '../hubspot/errors';
import { PrivateAppCredentials, type CredentialProvider, type RequestCredential } from '../auth/credentials';
import { RenewingPolicy } from '../auth/renewingPolicy';
import type { Transport } from '../hubspot/transport';
import { createKeyv } from '../cache/keyvStore';
import { MetadataCache } from '../cache/metadata';
import { CrmMetadata } from '../crm/metadata';
import { Loaders } from '../loaders';
import { MemoryBudget, RedisBudget } from '../hubspot/policy/budget';
import { RateLimiter } from '../hubspot/policy/limiter';
import { ResilientPolicy } from '../hubspot/policy/retry';
import { costPlugin } from './costPlugin';
import { CallerAuth } from '../auth/callers';
import { createCallerGate } from './callerAuth';
import { cors } from './cors';
import { limitVariables, requireJson } from './bodyLimits';
import { createPersistedQueries } from './persistedQueries';
import { requestIdOf } from './requestId';
import { GatewayMetrics } from './metrics';
import { createTracing } from './tracing';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { graphiqlHandler } from './graphiql';
import { Readiness } from './readiness';
import { graphqlUploads } from './upload';
import { sendError } from './httpErrors';
import { createEventBus } from '../events/bus';
import { invalidateOnEvents } from '../events/invalidation';
import { PortalDirectory } from '../events/portals';
import { attachSubscriptions } from './subscriptions';
import type { EventBus } from '../events/types';
import { createWebhookReceiver } from '../webhooks/receiver';
import { createReplayGuard } from '../webhooks/replayGuard';

/** The readiness probe's own timeout. */
const READY_TIMEOUT_MS = 3_000;

export interface GatewayDeps {
  config: Config;
  logger: Logger;
  /** The shared connection pool to HubSpot or the emulator. */
  transport: Transport;
  /** Gives each GraphQL request its HubSpot token and portal key (src/auth/). Default: `credential` as a private-app token. */
  credentials?: CredentialProvider;
  /** The HubSpot access token of the configured portal, when `credentials` is not given. */
  credential?: () => string | Promise<string>;
  /** The OAuth install flow (OAuth app mode), mounted at /oauth. */
  oauthRoutes?: Router;
  /** Told of every upstream call (tests and benchmarks count them). */
  onUpstreamCall?: (outcome: CallOutcome) => void;
  /** Receives the gateway's OpenTelemetry spans in place of the configured exporter, and turns tracing on (tests). */
  spanExporter?: SpanExporter;
  /** The bus CRM events travel on: POST /webhooks/hubspot publishes HubSpot's deliveries to it. Default: one made from the config. */
  events?: EventBus;
}

export interface Gateway {
  app: express.Express;
  httpServer: Server;
  listen(port: number, host: string): Promise<{ url: string; port: number }>;
  /** Stops accepting, lets in-flight requests finish (Apollo's drain plugin), then resolves. */
  stop(): Promise<void>;
  /** The CRM events GraphQL subscriptions and cache invalidation consume: `deps.events`, or a bus made from the config. */
  events: EventBus;
  /** The schema being served: the base graph and the configured portal's own types (src/portalSchema), reloadable. */
  portalSchema: PortalSchemaHost;
}

/** The HTTP server: GraphQL (Apollo Server on Express 5), GraphiQL, /healthz and /readyz. */
export async function createGateway(deps: GatewayDeps): Promise<Gateway> {
  const { config, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  // The schema, extended with the configured portal's own types and swapped when they change (src/portalSchema):
  // Apollo takes it as a "gateway", so each request keeps the schema it started with. FEDERATION=true serves it as
  // an Apollo Federation 2 subgraph (src/graphql/federation.ts); subscriptions always get the plain one.
  const portalSchema = new PortalSchemaHost({
    federation: config.federation,
    logger,
    refreshSeconds: config.portalSchema.refreshSeconds,
    // Redis only when the portal schema is on: a host without a portal never publishes nor listens (no connections).
    changes: createSchemaChangeChannel(config.portalSchema.enabled ? config.redisUrl : undefined, config.eventsChannel, logger),
    ...(config.portalSchema.enabled ? { client: () => schemaClient() } : {}),
  });
  // Observability (src/server/metrics.ts, tracing.ts): each is optional, and adds no hook at all when off.
  const metrics = config.metrics.enabled ? new GatewayMetrics() : undefined;
  const tracing = createTracing(config.tracing, deps.spanExporter);
  const retry = metrics || tracing ? { ...config.retry, onRetry: (call: HubSpotCall) => (metrics?.upstreamRetry(call), tracing?.retry(call)) } : config.retry;
  const apollo = new ApolloServer<GatewayContext>({
    gateway: portalSchema,
    introspection: config.introspection,
    csrfPrevention: true,
    // Persisted queries are ours (src/server/persistedQueries.ts): Apollo's cache would be one for every portal.
    persistedQueries: false,
    formatError,
    includeStacktraceInErrorResponses: false,
    // Limits of the document alone; the cost limit needs the variables and runs in costPlugin.
    validationRules: [maxDepthRule(config.queryLimits.maxDepth), maxAliasesRule(config.queryLimits.maxAliases)],
    // No cache hints in this schema: Apollo's default cache-control plugin would only wrap every resolver (willResolveField).
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), costPlugin({ maxCost: config.queryLimits.maxCost }), ...(metrics ? [metrics.plugin()] : []), ...(tracing ? [tracing.plugin()] : [])],
    logger: { debug: (m) => logger.debug(m), info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
  });

  const metadataCache = new MetadataCache(createKeyv('hubspot-graphql:metadata', config.redisUrl), config.metadataTtlSeconds * 1000, metrics && ((hit) => metrics.cacheLookup('metadata', hit)));
  // One budget per portal for the whole process — or, with Redis, for every instance.
  const limiter = new RateLimiter(config.redisUrl ? new RedisBudget(config.redisUrl) : new MemoryBudget(), {
    ...config.rateLimit,
    marginMs: Math.max(25, Math.round(config.rateLimit.windowMs * 0.01)),
  });
  // Caches and budgets are scoped by the credential's portal key: the portal id when known, else a hash of the token.
  const credentials = deps.credentials ?? new PrivateAppCredentials(deps.credential ?? (() => Promise.reject(new Error('createGateway needs credentials or credential'))));
  const clientFor = (signal: AbortSignal | undefined, log: Logger, cost: GatewayContext['cost'] | undefined, policy: CallPolicy | undefined, credential: () => string | Promise<string>) =>
    new HubSpotClient({
      transport: deps.transport,
      credential,
      ...(config.developerApp ? { developerApp: config.developerApp } : {}),
      ...(signal ? { signal } : {}),
      ...(policy ? { policy } : {}),
      onCall: (o) => {
        if (cost) cost.upstreamCalls++;
        metrics?.upstreamCall(o);
        tracing?.upstreamCall(cost, o);
        log.debug({ operation: `${o.call.method} ${o.call.operation}`, status: o.status, ms: Math.round(o.durationMs) }, 'upstream call');
        deps.onUpstreamCall?.(o);
      },
    });
  const readiness = new Readiness(async () => {
    const probe = credentials.probe();
    if (probe) return clientFor(AbortSignal.timeout(READY_TIMEOUT_MS), logger, undefined, undefined, () => probe.token()).account.details();
    // No token of its own (OAuth, pass-through): HubSpot answering at all is ready, and a 401 is an answer.
    return clientFor(AbortSignal.timeout(READY_TIMEOUT_MS), logger, undefined, undefined, () => '')
      .account.details()
      .catch((e: unknown) => {
        if (!(e instanceof HubSpotError && e.status === 401)) throw e;
      });
  });

  /**
   * One request's context — an HTTP request's, a subscription event's, or the gateway's own reads: a HubSpot client
   * for the credential's portal (rate-limited, retried, renewing OAuth tokens), new loaders and a metadata memo.
   */
  const createRequestContext = async (credentialOrPending: RequestCredential | Promise<RequestCredential>, log: Logger, clientGone: AbortSignal): Promise<GatewayContext> => {
    // The request ends when the client goes away or its deadline passes, whichever is first.
    const deadline = Date.now() + config.requestDeadlineMs;
    const signal = AbortSignal.any([clientGone, AbortSignal.timeout(config.requestDeadlineMs)]);
    // Every upstream call of the request listens on this signal; a deep query makes many.
    setMaxListeners(0, signal);
    const credential = await credentialOrPending;
    const portalKey = credential.portalKey;
    const cost: RequestCost = { upstreamCalls: 0, rateLimit: () => limiter.status(portalKey) };
    // A 401 to a renewable (OAuth) token renews it once and resends the call, inside the rate limit and retries.
    const policy = new RenewingPolicy(new ResilientPolicy(limiter, retry, portalKey, deadline, signal), credential);
    const hubspot = clientFor(signal, log, cost, policy, policy.token);
    return { hubspot, portalKey, loaders: new Loaders(hubspot), metadata: new CrmMetadata(hubspot, metadataCache, portalKey), logger: log, cost };
  };

  /**
   * A client for reading the portal's own schema: rate-limited and retried like a request's, but not one (its calls
   * are logged, not counted in any request's cost or reported to onUpstreamCall).
   */
  const schemaClient = async (): Promise<{ client: HubSpotClient; portalKey: string } | undefined> => {
    const credential = await schemaCredential(credentials, config.portalSchema);
    if (!credential) return undefined;
    const signal = AbortSignal.timeout(config.requestDeadlineMs);
    setMaxListeners(0, signal); // one read of the portal makes a call per object type
    const policy = new RenewingPolicy(new ResilientPolicy(limiter, retry, credential.portalKey, Date.now() + config.requestDeadlineMs, signal), credential);
    const client = new HubSpotClient({
      transport: deps.transport, credential: policy.token, policy, signal,
      onCall: (o) => (metrics?.upstreamCall(o), logger.debug({ operation: `${o.call.method} ${o.call.operation}`, status: o.status, ms: Math.round(o.durationMs) }, 'portal schema read')),
    });
    return { client, portalKey: credential.portalKey };
  };
  // After createRequestContext and schemaClient: starting loads the portal's schema.
  await apollo.start();

  // Who may call (src/auth/callers.ts), and the credential each caller gets, bound to its portal (callerAuth.ts).
  const portals = new PortalDirectory();
  const callerAuth = new CallerAuth(config.callerAuth, credentials.mode === 'pass-through', logger);
  if (!callerAuth.enabled && config.callerAuth.allowUnauthenticated) {
    logger.warn('caller authentication is OFF (ALLOW_UNAUTHENTICATED_CALLERS): anyone who can reach this gateway can use its HubSpot credential');
  }
  const callerGate = createCallerGate({
    callerAuth,
    credentials,
    logger,
    portalOf: (credential) =>
      portals.portalIdOf(credential.portalKey, async () => (await createRequestContext(credential, logger, AbortSignal.timeout(config.requestDeadlineMs))).hubspot.account.details()),
  });
  const persistedQueries = createPersistedQueries({ ...config.persistedQueries, ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}) });
  // A client gets HTTP_REQUEST_TIMEOUT_MS to send a whole request: slow senders cannot hold connections open.
  httpServer.requestTimeout = config.http.requestTimeoutMs;
  httpServer.headersTimeout = Math.min(config.http.requestTimeoutMs, 60_000);

  app.use((req, res, next) => {
    const started = performance.now();
    const id = requestIdOf(req.get('x-request-id'));
    res.setHeader('x-request-id', id);
    res.locals.log = logger.child({ requestId: id });
    res.on('finish', () => (res.locals.log as Logger).info({ method: req.method, path: req.originalUrl.split('?')[0], status: res.statusCode, ms: Math.round(performance.now() - started) }, 'request'));
    next();
  });
  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  // Prometheus scrapes here (METRICS, METRICS_PATH); unauthenticated, so a public deployment keeps the path internal.
  if (metrics) {
    app.get(config.metrics.path, async (_req, res) => {
      const { contentType, body } = await metrics.scrape();
      res.type(contentType).send(body);
    });
  }
  app.get('/readyz', async (_req, res) => {
    const r = await readiness.check();
    res.status(r.ready ? 200 : 503).json(r.ready ? { status: 'ready' } : { status: 'unavailable', reason: r.reason });
  });
  // CRM events: GraphQL subscriptions over WebSocket on /graphql, and the cache invalidation they allow.
  const events = deps.events ?? createEventBus(config.redisUrl, { channel: config.eventsChannel, logger });
  // HubSpot's webhook deliveries put them on the bus. Read raw (the signature covers the exact bytes): before any JSON parser.
  const webhooks = createWebhookReceiver({ ...config.webhooks, events, replays: createReplayGuard(config.webhooks.replayTtlSeconds * 1000, config.redisUrl), logger });
  app.use(webhooks.router);
  if (deps.oauthRoutes) {
    // Uninstalling revokes a portal's refresh token: only an authenticated caller may, and only for its own portal
    // (the gate answers 401, or 403 for an X-HubSpot-Portal-Id naming another). /oauth/install and /oauth/callback
    // stay public: HubSpot's consent page redirects browsers to them.
    app.post('/oauth/uninstall', callerGate.middleware);
    app.use('/oauth', deps.oauthRoutes);
  }
  if (config.graphiql) app.get('/graphql', graphiqlHandler('/graphql'));
  app.use(
    '/graphql',
    // CORS preflights are answered first; then the caller is authenticated from its headers alone, before any
    // body (JSON or multipart upload) is read or parsed.
    cors(config.http.corsOrigins),
    callerGate.middleware,
    graphqlUploads({ ...config.upload, maxFieldBytes: config.http.maxBodyBytes }),
    express.json({ limit: config.http.maxBodyBytes }),
    requireJson(),
    limitVariables(config.http.maxVariablesBytes),
    persistedQueries.middleware,
    expressMiddleware(apollo, {
      context: async ({ res }): Promise<GatewayContext> => {
        const abort = new AbortController();
        res.once('close', () => abort.abort());
        // The caller gate resolved the credential (and the caller's portal) before Apollo, or answered itself.
        return createRequestContext(res.locals.credential as RequestCredential, res.locals.log as Logger, abort.signal);
      },
    }),
  );
  app.use((_req: Request, res: Response) => sendError(res, 404, 'NOT_FOUND', 'Not found: the GraphQL endpoint is /graphql'));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const type = (err as { type?: string })?.type;
    if (type === 'entity.parse.failed') return sendError(res, 400, 'BAD_REQUEST', 'The request body is not valid JSON');
    if (type === 'entity.too.large') return sendError(res, 413, 'BAD_REQUEST', `The request body exceeds ${config.http.maxBodyBytes} bytes (MAX_BODY_BYTES)`);
    // body-parser's other refusals (unsupported charset or encoding, aborted upload) are the client's.
    const status = (err as { status?: number })?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) return sendError(res, status, 'BAD_REQUEST', 'The request body could not be read');
    ((res.locals.log as Logger | undefined) ?? logger).error({ err }, 'unhandled HTTP error');
    return sendError(res, 500, 'INTERNAL', 'Internal error');
  });

  const invalidation = invalidateOnEvents({ events, credentials, portals, logger, createContext: (credential, signal) => createRequestContext(credential, logger, signal) });
  const subscriptions = attachSubscriptions({ httpServer, path: '/graphql', schema: () => portalSchema.schema, events, credentials, portals, createContext: createRequestContext, queryLimits: config.queryLimits, logger, callerGate, maxMessageBytes: config.http.maxBodyBytes, allowedOrigins: config.http.corsOrigins, ...(persistedQueries.allowList ? { allowList: persistedQueries.allowList } : {}) });

  return {
    events,
    portalSchema,
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
      // WebSockets first: the HTTP server's drain waits for every socket, upgraded ones included.
      await subscriptions.close();
      await apollo.stop();
      await invalidation.close();
      // Events already accepted from HubSpot are published before the bus closes.
      await webhooks.close();
      // A bus given in deps belongs to the caller, who closes it.
      if (!deps.events) await events.close();
      await metadataCache.disconnect();
      await limiter.close();
      await persistedQueries.close();
      await tracing?.shutdown();
      metrics?.close();
    },
  };
}
