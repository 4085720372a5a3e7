import { GraphQLError } from 'graphql';
import type { AuditLogOrder, Resolvers, ResolversParentTypes } from '../src/generated/graphql';
import { forwardConnection, type ForwardConnection } from '../src/graphql/forwardPaging';
import type { AuditLogEvent, LoginAudit, SecurityAction } from '../src/hubspot/account';

/** HubSpot's largest activity page (the spec's maximum for login and security activity; the gateway's for all three). */
const MAX_ACTIVITY_PAGE = 200;

/** HubSpot's sort strings for the audit log: the one sortable field, `-` for descending. */
const AUDIT_SORT: Record<AuditLogOrder, string> = { NEWEST_FIRST: '-occurredAt', OLDEST_FIRST: 'occurredAt' };

const badInput = (field: string, message: string) => new GraphQLError(`${field}: ${message}`, { extensions: { code: 'BAD_USER_INPUT', field } });

// -- argument checks, all before any HubSpot call ---------------------------------------------------------

function activityPageSize(first: number | null | undefined): number {
  const n = first ?? 20;
  if (!Number.isInteger(n) || n < 1 || n > MAX_ACTIVITY_PAGE) throw badInput('first', `must be from 1 to ${MAX_ACTIVITY_PAGE}, got ${n}`);
  return n;
}

function userIdArg(field: string, value: number | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (value < 0) throw badInput(field, `a HubSpot user id is not negative, got ${value}`);
  return value;
}

/** A time range whose bounds are both given must not end before it begins. */
function timeRange(fromField: string, from: string | null | undefined, toField: string, to: string | null | undefined): void {
  if (from && to && Date.parse(from) > Date.parse(to)) throw badInput(toField, `must not be before ${fromField} (${to} < ${from})`);
}

// -- HubSpot's shapes → the schema's ---------------------------------------------------------------------

type AuditLogEntry = ResolversParentTypes['AuditLogEntry'];
type LoginAttempt = ResolversParentTypes['LoginAttempt'];
type SecurityEvent = ResolversParentTypes['SecurityEvent'];

const auditLogEntry = (e: AuditLogEvent): AuditLogEntry => ({
  id: e.id,
  category: e.category,
  subCategory: e.subCategory ?? null,
  action: e.action,
  targetObjectId: e.targetObjectId ?? null,
  occurredAt: e.occurredAt,
  actingUser: { userId: e.actingUser.userId, email: e.actingUser.userEmail ?? null },
});

const origin = (e: LoginAudit | SecurityAction) => ({
  ipAddress: e.ipAddress ?? null,
  location: e.location ?? null,
  countryCode: e.countryCode ?? null,
  regionCode: e.regionCode ?? null,
});

const loginAttempt = (e: LoginAudit): LoginAttempt => ({
  id: e.id,
  loginAt: e.loginAt,
  loginSucceeded: e.loginSucceeded,
  user: e.userId === undefined ? null : { userId: e.userId, email: e.email ?? null },
  userAgent: e.userAgent ?? null,
  ...origin(e),
});

const securityEvent = (e: SecurityAction): SecurityEvent => ({
  id: e.id,
  type: e.type,
  createdAt: e.createdAt,
  actingUser: { userId: e.userId, email: e.actingUser ?? null },
  objectId: e.objectId ?? null,
  infoUrl: e.infoUrl ?? null,
  ...origin(e),
});

function mapConnection<T, U>(c: ForwardConnection<T>, map: (t: T) => U): ForwardConnection<U> {
  const edges = c.edges.map((e) => ({ cursor: e.cursor, node: map(e.node) }));
  return { edges, nodes: edges.map((e) => e.node), pageInfo: c.pageInfo };
}

/**
 * The connected account: details, daily API usage (account-info v3) and its activity — audit log, logins and
 * security activity — as connections whose cursors carry HubSpot's `after`.
 */
export const accountResolvers: Resolvers = {
  Query: {
    account: (_root, _args, { hubspot }) => hubspot.account.details(),
  },
  Account: {
    portalId: (account) => String(account.portalId),
    apiUsage: async (_account, _args, { hubspot }) => (await hubspot.account.dailyUsage()).results,

    auditLogs: async (_account, args, { hubspot }) => {
      const first = activityPageSize(args.first);
      const actingUserId = [...new Set((args.actingUserIds ?? []).map((id) => userIdArg('actingUserIds', id)!))];
      timeRange('occurredAfter', args.occurredAfter, 'occurredBefore', args.occurredBefore);
      const filters = {
        ...(actingUserId.length ? { actingUserId } : {}),
        ...(args.occurredAfter ? { occurredAfter: args.occurredAfter } : {}),
        ...(args.occurredBefore ? { occurredBefore: args.occurredBefore } : {}),
        ...(args.sort ? { sort: [AUDIT_SORT[args.sort]] } : {}),
      };
      const page = await forwardConnection({
        first,
        after: args.after,
        maxPageSize: MAX_ACTIVITY_PAGE,
        fetch: (after, limit) => hubspot.account.auditLogs({ ...filters, limit, ...(after ? { after } : {}) }),
      });
      return mapConnection(page, auditLogEntry);
    },

    loginActivity: async (_account, args, { hubspot }) => {
      const first = activityPageSize(args.first);
      const userId = userIdArg('userId', args.userId);
      const page = await forwardConnection({
        first,
        after: args.after,
        maxPageSize: MAX_ACTIVITY_PAGE,
        fetch: (after, limit) => hubspot.account.loginActivity({ limit, ...(after ? { after } : {}), ...(userId !== undefined ? { userId } : {}) }),
      });
      return mapConnection(page, loginAttempt);
    },

    // HubSpot applies `from` (fromTimestamp); the v3 spec has no upper bound, so `to` is a filter of ours.
    securityActivity: async (_account, args, { hubspot }) => {
      const first = activityPageSize(args.first);
      const userId = userIdArg('userId', args.userId);
      timeRange('from', args.from, 'to', args.to);
      const from = args.from ? Date.parse(args.from) : undefined;
      const to = args.to ? Date.parse(args.to) : undefined;
      const page = await forwardConnection<SecurityAction>({
        first,
        after: args.after,
        maxPageSize: MAX_ACTIVITY_PAGE,
        fetch: (after, limit) =>
          hubspot.account.securityActivity({ limit, ...(after ? { after } : {}), ...(userId !== undefined ? { userId } : {}), ...(from !== undefined ? { fromTimestamp: from } : {}) }),
        ...(to !== undefined ? { keep: (e: SecurityAction) => Date.parse(e.createdAt) <= to } : {}),
      });
      return mapConnection(page, securityEvent);
    },
  },
  AccountUser: {
    // Users are linked to their owner record through the per-portal owners cache: no call per user.
    owner: async (user, _args, { metadata }) => (user.userId > 0 ? ((await metadata.owners()).find((o) => o.userId === user.userId) ?? null) : null),
  },
};
