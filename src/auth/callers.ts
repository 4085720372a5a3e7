import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { ApiKeyHash } from './apiKeys';
import { matchApiKey } from './apiKeys';
import { bearerOf, type HeaderReader } from './credentials';
import { JwtError, JwtVerifier } from './jwt';

/**
 * Caller authentication: who may use the gateway's own HubSpot credential. A gateway holding a server credential
 * (private-app token, OAuth installs) would otherwise open a whole CRM to anyone who reaches it, so it requires
 * callers to present an API key (`X-API-Key`, kept hashed: apiKeys.ts) or a JWT (`Authorization: Bearer`, jwt.ts),
 * unless ALLOW_UNAUTHENTICATED_CALLERS opts out (config.ts refuses to start otherwise). A key's `@portalId` or
 * the JWT's portal claim binds the caller to one portal. Used for HTTP requests and WebSocket connections alike.
 */

export interface CallerAuthConfig {
  /** API_KEY_HASHES. */
  apiKeys: ApiKeyHash[];
  /** JWT_SECRET or JWKS_URL (or both), with JWT_ISSUER, JWT_AUDIENCE and JWT_PORTAL_CLAIM. */
  jwt?: { secret?: string; jwksUrl?: string; issuer?: string; audience?: string; portalClaim: string };
  /** ALLOW_UNAUTHENTICATED_CALLERS: the explicit opt-out, logged at warn level at every start. */
  allowUnauthenticated: boolean;
}

export interface Caller {
  method: 'api-key' | 'jwt' | 'anonymous';
  /** The only portal this caller may reach; none = the portal chosen as without caller authentication. */
  portalId?: number;
}

export const API_KEY_HEADER = 'X-API-Key';
export const DEFAULT_PORTAL_CLAIM = 'hubspot_portal_id';

/** A refused caller: UNAUTHENTICATED (401) or FORBIDDEN (403), never echoing what was presented. */
export class CallerAuthError extends GraphQLError {
  readonly status: 401 | 403;
  constructor(message: string, code: 'UNAUTHENTICATED' | 'FORBIDDEN' = 'UNAUTHENTICATED') {
    const status = code === 'UNAUTHENTICATED' ? 401 : 403;
    super(message, { extensions: { code, http: { status } } });
    this.name = 'CallerAuthError';
    this.status = status;
  }
}

const MAX_PORTAL_ID = Number.MAX_SAFE_INTEGER;

export class CallerAuth {
  /** Whether callers must authenticate (some method is configured). */
  readonly enabled: boolean;
  private readonly jwt?: JwtVerifier;

  /**
   * `passThrough`: Authorization carries the caller's HubSpot token, so callers authenticate with X-API-Key only.
   * `logger`: where the reasons a JWKS could not be fetched go (callers only learn that the keys are unavailable).
   */
  constructor(
    private readonly config: CallerAuthConfig,
    private readonly passThrough = false,
    logger?: Pick<Logger, 'warn'>,
  ) {
    const j = config.jwt;
    if (j && !passThrough) {
      this.jwt = new JwtVerifier({
        onJwksFailure: (reason) => logger?.warn({ reason }, 'JWKS fetch failed: keys fetched before stay in use'),
        ...(j.secret !== undefined ? { secret: j.secret } : {}),
        ...(j.jwksUrl !== undefined ? { jwksUrl: j.jwksUrl } : {}),
        ...(j.issuer !== undefined ? { issuer: j.issuer } : {}),
        ...(j.audience !== undefined ? { audience: j.audience } : {}),
      });
    }
    this.enabled = config.apiKeys.length > 0 || this.jwt !== undefined;
  }

  /** Who is calling; a CallerAuthError when caller authentication is on and the caller has no valid credential. */
  async authenticate(header: HeaderReader): Promise<Caller> {
    if (!this.enabled) return { method: 'anonymous' };
    const key = header(API_KEY_HEADER);
    if (key !== undefined && key !== '') {
      if (!this.config.apiKeys.length) throw new CallerAuthError('This gateway does not accept API keys.');
      const match = matchApiKey(key.trim(), this.config.apiKeys);
      if (!match) throw new CallerAuthError(`The ${API_KEY_HEADER} header does not hold a valid API key.`);
      return { method: 'api-key', ...(match.portalId !== undefined ? { portalId: match.portalId } : {}) };
    }
    const bearer = this.passThrough ? undefined : bearerOf(header('authorization'));
    if (bearer !== undefined && this.jwt) {
      let claims;
      try {
        claims = await this.jwt.verify(bearer);
      } catch (e) {
        // The reason (expired, bad signature…) helps the caller and reveals nothing of the secret or the token.
        throw new CallerAuthError(`The bearer token is not a valid JWT for this gateway${e instanceof JwtError ? ` (${e.message})` : ''}.`);
      }
      const portalId = portalOfClaim(claims[this.config.jwt!.portalClaim], this.config.jwt!.portalClaim);
      return { method: 'jwt', ...(portalId !== undefined ? { portalId } : {}) };
    }
    throw new CallerAuthError(this.hint());
  }

  private hint(): string {
    const ways = [
      ...(this.config.apiKeys.length ? [`an API key in the ${API_KEY_HEADER} header`] : []),
      ...(this.jwt ? ['a JWT as Authorization: Bearer <token>'] : []),
    ];
    return `This gateway requires caller authentication: send ${ways.join(' or ')}.`;
  }
}

/** The portal a JWT claim names (a positive integer or its decimal string); absent = not bound to a portal. */
function portalOfClaim(value: unknown, claim: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0 || n > MAX_PORTAL_ID) throw new CallerAuthError(`The JWT's ${claim} claim is not a HubSpot portal id.`);
  return n;
}
