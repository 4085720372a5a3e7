import { Router, type Response } from 'express';
import type { Logger } from 'pino';
import { HubSpotError } from '../hubspot/errors';
import { OAuthError } from '../hubspot/oauth';
import { PORTAL_HEADER } from './credentials';
import type { OAuthCredentials } from './oauthCredentials';
import type { StateSigner } from './state';

/**
 * The install flow of OAuth app mode, mounted at /oauth:
 * - GET /oauth/install → 302 to HubSpot's authorize page with the app's scopes and a signed, expiring,
 *   single-use `state`;
 * - GET /oauth/callback?code&state → checks the state (before anything else), exchanges the code, stores the
 *   portal's tokens;
 * - POST /oauth/uninstall with the X-HubSpot-Portal-Id header → revokes the portal's refresh token at HubSpot
 *   and deletes its tokens. (A custom header keeps it out of reach of cross-site forms and links.) The gateway
 *   puts it behind caller authentication (src/server/gateway.ts): install and callback stay public.
 * Answers are JSON (`{errors:[{message, extensions:{code}}]}` on failure), or a short page for browsers.
 */

export interface OAuthRouteOptions {
  credentials: OAuthCredentials;
  signer: StateSigner;
  clientId: string;
  /** HubSpot's authorize page (https://app.hubspot.com/oauth/authorize, or an emulator's). */
  authorizeUrl: string;
  scopes: string[];
  optionalScopes: string[];
  /** The registered callback URL. Default: this gateway's /oauth/callback on the host the install request came to. */
  redirectUri?: string;
  logger: Logger;
}

export function oauthRoutes(o: OAuthRouteOptions): Router {
  const r = Router();

  r.get('/install', (req, res) => {
    const redirectUri = o.redirectUri ?? `${req.protocol}://${req.get('host')}/oauth/callback`;
    const url = new URL(o.authorizeUrl);
    url.searchParams.set('client_id', o.clientId);
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('scope', o.scopes.join(' '));
    if (o.optionalScopes.length) url.searchParams.set('optional_scope', o.optionalScopes.join(' '));
    url.searchParams.set('state', o.signer.issue(redirectUri));
    res.set('Cache-Control', 'no-store').redirect(302, url.toString());
  });

  r.get('/callback', async (req, res) => {
    const param = (name: string) => (typeof req.query[name] === 'string' ? (req.query[name] as string) : undefined);
    // The state first: a forged, expired or replayed callback never reaches the token exchange.
    const check = await o.signer.consume(param('state'));
    if (!check.ok) return fail(res, 400, 'BAD_REQUEST', check.message, { reason: check.reason });
    const declined = param('error');
    if (declined !== undefined) {
      const why = param('error_description');
      return fail(res, 400, 'BAD_REQUEST', `HubSpot did not authorize the install: ${declined}${why ? ` (${why})` : ''}. Start again at /oauth/install.`);
    }
    const code = param('code');
    if (!code) return fail(res, 400, 'BAD_REQUEST', 'The callback has no code parameter. Start again at /oauth/install.');
    try {
      const tokens = await o.credentials.install(code, check.state.redirectUri);
      const installed = { portalId: tokens.portalId, scopes: tokens.scopes };
      return reply(res, 200, { installed }, 'App installed', `HubSpot portal ${tokens.portalId} is installed. Query it at /graphql (with the ${PORTAL_HEADER}: ${tokens.portalId} header when several portals are installed).`);
    } catch (e) {
      if (e instanceof OAuthError && e.status < 500) {
        return fail(res, 400, 'BAD_REQUEST', `HubSpot refused the authorization code (${e.code}): ${e.message}. Start again at /oauth/install.`);
      }
      return upstreamOrInternal(res, o.logger, e, 'the install');
    }
  });

  r.post('/uninstall', async (req, res) => {
    const header = req.get(PORTAL_HEADER)?.trim();
    const portalId = Number(header);
    if (!header || !/^\d+$/.test(header) || portalId <= 0) {
      return fail(res, 400, 'BAD_REQUEST', `Name the portal to uninstall in the ${PORTAL_HEADER} header.`);
    }
    try {
      if (!(await o.credentials.uninstall(portalId))) return fail(res, 404, 'NOT_FOUND', `HubSpot portal ${portalId} is not installed.`);
      return reply(res, 200, { uninstalled: { portalId } }, 'App uninstalled', `HubSpot portal ${portalId} is uninstalled: its refresh token is revoked and its tokens are deleted.`);
    } catch (e) {
      return upstreamOrInternal(res, o.logger, e, 'the uninstall');
    }
  });

  return r;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON by default (APIs, curl, fetch), a minimal page for browsers. */
function reply(res: Response, status: number, json: unknown, title: string, text: string): void {
  res.status(status).set('Cache-Control', 'no-store').format({
    'application/json': () => res.json(json),
    'text/html': () => res.send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`),
    default: () => res.json(json),
  });
}

function fail(res: Response, status: number, code: string, message: string, extra: Record<string, unknown> = {}): void {
  reply(res, status, { errors: [{ message, extensions: { code, ...extra } }] }, 'HubSpot install failed', message);
}

/** HubSpot unreachable or failing → 502; anything else is ours → 500, logged (never with a token: errors carry none). */
function upstreamOrInternal(res: Response, logger: Logger, e: unknown, what: string): void {
  if ((e instanceof HubSpotError && (e.transport !== undefined || e.status >= 500)) || (e instanceof OAuthError && e.status >= 500)) {
    return fail(res, 502, 'UPSTREAM_ERROR', `HubSpot is unavailable, ${what} did not complete: ${e.message}. Try again.`);
  }
  logger.error({ err: e }, `OAuth: ${what} failed`);
  return fail(res, 500, 'INTERNAL', `Internal error: ${what} did not complete.`);
}

/** For the README and logs: where to start an install on a gateway listening at `baseUrl`. */
export const installUrl = (baseUrl: string): string => `${baseUrl.replace(/\/graphql$/, '')}/oauth/install`;
