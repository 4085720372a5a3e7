import { portalKeyOfToken, type CredentialProvider, type RequestCredential } from '../auth/credentials';
import type { PortalSchemaConfig } from '../config';
import { heldCredential } from '../events/portals';

/**
 * The credential the portal's own schema is read with — which decides whose schema it is:
 * - PORTAL_SCHEMA_TOKEN when set (in any mode; pass-through has nothing else);
 * - private-app mode and the embedded emulator: the gateway's token, so its portal;
 * - OAuth app mode: PORTAL_SCHEMA_PORTAL_ID's install, else the installed portal with the lowest id (the same on
 *   every instance, whatever order they were installed in);
 * - pass-through without PORTAL_SCHEMA_TOKEN: none — every caller may bring another portal, and the schema
 *   keeps only the generic `property(name)` access.
 * Undefined when there is none yet (an OAuth app not installed anywhere): the next reload asks again.
 */
export async function schemaCredential(credentials: CredentialProvider, config: PortalSchemaConfig): Promise<RequestCredential | undefined> {
  if (config.token) {
    const token = config.token;
    return { portalKey: portalKeyOfToken(token), token: async () => token };
  }
  switch (credentials.mode) {
    case 'private-app':
      return credentials.forRequest(() => undefined);
    case 'oauth': {
      const installed = (await (credentials as CredentialProvider & { installedPortals?: () => Promise<number[]> }).installedPortals?.()) ?? [];
      const portalId = config.portalId ?? [...installed].sort((a, b) => a - b)[0];
      return portalId === undefined ? undefined : heldCredential(credentials, portalId);
    }
    default:
      return undefined;
  }
}
