import { randomBytes, randomUUID } from 'node:crypto';
import { HubSpotHttpError } from './errors';
import { DEFAULT_PORTAL_ID, type EmulatorOptions, type EmulatorToken, type WebhookAppOptions } from './options';

/**
 * The emulator's OAuth 2.0 server (oauth-v1.json plus HubSpot's authorize page): authorization codes, access
 * and refresh tokens, for the apps of `options.webhookApps` — one app registry for webhooks and OAuth, so an
 * app's client id and secret are the same in both. Everything lives in memory, like the rest of the emulator.
 */

export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 1800;
export const DEFAULT_CODE_TTL_SECONDS = 300;
/** Where the demo app (and any app that names none) may redirect: loopback, any port (see `redirectUriMatches`). */
export const DEFAULT_REDIRECT_URIS = ['http://localhost/oauth/callback', 'http://127.0.0.1/oauth/callback'];
/** The user who "clicks Authorize" in the emulator. */
export const DEMO_USER = { id: 1000001, email: 'demo.user@example.com' };
/** Expired access tokens are remembered this long, so that using one says "expired" rather than "invalid". */
const EXPIRED_MEMORY_MS = 24 * 3600_000;
/** HubSpot's scope names: dotted lower-case words (`crm.objects.contacts.read`, `oauth`, `e-commerce`). */
const SCOPE_SYNTAX = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/;

interface AuthorizationCode {
  app: WebhookAppOptions;
  redirectUri: string;
  portalId: number;
  scopes: string[];
  expiresAt: number;
}

interface RefreshGrant {
  token: string;
  app: WebhookAppOptions;
  portalId: number;
  scopes: string[];
}

interface AccessGrant {
  token: string;
  app: WebhookAppOptions;
  portalId: number;
  scopes: string[];
  expiresAt: number;
  /** The refresh token it was issued with; revoking that revokes this. */
  refreshToken?: string;
}

/** A consent request that passed validation: what the consent page shows and the code will grant. */
export interface ConsentRequest {
  app: WebhookAppOptions;
  redirectUri: string;
  portalId: number;
  /** Required scopes, then the optional ones the app may have. */
  scopes: string[];
  state?: string;
}

/** Token endpoint answers (oauth-v1.json TokenResponseIF). */
export type TokenResponse = Record<string, unknown> & { access_token: string; expires_in: number };

/**
 * A token endpoint refusal: HubSpot's error body (`message`, `correlationId`, `category`), with HubSpot's v1
 * status word (`BAD_AUTH_CODE`, `BAD_REFRESH_TOKEN` …) in `status` and the RFC 6749 error code as `category`.
 */
export const oauthError = (category: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_scope', status: string, message: string) =>
  new HubSpotHttpError(400, category, message, { body: { status } });

const isLoopback = (host: string) => host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);

/**
 * Exact match, or — for a loopback URI registered without a port — the same scheme, host and path on any port
 * (RFC 8252 §7.3), so the demo app serves a gateway on whatever local port it runs.
 */
export function redirectUriMatches(registered: string, candidate: string): boolean {
  if (registered === candidate) return true;
  let r: URL;
  let c: URL;
  try {
    r = new URL(registered);
    c = new URL(candidate);
  } catch {
    return false;
  }
  return r.port === '' && isLoopback(r.hostname) && r.protocol === c.protocol && r.hostname === c.hostname && r.pathname === c.pathname && c.search === '' && c.hash === '';
}

/** `scope` as HubSpot takes it: space-separated (a `+` in the query is already a space). */
export const parseScopes = (value: string | undefined): string[] => [...new Set((value ?? '').split(/[\s,]+/).filter(Boolean))];

const opaque = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;

export class OAuthServer {
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();
  private readonly accessTokens = new Map<string, AccessGrant>();

  constructor(private readonly options: EmulatorOptions) {}

  get accessTokenTtlSeconds(): number {
    return this.options.oauth?.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS;
  }

  get autoConsent(): boolean {
    return this.options.oauth?.autoConsent === true;
  }

  /** The portal an install goes to when the consent does not name one: the first configured token's. */
  get defaultPortalId(): number {
    return this.options.tokens[0]?.portalId ?? DEFAULT_PORTAL_ID;
  }

