/**
 * Every setting of the gateway and the embedded emulator, read once from environment variables and command-line
 * flags (a flag wins over its variable), validated, with defaults that run offline. Public API: the names and
 * meanings below are documented in the README's configuration table (a test keeps the two in step).
 *
 * Flags are the variable's name in lower case with dashes: HUBSPOT_TOKEN ⇄ --hubspot-token.
 */
import type { EmulatorOptions, EmulatorToken, FaultKind, FaultRule } from './emulator/options';
import { defaultEmulatorOptions, DEFAULT_DEMO_TOKEN, DEFAULT_WEBHOOK_APP, FAULT_KINDS } from './emulator/options';
import type { CredentialMode } from './auth/credentials';
import type { DeveloperApp } from './hubspot/webhooks';
import { DEFAULT_EVENTS_CHANNEL } from './events/bus';
import { SIGNATURE_VERSIONS, type SignatureVersion } from './webhooks/signature';
import { parseApiKeyHashes } from './auth/apiKeys';
import { DEFAULT_PORTAL_CLAIM, type CallerAuthConfig } from './auth/callers';
import { isLoopbackHost, jwksUrlProblem } from './auth/jwt';
import type { TracingConfig } from './server/tracing';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  /** HubSpot private-app or OAuth access token. Default none: the gateway then starts the embedded emulator. */
  hubspotToken?: string;
  /** Base URL of HubSpot's API. Default https://api.hubapi.com with a token, the embedded emulator's URL without. */
  hubspotBaseUrl: string;
  /**
   * The app whose webhook settings and subscriptions the gateway manages, with its developer API key. Default
   * none (the webhook fields then refuse); with the embedded emulator, the emulator's first app.
   */
  developerApp?: DeveloperApp;
  /** True when the gateway talks to its own in-process emulator (no token configured). */
  useEmbeddedEmulator: boolean;
  /**
   * Where each request's HubSpot token comes from: `private-app` (HUBSPOT_TOKEN, or the embedded emulator's demo
   * token), `oauth` (HUBSPOT_CLIENT_ID + HUBSPOT_CLIENT_SECRET: a token per installed portal) or `pass-through`
   * (PASS_THROUGH_AUTH: each caller's own bearer token).
   */
  authMode: CredentialMode;
  /** OAuth app mode's settings; present exactly when authMode is `oauth`. */
  oauth?: OAuthConfig;
  /** Where OAuth tokens are kept: a SQLite file (path or sqlite:// URL), redis:// or postgres://. Default ./data/tokens.sqlite. */
  tokenStoreUrl: string;
  /** Gateway HTTP port. Default 4000. */
  port: number;
  /** Interface the gateway listens on. Default 127.0.0.1 (the offline demo is not reachable from other hosts). */
  host: string;
  /** pino log level. Default info. */
  logLevel: LogLevel;
  /** Serve GraphiQL on GET /graphql. Default true, false when NODE_ENV=production. */
  graphiql: boolean;
  /** Allow introspection queries. Default true, false when NODE_ENV=production. */
  introspection: boolean;
  /** Serve the graph as an Apollo Federation 2 subgraph (src/graphql/federation.ts). Default false. */
  federation: boolean;
  /** The configured portal's own schema: typed custom properties and custom objects (src/portalSchema). */
  portalSchema: PortalSchemaConfig;
  /** Timeout of one upstream HTTP call, in ms. Default 30000. */
  upstreamTimeoutMs: number;
  /** Maximum concurrent connections to HubSpot per gateway instance. Default 32. */
  upstreamConnections: number;
  /** On SIGTERM, how long in-flight requests may take before the process exits anyway, in ms. Default 10000. */
  shutdownGraceMs: number;
  /** Redis URL (redis://…) for state shared by gateway instances: the metadata cache. Default none: in-process memory. */
  redisUrl?: string;
  /** How long pipelines, owners and other metadata are cached per portal, in seconds. Default 300. */
  metadataTtlSeconds: number;
  /** The Redis pub/sub channel carrying CRM events between the instances of one deployment. Default hubspot-graphql:events. */
  eventsChannel: string;
  /** HubSpot's limits as the gateway keeps them, per portal (shared through Redis when REDIS_URL is set). */
  rateLimit: {
    /** Calls per window. Default 100 (HubSpot free/starter; 110 public apps, 190 pro/enterprise, 250 with the add-on). */
    perWindow: number;
    /** Default 10000. */
    windowMs: number;
    /** Searches per second. Default 4. */
    searchPerSecond: number;
    /** Calls in flight at once per portal and instance. Default 10. */
    concurrency: number;
  };
  /** Retries: 429 for every call, 5xx/timeouts/resets for idempotent calls only. */
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  /** Time a GraphQL request may take in all (queueing for the rate limit and retries included), ms. Default 30000. */
  requestDeadlineMs: number;
  /** GraphQL multipart uploads (src/server/upload.ts): largest file part, default 20 MB; most files per request, default 10. */
  upload: { maxFileBytes: number; maxFiles: number };
  /** Limits on one GraphQL operation, checked before any HubSpot call (see src/graphql/limits.ts). */
  queryLimits: {
    /** Most HubSpot calls an operation is estimated to make (src/graphql/cost.ts). Default 200. */
    maxCost: number;
    /** Deepest nesting of fields. Default 12. */
    maxDepth: number;
    /** Most aliased fields. Default 30. */
    maxAliases: number;
  };
  /** The webhook receiver, POST /webhooks/hubspot (src/webhooks/). */
  webhooks: WebhookConfig;
  /** Who may call the gateway (src/auth/callers.ts): API keys, JWTs, or the explicit opt-out. */
  callerAuth: CallerAuthConfig;
  /** HTTP hardening of /graphql (see the README's Security section). */
  http: HttpLimitsConfig;
  /** Persisted queries (src/server/persistedQueries.ts): `apq` (default), `allow-list` (only the manifest's operations) or `off`. */
  persistedQueries: { mode: PersistedQueriesMode; manifest?: string };
  /** Prometheus metrics (src/server/metrics.ts): served on `path` when enabled. Default enabled, /metrics. */
  metrics: { enabled: boolean; path: string };
  /** OpenTelemetry traces (src/server/tracing.ts). Default off (otlp when OTEL_EXPORTER_OTLP_ENDPOINT is set). */
  tracing: TracingConfig;
  /** Emulator options, used by `emulator` and by `serve` when the embedded emulator runs. */
  emulator: EmulatorOptions & {
    /** Emulator HTTP port. Default 4010 for `emulator`, 0 (any free port) when embedded. */
    port: number;
    /** Emulator interface. Default 127.0.0.1. */
    host: string;
  };
}

export type PersistedQueriesMode = 'off' | 'apq' | 'allow-list';

/** Limits and cross-origin policy of the GraphQL endpoint. */
export interface HttpLimitsConfig {
  /** CORS_ORIGINS: exact origins allowed to call from a browser. Default none (no CORS headers). */
  corsOrigins: string[];
  /** Largest request body, bytes (larger is 413). Default 1 MiB. */
  maxBodyBytes: number;
  /** Largest `variables` of one operation as JSON, bytes (larger is 413 BAD_USER_INPUT). Default 256 KiB. */
  maxVariablesBytes: number;
  /** Time a client may take to send a request's headers and body, ms (Node's headersTimeout / requestTimeout). Default 30000. */
  requestTimeoutMs: number;
}

