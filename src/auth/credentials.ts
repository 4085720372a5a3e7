import { GraphQLError } from 'graphql';
import { createHash } from 'node:crypto';

/**
 * Where each GraphQL request's HubSpot access token comes from, and which portal it reaches. Three modes:
 * a private-app token the gateway holds (HUBSPOT_TOKEN, or the embedded emulator's demo token), OAuth installs
 * (a token per portal, refreshed by the gateway: oauthCredentials.ts), or pass-through (each caller sends
 * its own HubSpot token). The gateway only sees `CredentialProvider` and `RequestCredential`.
 */

export type CredentialMode = 'private-app' | 'oauth' | 'pass-through';

/** Reads one request header (case-insensitive), e.g. Express's `req.get`. */
export type HeaderReader = (name: string) => string | undefined;

/** The header that picks the portal of a request when several are installed (OAuth mode). */
export const PORTAL_HEADER = 'X-HubSpot-Portal-Id';

export interface RequestCredential {
  /**
   * Scopes caches, rate budgets and metrics to one portal: `hub-<portal id>` when the portal is known, else a
   * hash of the token (never the token itself).
   */
  readonly portalKey: string;
  /** The access token for the next HubSpot call; an OAuth token close to expiry is refreshed first. */
  token(): Promise<string>;
  /**
   * HubSpot answered 401 to `rejected`: get a usable token if one can be had (an OAuth refresh, shared by every
   * call that saw the same rejected token). True when the call may be retried once.
   */
  renewAfterRejection?(rejected: string): Promise<boolean>;
}

export interface CredentialProvider {
  readonly mode: CredentialMode;
  /** The credential of one GraphQL request. Never throws: a request without a usable credential fails on its first HubSpot call. */
  forRequest(header: HeaderReader): Promise<RequestCredential>;
  /** A credential for the readiness probe, when the gateway holds one of its own. */
  probe(): RequestCredential | undefined;
  close(): Promise<void>;
}

/**
 * Why a request has no usable HubSpot credential: a GraphQL error with a code (UNAUTHENTICATED, or
 * BAD_USER_INPUT for a malformed portal header), raised by the request's first HubSpot call.
 */
export class CredentialError extends GraphQLError {
  constructor(message: string, code: 'UNAUTHENTICATED' | 'BAD_USER_INPUT' = 'UNAUTHENTICATED') {
    super(message, { extensions: { code } });
    this.name = 'CredentialError';
  }
}

/** Cache scope of a token: a hash, so caches never mix tokens and never hold one. */
export const portalKeyOfToken = (token: string): string => createHash('sha256').update(token).digest('hex').slice(0, 24);

export const portalKeyOfPortal = (portalId: number): string => `hub-${portalId}`;

/** A credential that fails every call with `error`, so queries that need no HubSpot call (introspection) still work. */
export function failingCredential(error: Error): RequestCredential {
  return { portalKey: 'unresolved', token: () => Promise.reject(error) };
}

/** The token of an `Authorization: Bearer <token>` header value (scheme in any case), or undefined. */
export const bearerOf = (authorization: string | undefined): string | undefined => authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];

/** HubSpot tokens are printable, without spaces; HubSpot allows up to about 300 characters, we allow 512. */
const TOKEN_SHAPE = /^[\x21-\x7e]{8,512}$/;

/** Mode 1: one token the gateway holds (private app, or the emulator's demo token). */
export class PrivateAppCredentials implements CredentialProvider {
  readonly mode = 'private-app';

  constructor(private readonly token: () => string | Promise<string>) {}

  async forRequest(): Promise<RequestCredential> {
    return this.credential(await this.token());
  }

  probe(): RequestCredential {
    return { portalKey: 'probe', token: async () => this.token() };
  }

  async close(): Promise<void> {}

  private credential(token: string): RequestCredential {
    return { portalKey: portalKeyOfToken(token), token: async () => token };
  }
}

/** Mode 3: the caller's own `Authorization: Bearer <HubSpot token>`, used for that request only. */
export class PassThroughCredentials implements CredentialProvider {
  readonly mode = 'pass-through';

  async forRequest(header: HeaderReader): Promise<RequestCredential> {
    const token = bearerOf(header('authorization'));
    if (!token) return failingCredential(new CredentialError('This gateway passes your HubSpot token through: send it as Authorization: Bearer <token>.'));
    if (!TOKEN_SHAPE.test(token)) return failingCredential(new CredentialError('The bearer token is not a HubSpot token (expected 8 to 512 printable characters).'));
    return { portalKey: portalKeyOfToken(token), token: async () => token };
  }

  probe(): undefined {
    return undefined;
  }

  async close(): Promise<void> {}
}
