import type { HubSpotClient } from './client';
import type { AccountDetails, ApiUsage, CollectionResponse } from './types';

/** One user action in the audit log (account-info-v3 `PublicApiUserActionEvent`). */
export interface AuditLogEvent {
  id: string;
  category: string;
  subCategory?: string;
  action: string;
  targetObjectId?: string;
  occurredAt: string;
  actingUser: { userId: number; userEmail?: string };
}

/** One login attempt (account-info-v3 `PublicLoginAudit`). */
export interface LoginAudit {
  id: string;
  loginAt: string;
  loginSucceeded: boolean;
  userId?: number;
  email?: string;
  ipAddress?: string;
  userAgent?: string;
  location?: string;
  countryCode?: string;
  regionCode?: string;
}

/** One security activity (account-info-v3 `HydratedCriticalAction`); `actingUser` is the user's email. */
export interface SecurityAction {
  id: string;
  type: string;
  createdAt: string;
  userId: number;
  actingUser?: string;
  objectId?: string;
  infoUrl?: string;
  ipAddress?: string;
  location?: string;
  countryCode?: string;
  regionCode?: string;
}

export interface AuditLogParams {
  /** Only actions of these users. */
  actingUserId?: readonly number[];
  /** ISO-8601 date-times bounding `occurredAt`. */
  occurredAfter?: string;
  occurredBefore?: string;
  /** The spec types it as a list of strings; `occurredAt` or `-occurredAt`. */
  sort?: readonly string[];
  limit?: number;
  after?: string;
}

export interface LoginActivityParams {
  /** At most 200 (the spec's maximum). */
  limit?: number;
  after?: string;
  userId?: number;
}

export interface SecurityActivityParams extends LoginActivityParams {
  /** Epoch ms: only activity created from then on. */
  fromTimestamp?: number;
}

/** Account info v3 (account-info-v3.json, account-info-v3-private-apps.json). */
export class AccountApi {
  constructor(private readonly client: HubSpotClient) {}

  details() {
    return this.client.call<AccountDetails>({ method: 'GET', operation: '/account-info/v3/details', idempotent: true });
  }
  dailyUsage() {
    return this.client.call<{ results: ApiUsage[] }>({ method: 'GET', operation: '/account-info/v3/api-usage/daily/private-apps', idempotent: true });
  }

  /** The audit log of user actions (Enterprise accounts; scope `account-info.security.read`). */
  auditLogs(params: AuditLogParams = {}) {
    const { actingUserId, ...rest } = params;
    return this.client.call<CollectionResponse<AuditLogEvent>>({
      method: 'GET',
      operation: '/account-info/v3/activity/audit-logs',
      // Lists go comma-separated, as the client sends every list parameter.
      query: { ...rest, ...(actingUserId?.length ? { actingUserId: actingUserId.map(String) } : {}) },
      idempotent: true,
    });
  }

  /** Login attempts, successful or not, of the last 90 days (scope `account-info.security.read`). */
  loginActivity(params: LoginActivityParams = {}) {
    return this.client.call<CollectionResponse<LoginAudit>>({ method: 'GET', operation: '/account-info/v3/activity/login', query: { ...params }, idempotent: true });
  }

  /**
   * Security activity (scope `account-info.security.read`). The v3 spec declares `fromTimestamp` only, so an upper
   * bound is the caller's to apply.
   */
  securityActivity(params: SecurityActivityParams = {}) {
    return this.client.call<CollectionResponse<SecurityAction>>({ method: 'GET', operation: '/account-info/v3/activity/security', query: { ...params }, idempotent: true });
  }
}
