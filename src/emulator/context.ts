import type { Request, Response } from 'express';
import { HubSpotHttpError } from './errors';
import type { EmulatorState } from './state';
import type { Portal } from './store';

/** What the auth middleware attaches to each authenticated request. */
export interface Caller {
  token: string;
  portal: Portal;
  scopes: ReadonlySet<string> | '*';
}

export function callerOf(res: Response): Caller {
  const caller = res.locals.caller as Caller | undefined;
  if (!caller) throw new Error('route mounted without the auth middleware');
  return caller;
}

export function portalOf(res: Response): Portal {
  return callerOf(res).portal;
}

export function stateOf(req: Request): EmulatorState {
  return req.app.locals.state as EmulatorState;
}

/** Throws HubSpot's 403 MISSING_SCOPES body unless the caller's token has one of the scopes. */
export function requireScope(res: Response, ...anyOf: string[]): void {
  const { scopes } = callerOf(res);
  if (scopes === '*' || anyOf.some((s) => scopes.has(s))) return;
  throw new HubSpotHttpError(
    403,
    'MISSING_SCOPES',
    "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
    {
      errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: anyOf } }],
      body: { links: { scopes: 'https://developers.hubspot.com/scopes' } },
    },
  );
}

/** Query parameter helpers: HubSpot accepts both `a=x&a=y` and `a=x,y` for list parameters. */
export function queryList(req: Request, name: string): string[] {
  const raw = req.query[name];
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return values
    .flatMap((v) => String(v).split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

export function queryString(req: Request, name: string): string | undefined {
  const raw = req.query[name];
  const v = Array.isArray(raw) ? raw[0] : raw;
  return v === undefined ? undefined : String(v);
}

export function queryBool(req: Request, name: string, fallback = false): boolean {
  const v = queryString(req, name);
  if (v === undefined) return fallback;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new HubSpotHttpError(400, 'VALIDATION_ERROR', `Invalid value for query parameter ${name}: '${v}' is not a boolean`);
}

/** Parses an integer query parameter within [min, max]; out-of-range values are a 400, as HubSpot does. */
export function queryInt(req: Request, name: string, fallback: number, min: number, max: number): number {
  const v = queryString(req, name);
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new HubSpotHttpError(400, 'VALIDATION_ERROR', `Invalid value for query parameter ${name}: '${v}' must be an integer from ${min} to ${max}`);
  }
  return n;
}
