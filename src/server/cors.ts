import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { API_KEY_HEADER } from '../auth/callers';
import { PORTAL_HEADER } from '../auth/credentials';
import { sendError } from './httpErrors';

/**
 * CORS for /graphql: only the exact origins of CORS_ORIGINS get CORS headers (never `*`: a wildcard would let any
 * site's pages read the CRM with the caller's credentials). Without any, browsers keep the same-origin policy and
 * only GraphiQL (same origin) can call. Preflights from other origins are refused with 403 and a coded body.
 */
const ALLOWED_HEADERS = ['content-type', 'authorization', API_KEY_HEADER, PORTAL_HEADER, 'apollo-require-preflight', 'x-apollo-operation-name', 'apollographql-client-name', 'apollographql-client-version', 'x-request-id'].map((h) => h.toLowerCase());
const PREFLIGHT_MAX_AGE_SECONDS = 600;

export function cors(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.get('origin');
    // Caches must not hand one origin's answer to another.
    if (allowed.size) res.vary('Origin');
    const ok = origin !== undefined && allowed.has(origin);
    if (ok) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Expose-Headers', 'x-request-id');
    }
    if (req.method !== 'OPTIONS') return next();
    if (!ok) {
      return sendError(res, 403, 'FORBIDDEN', origin === undefined ? 'OPTIONS is only answered as a CORS preflight (with an Origin header).' : 'This origin may not call the gateway (see CORS_ORIGINS).');
    }
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS.join(', '));
    res.setHeader('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_SECONDS));
    res.status(204).end();
  };
}
