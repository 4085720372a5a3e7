import {
  getOperationAST, getVariableValues, GraphQLError, parse, specifiedRules, validate,
  type DocumentNode, type ExecutionArgs, type GraphQLFormattedError, type GraphQLSchema, type ValidationRule,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { CredentialProvider, HeaderReader, RequestCredential } from '../auth/credentials';
import type { Config } from '../config';
import type { GatewayContext, SubscriberEvents } from '../context';
import { eventStream } from '../events/bus';
import type { PortalDirectory } from '../events/portals';
import type { EventBus } from '../events/types';
import { formatError } from '../graphql/errors';
import { costLimitRule, maxAliasesRule, maxDepthRule } from '../graphql/limits';
import { subscribeWithEventContexts } from './eventExecution';
import type { CallerGate } from './callerAuth';
import type { AllowList } from './persistedQueries';
import { requestIdOf } from './requestId';

/** graphql-ws pings idle sockets this often and drops those that do not answer in as long. */
const KEEP_ALIVE_MS = 12_000;
/** On stop, how long clients get to answer the close handshake before their sockets are cut. */
const CLOSE_GRACE_MS = 1_000;

export interface SubscriptionServerOptions {
  httpServer: Server;
  /** The GraphQL endpoint; WebSocket upgrades to any other path are refused with 404. */
  path: string;
  /** The schema being served now: each new operation is checked and run on it (a reload swaps it, src/portalSchema). */
  schema: () => GraphQLSchema;
  events: EventBus;
  credentials: CredentialProvider;
  portals: PortalDirectory;
  /** A request's context, as the HTTP endpoint makes it: client, loaders, metadata; `clientGone` ends its calls. */
  createContext: (credential: RequestCredential, log: Logger, clientGone: AbortSignal) => Promise<GatewayContext>;
  queryLimits: Config['queryLimits'];
  logger: Logger;
  /** Caller authentication (src/server/callerAuth.ts): checked at connection_init, and gives each operation its credential. */
  callerGate?: Pick<CallerGate, 'enabled' | 'authenticate' | 'credentialFor'>;
  /** Largest graphql-ws message accepted: the HTTP endpoint's body limit (MAX_BODY_BYTES). A larger one closes the socket (1009). */
  maxMessageBytes: number;
  /** Browser origins besides the gateway's own that may open a socket (CORS_ORIGINS). */
  allowedOrigins?: readonly string[];
  /** PERSISTED_QUERIES=allow-list: only the manifest's operations run (the HTTP endpoint's list, persistedQueries.ts). */
  allowList?: AllowList;
}

export interface SubscriptionServer {
  /** Closes every socket (1001 Going Away) and stops accepting new ones. */
  close(): Promise<void>;
}

/** graphql-ws's connection_init payload: HTTP-like headers (`authorization`, `x-hubspot-portal-id`), any case. */
type ConnectionParams = Record<string, unknown>;

/**
 * GraphQL subscriptions over WebSocket (the graphql-ws protocol, `graphql-transport-ws`) on the gateway's HTTP
 * port and GraphQL path. Each subscribe message is an operation of its own, authenticated like an HTTP request:
 * its credential comes from the connection's `connectionParams` (the same names as HTTP headers), else from the
 * upgrade request's headers; the subscriber's portal is that credential's portal (src/events/portals.ts), and only
 * that portal's events reach it. The document is checked like an HTTP request's (validation, MAX_QUERY_DEPTH,
 * MAX_QUERY_ALIASES, MAX_QUERY_COST per event), and with PERSISTED_QUERIES=allow-list it must be one of the
 * manifest's. Queries and mutations are refused here: they go to HTTP POST, where their cost is reported.
 */
export function attachSubscriptions(options: SubscriptionServerOptions): SubscriptionServer {
  const { logger, queryLimits } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://gateway').pathname;
    if (path !== options.path) return refuseUpgrade(socket, '404 Not Found');
    if (!sameOrigin(request) && !options.allowedOrigins?.includes(request.headers.origin ?? '')) return refuseUpgrade(socket, '403 Forbidden');
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  options.httpServer.on('upgrade', onUpgrade);

  /** How each operation ends (its HubSpot calls are aborted), by its context. */
  const operationEnds = new WeakMap<object, () => void>();
  const documentRules: ValidationRule[] = [...specifiedRules, maxDepthRule(queryLimits.maxDepth), maxAliasesRule(queryLimits.maxAliases)];

  const server = useServer<ConnectionParams>(
    {
      schema: () => options.schema(),
      // An unauthenticated caller's socket is closed at connection_init (4403 Forbidden), before any operation.
      onConnect: async (ctx) => {
        if (!options.callerGate?.enabled) return true;
        return options.callerGate.authenticate(headerReader(ctx.connectionParams, ctx.extra.request)).then(() => true, () => false);
      },
      onSubscribe: async (ctx, id, payload): Promise<ExecutionArgs | readonly GraphQLError[]> => {
        // One schema for the whole operation, even if a reload swaps it meanwhile.
        const schema = options.schema();
        // Allow-list mode: the document must be one of the manifest's, sent as its exact body or by id/hash.
        let query = payload.query;
        if (options.allowList) {
          const verdict = options.allowList.resolve(query === '' ? undefined : query, payload.extensions?.persistedQuery);
          if ('refused' in verdict) return [new GraphQLError(verdict.refused.message, { extensions: { code: verdict.refused.code } })];
          query = verdict.query ?? query;
        }
        const checked = checkDocument(schema, documentRules, queryLimits.maxCost, { ...payload, query });
        if ('errors' in checked) return checked.errors;
        // Like an HTTP request's: every log line of the operation and of each of its events carries one requestId.
        const log = logger.child({ requestId: requestIdOf(undefined), subscription: id });
        const abort = new AbortController();
        try {
          const headers = headerReader(ctx.connectionParams, ctx.extra.request);
          const credential = await (options.callerGate ? options.callerGate.credentialFor(headers) : options.credentials.forRequest(headers));
          const context = await options.createContext(credential, log, abort.signal);
          // Fails here, as a clear error to the subscriber, rather than at its first event.
          await credential.token();
          const portalId = await options.portals.portalIdOf(credential.portalKey, () => context.hubspot.account.details());
          // Every context of the subscription — the operation's and each event's — carries the subscriber's events.
          const events: SubscriberEvents = {
            portalId,
            stream: (accept) => eventStream(options.events, (e) => e.portalId === portalId && accept(e)),
            freshContext: async () => ({ ...(await options.createContext(credential, log, abort.signal)), events }),
          };
          const contextValue: GatewayContext = { ...context, events };
          operationEnds.set(contextValue, () => abort.abort());
          log.debug({ portalId, operationName: payload.operationName ?? null }, 'subscription started');
          return { schema, document: checked.document, operationName: payload.operationName ?? null, variableValues: payload.variables ?? {}, contextValue };
        } catch (e) {
          abort.abort();
          return [e instanceof GraphQLError ? e : new GraphQLError(e instanceof Error ? e.message : String(e), { originalError: e instanceof Error ? e : undefined })];
        }
      },
      subscribe: (args) => {
        const context = args.contextValue as GatewayContext;
        return subscribeWithEventContexts(args, context.events!.freshContext, operationEnds.get(context)!);
      },
      // Errors leave like the HTTP endpoint's: coded, HubSpot's mapped, anything unexpected masked as INTERNAL.
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: result.errors.map(formatted) } : undefined),
      onError: (_ctx, _id, _payload, errors) => errors.map(formatted),
    },
    wss,
    KEEP_ALIVE_MS,
  );

  return {
    async close() {
      options.httpServer.off('upgrade', onUpgrade);
      const disposed = server.dispose();
      // Clients that do not answer the close handshake in time are cut, so that stopping never hangs on them.
      const cut = setTimeout(() => wss.clients.forEach((c) => c.terminate()), CLOSE_GRACE_MS);
      try {
        await disposed;
      } finally {
        clearTimeout(cut);
      }
    },
  };
}

