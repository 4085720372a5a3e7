import { Router, type Request, type RequestHandler, type Response } from 'express';
import { activityOf, type Stamped } from '../accountActivity';
import { portalOf, queryInt, queryList, queryString, requireScope, stateOf } from '../context';
import { crmWriteAudit } from '../crmWriteAudit';
import { validationError } from '../errors';

/**
 * Account info v3 (account-info-v3*.json): portal details, the daily API usage of private apps, and the account's
 * activity — audit log, login and security history — which pages with `paging.next.after`.
 */
export function accountRoutes(): Router {
  const r = Router();
  // Not an account route: it notes CRM writes made through the object routes in the audit log (mounted first).
  r.use(crmWriteAudit());

  r.get('/account-info/v3/details', (_req, res) => {
    res.json(portalOf(res).details);
  });
  const usage: RequestHandler = (req, res) => {
    const state = stateOf(req);
    const now = new Date();
    const resetsAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
    res.json({
      results: [
        {
          name: 'private-apps-api-calls-daily',
          usageLimit: state.options.rateLimit.daily,
          currentUsage: state.limiter.dailyUsage(portalOf(res).portalId),
          collectedAt: now.toISOString(),
          resetsAt: resetsAt.toISOString(),
          fetchStatus: 'SUCCESS',
        },
      ],
    });
  };
  r.get('/account-info/v3/api-usage/daily/private-apps', usage);
  r.get('/account-info/v3/api-usage/daily', usage);

  // Audit log (Enterprise): filters by acting users and a time range; newest first unless sorted `occurredAt`.
  // (`fillFinalTimestamp`, listed undescribed by later rollouts, is not in the v3 spec: ignored like any unknown parameter.)
  r.get('/account-info/v3/activity/audit-logs', (req, res) => {
    requireActivityScope(res);
    const limit = queryInt(req, 'limit', DEFAULT_LIMIT, 1, INT32_MAX);
    const actingUserIds = queryList(req, 'actingUserId').map((v) => int32(v, 'actingUserId'));
    const after = dateTimeParam(req, 'occurredAfter');
    const before = dateTimeParam(req, 'occurredBefore');
    const order = auditOrder(req);
    const matching = activityOf(portalOf(res)).auditLogs.filter(
      (e) => (!actingUserIds.length || actingUserIds.includes(e.actingUser.userId)) && within(e.at, after, before),
    );
    sendPage(req, res, matching, order, Math.min(limit, MAX_AUDIT_PAGE), ({ at, seq: _seq, id, ...e }) => ({ id, occurredAt: iso(at), ...e }));
  });

  r.get('/account-info/v3/activity/login', (req, res) => {
    requireActivityScope(res);
    const limit = queryInt(req, 'limit', DEFAULT_LIMIT, 1, MAX_ACTIVITY_PAGE);
    const userId = optionalInt32(req, 'userId');
    const matching = activityOf(portalOf(res)).logins.filter((e) => userId === undefined || e.userId === userId);
    sendPage(req, res, matching, 'desc', limit, ({ at, seq: _seq, id, ...e }) => ({ id, loginAt: iso(at), ...e }));
  });

  // `toTimestamp` is not in the v3 spec but in HubSpot's v3 reference (and later rollouts): served as documented.
  r.get('/account-info/v3/activity/security', (req, res) => {
    requireActivityScope(res);
    const limit = queryInt(req, 'limit', DEFAULT_LIMIT, 1, MAX_ACTIVITY_PAGE);
    const userId = optionalInt32(req, 'userId');
    const from = epochMillisParam(req, 'fromTimestamp');
    const to = epochMillisParam(req, 'toTimestamp');
    const matching = activityOf(portalOf(res)).security.filter((e) => (userId === undefined || e.userId === userId) && within(e.at, from, to));
    sendPage(req, res, matching, 'desc', limit, ({ at, seq: _seq, id, ...e }) => ({ id, createdAt: iso(at), ...e }));
  });

  return r;
}

const INT32_MAX = 2147483647;
/** HubSpot documents no default page size for these; 100 is HubSpot's usual one. */
const DEFAULT_LIMIT = 100;
/** The spec's "Max value of limit is 200" (login and security); a larger `limit` is a 400. */
const MAX_ACTIVITY_PAGE = 200;
/** The audit log declares no maximum: a larger `limit` is served 200 per page, with `paging.next`. */
const MAX_AUDIT_PAGE = 200;

const requireActivityScope = (res: Response) => requireScope(res, 'account-info.security.read');

const iso = (ms: number) => new Date(ms).toISOString();

