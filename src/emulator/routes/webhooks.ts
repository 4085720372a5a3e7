import { Router, type NextFunction, type Request, type Response } from 'express';
import { queryString, stateOf } from '../context';
import { HubSpotHttpError, validationError, type StandardError } from '../errors';
import { faultMiddleware } from '../faults';
import type { EmulatorState } from '../state';
import type { WebhookApp, WebhookSettings, WebhookSubscription } from '../webhookApps';

const INT32_MAX = 2147483647;
/** Inputs per batch update, like HubSpot's other batch APIs [unc: the webhooks spec states no cap]. */
export const SUBSCRIPTION_BATCH_LIMIT = 100;

const DEVELOPER_KEY_MISSING =
  'Authentication credentials not found. This API supports both API Key and OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview';
const DEVELOPER_KEY_INVALID = 'The API key provided is invalid. View or manage your API key here: https://app.hubspot.com/l/api-key/';
const PORTAL_TOKEN_REFUSED =
  "This API manages an app, so it takes the app's developer API key (the hapikey query parameter), not a portal's access token.";

/**
 * Who may call: the developer API key of the account owning the app, as the spec's `hapikey` query parameter
 * (or as `Authorization: Bearer <developer key>`, the form HubSpot's newer docs and the seed's examples show).
 * A portal's token is refused: the webhooks API configures an app, not an account.
 */
function developerAuth(req: Request, res: Response): void {
  const state = stateOf(req);
  const bearer = req.get('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
  const key = queryString(req, 'hapikey') ?? bearer;
  if (!key) throw new HubSpotHttpError(401, 'INVALID_AUTHENTICATION', DEVELOPER_KEY_MISSING);
  if (!state.webhookApps.isDeveloperKey(key)) {
    throw new HubSpotHttpError(401, 'INVALID_AUTHENTICATION', key === bearer && state.tokens.has(key) ? PORTAL_TOKEN_REFUSED : DEVELOPER_KEY_INVALID);
  }
  res.locals.developerKey = key;
}

const isWebhooksPath = (req: Request) => req.path === '/webhooks/v3' || req.path.startsWith('/webhooks/v3/');

function intParam(req: Request, name: string): number {
  const raw = String(req.params[name]);
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > INT32_MAX) throw validationError(`Invalid value for path parameter ${name}: '${raw}' is not an integer`);
  return n;
}

const appOf = (req: Request, res: Response): WebhookApp => stateOf(req).webhookApps.appFor(intParam(req, 'appId'), res.locals.developerKey as string);

const bodyOf = (req: Request): Record<string, unknown> => {
  if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body)) throw validationError('The request body must be a JSON object.');
  return req.body as Record<string, unknown>;
};

/** `SettingsResponse`: a copy, so callers never hold the store's objects. */
const renderSettings = (s: WebhookSettings) => ({ ...s, throttling: { ...s.throttling } });

/** `SubscriptionResponse`: ids are strings on the wire, integers in paths. */
const renderSubscription = (s: WebhookSubscription) => ({ ...s, id: String(s.id) });

/** HubSpot's per-item error of the batch update: one error naming every id it could not find. */
function idsNotFound(ids: number[]): StandardError {
  const list = ids.map((id) => `\`${id}\``).join(', ');
  return {
    status: 'error',
    category: 'SUBSCRIPTION_ID_NOT_FOUND',
    message: `Failed to find subscriptions by id ${list}. Try again using a different subscriptionId.`,
    context: { subscriptionIds: ids.map(String) },
    links: {},
    errors: [],
  };
}

function checkBatchInputs(body: Record<string, unknown>): Array<{ id: number; active: boolean }> {
  const inputs = body.inputs;
  if (!Array.isArray(inputs)) throw validationError('inputs is required: an array of {id, active}.');
  if (inputs.length > SUBSCRIPTION_BATCH_LIMIT) throw validationError(`At most ${SUBSCRIPTION_BATCH_LIMIT} inputs per batch; got ${inputs.length}.`);
  return inputs.map((input: unknown, i) => {
    const { id, active } = (input ?? {}) as Record<string, unknown>;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > INT32_MAX) throw validationError(`inputs[${i}].id must be an integer subscription id; got ${JSON.stringify(id ?? null)}.`);
    if (typeof active !== 'boolean') throw validationError(`inputs[${i}].active must be true or false; got ${JSON.stringify(active ?? null)}.`);
    return { id, active };
  });
}