  appByClientId(clientId: string | undefined): WebhookAppOptions | undefined {
    return clientId === undefined ? undefined : this.options.webhookApps.find((a) => a.clientId === clientId);
  }

  redirectAllowed(app: WebhookAppOptions, uri: string): boolean {
    return (app.redirectUris ?? DEFAULT_REDIRECT_URIS).some((r) => redirectUriMatches(r, uri));
  }

  /** Why an app may not request these scopes (malformed, or outside the app's list), or undefined when it may. */
  scopeProblem(app: WebhookAppOptions, scopes: string[]): string | undefined {
    const malformed = scopes.find((s) => !SCOPE_SYNTAX.test(s));
    if (malformed !== undefined) return `'${malformed}' is not a scope`;
    const notAllowed = app.scopes ? scopes.filter((s) => !app.scopes!.includes(s)) : [];
    if (notAllowed.length) return `app ${app.appId} may not request ${notAllowed.join(', ')}`;
    return undefined;
  }

  /** The user consented: a single-use code for the redirect. Installing the app puts the portal among its installs. */
  issueCode(consent: ConsentRequest): string {
    this.purge();
    const code = randomUUID();
    const ttl = (this.options.oauth?.codeTtlSeconds ?? DEFAULT_CODE_TTL_SECONDS) * 1000;
    this.codes.set(code, { app: consent.app, redirectUri: consent.redirectUri, portalId: consent.portalId, scopes: consent.scopes, expiresAt: Date.now() + ttl });
    const installs = consent.app.portalIds;
    if (Array.isArray(installs) && !installs.includes(consent.portalId)) installs.push(consent.portalId);
    return code;
  }

  /** The app named by client_id, if client_secret is its secret; HubSpot's BAD_CLIENT_ID otherwise. */
  authenticateClient(clientId: string | undefined, clientSecret: string | undefined): WebhookAppOptions {
    const app = this.appByClientId(clientId);
    if (!app) throw oauthError('invalid_client', 'BAD_CLIENT_ID', 'missing or invalid client id');
    if (clientSecret !== app.clientSecret) throw oauthError('invalid_client', 'BAD_CLIENT_SECRET', 'missing or invalid client secret');
    return app;
  }

  /** grant_type=authorization_code: the code is used up whether or not the exchange succeeds. */
  redeemCode(app: WebhookAppOptions, code: string | undefined, redirectUri: string | undefined): TokenResponse {
    const found = code === undefined ? undefined : this.codes.get(code);
    if (code !== undefined) this.codes.delete(code);
    if (!found || found.app !== app) throw oauthError('invalid_grant', 'BAD_AUTH_CODE', 'missing or unknown auth code');
    if (found.expiresAt <= Date.now()) throw oauthError('invalid_grant', 'EXPIRED_AUTH_CODE', 'auth code is expired');
    if (redirectUri !== found.redirectUri) throw oauthError('invalid_grant', 'MISMATCH_REDIRECT_URI_AUTH_CODE', 'redirect URI does not match initial auth code URI');
    const refresh: RefreshGrant = { token: `na1-${randomUUID()}`, app, portalId: found.portalId, scopes: found.scopes };
    this.refreshTokens.set(refresh.token, refresh);
    return this.accessTokenResponse(refresh);
  }

  /** grant_type=refresh_token: a new access token; HubSpot's refresh tokens do not rotate. */
  refresh(app: WebhookAppOptions, refreshToken: string | undefined): TokenResponse {
    const grant = refreshToken === undefined ? undefined : this.refreshTokens.get(refreshToken);
    if (!grant || grant.app !== app) throw oauthError('invalid_grant', 'BAD_REFRESH_TOKEN', 'missing or invalid refresh token');
    return this.accessTokenResponse(grant);
  }

  /** grant_type=client_credentials: an app-level token for the default portal, without a refresh token. */
  clientCredentials(app: WebhookAppOptions, scope: string | undefined): TokenResponse {
    const scopes = parseScopes(scope);
    const problem = this.scopeProblem(app, scopes);
    if (problem) throw oauthError('invalid_scope', 'BAD_SCOPE', `invalid scope: ${problem}`);
    const access = this.issueAccess(app, this.defaultPortalId, scopes);
    return { access_token: access.token, expires_in: this.accessTokenTtlSeconds, token_type: 'bearer', token_use: 'client_credentials', hub_id: access.portalId, scopes };
  }

