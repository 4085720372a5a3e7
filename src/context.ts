import type { Logger } from 'pino';
import type { CrmMetadata } from './crm/metadata';
import type { HubSpotClient } from './hubspot/client';
import type { Loaders } from './loaders';

/**
 * What every resolver gets for one GraphQL request: a HubSpot client bound to the caller's portal, that
 * request's loaders, the portal's metadata (pipelines, owners) and a logger. Made anew per request; only the
 * metadata cache behind `metadata` outlives it, and its keys are scoped by portal.
 */
export interface GatewayContext {
  hubspot: HubSpotClient;
  loaders: Loaders;
  metadata: CrmMetadata;
  logger: Logger;
  /** HubSpot calls made for this request so far (reported in `extensions.cost`). */
  cost: { upstreamCalls: number };
}
