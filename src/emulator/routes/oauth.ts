import { Router, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { queryString, stateOf } from '../context';
import { notFound } from '../errors';
import { oauthError, parseScopes, type ConsentRequest, type OAuthServer } from '../oauthApps';

/**
 * OAuth 2.0 (oauth-v1.json) and HubSpot's authorize page, which really lives on app.hubspot.com. None of these
 * routes takes a bearer token, so the app mounts them before its auth middleware.
 *
 * The authorize page validates the app (client id, registered redirect URI) and the scopes, then shows a
 * consent form whose "Authorize" posts back and redirects to `redirect_uri?code=…&state=…`. Headless clients
 * read the form's fields and post them, or set the `oauth.autoConsent` option to be redirected at once.
 * `portalId` (the emulator's own parameter) picks the portal an install goes to; default the first token's.
 */
export function oauthRoutes(): Router {
  const r = Router();

  r.get('/oauth/authorize', (req, res) => authorize(req, res, paramsOf(req.query)));
  r.post('/oauth/authorize', (req, res) => authorize(req, res, paramsOf(req.body)));

  r.post('/oauth/v1/token', (req, res) => {
    // HubSpot's token endpoint takes a form; the spec also lists client_secret and refresh_token as query parameters.
    if (req.is('application/x-www-form-urlencoded') === false) {
      throw oauthError('invalid_request', 'BAD_REQUEST', 'The token endpoint takes an application/x-www-form-urlencoded body.');
    }
    const body = paramsOf(req.body);
    const field = (name: string) => body[name] ?? queryString(req, name);
    const oauth = stateOf(req).oauth;
    const grantType = field('grant_type');
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token' && grantType !== 'client_credentials') {
      throw oauthError('unsupported_grant_type', 'BAD_GRANT_TYPE', `grant_type must be authorization_code, refresh_token or client_credentials; got ${grantType === undefined ? 'none' : `'${grantType}'`}.`);
    }
    const app = oauth.authenticateClient(field('client_id'), field('client_secret'));
    noStore(res);
    if (grantType === 'authorization_code') return void res.json(oauth.redeemCode(app, field('code'), field('redirect_uri')));
    if (grantType === 'refresh_token') return void res.json(oauth.refresh(app, field('refresh_token')));
    return void res.json(oauth.clientCredentials(app, field('scope')));
  });

  r.get('/oauth/v1/access-tokens/:token', (req, res) => {
    const info = stateOf(req).oauth.accessTokenInfo(String(req.params.token));
    if (!info) throw notFound('The access token does not exist, has expired or was revoked.');
    noStore(res);
    res.json(info);
  });

  r.get('/oauth/v1/refresh-tokens/:token', (req, res) => {
    const info = stateOf(req).oauth.refreshTokenInfo(String(req.params.token));
    if (!info) throw notFound('The refresh token does not exist or was revoked.');
    noStore(res);
    res.json(info);
  });

  r.delete('/oauth/v1/refresh-tokens/:token', (req, res) => {
    if (!stateOf(req).oauth.revokeRefreshToken(String(req.params.token))) throw notFound('The refresh token does not exist or was revoked.');
    res.status(204).end();
  });

  return r;
}

type Params = Record<string, string | undefined>;

/** First value of each parameter, as strings (a repeated parameter counts once). */
function paramsOf(source: unknown): Params {
  const out: Params = {};
  if (!source || typeof source !== 'object') return out;
  for (const [k, v] of Object.entries(source as Record<string, unknown>)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (typeof first === 'string') out[k] = first;
  }
  return out;
}

/** A problem with an authorize request: shown on a page when the redirect URI cannot be trusted, else redirected. */
class AuthorizeProblem extends Error {
  constructor(
    readonly error: string,
    message: string,
    readonly redirectTo?: { uri: string; state?: string },
  ) {
    super(message);
  }
}