/** Which portal's custom properties and objects the schema types, and how often it is read again. */
export interface PortalSchemaConfig {
  /** PORTAL_SCHEMA: extend the schema with the portal's own definitions. Default true. */
  enabled: boolean;
  /** Re-read the portal's definitions this often, seconds; 0 = only at start-up and on the gateway's own property writes. Default 300. */
  refreshSeconds: number;
  /** OAuth app mode: the installed portal whose schema is served. Default the installed portal with the lowest id. */
  portalId?: number;
  /** A token to read the schema with (required in pass-through mode, where the gateway holds none). Default none. */
  token?: string;
}

/** OAuth app mode (src/auth/): the app, what its install asks for, and how its tokens are kept fresh. */
export interface OAuthConfig {
  clientId: string;
  clientSecret: string;
  /** The callback URL registered in the app. Default: the gateway's /oauth/callback on the host the install came to. */
  redirectUri?: string;
  /** Required scopes the install asks for. Default DEFAULT_OAUTH_SCOPES. */
  scopes: string[];
  /** Optional scopes (granted when the portal has them). Default none. */
  optionalScopes: string[];
  /** HubSpot's authorize page. Default https://app.hubspot.com/oauth/authorize, or <HUBSPOT_BASE_URL>/oauth/authorize. */
  authorizeUrl: string;
  /** Signs the `state` of installs. Default: random per process. */
  stateSecret?: string;
  /** Refresh access tokens this long before they expire (at most half their lifetime), seconds. Default 300. */
  refreshMarginSeconds: number;
}

/** The webhook receiver (src/webhooks/receiver.ts). */
export interface WebhookConfig {
  /** Signature versions a delivery may carry to be accepted. Default ['v3'] (v1 and v2 have no timestamp, so they allow replays). */
  signatureVersions: SignatureVersion[];
  /** Public base URL HubSpot calls, for the URI signatures cover (behind a proxy). Default none: the request's protocol and Host. */
  urlBase?: string;
  /** Largest delivery body accepted, in bytes (larger is 413). Default 1048576. */
  maxBodyBytes: number;
  /** How long an eventId is remembered to drop replays and HubSpot's retries, in seconds. Default 86400. */
  replayTtlSeconds: number;
  /** The app's client secret that signs deliveries: HUBSPOT_CLIENT_SECRET, or the embedded emulator's demo app's. Default none. */
  clientSecret?: string;
}

/** What an install asks for by default: the CRM graph's reads and writes, owners, tickets. */
export const DEFAULT_OAUTH_SCOPES = [
  'oauth',
  'crm.objects.contacts.read', 'crm.objects.contacts.write',
  'crm.objects.companies.read', 'crm.objects.companies.write',
  'crm.objects.deals.read', 'crm.objects.deals.write',
  'crm.objects.owners.read',
  'tickets',
];
export const DEFAULT_TOKEN_STORE_URL = './data/tokens.sqlite';
const HUBSPOT_AUTHORIZE_URL = 'https://app.hubspot.com/oauth/authorize';

