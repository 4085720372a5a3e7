import type { HubSpotClient } from './client';
import type { CollectionResponse, Owner } from './types';

/** Owners v3 (crm-owners-v3.json). */
export class OwnersApi {
  constructor(private readonly client: HubSpotClient) {}

  list(opts: { limit?: number; after?: string; email?: string; archived?: boolean } = {}) {
    return this.client.call<CollectionResponse<Owner>>({ method: 'GET', operation: '/crm/v3/owners', query: opts, idempotent: true });
  }
  get(ownerId: string, opts: { idProperty?: 'id' | 'userId'; archived?: boolean } = {}) {
    return this.client.call<Owner>({ method: 'GET', operation: '/crm/v3/owners/{ownerId}', params: { ownerId }, query: opts, idempotent: true });
  }
}
