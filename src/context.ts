import type { Logger } from 'pino';
import type { HubSpotClient } from './hubspot/client';

/**
 * What every resolver gets for one GraphQL request: a HubSpot client bound to the caller's portal and a
 * request-scoped logger. Made anew per request, never shared (loaders join it in Part 2).
 */
export interface GatewayContext {
  hubspot: HubSpotClient;
  logger: Logger;
}