/** A bad setting: the message names the variable, the flag and the offending value. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Source = Record<string, string | undefined>;

export interface SettingDoc {
  env: string;
  default: string;
  description: string;
}

/** The documented settings, in README order. `npm start -- --help` prints them. */
export const SETTINGS: SettingDoc[] = [
  { env: 'HUBSPOT_TOKEN', default: '(none: embedded emulator)', description: 'HubSpot private-app or OAuth access token. Without it the gateway starts the embedded emulator and uses its demo token.' },
  { env: 'HUBSPOT_BASE_URL', default: 'https://api.hubapi.com', description: 'HubSpot API base URL (with a token). Point it at a separately running emulator to use that instead.' },
  { env: 'HUBSPOT_APP_ID', default: `(none; ${DEFAULT_WEBHOOK_APP.appId}, the demo app, with the embedded emulator)`, description: 'Id of the HubSpot app whose webhook settings and subscriptions the webhook fields manage. Set together with HUBSPOT_DEVELOPER_API_KEY.' },
  { env: 'HUBSPOT_DEVELOPER_API_KEY', default: `(none; ${DEFAULT_WEBHOOK_APP.developerApiKeys[0]} with the embedded emulator)`, description: "Developer API key of the account that owns HUBSPOT_APP_ID, sent as HubSpot's hapikey to the webhooks API (a portal token cannot manage an app). Never logged or echoed." },
  { env: 'HUBSPOT_CLIENT_ID', default: '(none)', description: 'OAuth app mode: client id of your HubSpot app. With HUBSPOT_CLIENT_SECRET the gateway installs into portals through /oauth/install and keeps a token per portal (see OAuth).' },
  { env: 'HUBSPOT_CLIENT_SECRET', default: '(none)', description: "Client secret of the app of HUBSPOT_CLIENT_ID. Never logged or echoed." },
  { env: 'OAUTH_SCOPES', default: DEFAULT_OAUTH_SCOPES.join(' '), description: 'Scopes the install asks for, space- or comma-separated: the required scopes of the app in HubSpot.' },
  { env: 'OAUTH_OPTIONAL_SCOPES', default: '(none)', description: 'Optional scopes the install asks for (granted where the portal has them).' },
  { env: 'OAUTH_REDIRECT_URI', default: "(the gateway's /oauth/callback on the host the install came to)", description: 'Callback URL registered in the app. Set it behind a proxy and in production (https).' },
  { env: 'OAUTH_AUTHORIZE_URL', default: `${HUBSPOT_AUTHORIZE_URL} (<HUBSPOT_BASE_URL>/oauth/authorize with another base URL)`, description: "HubSpot's authorize page the install redirects to; the emulator serves one at /oauth/authorize." },
  { env: 'OAUTH_STATE_SECRET', default: '(random per process)', description: 'Secret (32 or more characters) signing the OAuth state. Give every instance the same one when an install may start on one and end on another.' },
  { env: 'OAUTH_REFRESH_MARGIN_SECONDS', default: '300', description: 'Refresh an access token this long before it expires (at most half its lifetime).' },
  { env: 'TOKEN_STORE_URL', default: DEFAULT_TOKEN_STORE_URL, description: 'Where OAuth tokens are kept: a SQLite file (path or sqlite:// URL, created 0600), redis://… or postgres://…. OAuth app mode only.' },
  { env: 'PASS_THROUGH_AUTH', default: 'false', description: "Pass-through mode: each request's own Authorization: Bearer <HubSpot token> is used for that request; the gateway holds no token." },
  { env: 'PORT', default: '4000', description: 'Gateway HTTP port.' },
  { env: 'HOST', default: '127.0.0.1', description: 'Interface the gateway listens on. Use 0.0.0.0 to accept other hosts.' },
  { env: 'LOG_LEVEL', default: 'info', description: 'fatal, error, warn, info, debug, trace or silent. Logs are JSON lines (pino); tokens are redacted.' },
  { env: 'NODE_ENV', default: '(unset)', description: 'production turns GraphiQL and introspection off unless set explicitly.' },
  { env: 'GRAPHIQL', default: 'true (false in production)', description: 'Serve GraphiQL (no network needed) on GET /graphql.' },
  { env: 'INTROSPECTION', default: 'true (false in production)', description: 'Allow introspection queries.' },
  { env: 'PORTAL_SCHEMA', default: 'true', description: "Extend the schema with the configured portal's own custom properties (typed fields) and custom objects (types with associations, search and mutations), read from the Properties and Schemas APIs (see Your portal's own schema)." },
  { env: 'PORTAL_SCHEMA_REFRESH_SECONDS', default: '300', description: "Re-read the portal's definitions this often and swap the schema when they changed (requests in flight finish on the old one); 0 = only at start-up and after the gateway's own property mutations." },
  { env: 'PORTAL_SCHEMA_PORTAL_ID', default: '(the installed portal with the lowest id)', description: 'OAuth app mode: the installed portal whose custom properties and objects the schema types.' },
  { env: 'PORTAL_SCHEMA_TOKEN', default: '(none)', description: "A HubSpot token (scopes: the types' schema reads) to read the portal's definitions with. Pass-through mode types a portal only with it; in the other modes it overrides the gateway's own credential. Never logged or echoed." },
  { env: 'FEDERATION', default: 'false', description: 'Serve the graph as an Apollo Federation 2 subgraph: CRM types become entities keyed by id, with _service and _entities (see Federation).' },
  { env: 'METRICS', default: 'true', description: 'Serve Prometheus metrics (upstream calls, latencies, retries, 429s, cache hits, GraphQL durations and errors) on METRICS_PATH. They are not authenticated: keep the path off the public internet (see Observability).' },
  { env: 'METRICS_PATH', default: '/metrics', description: 'Path of the Prometheus metrics.' },
  { env: 'OTEL_TRACES', default: 'off (otlp when OTEL_EXPORTER_OTLP_ENDPOINT is set)', description: 'OpenTelemetry traces of GraphQL operations and their HubSpot calls: otlp (OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT), console (stdout) or off.' },
  { env: 'OTEL_EXPORTER_OTLP_ENDPOINT', default: '(none)', description: 'Base URL of an OTLP/HTTP collector (spans go to <url>/v1/traces); setting it turns traces on.' },
  { env: 'OTEL_SERVICE_NAME', default: 'hubspot-graphql', description: 'service.name of the spans.' },
  { env: 'UPSTREAM_TIMEOUT_MS', default: '30000', description: 'Timeout of one HubSpot HTTP call.' },
  { env: 'UPSTREAM_CONNECTIONS', default: '32', description: 'Maximum concurrent keep-alive connections to HubSpot per instance.' },
  { env: 'SHUTDOWN_GRACE_MS', default: '10000', description: 'On SIGTERM/SIGINT, time allowed for in-flight requests before exiting.' },
  { env: 'REDIS_URL', default: '(none: in-process memory)', description: 'redis:// URL of a Redis shared by gateway instances; holds the per-portal metadata cache (pipelines, owners).' },
  { env: 'METADATA_TTL_SECONDS', default: '300', description: 'How long pipelines, owners and other metadata are cached per portal.' },
  { env: 'EVENTS_CHANNEL', default: DEFAULT_EVENTS_CHANNEL, description: 'Redis pub/sub channel that carries CRM events (webhooks → GraphQL subscriptions) between the instances of one deployment, with REDIS_URL. Give each deployment sharing a Redis its own.' },
  { env: 'RATE_LIMIT_PER_WINDOW', default: '100 (the embedded emulator\'s limit when it runs)', description: 'HubSpot calls allowed per window and portal: 100 (free/starter), 110 (public apps), 190 (professional/enterprise), 250 (API add-on). Calls queue for room instead of getting 429s.' },
  { env: 'RATE_LIMIT_WINDOW_MS', default: '10000', description: 'Length of the rolling window of RATE_LIMIT_PER_WINDOW.' },
  { env: 'SEARCH_RATE_PER_SECOND', default: '4', description: 'Search calls allowed per second and portal.' },
  { env: 'UPSTREAM_CONCURRENCY', default: '10', description: 'HubSpot calls in flight at once per portal and instance.' },
  { env: 'RETRY_MAX_ATTEMPTS', default: '4', description: 'Attempts per HubSpot call in all. 429s are retried for every call; 5xx, timeouts and resets only for reads, searches and upserts.' },
  { env: 'RETRY_BASE_DELAY_MS', default: '200', description: 'First retry backoff (doubling, full jitter) when HubSpot sends no Retry-After.' },
  { env: 'RETRY_MAX_DELAY_MS', default: '5000', description: 'Longest single retry backoff.' },
  { env: 'UPLOAD_MAX_FILE_BYTES', default: '20971520', description: 'Largest file one GraphQL multipart upload may carry (bytes); a larger one is refused with 413 and BAD_USER_INPUT.' },
  { env: 'UPLOAD_MAX_FILES', default: '10', description: 'Most files one GraphQL multipart request may carry.' },
  { env: 'REQUEST_DEADLINE_MS', default: '30000', description: 'Total time of one GraphQL request; a call that would have to wait past it for the rate limit fails at once with RATE_LIMITED and retryAfter.' },
  { env: 'MAX_QUERY_COST', default: '200', description: 'Most HubSpot calls one operation may be estimated to make (see Query cost); a costlier one is refused with COST_LIMIT before any call.' },
  { env: 'MAX_QUERY_DEPTH', default: '12', description: 'Deepest nesting of fields an operation may have (introspection fields not counted).' },
  { env: 'MAX_QUERY_ALIASES', default: '30', description: 'Most aliased fields an operation may have, counting a fragment\'s each time it is spread.' },
  { env: 'API_KEY_HASHES', default: '(none)', description: 'Caller authentication with API keys: comma-separated sha256:<hex>[@<portalId>] hashes of the keys callers send in X-API-Key (`hubspot-graphql api-key` makes one). @portalId binds a key to one portal. Keys are never stored in clear.' },
  { env: 'JWT_SECRET', default: '(none)', description: 'Caller authentication with JWTs (Authorization: Bearer <jwt>) signed HS256/384/512 with this secret (32 or more characters). Never logged or echoed.' },
  { env: 'JWKS_URL', default: '(none)', description: 'Caller authentication with JWTs signed RS/PS/ES256/384/512 by the keys published at this JWKS URL (https:; http: only on a loopback host). Needs JWT_ISSUER and JWT_AUDIENCE.' },
  { env: 'JWT_ISSUER', default: '(not checked; required with JWKS_URL)', description: 'The iss a caller JWT must carry.' },
  { env: 'JWT_AUDIENCE', default: '(not checked; required with JWKS_URL)', description: 'The aud a caller JWT must include.' },
  { env: 'JWT_PORTAL_CLAIM', default: DEFAULT_PORTAL_CLAIM, description: 'The JWT claim naming the one HubSpot portal the caller may reach (in OAuth app mode it selects the portal).' },
  { env: 'ALLOW_UNAUTHENTICATED_CALLERS', default: 'false', description: 'Explicit opt-out: start with a HubSpot credential (or on a non-loopback HOST) without caller authentication. Logged at warn level at every start: anyone who can reach the gateway can use its credential.' },
  { env: 'CORS_ORIGINS', default: '(none: no CORS headers)', description: 'Comma-separated exact origins (https://app.example.com) whose browser pages may call /graphql; preflights from others get 403.' },
  { env: 'MAX_BODY_BYTES', default: '1048576', description: 'Largest GraphQL request body (JSON), multipart upload field (operations, map) and WebSocket message; a larger one is refused with 413 (a WebSocket is closed with 1009).' },
  { env: 'MAX_VARIABLES_BYTES', default: '262144', description: 'Largest variables object of one operation, as JSON; a larger one is refused with 413 and BAD_USER_INPUT.' },
  { env: 'HTTP_REQUEST_TIMEOUT_MS', default: '30000', description: "Time a client may take to send a whole request (headers and body) before its connection is closed (Node's requestTimeout and headersTimeout)." },
  { env: 'PERSISTED_QUERIES', default: 'apq', description: 'off, apq (automatic persisted queries, stored per portal in keyv: Redis with REDIS_URL) or allow-list (only the operations of PERSISTED_QUERIES_MANIFEST run).' },
  { env: 'PERSISTED_QUERIES_MANIFEST', default: '(none)', description: 'Path of an Apollo persisted query manifest (format apollo-persisted-query-manifest, version 1): the allow-list of PERSISTED_QUERIES=allow-list.' },
  { env: 'WEBHOOK_CLIENT_SECRET', default: '(HUBSPOT_CLIENT_SECRET)', description: 'Client secret of the HubSpot app whose webhook deliveries POST /webhooks/hubspot verifies, for gateways not in OAuth app mode (private-app or pass-through). Never logged or echoed.' },
  { env: 'WEBHOOK_SIGNATURE_VERSIONS', default: 'v3', description: 'HubSpot signature versions POST /webhooks/hubspot accepts, comma-separated from v1, v2, v3. Deliveries are verified with WEBHOOK_CLIENT_SECRET, else HUBSPOT_CLIENT_SECRET (the embedded emulator\'s demo app secret without either).' },
  { env: 'WEBHOOK_URL_BASE', default: "(the request's protocol and Host)", description: 'Public base URL HubSpot calls the gateway at (e.g. https://hooks.example.com), for the URL that signatures v2 and v3 cover. Set it behind a proxy or TLS terminator.' },
  { env: 'WEBHOOK_MAX_BODY_BYTES', default: '1048576', description: 'Largest webhook delivery body accepted; a larger one is refused with 413.' },
  { env: 'WEBHOOK_REPLAY_TTL_SECONDS', default: '86400', description: 'How long each delivered eventId is remembered, so a replayed or retried event is published once (in Redis with REDIS_URL, for every instance).' },
  { env: 'EMULATOR_PORT', default: '4010 (emulator), any free port (embedded)', description: 'Emulator HTTP port.' },
  { env: 'EMULATOR_HOST', default: '127.0.0.1', description: 'Emulator interface.' },
  { env: 'EMULATOR_TOKENS', default: `${DEFAULT_DEMO_TOKEN}:12345678`, description: 'Accepted tokens: comma-separated token:portalId[:scope scope …] (no scopes = all scopes).' },
  { env: 'EMULATOR_SEED', default: '42', description: 'Seed of the deterministic demo data.' },
  { env: 'EMULATOR_SEED_SIZES', default: 'contacts=500,companies=100,deals=300,tickets=150,products=40,owners=12,engagements=400,cars=20', description: 'Demo data sizes per portal; any subset of the keys (`cars`: records of the demo custom object, 0 = no custom object).' },
  { env: 'EMULATOR_RATE_LIMIT', default: '100', description: 'Requests per rolling window per token (HubSpot: 100, 110, 190 or 250).' },
  { env: 'EMULATOR_RATE_WINDOW_MS', default: '10000', description: 'Length of the rolling window.' },
  { env: 'EMULATOR_SEARCH_RATE', default: '4', description: 'Search requests per second per token.' },
  { env: 'EMULATOR_DAILY_LIMIT', default: '250000', description: 'Requests per day per portal.' },
  { env: 'EMULATOR_RATE_LIMITS_OFF', default: 'false', description: 'Turn the emulated rate limits off.' },
  { env: 'EMULATOR_LATENCY_MS', default: '0', description: 'Fixed latency added to every HubSpot route.' },
  { env: 'EMULATOR_JITTER_MS', default: '0', description: 'Extra random latency, 0..N ms.' },
  { env: 'EMULATOR_FILE_MAX_BYTES', default: '20971520', description: 'Largest file the emulated Files API accepts (upload, replace, import from URL); larger is HubSpot\'s 413.' },
  { env: 'EMULATOR_OAUTH_TOKEN_TTL_SECONDS', default: '1800', description: "Lifetime (expires_in) of the OAuth access tokens the emulator issues; make it short to watch the gateway refresh them." },
  { env: 'EMULATOR_FAULTS', default: '(none)', description: 'Fault rules: comma-separated kind:rate[:routeRegex], kind one of 429, 500, 502, 503, timeout, lost-response, reset, truncated.' },
];