function refuseUpgrade(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * Browsers send their page's Origin with a WebSocket and let any page open one (WebSockets have no CORS): a page of
 * another site could otherwise read the CRM through the gateway's own credential. Only pages of the gateway's own
 * origin (GraphiQL) are let in, like the HTTP endpoint, which sends no CORS headers; clients that are not browsers
 * send no Origin. Behind a proxy the public host is X-Forwarded-Host, which a browser's WebSocket cannot set.
 */
function sameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  const forwarded = request.headers['x-forwarded-host'];
  const host = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim() ?? request.headers.host;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

const formatted = (e: GraphQLError): GraphQLFormattedError => formatError(e.toJSON(), e);

/** Parses and validates a subscribe message's document; only subscriptions are served here. */
function checkDocument(
  schema: GraphQLSchema,
  rules: ValidationRule[],
  maxCost: number,
  payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null },
): { document: DocumentNode } | { errors: GraphQLError[] } {
  let document: DocumentNode;
  try {
    document = parse(payload.query);
  } catch (e) {
    return { errors: [coded(e as GraphQLError, 'GRAPHQL_PARSE_FAILED')] };
  }
  const invalid = validate(schema, document, rules);
  if (invalid.length) return { errors: invalid.map((e) => coded(e, 'GRAPHQL_VALIDATION_FAILED')) };
  const operation = getOperationAST(document, payload.operationName);
  if (!operation) return { errors: [new GraphQLError('The document has no operation by that name, or several without operationName', { extensions: { code: 'BAD_REQUEST' } })] };
  if (operation.operation !== 'subscription') {
    return { errors: [new GraphQLError(`Over WebSocket this endpoint serves subscriptions; send a ${operation.operation} as an HTTP POST to the same URL.`, { extensions: { code: 'BAD_REQUEST' } })] };
  }
  const variables = getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {});
  if (variables.errors) return { errors: variables.errors.map((e) => coded(e, 'BAD_USER_INPUT')) };
  // The cost of one event's execution: what each delivery may spend of the portal's rate limit.
  const tooCostly = validate(schema, document, [costLimitRule({ maximum: maxCost, operationName: payload.operationName ?? null, variables: payload.variables ?? {} })]);
  if (tooCostly.length) return { errors: [...tooCostly] };
  return { document };
}

function coded(e: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(e.message, { nodes: e.nodes ?? null, source: e.source ?? null, positions: e.positions ?? null, extensions: { ...e.extensions, code } });
}

/** Reads the credential's "headers": connectionParams first (browsers cannot set headers on a WebSocket), then the upgrade request's. */
function headerReader(params: ConnectionParams | undefined, request: IncomingMessage): HeaderReader {
  const fromParams = new Map<string, string>();
  for (const [name, value] of Object.entries(params ?? {})) if (typeof value === 'string') fromParams.set(name.toLowerCase(), value);
  return (name) => {
    const key = name.toLowerCase();
    const header = request.headers[key];
    return fromParams.get(key) ?? (Array.isArray(header) ? header[0] : header);
  };
}