/** The checks HubSpot's authorize page makes, in its order: the app, its redirect URI, then the scopes. */
function consentRequest(oauth: OAuthServer, p: Params): ConsentRequest {
  const app = oauth.appByClientId(p.client_id);
  if (!app) throw new AuthorizeProblem('invalid_client', `Unknown client_id ${p.client_id === undefined ? '(none given)' : `'${p.client_id}'`}: no app has it.`);
  if (p.redirect_uri === undefined || !oauth.redirectAllowed(app, p.redirect_uri)) {
    throw new AuthorizeProblem('invalid_request', `redirect_uri ${p.redirect_uri === undefined ? '(none given)' : `'${p.redirect_uri}'`} is not one of app ${app.appId}'s redirect URIs.`);
  }
  const back = { uri: p.redirect_uri, ...(p.state !== undefined ? { state: p.state } : {}) };
  const scopes = parseScopes(p.scope);
  if (!scopes.length) throw new AuthorizeProblem('invalid_scope', 'scope is required: the space-separated scopes the app needs.', back);
  const problem = oauth.scopeProblem(app, scopes);
  if (problem) throw new AuthorizeProblem('invalid_scope', `Invalid scope: ${problem}.`, back);
  // Optional scopes are granted where the app may have them and dropped silently otherwise, as HubSpot does.
  const optional = parseScopes(p.optional_scope).filter((s) => !scopes.includes(s) && !oauth.scopeProblem(app, [s]));
  let portalId = oauth.defaultPortalId;
  if (p.portalId !== undefined) {
    portalId = Number(p.portalId);
    if (!Number.isInteger(portalId) || portalId <= 0 || portalId > 2 ** 31 - 1) throw new AuthorizeProblem('invalid_request', `portalId '${p.portalId}' is not a portal id.`, back);
  }
  return { app, redirectUri: p.redirect_uri, portalId, scopes: [...scopes, ...optional], ...(p.state !== undefined ? { state: p.state } : {}) };
}

function authorize(req: Request, res: Response, p: Params): void {
  const oauth = stateOf(req).oauth;
  let consent: ConsentRequest;
  try {
    consent = consentRequest(oauth, p);
  } catch (e) {
    if (!(e instanceof AuthorizeProblem)) throw e;
    if (e.redirectTo) return redirect(res, e.redirectTo.uri, { error: e.error, error_description: e.message, state: e.redirectTo.state });
    return void res.status(400).format({
      'text/html': () => res.send(page('Authorization failed', `<p>${escapeHtml(e.message)}</p>`)),
      default: () => res.json({ status: 'error', message: e.message, correlationId: randomUUID(), category: e.error }),
    });
  }
  const decided = req.method === 'POST' ? p.decision : oauth.autoConsent ? 'allow' : undefined;
  if (decided === 'deny') return redirect(res, consent.redirectUri, { error: 'access_denied', error_description: 'The user did not authorize the app.', state: consent.state });
  if (decided === 'allow') return redirect(res, consent.redirectUri, { code: oauth.issueCode(consent), state: consent.state });
  res.type('html').send(consentPage(consent, p));
}

function redirect(res: Response, uri: string, params: Params): void {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  res.redirect(302, url.toString());
}

const noStore = (res: Response) => res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
  '<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;line-height:1.5}button{font-size:1rem;padding:.4rem 1.2rem;margin-right:.5rem}</style>' +
  `</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;

/** The consent form: every parameter goes back as a hidden field and is checked again on POST. */
function consentPage(consent: ConsentRequest, p: Params): string {
  const hidden = (['client_id', 'redirect_uri', 'scope', 'optional_scope', 'state'] as const)
    .filter((k) => p[k] !== undefined)
    .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(p[k]!)}">`)
    .join('');
  const scopes = consent.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('');
  return page(
    'Authorize app',
    `<p>App <strong>${consent.app.appId}</strong> asks for access to HubSpot portal <strong>${consent.portalId}</strong> (HubSpot emulator) with these scopes:</p>` +
      `<ul>${scopes}</ul>` +
      `<form method="post" action="/oauth/authorize">${hidden}<input type="hidden" name="portalId" value="${consent.portalId}">` +
      '<button type="submit" name="decision" value="allow">Authorize</button><button type="submit" name="decision" value="deny">Cancel</button></form>',
  );
}
