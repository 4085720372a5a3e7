import type { HttpMethod, RawResponse, Transport } from './transport';

/**
 * HubSpot's OAuth v1 endpoints (oauth-v1.json): code exchange, refresh, token metadata and refresh-token
 * revocation. Separate from HubSpotClient because none of these calls carries a bearer token (the client
 * authenticates with its id and secret in a form body, or the token is the path) and none goes through the
 * portal's rate budget. Nothing here logs, and errors never carry a token or a secret.
 */

export interface OAuthAppCredentials {
  clientId: string;
  clientSecret: string;
}

/** A token endpoint answer (TokenResponseIF), in our names. */
export interface TokenGrant {
  accessToken: string;
  /** Absent for client_credentials grants. */
  refreshToken?: string;
  /** Seconds the access token lives, from when HubSpot answered. */
  expiresIn: number;
  /** The portal, when HubSpot says (it may not: then ask `accessTokenInfo`). */
  hubId?: number;
  scopes?: string[];
}

/** GET /oauth/v1/access-tokens/{token} (AccessTokenInfoResponse), in our names. */
export interface AccessTokenInfo {
  hubId: number;
  appId: number;
  scopes: string[];
  expiresIn: number;
  user?: string;
  hubDomain?: string;
}

/** Status words of HubSpot's v1 token errors that mean "this code or refresh token will never work". */
const DEAD_GRANT_STATUSES = new Set(['BAD_AUTH_CODE', 'EXPIRED_AUTH_CODE', 'MISMATCH_REDIRECT_URI_AUTH_CODE', 'BAD_REFRESH_TOKEN']);

/** HubSpot refused an OAuth call. `code` is HubSpot's category (or v1 status word); the message is HubSpot's. */
export class OAuthError extends Error {
  override name = 'OAuthError';
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hubspotStatus?: string,
    readonly correlationId?: string,
  ) {
    super(message);
  }

  /** The code or refresh token is dead (revoked, expired, already used): only a new install helps. */
  get invalidGrant(): boolean {
    return this.status === 400 && (this.code === 'invalid_grant' || DEAD_GRANT_STATUSES.has(this.hubspotStatus ?? ''));
  }

  static fromResponse(operation: string, res: RawResponse): OAuthError {
    const b = (res.body && typeof res.body === 'object' ? res.body : {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
    const hubspotStatus = str(b.status) !== 'error' ? str(b.status) : undefined;
    return new OAuthError(
      operation,
      res.status,
      str(b.category) ?? str(b.error) ?? hubspotStatus ?? `HTTP_${res.status}`,
      str(b.message) ?? str(b.error_description) ?? `HubSpot answered ${res.status}`,
      hubspotStatus,
      str(b.correlationId),
    );
  }
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const strings = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : undefined);

export class OAuthClient {
  constructor(
    private readonly transport: Transport,
    private readonly app: OAuthAppCredentials,
  ) {}

  /** grant_type=authorization_code: the code from the redirect, with the redirect URI the authorize URL named. */
  exchangeCode(code: string, redirectUri: string): Promise<TokenGrant> {
    return this.token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
  }

  /** grant_type=refresh_token: a new access token (HubSpot keeps the refresh token; a new one is taken if sent). */
  refresh(refreshToken: string): Promise<TokenGrant> {
    return this.token({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  async accessTokenInfo(accessToken: string): Promise<AccessTokenInfo> {
    const b = await this.json('GET', '/oauth/v1/access-tokens/{token}', `/oauth/v1/access-tokens/${encodeURIComponent(accessToken)}`);
    return {
      hubId: num(b.hub_id) ?? 0,
      appId: num(b.app_id) ?? 0,
      scopes: strings(b.scopes) ?? [],
      expiresIn: num(b.expires_in) ?? 0,
      ...(typeof b.user === 'string' ? { user: b.user } : {}),
      ...(typeof b.hub_domain === 'string' ? { hubDomain: b.hub_domain } : {}),
    };
  }

  /** Revokes a refresh token (and so the install's access to the portal). False when HubSpot no longer knew it. */
  async revokeRefreshToken(refreshToken: string): Promise<boolean> {
    const operation = '/oauth/v1/refresh-tokens/{token}';
    const res = await this.transport.send(operation, 'DELETE', `/oauth/v1/refresh-tokens/${encodeURIComponent(refreshToken)}`, { accept: 'application/json' });
    if (res.status === 404) return false;
    if (res.status >= 200 && res.status < 300) return true;
    throw OAuthError.fromResponse(`DELETE ${operation}`, res);
  }

  private async token(fields: Record<string, string>): Promise<TokenGrant> {
    const form = new URLSearchParams({ ...fields, client_id: this.app.clientId, client_secret: this.app.clientSecret });
    const b = await this.json('POST', '/oauth/v1/token', '/oauth/v1/token', form.toString());
    const accessToken = b.access_token;
    const expiresIn = num(b.expires_in);
    if (typeof accessToken !== 'string' || accessToken === '' || expiresIn === undefined) {
      throw new OAuthError('POST /oauth/v1/token', 200, 'BAD_RESPONSE', 'HubSpot answered the token request without access_token and expires_in');
    }
    const hubId = num(b.hub_id);
    const scopes = strings(b.scopes);
    return {
      accessToken,
      expiresIn,
      ...(typeof b.refresh_token === 'string' && b.refresh_token !== '' ? { refreshToken: b.refresh_token } : {}),
      ...(hubId !== undefined ? { hubId } : {}),
      ...(scopes ? { scopes } : {}),
    };
  }

  private async json(method: HttpMethod, operation: string, path: string, form?: string): Promise<Record<string, unknown>> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'hubspot-graphql-gateway' };
    if (form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await this.transport.send(operation, method, path, headers, form);
    if (res.status < 200 || res.status >= 300) throw OAuthError.fromResponse(`${method} ${operation}`, res);
    if (!res.body || typeof res.body !== 'object') throw new OAuthError(`${method} ${operation}`, res.status, 'BAD_RESPONSE', 'HubSpot answered without a JSON body');
    return res.body as Record<string, unknown>;
  }
}
