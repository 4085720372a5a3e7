import express, { type NextFunction, type Request, type Response } from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { adminRoutes } from './routes/admin';
import { hubspotRoutes } from './routes';
import { oauthRoutes } from './routes/oauth';
import { webhookRoutes } from './routes/webhooks';
import { webhookAdminRoutes } from './routes/webhookAdmin';
import { webhookEventCapture } from './webhookEvents';
import { HubSpotHttpError } from './errors';
import { faultMiddleware } from './faults';
import { fileHostingRoutes } from './filesHosting';
import { defaultEmulatorOptions, type EmulatorOptions } from './options';
import { EmulatorState } from './state';
import type { Caller } from './context';

/** Largest JSON body accepted, like HubSpot's API gateway (bodies beyond it are refused with 413). */
const BODY_LIMIT = '10mb';

const AUTH_MISSING =
  'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview';

/** Bearer token or `private-app` header → the portal it belongs to; HubSpot's 401 body otherwise. */
function authMiddleware(state: EmulatorState) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization');
    const bearer = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const token = bearer ?? req.get('private-app');
    if (!token) throw new HubSpotHttpError(401, 'INVALID_AUTHENTICATION', AUTH_MISSING);
    // Configured tokens, then OAuth access tokens (an expired one is HubSpot's EXPIRED_AUTHENTICATION 401).
    const known = state.tokens.get(token) ?? state.oauth.authenticate(token);
    if (!known) {
      throw new HubSpotHttpError(401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found. The access token or private app token is invalid or has been revoked.');
    }
    const caller: Caller = {
      token,
      portal: state.portal(known.portalId),
      scopes: known.scopes === undefined || known.scopes === '*' ? '*' : new Set(known.scopes),
    };
    res.locals.caller = caller;
    next();
  };
}

/** HubSpot's burst, search and daily limits; headers on every answer, HubSpot's 429 body when refused. */
function rateLimitMiddleware(state: EmulatorState) {
  return (req: Request, res: Response, next: NextFunction) => {
    const caller = res.locals.caller as Caller;
    const isSearch = req.method === 'POST' && /\/search$/.test(req.path);
    const decision = state.limiter.check(caller.token, caller.portal.portalId, isSearch);
    for (const [k, v] of Object.entries(decision.headers)) res.setHeader(k, v);
    if (decision.allowed) return next();
    const daily = decision.policyName === 'DAILY';
    throw new HubSpotHttpError(429, 'RATE_LIMITS', daily ? 'You have reached your daily limit.' : `You have reached your ${decision.policyName!.toLowerCase()} limit.`, {
      body: { errorType: 'RATE_LIMIT', policyName: decision.policyName },
      headers: { 'Retry-After': String(Math.max(1, Math.ceil((decision.retryAfterMs ?? 1000) / 1000))) },
    });
  };
}

/** Records every call (method, path, status, body size) for tests and the admin route. */
function requestLogMiddleware(state: EmulatorState) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.path.startsWith('/__emulator')) return next();
    let bodySize = 0;
    const write = res.write.bind(res);
    const end = res.end.bind(res);
    const count = (chunk: unknown) => {
      if (typeof chunk === 'string') bodySize += Buffer.byteLength(chunk);
      else if (chunk instanceof Uint8Array) bodySize += chunk.byteLength;
    };
    res.write = ((chunk: unknown, ...rest: unknown[]) => (count(chunk), (write as (...a: unknown[]) => boolean)(chunk, ...rest))) as Response['write'];
    res.end = ((chunk?: unknown, ...rest: unknown[]) => (count(chunk), (end as (...a: unknown[]) => Response)(chunk, ...rest))) as Response['end'];
    const record = (status: number) =>
      state.log.add({
        method: req.method,
        path: req.path,
        query: req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '',
        status,
        bodySize,
        portalId: (res.locals.caller as Caller | undefined)?.portal.portalId,
        ...(res.locals.fault ? { fault: res.locals.fault as string } : {}),
        ...(req.body !== undefined && req.is('application/json') ? { requestBody: req.body } : {}),
      });
    let done = false;
    res.once('finish', () => ((done = true), record(res.statusCode)));
    res.once('close', () => done || record(0));
    next();
  };
}