const KNOWN = new Set(SETTINGS.map((s) => s.env));
/** The command-line flag of a setting: MAX_BODY_BYTES → --max-body-bytes. */
export const flagOf = (env: string) => `--${env.toLowerCase().replace(/_/g, '-')}`;

/** Turns `--port 4001` / `--port=4001` / `--graphiql` into `{PORT: '4001', GRAPHIQL: 'true'}`; unknown flags are errors. */
export function parseFlags(argv: string[]): Source {
  const out: Source = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument '${arg}' (settings are flags like --port 4000; see --help)`);
    const [rawName, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const env = rawName.toUpperCase().replace(/-/g, '_');
    if (!KNOWN.has(env)) throw new ConfigError(`unknown flag --${rawName} (see --help for the settings)`);
    if (inline !== undefined) out[env] = inline;
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) out[env] = argv[++i];
    else out[env] = 'true';
  }
  return out;
}

class Reader {
  constructor(private readonly src: Source) {}
  raw(env: string): string | undefined {
    const v = this.src[env];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  }
  fail(env: string, value: string, why: string): never {
    throw new ConfigError(`invalid setting ${env} (${flagOf(env)}) = '${value}': ${why}`);
  }
  int(env: string, fallback: number, min: number, max: number): number {
    const v = this.raw(env);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) this.fail(env, v, `expected an integer from ${min} to ${max}`);
    return n;
  }
  bool(env: string, fallback: boolean): boolean {
    const v = this.raw(env);
    if (v === undefined) return fallback;
    if (['true', '1', 'yes', 'on'].includes(v.toLowerCase())) return true;
    if (['false', '0', 'no', 'off'].includes(v.toLowerCase())) return false;
    return this.fail(env, v, 'expected true or false');
  }
  url(env: string, protocols: string[]): string | undefined {
    const v = this.raw(env);
    if (v === undefined) return undefined;
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      return this.fail(env, redactUrl(v), 'not a URL');
    }
    if (!protocols.includes(u.protocol)) this.fail(env, redactUrl(v), `expected a ${protocols.join(' or ')} URL`);
    return v.replace(/\/+$/, '');
  }
}

/** Hides a URL's password so a bad setting can be named without leaking it. */
export function redactUrl(value: string): string {
  return value.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@');
}

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const SEED_KEYS = ['contacts', 'companies', 'deals', 'tickets', 'products', 'owners', 'engagements', 'cars'] as const;

function parseTokens(r: Reader): EmulatorToken[] | undefined {
  const v = r.raw('EMULATOR_TOKENS');
  if (v === undefined) return undefined;
  return v.split(',').map((entry) => {
    const [token, portal, scopes] = entry.trim().split(':');
    const portalId = Number(portal);
    if (!token || !Number.isInteger(portalId) || portalId <= 0) r.fail('EMULATOR_TOKENS', '(hidden)', `entry ${JSON.stringify(entry.trim().replace(/^[^:]*/, '…'))} must be token:portalId[:scopes]`);
    return { token, portalId, scopes: scopes ? scopes.split(/\s+/).filter(Boolean) : '*' };
  });
}

function parseFaults(r: Reader): FaultRule[] {
  const v = r.raw('EMULATOR_FAULTS');
  if (v === undefined) return [];
  return v.split(',').map((entry) => {
    const [kind, rate, ...route] = entry.trim().split(':');
    const n = Number(rate);
    if (!(FAULT_KINDS as readonly string[]).includes(kind as string)) r.fail('EMULATOR_FAULTS', v, `fault kind '${kind}' is not one of ${FAULT_KINDS.join(', ')}`);
    if (!(n >= 0 && n <= 1)) r.fail('EMULATOR_FAULTS', v, `rate '${rate}' must be a number from 0 to 1`);
    const pattern = route.join(':');
    if (pattern) {
      try {
        new RegExp(pattern);
      } catch {
        r.fail('EMULATOR_FAULTS', v, `route '${pattern}' is not a regular expression`);
      }
    }
    return { kind: kind as FaultKind, rate: n, ...(pattern ? { route: pattern } : {}) };
  });
}

function parseSeedSizes(r: Reader, base: EmulatorOptions['seed']): EmulatorOptions['seed'] {
  const v = r.raw('EMULATOR_SEED_SIZES');
  if (v === undefined) return base;
  const sizes = { ...base };
  for (const pair of v.split(',')) {
    const [key, value] = pair.split('=').map((s) => s.trim());
    if (!SEED_KEYS.includes(key as (typeof SEED_KEYS)[number])) r.fail('EMULATOR_SEED_SIZES', v, `unknown key '${key}' (keys: ${SEED_KEYS.join(', ')})`);
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 100_000) r.fail('EMULATOR_SEED_SIZES', v, `${key} must be an integer from 0 to 100000`);
    sizes[key as (typeof SEED_KEYS)[number]] = n;
  }
  return sizes;
}

/**
 * The developer app: HUBSPOT_APP_ID and HUBSPOT_DEVELOPER_API_KEY together or neither; with neither, the embedded
 * emulator's first app (when it runs) or none.
 */
function parseDeveloperApp(r: Reader, emulator: EmulatorOptions | undefined): DeveloperApp | undefined {
  const appId = r.raw('HUBSPOT_APP_ID');
  const key = r.raw('HUBSPOT_DEVELOPER_API_KEY');
  if (appId === undefined && key === undefined) {
    const demo = emulator?.webhookApps[0];
    return demo?.developerApiKeys[0] !== undefined ? { appId: demo.appId, developerApiKey: demo.developerApiKeys[0] } : undefined;
  }
  if (appId === undefined) return r.fail('HUBSPOT_APP_ID', '', 'set it together with HUBSPOT_DEVELOPER_API_KEY (the app the key manages)');
  if (key === undefined) return r.fail('HUBSPOT_DEVELOPER_API_KEY', '', 'set it together with HUBSPOT_APP_ID (the key of the account that owns the app)');
  if (!/^[\x21-\x7e]{8,512}$/.test(key)) r.fail('HUBSPOT_DEVELOPER_API_KEY', '(hidden)', 'expected 8 to 512 printable characters without spaces');
  return { appId: r.int('HUBSPOT_APP_ID', 0, 1, 2 ** 31 - 1), developerApiKey: key };
}

const SCOPE_SYNTAX = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/;
const OAUTH_ONLY = ['OAUTH_SCOPES', 'OAUTH_OPTIONAL_SCOPES', 'OAUTH_REDIRECT_URI', 'OAUTH_AUTHORIZE_URL', 'OAUTH_STATE_SECRET', 'OAUTH_REFRESH_MARGIN_SECONDS', 'TOKEN_STORE_URL'];
const HIDDEN = new Set(['HUBSPOT_CLIENT_SECRET', 'OAUTH_STATE_SECRET', 'WEBHOOK_CLIENT_SECRET', 'JWT_SECRET', 'API_KEY_HASHES']);

function parseScopeList(r: Reader, env: string, fallback: string[]): string[] {
  const v = r.raw(env);
  if (v === undefined) return fallback;
  const scopes = [...new Set(v.split(/[\s,]+/).filter(Boolean))];
  const bad = scopes.find((s) => !SCOPE_SYNTAX.test(s));
  if (bad !== undefined) r.fail(env, v, `'${bad}' is not a HubSpot scope (e.g. crm.objects.contacts.read)`);
  return scopes;
}

function parseTokenStoreUrl(r: Reader): string {
  const v = r.raw('TOKEN_STORE_URL');
  if (v === undefined) return DEFAULT_TOKEN_STORE_URL;
  const scheme = v.match(/^([a-z][a-z0-9+.-]*):\/\//i)?.[1]?.toLowerCase();
  if (scheme !== undefined && !['sqlite', 'file', 'redis', 'rediss', 'postgres', 'postgresql'].includes(scheme)) {
    r.fail('TOKEN_STORE_URL', redactUrl(v), 'expected a SQLite file path, or a sqlite://, redis://, rediss:// or postgres:// URL');
  }
  return v;
}

/**
 * The credential mode and its settings. At most one of HUBSPOT_TOKEN, the OAuth app (client id and secret,
 * together) and PASS_THROUGH_AUTH; the OAuth settings only with the OAuth app.
 */
function parseAuth(r: Reader, hubspotToken: string | undefined, baseUrl: string | undefined): Pick<Config, 'authMode' | 'oauth' | 'tokenStoreUrl'> {
  const clientId = r.raw('HUBSPOT_CLIENT_ID');
  const clientSecret = r.raw('HUBSPOT_CLIENT_SECRET');
  const passThroughAuth = r.bool('PASS_THROUGH_AUTH', false);
  const isOAuth = clientId !== undefined || clientSecret !== undefined;
  if (isOAuth && hubspotToken !== undefined) {
    r.fail(clientId !== undefined ? 'HUBSPOT_CLIENT_ID' : 'HUBSPOT_CLIENT_SECRET', clientId ?? '(hidden)', 'HUBSPOT_TOKEN is set too: use a private-app token (HUBSPOT_TOKEN) or an OAuth app (HUBSPOT_CLIENT_ID and HUBSPOT_CLIENT_SECRET), not both');
  }
  if (passThroughAuth && (hubspotToken !== undefined || isOAuth)) {
    r.fail('PASS_THROUGH_AUTH', 'true', `${hubspotToken !== undefined ? 'HUBSPOT_TOKEN' : 'HUBSPOT_CLIENT_ID'} is set too: in pass-through mode the gateway holds no token, each caller sends its own`);
  }
  if (!isOAuth) {
    const stray = OAUTH_ONLY.find((env) => r.raw(env) !== undefined);
    if (stray !== undefined) {
      const shown = HIDDEN.has(stray) ? '(hidden)' : redactUrl(r.raw(stray)!);
      r.fail(stray, shown, 'only used in OAuth app mode: set HUBSPOT_CLIENT_ID and HUBSPOT_CLIENT_SECRET too');
    }
    return { authMode: passThroughAuth ? 'pass-through' : 'private-app', tokenStoreUrl: DEFAULT_TOKEN_STORE_URL };
  }
  if (clientId === undefined) return r.fail('HUBSPOT_CLIENT_ID', '', 'set it together with HUBSPOT_CLIENT_SECRET (OAuth app mode needs both)');
  if (clientSecret === undefined) return r.fail('HUBSPOT_CLIENT_SECRET', '', 'set it together with HUBSPOT_CLIENT_ID (OAuth app mode needs both)');
  if (!/^[\x21-\x7e]{1,256}$/.test(clientId)) r.fail('HUBSPOT_CLIENT_ID', clientId.slice(0, 40), 'expected up to 256 printable characters without spaces');
  if (!/^[\x21-\x7e]{1,256}$/.test(clientSecret)) r.fail('HUBSPOT_CLIENT_SECRET', '(hidden)', 'expected up to 256 printable characters without spaces');
  const stateSecret = r.raw('OAUTH_STATE_SECRET');
  if (stateSecret !== undefined && stateSecret.length < 32) r.fail('OAUTH_STATE_SECRET', '(hidden)', 'expected at least 32 characters');
  const redirectUri = r.url('OAUTH_REDIRECT_URI', ['http:', 'https:']);
  const authorizeUrl = r.url('OAUTH_AUTHORIZE_URL', ['http:', 'https:']) ?? (baseUrl !== undefined && baseUrl !== 'https://api.hubapi.com' ? `${baseUrl}/oauth/authorize` : HUBSPOT_AUTHORIZE_URL);
  const oauth: OAuthConfig = {
    clientId,
    clientSecret,
    ...(redirectUri !== undefined ? { redirectUri } : {}),
    scopes: parseScopeList(r, 'OAUTH_SCOPES', DEFAULT_OAUTH_SCOPES),
    optionalScopes: parseScopeList(r, 'OAUTH_OPTIONAL_SCOPES', []),
    authorizeUrl,
    ...(stateSecret !== undefined ? { stateSecret } : {}),
    refreshMarginSeconds: r.int('OAUTH_REFRESH_MARGIN_SECONDS', 300, 0, 3600),
  };
  if (!oauth.scopes.length) r.fail('OAUTH_SCOPES', '', 'name at least one scope');
  return { authMode: 'oauth', oauth, tokenStoreUrl: parseTokenStoreUrl(r) };
}

function parseSignatureVersions(r: Reader): SignatureVersion[] {
  const v = r.raw('WEBHOOK_SIGNATURE_VERSIONS');
  if (v === undefined) return ['v3'];
  const versions = [...new Set(v.toLowerCase().split(/[\s,]+/).filter(Boolean))];
  const bad = versions.find((s) => !(SIGNATURE_VERSIONS as readonly string[]).includes(s));
  if (bad !== undefined || !versions.length) r.fail('WEBHOOK_SIGNATURE_VERSIONS', v, `expected a comma-separated list of ${SIGNATURE_VERSIONS.join(', ')}`);
  return versions as SignatureVersion[];
}

/** The receiver's settings; its secret is the OAuth app's, or the embedded emulator's demo app's. */
function parseWebhooks(r: Reader, oauth: OAuthConfig | undefined, emulator: EmulatorOptions | undefined): WebhookConfig {
  const urlBase = r.url('WEBHOOK_URL_BASE', ['http:', 'https:']);
  // A private-app or pass-through gateway has no OAuth app of its own, but may still receive an app's deliveries.
  const ownSecret = r.raw('WEBHOOK_CLIENT_SECRET');
  if (ownSecret !== undefined && !/^[\x21-\x7e]{1,256}$/.test(ownSecret)) r.fail('WEBHOOK_CLIENT_SECRET', '(hidden)', 'expected up to 256 printable characters without spaces');
  const clientSecret = ownSecret ?? oauth?.clientSecret ?? emulator?.webhookApps[0]?.clientSecret;
  return {
    signatureVersions: parseSignatureVersions(r),
    ...(urlBase !== undefined ? { urlBase } : {}),
    maxBodyBytes: r.int('WEBHOOK_MAX_BODY_BYTES', 1_048_576, 1024, 100 * 1024 * 1024),
    replayTtlSeconds: r.int('WEBHOOK_REPLAY_TTL_SECONDS', 86_400, 1, 30 * 86_400),
    ...(clientSecret !== undefined ? { clientSecret } : {}),
  };
}

function parsePortalSchema(r: Reader): PortalSchemaConfig {
  const token = r.raw('PORTAL_SCHEMA_TOKEN');
  if (token !== undefined && !/^[\x21-\x7e]{8,512}$/.test(token)) r.fail('PORTAL_SCHEMA_TOKEN', '(hidden)', 'expected 8 to 512 printable characters without spaces');
  const portalId = r.raw('PORTAL_SCHEMA_PORTAL_ID') === undefined ? undefined : r.int('PORTAL_SCHEMA_PORTAL_ID', 0, 1, Number.MAX_SAFE_INTEGER);
  return {
    enabled: r.bool('PORTAL_SCHEMA', true),
    refreshSeconds: r.int('PORTAL_SCHEMA_REFRESH_SECONDS', 300, 0, 86_400),
    ...(portalId !== undefined ? { portalId } : {}),
    ...(token !== undefined ? { token } : {}),
  };
}

/** An absolute path of plain characters, e.g. /metrics or /internal/metrics. */
function parseMetricsPath(r: Reader): string {
  const v = r.raw('METRICS_PATH');
  if (v === undefined) return '/metrics';
  if (!/^\/[A-Za-z0-9._~\/-]{1,200}$/.test(v) || v === '/graphql') r.fail('METRICS_PATH', v.slice(0, 40), 'expected a path like /metrics (letters, digits, . _ ~ - /), not /graphql');
  return v;
}

/** Traces go to an OTLP collector when its endpoint is set, unless OTEL_TRACES says otherwise. */
function parseTracing(r: Reader): TracingConfig {
  const endpoint = r.url('OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:']);
  const v = (r.raw('OTEL_TRACES') ?? (endpoint !== undefined ? 'otlp' : 'off')).toLowerCase();
  const exporter = ({ otlp: 'otlp', console: 'console', off: 'off', false: 'off', true: 'otlp' } as Record<string, TracingConfig['exporter']>)[v];
  if (exporter === undefined) return r.fail('OTEL_TRACES', v, 'expected otlp, console or off');
  const serviceName = r.raw('OTEL_SERVICE_NAME') ?? 'hubspot-graphql';
  if (!/^[\x21-\x7e]{1,100}$/.test(serviceName)) r.fail('OTEL_SERVICE_NAME', serviceName.slice(0, 40), 'expected 1 to 100 printable characters without spaces');
  return { exporter, serviceName, ...(endpoint !== undefined ? { endpoint } : {}) };
}

/** API_KEY_HASHES, JWT_* and the opt-out (src/auth/callers.ts). */
function parseCallerAuth(r: Reader): CallerAuthConfig {
  const hashes = r.raw('API_KEY_HASHES');
  let apiKeys: CallerAuthConfig['apiKeys'] = [];
  if (hashes !== undefined) {
    try {
      apiKeys = parseApiKeyHashes(hashes);
    } catch (e) {
      r.fail('API_KEY_HASHES', '(hidden)', (e as Error).message);
    }
  }
  const secret = r.raw('JWT_SECRET');
  if (secret !== undefined && secret.length < 32) r.fail('JWT_SECRET', '(hidden)', 'expected at least 32 characters');
  const jwksUrl = r.raw('JWKS_URL')?.replace(/\/+$/, '');
  if (jwksUrl !== undefined) {
    const problem = jwksUrlProblem(jwksUrl);
    if (problem !== undefined) r.fail('JWKS_URL', redactUrl(jwksUrl), problem);
  }
  const issuer = r.raw('JWT_ISSUER');
  const audience = r.raw('JWT_AUDIENCE');
  // An identity provider's keys sign tokens for every app it serves: only iss and aud say a token is for this gateway.
  if (jwksUrl !== undefined) {
    for (const [env, value] of [['JWT_ISSUER', issuer], ['JWT_AUDIENCE', audience]] as const) {
      if (value === undefined) r.fail(env, '', `JWKS_URL needs ${env} too: a token signed by the identity provider must also be issued by it for this gateway (iss and aud)`);
    }
  }
  const portalClaim = r.raw('JWT_PORTAL_CLAIM') ?? DEFAULT_PORTAL_CLAIM;
  if (secret === undefined && jwksUrl === undefined) {
    const stray = ['JWT_ISSUER', 'JWT_AUDIENCE', 'JWT_PORTAL_CLAIM'].find((env) => r.raw(env) !== undefined);
    if (stray !== undefined) r.fail(stray, r.raw(stray)!.slice(0, 40), 'only used with JWT_SECRET or JWKS_URL');
  }
  return {
    apiKeys,
    ...(secret !== undefined || jwksUrl !== undefined
      ? { jwt: { ...(secret !== undefined ? { secret } : {}), ...(jwksUrl !== undefined ? { jwksUrl } : {}), ...(issuer !== undefined ? { issuer } : {}), ...(audience !== undefined ? { audience } : {}), portalClaim } }
      : {}),
    allowUnauthenticated: r.bool('ALLOW_UNAUTHENTICATED_CALLERS', false),
  };
}

function parseHttpLimits(r: Reader): HttpLimitsConfig {
  const origins = (r.raw('CORS_ORIGINS') ?? '').split(',').map((s) => s.trim().replace(/\/+$/, '')).filter(Boolean);
  for (const origin of origins) {
    let ok = false;
    try {
      const u = new URL(origin);
      ok = ['http:', 'https:'].includes(u.protocol) && u.origin === origin;
    } catch {
      // not a URL
    }
    // `*` is refused on purpose: any site's pages could then read the CRM with a caller's credentials.
    if (!ok) r.fail('CORS_ORIGINS', origin.slice(0, 80), 'expected comma-separated origins like https://app.example.com (scheme, host and port only; no *)');
  }
  return {
    corsOrigins: [...new Set(origins)],
    maxBodyBytes: r.int('MAX_BODY_BYTES', 1_048_576, 1024, 100 * 1024 * 1024),
    maxVariablesBytes: r.int('MAX_VARIABLES_BYTES', 262_144, 64, 100 * 1024 * 1024),
    requestTimeoutMs: r.int('HTTP_REQUEST_TIMEOUT_MS', 30_000, 1_000, 3_600_000),
  };
}

function parsePersistedQueries(r: Reader): Config['persistedQueries'] {
  const mode = (r.raw('PERSISTED_QUERIES') ?? 'apq').toLowerCase();
  if (!['off', 'apq', 'allow-list'].includes(mode)) r.fail('PERSISTED_QUERIES', mode, 'expected off, apq or allow-list');
  const manifest = r.raw('PERSISTED_QUERIES_MANIFEST');
  if (mode === 'allow-list' && manifest === undefined) r.fail('PERSISTED_QUERIES_MANIFEST', '', 'PERSISTED_QUERIES=allow-list needs the manifest of the operations allowed');
  if (mode !== 'allow-list' && manifest !== undefined) r.fail('PERSISTED_QUERIES_MANIFEST', manifest, 'only used with PERSISTED_QUERIES=allow-list');
  return { mode: mode as PersistedQueriesMode, ...(manifest !== undefined ? { manifest } : {}) };
}

/**
 * Never open by accident: a gateway holding a HubSpot credential (HUBSPOT_TOKEN, OAuth installs) needs caller
 * authentication, and the credential-less demo (embedded emulator) listens on loopback only, unless the operator
 * opts out explicitly. Pass-through needs none: each caller brings its own HubSpot token.
 */
function refuseOpenGateway(authMode: CredentialMode, hubspotToken: string | undefined, host: string, callers: CallerAuthConfig): void {
  const configured = callers.apiKeys.length > 0 || callers.jwt !== undefined;
  if (configured || callers.allowUnauthenticated || authMode === 'pass-through') return;
  const held = authMode === 'oauth' ? 'HUBSPOT_CLIENT_ID/HUBSPOT_CLIENT_SECRET (OAuth installs)' : hubspotToken !== undefined ? 'HUBSPOT_TOKEN' : undefined;
  const fix = 'set API_KEY_HASHES, JWT_SECRET or JWKS_URL, or ALLOW_UNAUTHENTICATED_CALLERS=true to let anyone who can reach the gateway use';
  if (held !== undefined) {
    throw new ConfigError(`refusing to start: the gateway holds a HubSpot credential (${held}) and no caller authentication is configured: ${fix} it`);
  }
  if (!isLoopbackHost(host)) {
    throw new ConfigError(`refusing to start: HOST=${host} would expose the demo gateway beyond this machine without caller authentication: ${fix} the demo portal, or keep HOST=127.0.0.1`);
  }
}

/** A Redis channel name: printable, without spaces (it shows up in logs and redis-cli). */
function parseEventsChannel(r: Reader): string {
  const v = r.raw('EVENTS_CHANNEL');
  if (v === undefined) return DEFAULT_EVENTS_CHANNEL;
  if (!/^[\x21-\x7e]{1,200}$/.test(v)) r.fail('EVENTS_CHANNEL', v.slice(0, 40), 'expected 1 to 200 printable characters without spaces');
  return v;
}

/**
 * Reads the configuration. `command` decides the emulator's default port (4010 when it runs alone, any free
 * port when embedded), and whether an open gateway is refused (`serve` only: the others serve no GraphQL).
 * Throws ConfigError naming the bad setting.
 */
export function loadConfig(env: Source = process.env, argv: string[] = [], command: 'serve' | 'emulator' | 'schema pull' = 'serve'): Config {
  const r = new Reader({ ...env, ...parseFlags(argv) });
  const production = r.raw('NODE_ENV') === 'production';
  const logLevel = (r.raw('LOG_LEVEL') ?? 'info').toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) r.fail('LOG_LEVEL', logLevel, `expected one of ${LOG_LEVELS.join(', ')}`);
  const hubspotToken = r.raw('HUBSPOT_TOKEN');
  if (hubspotToken !== undefined && !/^[\x21-\x7e]{8,512}$/.test(hubspotToken)) {
    r.fail('HUBSPOT_TOKEN', '(hidden)', 'expected 8 to 512 printable characters without spaces');
  }
  const defaults = defaultEmulatorOptions();
  const emulator: Config['emulator'] = {
    ...defaults,
    tokens: parseTokens(r) ?? defaults.tokens,
    seedValue: r.int('EMULATOR_SEED', defaults.seedValue, 0, 2 ** 31 - 1),
    seed: parseSeedSizes(r, defaults.seed),
    rateLimit: {
      perWindow: r.int('EMULATOR_RATE_LIMIT', defaults.rateLimit.perWindow, 1, 1_000_000),
      windowMs: r.int('EMULATOR_RATE_WINDOW_MS', defaults.rateLimit.windowMs, 10, 86_400_000),
      searchPerSecond: r.int('EMULATOR_SEARCH_RATE', defaults.rateLimit.searchPerSecond, 1, 1_000_000),
      daily: r.int('EMULATOR_DAILY_LIMIT', defaults.rateLimit.daily, 1, 1_000_000_000),
      disabled: r.bool('EMULATOR_RATE_LIMITS_OFF', false),
    },
    latency: { fixedMs: r.int('EMULATOR_LATENCY_MS', 0, 0, 600_000), jitterMs: r.int('EMULATOR_JITTER_MS', 0, 0, 600_000) },
    faults: parseFaults(r),
    oauth: { accessTokenTtlSeconds: r.int('EMULATOR_OAUTH_TOKEN_TTL_SECONDS', 1800, 1, 86_400) },
    fileMaxBytes: r.int('EMULATOR_FILE_MAX_BYTES', defaults.fileMaxBytes, 1, 2 ** 31 - 1),
    port: r.int('EMULATOR_PORT', command === 'emulator' ? 4010 : 0, 0, 65535),
    host: r.raw('EMULATOR_HOST') ?? '127.0.0.1',
  };
  const auth = parseAuth(r, hubspotToken, r.url('HUBSPOT_BASE_URL', ['http:', 'https:']));
  // The embedded emulator runs only when the gateway has no HubSpot credential of any kind.
  const useEmbeddedEmulator = auth.authMode === 'private-app' && hubspotToken === undefined;
  const redisUrl = r.url('REDIS_URL', ['redis:', 'rediss:']);
  const baseUrl = r.url('HUBSPOT_BASE_URL', ['http:', 'https:']);
  if (useEmbeddedEmulator && baseUrl !== undefined) {
    r.fail('HUBSPOT_BASE_URL', baseUrl, 'set HUBSPOT_TOKEN too, or HUBSPOT_CLIENT_ID and HUBSPOT_CLIENT_SECRET, or PASS_THROUGH_AUTH (without a credential the gateway runs its embedded emulator)');
  }
  const callerAuth = parseCallerAuth(r);
  if (auth.authMode === 'pass-through' && callerAuth.jwt) {
    // Silently ignoring it would leave callers unauthenticated where the operator asked for JWTs.
    r.fail(callerAuth.jwt.secret !== undefined ? 'JWT_SECRET' : 'JWKS_URL', callerAuth.jwt.secret !== undefined ? '(hidden)' : callerAuth.jwt.jwksUrl!, 'in pass-through mode Authorization carries the caller\'s HubSpot token: authenticate callers with API_KEY_HASHES (X-API-Key) instead');
  }
  const config: Config = {
    ...(hubspotToken !== undefined ? { hubspotToken } : {}),
    // Without a token the real URL is known only once the embedded emulator listens; main.ts fills it in.
    hubspotBaseUrl: baseUrl ?? (useEmbeddedEmulator ? '' : 'https://api.hubapi.com'),
    developerApp: parseDeveloperApp(r, useEmbeddedEmulator ? emulator : undefined),
    useEmbeddedEmulator,
    authMode: auth.authMode,
    ...(auth.oauth ? { oauth: auth.oauth } : {}),
    tokenStoreUrl: auth.tokenStoreUrl,
    port: r.int('PORT', 4000, 0, 65535),
    host: r.raw('HOST') ?? '127.0.0.1',
    logLevel,
    graphiql: r.bool('GRAPHIQL', !production),
    introspection: r.bool('INTROSPECTION', !production),
    federation: r.bool('FEDERATION', false),
    portalSchema: parsePortalSchema(r),
    upstreamTimeoutMs: r.int('UPSTREAM_TIMEOUT_MS', 30_000, 100, 600_000),
    upstreamConnections: r.int('UPSTREAM_CONNECTIONS', 32, 1, 1024),
    shutdownGraceMs: r.int('SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    ...(redisUrl !== undefined ? { redisUrl } : {}),
    metadataTtlSeconds: r.int('METADATA_TTL_SECONDS', 300, 0, 86_400),
    eventsChannel: parseEventsChannel(r),
    rateLimit: {
      perWindow: r.int('RATE_LIMIT_PER_WINDOW', useEmbeddedEmulator ? emulator.rateLimit.perWindow : 100, 1, 100_000),
      windowMs: r.int('RATE_LIMIT_WINDOW_MS', useEmbeddedEmulator ? emulator.rateLimit.windowMs : 10_000, 10, 3_600_000),
      searchPerSecond: r.int('SEARCH_RATE_PER_SECOND', useEmbeddedEmulator ? emulator.rateLimit.searchPerSecond : 4, 1, 100_000),
      concurrency: r.int('UPSTREAM_CONCURRENCY', 10, 1, 1000),
    },
    retry: {
      maxAttempts: r.int('RETRY_MAX_ATTEMPTS', 4, 1, 20),
      baseDelayMs: r.int('RETRY_BASE_DELAY_MS', 200, 1, 60_000),
      maxDelayMs: r.int('RETRY_MAX_DELAY_MS', 5_000, 1, 600_000),
    },
    requestDeadlineMs: r.int('REQUEST_DEADLINE_MS', 30_000, 100, 3_600_000),
    upload: { maxFileBytes: r.int('UPLOAD_MAX_FILE_BYTES', 20 * 1024 * 1024, 1, 2 ** 31 - 1), maxFiles: r.int('UPLOAD_MAX_FILES', 10, 1, 1000) },
    queryLimits: {
      maxCost: r.int('MAX_QUERY_COST', 200, 1, 1_000_000),
      maxDepth: r.int('MAX_QUERY_DEPTH', 12, 1, 1000),
      maxAliases: r.int('MAX_QUERY_ALIASES', 30, 0, 100_000),
    },
    webhooks: parseWebhooks(r, auth.oauth, useEmbeddedEmulator ? emulator : undefined),
    callerAuth,
    http: parseHttpLimits(r),
    persistedQueries: parsePersistedQueries(r),
    metrics: { enabled: r.bool('METRICS', true), path: parseMetricsPath(r) },
    tracing: parseTracing(r),
    emulator,
  };
  // Last, so that a bad setting is reported as such first. Only `serve` opens the gateway to callers.
  if (command === 'serve') refuseOpenGateway(config.authMode, hubspotToken, config.host, callerAuth);
  return config;
}