/**
 * Webhooks v3 (webhooks-v3.json): an app's webhook settings and event subscriptions. Mounted before the portal
 * auth: these routes authenticate the app's developer instead. Latency and faults apply as to every HubSpot
 * route; HubSpot's per-portal rate limits do not (developer calls are not a portal's).
 */
export function webhookRoutes(state: EmulatorState): Router {
  const r = Router();
  const faults = faultMiddleware(state);
  // Not mounted at a path, so that fault rules see the full path (`^/webhooks`) as on every other route.
  r.use(async (req: Request, res: Response, next: NextFunction) => {
    if (!isWebhooksPath(req)) return next();
    developerAuth(req, res);
    await faults(req, res, next);
  });
  const apps = state.webhookApps;

  r.get('/webhooks/v3/:appId/settings', (req, res) => {
    const app = appOf(req, res);
    if (!app.settings) throw new HubSpotHttpError(404, 'OBJECT_NOT_FOUND', `App ${app.appId} has no webhook settings.`);
    res.json(renderSettings(app.settings));
  });

  r.put('/webhooks/v3/:appId/settings', (req, res) => {
    const app = appOf(req, res);
    res.json(renderSettings(apps.putSettings(app, bodyOf(req))));
  });

  // Subscriptions stay, with their `active` flags; with no target URL nothing is sent until settings return.
  r.delete('/webhooks/v3/:appId/settings', (req, res) => {
    appOf(req, res).settings = undefined;
    res.status(204).end();
  });

  r.get('/webhooks/v3/:appId/subscriptions', (req, res) => {
    const app = appOf(req, res);
    res.json({ results: [...app.subscriptions.values()].sort((a, b) => a.id - b.id).map(renderSubscription) });
  });

  r.post('/webhooks/v3/:appId/subscriptions', (req, res) => {
    const app = appOf(req, res);
    res.status(201).json(renderSubscription(apps.createSubscription(app, bodyOf(req))));
  });

  // Registered before `/:subscriptionId` so that `batch` is never read as an id.
  r.post('/webhooks/v3/:appId/subscriptions/batch/update', (req, res) => {
    const app = appOf(req, res);
    const startedAt = new Date().toISOString();
    const inputs = checkBatchInputs(bodyOf(req));
    const missing = inputs.filter((i) => !app.subscriptions.has(i.id)).map((i) => i.id);
    const results = inputs.filter((i) => app.subscriptions.has(i.id)).map((i) => renderSubscription(apps.setActive(app.subscriptions.get(i.id)!, i.active)));
    const base = { status: 'COMPLETE', results, startedAt, completedAt: new Date().toISOString() };
    if (!missing.length) return void res.json(base);
    res.status(207).json({ ...base, numErrors: 1, errors: [idsNotFound([...new Set(missing)])] });
  });

  r.get('/webhooks/v3/:appId/subscriptions/:subscriptionId', (req, res) => {
    const app = appOf(req, res);
    res.json(renderSubscription(app.subscription(intParam(req, 'subscriptionId'))));
  });

  r.patch('/webhooks/v3/:appId/subscriptions/:subscriptionId', (req, res) => {
    const app = appOf(req, res);
    const subscription = app.subscription(intParam(req, 'subscriptionId'));
    const { active } = bodyOf(req);
    if (active !== undefined && typeof active !== 'boolean') throw validationError(`active must be true or false; got ${JSON.stringify(active)}.`);
    res.json(renderSubscription(active === undefined ? subscription : apps.setActive(subscription, active)));
  });

  r.delete('/webhooks/v3/:appId/subscriptions/:subscriptionId', (req, res) => {
    const app = appOf(req, res);
    app.subscriptions.delete(app.subscription(intParam(req, 'subscriptionId')).id);
    res.status(204).end();
  });

  // Anything else under /webhooks/v3 is not a route (rather than falling through to the portal auth's 401).
  r.use('/webhooks/v3', (req: Request) => {
    throw new HubSpotHttpError(404, 'OBJECT_NOT_FOUND', `No route for ${req.method} ${req.originalUrl.split('?')[0]}`);
  });
  return r;
}
