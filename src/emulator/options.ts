/**
 * Options of the emulator. Each says its default. The gateway's config (src/config.ts) builds these from env
 * and flags; tests pass them directly.
 */
export interface EmulatorToken {
  /** The bearer token (or `private-app` header value). */
  token: string;
  /** The portal (HubSpot account) the token belongs to. */
  portalId: number;
  /** Granted scopes; `'*'` grants all. Default `'*'`. */
  scopes?: string[] | '*';
}

export interface SeedSizes {
  contacts: number;
  companies: number;
  deals: number;
  tickets: number;
  products: number;
  owners: number;
  /** Engagements (notes, calls, emails, meetings, tasks) in all. */
  engagements: number;
  /**
   * Records of the demo custom object `cars` (its schema is created only when this is above 0). Default 20 in the
   * offline demo; absent (as in sizes written before custom objects) means 0, so such portals are unchanged.
   */
  cars?: number;
}

/**
 * `timeout` holds the request unprocessed, then drops the connection; `lost-response` processes it (a write is
 * applied) and then never answers — the case where a client cannot know whether HubSpot applied a write.
 */
export const FAULT_KINDS = ['429', '500', '502', '503', 'timeout', 'lost-response', 'reset', 'truncated'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRule {
  kind: FaultKind;
  /** Probability from 0 to 1 that a matching request gets this fault. */
  rate: number;
  /** Only requests whose path matches this regular expression (default: every HubSpot route). */
  route?: string;
  /** Only requests with this method (default: any). */
  method?: string;
}

export interface LatencyOptions {
  /** Fixed delay added to every HubSpot route, in ms. Default 0. */
  fixedMs: number;
  /** Extra random delay, uniformly 0..jitterMs ms. Default 0. */
  jitterMs: number;
}

export interface RateLimitOptions {
  /** Requests per rolling window per token. Default 100 (HubSpot's free/starter private-app burst limit). */
  perWindow: number;
  /** Rolling window length in ms. Default 10000; tests use short windows. */
  windowMs: number;
  /** Search requests per second per token. Default 4. */
  searchPerSecond: number;
  /** Requests per day per portal. Default 250000. */
  daily: number;
  /** Turns rate limiting off entirely. Default false. */
  disabled: boolean;
}

/**
 * A HubSpot app of a developer account, for the developer APIs (webhook settings and subscriptions, which
 * authenticate the app's developer, not a portal). Its webhook settings and subscriptions live in the emulator
 * (src/emulator/webhookApps.ts) and start empty.
 */
export interface WebhookAppOptions {
  /** The app's id, as in `/webhooks/v3/{appId}/…`. */
  appId: number;
  /** Developer API keys of the account that owns the app (HubSpot's `hapikey`); any of them manages the app. */
  developerApiKeys: string[];
  /** OAuth client id of the app. */
  clientId: string;
  /** OAuth client secret of the app; it also signs webhook deliveries (X-HubSpot-Signature). */
  clientSecret: string;
  /** Portals that installed the app (whose events reach its subscriptions). Default `'*'`: every portal. */
  portalIds?: number[] | '*';
  /**
   * OAuth redirect URIs the app registered (src/emulator/oauthApps.ts): matched exactly, except that a loopback
   * URI registered without a port matches any port (RFC 8252 §7.3). Default: http://localhost/oauth/callback and
   * http://127.0.0.1/oauth/callback, so a gateway on any local port can install the demo app.
   */
  redirectUris?: string[];
  /** Scopes the app may request in the OAuth flow. Default: any well-formed scope. */
  scopes?: string[];
}

/**
 * How the emulator delivers webhook events to the apps' target URLs (src/emulator/webhookDelivery.ts). HubSpot
 * sends up to 100 events per request and retries a failed one about 10 times over 24 hours; the emulator keeps
 * the count and scales the delays down (tests make them a few ms).
 */
export interface WebhookDeliveryOptions {
  /** Events of one app are collected this long before they are sent, in ms. Default 200. */
  batchWindowMs: number;
  /** How long a target has to answer before the attempt counts as failed, in ms. Default 5000 (HubSpot's). */
  timeoutMs: number;
  /** Attempts per request in all, the first included. Default 10. */
  maxAttempts: number;
  /** Delay before the first retry, doubling after each failure, in ms. Default 1000. */
  retryBaseDelayMs: number;
  /** Longest delay between two attempts, in ms. Default 60000. */
  retryMaxDelayMs: number;
  /** Attempts kept in the delivery log (GET /__emulator/webhook-deliveries), oldest dropped. Default 1000. */
  logSize: number;
}

export const DEFAULT_WEBHOOK_DELIVERY: Readonly<WebhookDeliveryOptions> = {
  batchWindowMs: 200,
  timeoutMs: 5_000,
  maxAttempts: 10,
  retryBaseDelayMs: 1_000,
  retryMaxDelayMs: 60_000,
  logSize: 1_000,
};

/** The emulator's OAuth server (src/emulator/oauthApps.ts); every field optional. */
export interface OAuthServerOptions {
  /** Lifetime of OAuth access tokens (`expires_in`), in seconds. Default 1800, HubSpot's; tests use 1–2. */
  accessTokenTtlSeconds?: number;
  /** Lifetime of authorization codes, in seconds. Default 300. */
  codeTtlSeconds?: number;
  /** GET /oauth/authorize consents at once (302 to the redirect URI) instead of showing the consent form. Default false. */
  autoConsent?: boolean;
}

export interface EmulatorOptions {
  /** Tokens the emulator accepts. Default: `demo-token` (portal 12345678, all scopes). */
  tokens: EmulatorToken[];
  /** Seed data sizes per portal. Default ≈500 contacts, 100 companies, 300 deals, 150 tickets, 20 cars (a custom object). */
  seed: SeedSizes;
  /** Seed of the deterministic random generator for demo data. Default 42. */
  seedValue: number;
  rateLimit: RateLimitOptions;
  latency: LatencyOptions;
  /** Fault injection rules, checked in order. Default none. */
  faults: FaultRule[];
  /** How long a `timeout` fault holds the request before closing the connection, in ms. Default 30000. */
  timeoutFaultMs: number;
  /** Maximum entries kept in the request log (oldest dropped). Default 10000. */
  requestLogSize: number;
  /** Largest file the Files API accepts (upload, replace, import from URL), in bytes; larger is a 413. Default 20 MB. */
  fileMaxBytes: number;
  /** Apps for the developer APIs (webhooks). Default: one demo app, DEFAULT_WEBHOOK_APP. */
  webhookApps: WebhookAppOptions[];
  /** The OAuth server: token lifetimes and consent. Apps are `webhookApps` (their client id, secret, redirect URIs). */
  oauth?: OAuthServerOptions;
  /** Webhook deliveries: batching, timeout, retries; each field defaults to DEFAULT_WEBHOOK_DELIVERY's. */
  webhookDelivery?: Partial<WebhookDeliveryOptions>;
}

export const DEFAULT_DEMO_TOKEN = 'demo-token';
export const DEFAULT_PORTAL_ID = 12345678;

/** The demo app: fixed id and credentials, so docs and tests can name them. */
export const DEFAULT_WEBHOOK_APP: Readonly<WebhookAppOptions> = {
  appId: 424242,
  developerApiKeys: ['demo-developer-key'],
  clientId: 'demo-client-id',
  clientSecret: 'demo-client-secret',
  portalIds: '*',
};

export function defaultEmulatorOptions(): EmulatorOptions {
  return {
    tokens: [{ token: DEFAULT_DEMO_TOKEN, portalId: DEFAULT_PORTAL_ID, scopes: '*' }],
    seed: { contacts: 500, companies: 100, deals: 300, tickets: 150, products: 40, owners: 12, engagements: 400, cars: 20 },
    seedValue: 42,
    rateLimit: { perWindow: 100, windowMs: 10_000, searchPerSecond: 4, daily: 250_000, disabled: false },
    latency: { fixedMs: 0, jitterMs: 0 },
    faults: [],
    timeoutFaultMs: 30_000,
    requestLogSize: 10_000,
    fileMaxBytes: 20 * 1024 * 1024,
    webhookApps: [{ ...DEFAULT_WEBHOOK_APP, developerApiKeys: [...DEFAULT_WEBHOOK_APP.developerApiKeys] }],
  };
}
