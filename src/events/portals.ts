import { PORTAL_HEADER, portalKeyOfPortal, type CredentialProvider, type RequestCredential } from '../auth/credentials';

/** OAuth credentials' portal keys name the portal. */
const PORTAL_KEY = /^hub-(\d+)$/;
/** Tokens whose portal this process remembers (pass-through mode meets one per caller); the oldest is forgotten first. */
const MAX_LEARNED = 10_000;

/**
 * Which HubSpot portal (hub id) a credential reaches. Events carry HubSpot's portal id; credentials carry a portal
 * key (src/auth/credentials.ts). The rule that matches them:
 * - OAuth installs: the key is `hub-<portal id>`, so the key names the portal;
 * - a private-app token, or a caller's own token in pass-through mode: the key is a hash of the token, and the
 *   token's portal is read once from HubSpot (GET /account-info/v3/details → `portalId`) and remembered for the
 *   key, per process. A failed read is not remembered.
 */
export class PortalDirectory {
  private readonly learning = new Map<string, Promise<number>>();
  private readonly learned = new Map<string, number>();

  /** The credential's portal id. `details` reads the credential's account, when the key does not say. */
  portalIdOf(portalKey: string, details: () => Promise<{ portalId: number }>): Promise<number> {
    const named = PORTAL_KEY.exec(portalKey);
    if (named) return Promise.resolve(Number(named[1]));
    const known = this.learned.get(portalKey);
    if (known !== undefined) return Promise.resolve(known);
    let pending = this.learning.get(portalKey);
    if (!pending) {
      pending = details().then(({ portalId }) => {
        if (!Number.isInteger(portalId) || portalId <= 0) throw new Error('HubSpot did not say which portal the token belongs to');
        this.remember(portalKey, portalId);
        return portalId;
      });
      this.learning.set(portalKey, pending);
      void pending.finally(() => this.learning.delete(portalKey)).catch(() => undefined);
    }
    return pending;
  }

  /** Every portal key known to hold data of `portalId` in this process's caches: its OAuth key and its tokens' keys. */
  keysOf(portalId: number): string[] {
    const keys = [portalKeyOfPortal(portalId)];
    for (const [key, id] of this.learned) if (id === portalId) keys.push(key);
    return keys;
  }

  private remember(portalKey: string, portalId: number): void {
    this.learned.delete(portalKey);
    this.learned.set(portalKey, portalId);
    if (this.learned.size > MAX_LEARNED) this.learned.delete(this.learned.keys().next().value!);
  }
}

/**
 * A credential the gateway itself holds for `portalId`, for work no caller asked for (cache invalidation): the
 * portal's OAuth install, or the private-app token. Undefined in pass-through mode (the gateway holds no token)
 * and when the portal is not installed. A private-app token's portal is checked by the caller (portalIdOf).
 */
export async function heldCredential(credentials: CredentialProvider, portalId: number): Promise<RequestCredential | undefined> {
  if (credentials.mode === 'pass-through') return undefined;
  const portalHeader = PORTAL_HEADER.toLowerCase();
  const credential = await credentials.forRequest((name) => (credentials.mode === 'oauth' && name.toLowerCase() === portalHeader ? String(portalId) : undefined));
  // An OAuth portal that is not installed (or whose install has ended) has no token to give.
  return (await credential.token().then(() => true, () => false)) ? credential : undefined;
}