  accessTokenInfo(token: string): Record<string, unknown> | undefined {
    const grant = this.accessTokens.get(token);
    const now = Date.now();
    if (!grant || grant.expiresAt <= now) return undefined;
    return {
      token,
      user: DEMO_USER.email,
      hub_domain: hubDomain(grant.portalId),
      scopes: grant.scopes,
      hub_id: grant.portalId,
      app_id: grant.app.appId,
      expires_in: Math.max(0, Math.floor((grant.expiresAt - now) / 1000)),
      user_id: DEMO_USER.id,
      token_type: 'access',
      is_private_distribution: false,
    };
  }

  refreshTokenInfo(token: string): Record<string, unknown> | undefined {
    const grant = this.refreshTokens.get(token);
    if (!grant) return undefined;
    return {
      token,
      user: DEMO_USER.email,
      hub_domain: hubDomain(grant.portalId),
      scopes: grant.scopes,
      hub_id: grant.portalId,
      client_id: grant.app.clientId,
      user_id: DEMO_USER.id,
      token_type: 'refresh',
    };
  }

  /** Revokes a refresh token and every access token issued with it; false when it was unknown. */
  revokeRefreshToken(token: string): boolean {
    if (!this.refreshTokens.delete(token)) return false;
    for (const [t, grant] of this.accessTokens) if (grant.refreshToken === token) this.accessTokens.delete(t);
    return true;
  }

  /** Revokes one access token (tests use it for "HubSpot says 401 to a token that has not expired yet"). */
  revokeAccessToken(token: string): boolean {
    return this.accessTokens.delete(token);
  }

  /**
   * For the auth middleware: the portal and scopes of an OAuth access token, undefined when it is not one;
   * HubSpot's EXPIRED_AUTHENTICATION 401 when it has expired.
   */
  authenticate(token: string): EmulatorToken | undefined {
    const grant = this.accessTokens.get(token);
    if (!grant) return undefined;
    const ago = Date.now() - grant.expiresAt;
    if (ago >= 0) {
      throw new HubSpotHttpError(401, 'EXPIRED_AUTHENTICATION', `The OAuth token used to make this call expired ${describeAgo(ago)} ago.`, {
        context: { 'expire time': [new Date(grant.expiresAt).toISOString()] },
      });
    }
    return { token, portalId: grant.portalId, scopes: grant.scopes };
  }

  private accessTokenResponse(refresh: RefreshGrant): TokenResponse {
    const access = this.issueAccess(refresh.app, refresh.portalId, refresh.scopes, refresh.token);
    return {
      token_type: 'bearer',
      refresh_token: refresh.token,
      access_token: access.token,
      expires_in: this.accessTokenTtlSeconds,
      token_use: 'access_token',
      hub_id: refresh.portalId,
      user_id: DEMO_USER.id,
      scopes: refresh.scopes,
    };
  }

  private issueAccess(app: WebhookAppOptions, portalId: number, scopes: string[], refreshToken?: string): AccessGrant {
    this.purge();
    const grant: AccessGrant = {
      token: opaque('emu-oauth-'),
      app,
      portalId,
      scopes,
      expiresAt: Date.now() + this.accessTokenTtlSeconds * 1000,
      ...(refreshToken !== undefined ? { refreshToken } : {}),
    };
    this.accessTokens.set(grant.token, grant);
    return grant;
  }

  /** Drops used-up state: expired codes, and access tokens long expired. */
  private purge(now = Date.now()): void {
    for (const [c, code] of this.codes) if (code.expiresAt <= now) this.codes.delete(c);
    for (const [t, grant] of this.accessTokens) if (grant.expiresAt + EXPIRED_MEMORY_MS <= now) this.accessTokens.delete(t);
  }
}

const hubDomain = (portalId: number) => `portal-${portalId}.example.com`;

/** "3 minute(s)", as HubSpot words it; seconds for the short lifetimes tests use. */
function describeAgo(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} second(s)`;
  if (s < 3600) return `${Math.floor(s / 60)} minute(s)`;
  if (s < 86_400) return `${Math.floor(s / 3600)} hour(s)`;
  return `${Math.floor(s / 86_400)} day(s)`;
}
