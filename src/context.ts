import type { Logger } from 'pino';
import type { CrmMetadata } from './crm/metadata';
import type { CrmEvent } from './events/types';
import type { HubSpotClient } from './hubspot/client';
import type { RateLimitStatus } from './hubspot/policy/limiter';
import type { Loaders } from './loaders';

/**
 * What every resolver gets for one GraphQL request: a HubSpot client bound to the caller's portal, that
 * request's loaders, the portal's metadata (pipelines, owners) and a logger. Made anew per request; only the
 * metadata cache behind `metadata` outlives it, and its keys are scoped by portal.
 */
export interface GatewayContext {
  hubspot: HubSpotClient;
  /** The caller's portal as caches and budgets are scoped (src/auth/credentials.ts RequestCredential.portalKey). */
  portalKey: string;
  loaders: Loaders;
  metadata: CrmMetadata;
  logger: Logger;
  /** Cost accounting of this request (reported in `extensions.cost` and by `rateLimit`). */
  cost: RequestCost;
  /** GraphQL subscriptions only (over WebSocket, src/server/subscriptions.ts): the events the subscriber may see. */
  events?: SubscriberEvents;
}

/** The CRM events of the subscriber's portal — never another portal's — for subscription resolvers. */
export interface SubscriberEvents {
  /** HubSpot's id of the subscriber's portal. */
  readonly portalId: number;
  /** The portal's events that `accept` lets through, as a subscription's source stream (`accept` may be async). */
  stream(accept: (event: CrmEvent) => boolean | Promise<boolean>): AsyncIterableIterator<CrmEvent>;
  /** A context made now (new loaders, new metadata memo), to read HubSpot's current state, e.g. to filter an event. */
  freshContext(): Promise<GatewayContext>;
}

/** What one request costs and may spend: filled in by the gateway's client and the cost plugin. */
export interface RequestCost {
  /** HubSpot calls made for this request so far. */
  upstreamCalls: number;
  /** The operation's estimated HubSpot calls (src/graphql/cost.ts), once the operation is known. */
  estimated?: number;
  /** The portal's rate limit now (a read: it takes nothing from the budget). */
  rateLimit(): Promise<RateLimitStatus>;
}