const within = (at: number, from: number | undefined, to: number | undefined) => (from === undefined || at >= from) && (to === undefined || at <= to);

function int32(raw: string, name: string): number {
  if (!/^-?\d+$/.test(raw) || Math.abs(Number(raw)) > INT32_MAX) {
    throw validationError(`Invalid value for query parameter ${name}: '${raw}' is not an integer`, { errors: [{ message: `'${raw}' is not an integer`, in: name, code: 'INVALID_INTEGER' }] });
  }
  return Number(raw);
}

function optionalInt32(req: Request, name: string): number | undefined {
  const raw = queryString(req, name);
  return raw === undefined || raw === '' ? undefined : int32(raw, name);
}

/** RFC 3339 date-time (the spec's `format: date-time`), with a time zone; anything else is a 400. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function dateTimeParam(req: Request, name: string): number | undefined {
  const raw = queryString(req, name);
  if (raw === undefined || raw === '') return undefined;
  const ms = RFC3339.test(raw) ? Date.parse(raw.replace(' ', 'T')) : NaN;
  if (Number.isNaN(ms)) {
    throw validationError(`Invalid value for query parameter ${name}: '${raw}' is not a date-time (RFC 3339, e.g. 2024-01-15T14:30:00Z)`, { errors: [{ message: `'${raw}' is not a date-time`, in: name, code: 'INVALID_DATE_TIME' }] });
  }
  return ms;
}

/** An epoch-milliseconds parameter (`format: int64`). */
function epochMillisParam(req: Request, name: string): number | undefined {
  const raw = queryString(req, name);
  if (raw === undefined || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw validationError(`Invalid value for query parameter ${name}: '${raw}' is not an epoch timestamp in milliseconds`, { errors: [{ message: `'${raw}' is not an integer`, in: name, code: 'INVALID_INTEGER' }] });
  }
  return Number(raw);
}

/**
 * `sort`: only the time can be sorted on, `occurredAt` (oldest first) or `-occurredAt` (newest first, the default),
 * in the `-` form HubSpot's other v3 APIs use for descending sorts.
 */
function auditOrder(req: Request): 'asc' | 'desc' {
  const sorts = [...new Set(queryList(req, 'sort'))];
  if (sorts.length > 1) throw validationError(`Invalid value for query parameter sort: one sort at most, got ${sorts.join(', ')}`);
  if (sorts.length === 0 || sorts[0] === '-occurredAt') return 'desc';
  if (sorts[0] === 'occurredAt') return 'asc';
  throw validationError(`Invalid value for query parameter sort: '${sorts[0]}' (audit logs sort by occurredAt or -occurredAt)`);
}

// ---------------------------------------------------------------------------------------------- paging

/**
 * `after` tokens name the first entry of the next page by its place in the order (time, then sequence), so a page
 * keeps its meaning while new activity is recorded. Opaque to clients: base64url of `time.seq`.
 */
const encodeAfter = (e: Stamped) => Buffer.from(`${e.at}.${e.seq}`, 'utf8').toString('base64url');

function decodeAfter(req: Request): Stamped | undefined {
  const raw = queryString(req, 'after');
  if (raw === undefined || raw === '') return undefined;
  const m = /^(\d+)\.(\d+)$/.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  if (!m || encodeAfter({ at: Number(m[1]), seq: Number(m[2]) }) !== raw) {
    throw validationError(`Invalid value for query parameter after: '${raw}' is not a paging cursor this API gave out`);
  }
  return { at: Number(m[1]), seq: Number(m[2]) };
}

/** Compares two entries in the order of the answer. */
const comparator = (order: 'asc' | 'desc') => (a: Stamped, b: Stamped) => (order === 'asc' ? 1 : -1) * (a.at - b.at || a.seq - b.seq);

function nextLink(req: Request, after: string): string {
  const url = new URL(req.originalUrl, `${req.protocol}://${req.get('host') ?? 'localhost'}`);
  url.searchParams.set('after', after);
  return url.toString();
}

/** Sorts, pages from `after` and answers `{results, paging?}` with each entry rendered in its wire shape. */
function sendPage<T extends Stamped>(req: Request, res: Response, entries: T[], order: 'asc' | 'desc', limit: number, render: (e: T) => object): void {
  const compare = comparator(order);
  const from = decodeAfter(req);
  const sorted = [...entries].sort(compare).filter((e) => from === undefined || compare(e, from) >= 0);
  const next = sorted[limit];
  res.json({
    results: sorted.slice(0, limit).map(render),
    ...(next ? { paging: { next: { after: encodeAfter(next), link: nextLink(req, encodeAfter(next)) } } } : {}),
  });
}
