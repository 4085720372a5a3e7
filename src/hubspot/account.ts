import type { HubSpotClient } from './client';
import type { AccountDetails, ApiUsage } from './types';

/** Account info v3 (account-info-v3.json, account-info-v3-private-apps.json). */
export class AccountApi {
  constructor(private readonly client: HubSpotClient) {}

  details() {
    return this.client.call<AccountDetails>({ method: 'GET', operation: '/account-info/v3/details', idempotent: true });
  }
  dailyUsage() {
    return this.client.call<{ results: ApiUsage[] }>({ method: 'GET', operation: '/account-info/v3/api-usage/daily/private-apps', idempotent: true });
  }
}