function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  if (res.headersSent) {
    req.socket.destroy();
    return;
  }
  let error: HubSpotHttpError;
  if (err instanceof HubSpotHttpError) error = err;
  else if (isBodyParserError(err) && err.type === 'entity.parse.failed') {
    error = new HubSpotHttpError(400, 'VALIDATION_ERROR', `Invalid input JSON: ${err.message}`);
  } else if (isBodyParserError(err) && err.type === 'entity.too.large') {
    error = new HubSpotHttpError(413, 'VALIDATION_ERROR', 'Request entity too large');
  } else if (err instanceof URIError) {
    // Express's router refuses a path parameter that is not valid percent-encoding before any route runs.
    error = new HubSpotHttpError(400, 'VALIDATION_ERROR', 'The request path is not valid percent-encoding');
  } else {
    // A bug in the emulator: answer like HubSpot's 500, keep the cause on stderr for the developer.
    console.error('[emulator] internal error', err);
    error = new HubSpotHttpError(500, 'INTERNAL_ERROR', 'internal error');
  }
  for (const [k, v] of Object.entries(error.extra.headers ?? {})) res.setHeader(k, v);
  res.status(error.status).json(error.toBody());
}

const isBodyParserError = (e: unknown): e is Error & { type: string } =>
  e instanceof Error && typeof (e as { type?: unknown }).type === 'string';

export interface RunningEmulator {
  url: string;
  port: number;
  state: EmulatorState;
  close(): Promise<void>;
}

/** The emulator as an Express app, plus a way to listen. Options default to the offline demo. */
export function createEmulator(overrides: Partial<EmulatorOptions> = {}) {
  const options: EmulatorOptions = { ...defaultEmulatorOptions(), ...overrides };
  const state = new EmulatorState(options);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'extended');
  app.locals.state = state;
  app.use(express.json({ limit: BODY_LIMIT, strict: false, type: ['application/json', 'application/*+json'] }));
  app.use(express.urlencoded({ limit: BODY_LIMIT, extended: false }));
  app.use(requestLogMiddleware(state));
  // Before adminRoutes, which answers any other /__emulator path with a 404.
  app.use('/__emulator', webhookAdminRoutes(state));
  app.use('/__emulator', adminRoutes(state));
  // The developer APIs authenticate an app's developer (hapikey), not a portal: mounted before the portal auth.
  app.use(webhookRoutes(state));
  // File bytes behind public and signed URLs need no token, like HubSpot's file CDN.
  app.use(fileHostingRoutes(state));
  // OAuth's authorize page and token endpoints take no bearer token.
  app.use(oauthRoutes());
  app.use(authMiddleware(state));
  app.use(rateLimitMiddleware(state));
  app.use(faultMiddleware(state));
  // CRM writes that succeed become webhook deliveries to the apps that subscribed to them.
  app.use(webhookEventCapture(state));
  app.use(hubspotRoutes());
  app.use((req: Request) => {
    throw new HubSpotHttpError(404, 'OBJECT_NOT_FOUND', `No route for ${req.method} ${req.path}`);
  });
  app.use(errorHandler);

  async function listen(port = 0, host = '127.0.0.1'): Promise<RunningEmulator> {
    const server: Server = await new Promise((resolve, reject) => {
      const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
    });
    server.keepAliveTimeout = 65_000;
    const actual = (server.address() as AddressInfo).port;
    return {
      url: `http://${host}:${actual}`,
      port: actual,
      state,
      close: async () => {
        // Pending deliveries and their retry timers stop with the emulator.
        await state.webhookDeliveries.close();
        await new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        });
      },
    };
  }

  return { app, state, listen };
}
