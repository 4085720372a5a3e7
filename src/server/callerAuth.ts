import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { CallerAuth, CallerAuthError, type Caller } from '../auth/callers';
import { PORTAL_HEADER, type CredentialProvider, type HeaderReader, type RequestCredential } from '../auth/credentials';
import { HubSpotError } from '../hubspot/errors';
import { codeForHubSpot } from '../graphql/errors';
import { sendError } from './httpErrors';

/**
 * Caller authentication in front of the credential providers (src/auth/callers.ts), for HTTP requests (an Express
 * middleware on /graphql) and WebSocket subscriptions alike: who the caller is, then the HubSpot credential it
 * gets, bound to its portal.
 * - OAuth app mode: the caller's portal (API key's @portalId, JWT claim) selects the install; an
 *   X-HubSpot-Portal-Id header naming another portal is FORBIDDEN (a malformed one is BAD_USER_INPUT, 400).
 * - Private-app and pass-through: the token reaches one portal; a caller bound to another is FORBIDDEN.
 */
export interface CallerGate {
  /** Whether callers must authenticate. */
  readonly enabled: boolean;
  /** Authenticates the caller alone (WebSocket connection_init). Throws CallerAuthError. */
  authenticate(header: HeaderReader): Promise<Caller>;
  /** The request's HubSpot credential, for an authenticated caller. Throws CallerAuthError. */
  credentialFor(header: HeaderReader): Promise<RequestCredential>;
  /** On /graphql: sets `res.locals.credential`, or answers 401/403 with a coded JSON body. */
  middleware: RequestHandler;
}

export interface CallerGateOptions {
  callerAuth: CallerAuth;
  credentials: CredentialProvider;
  /** The portal a credential reaches (read once from HubSpot per token, src/events/portals.ts). */
  portalOf(credential: RequestCredential): Promise<number>;
  logger: Logger;
}

export function createCallerGate(options: CallerGateOptions): CallerGate {
  const { callerAuth, credentials, logger } = options;

  const credentialFor = async (header: HeaderReader): Promise<RequestCredential> => {
    const caller = await callerAuth.authenticate(header);
    if (caller.portalId === undefined) return credentials.forRequest(header);
    const bound = caller.portalId;
    if (credentials.mode === 'oauth') {
      const asked = header(PORTAL_HEADER)?.trim();
      if (asked && asked !== String(bound)) throw new CallerAuthError(`Your credential is for HubSpot portal ${bound}, not ${asked.slice(0, 20)}.`, 'FORBIDDEN');
      return credentials.forRequest((name) => (name.toLowerCase() === PORTAL_HEADER.toLowerCase() ? String(bound) : header(name)));
    }
    const credential = await credentials.forRequest(header);
    let portalId: number;
    try {
      portalId = await options.portalOf(credential);
    } catch (e) {
      // A pass-through token HubSpot refuses is the caller's problem (401); anything else is HubSpot's or ours.
      if (e instanceof GraphQLError) throw e;
      if (e instanceof HubSpotError && e.status === 401) throw new CallerAuthError('HubSpot refused the token of this request.');
      throw e;
    }
    if (portalId !== bound) throw new CallerAuthError(`Your credential is for HubSpot portal ${bound}; this gateway's token reaches another portal.`, 'FORBIDDEN');
    return credential;
  };

  const middleware: RequestHandler = async (req: Request, res: Response, next: NextFunction) => {
    const header: HeaderReader = (name) => req.get(name);
    try {
      res.locals.credential = callerAuth.enabled ? await credentialFor(header) : await credentials.forRequest(header);
      next();
    } catch (e) {
      if (e instanceof GraphQLError) {
        const code = typeof e.extensions.code === 'string' ? e.extensions.code : 'UNAUTHENTICATED';
        // Refused callers are 401/403; anything else (a malformed X-HubSpot-Portal-Id: BAD_USER_INPUT) is the request's fault, 400.
        const status = e instanceof CallerAuthError ? e.status : code === 'UNAUTHENTICATED' ? 401 : code === 'FORBIDDEN' ? 403 : 400;
        (res.locals.log as Logger | undefined ?? logger).info({ code }, 'caller refused');
        return sendError(res, status, code, e.message);
      }
      if (e instanceof HubSpotError) {
        const code = codeForHubSpot(e);
        return sendError(res, code === 'RATE_LIMITED' ? 429 : 502, code, 'HubSpot could not confirm which portal this request reaches; try again.');
      }
      next(e);
    }
  };

  return { enabled: callerAuth.enabled, authenticate: (header) => callerAuth.authenticate(header), credentialFor, middleware };
}
