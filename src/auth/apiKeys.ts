import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys callers present in `X-API-Key` (caller authentication, callers.ts). The gateway keeps only their
 * SHA-256 hashes (API_KEY_HASHES), so a leaked configuration does not leak a key; a presented key is hashed and
 * compared with every stored hash in constant time. A hash may name the one portal its key may reach.
 */

export interface ApiKeyHash {
  /** SHA-256 of the key, 32 bytes. */
  readonly hash: Buffer;
  /** The portal this key is bound to; none = any portal the gateway serves (chosen as without caller auth). */
  readonly portalId?: number;
}

/** `sha256:<64 hex>[@<portalId>]`, as generateApiKey prints it. */
const HASH_ENTRY = /^sha256:([0-9a-f]{64})(?:@(\d{1,16}))?$/i;
/** Keys are printable ASCII without spaces, 16 to 256 characters (generated keys are 51). */
const KEY_SHAPE = /^[\x21-\x7e]{16,256}$/;

const sha256 = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/** A new random key (shown once, to give to the caller) and the hash entry to configure in API_KEY_HASHES. */
export function generateApiKey(portalId?: number): { key: string; hash: string } {
  const key = `hsgw_${randomBytes(32).toString('base64url')}`;
  return { key, hash: `sha256:${sha256(key).toString('hex')}${portalId !== undefined ? `@${portalId}` : ''}` };
}

/** Parses API_KEY_HASHES; throws an Error naming the bad entry's position (never its text, which may be a key pasted by mistake). */
export function parseApiKeyHashes(value: string): ApiKeyHash[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const m = HASH_ENTRY.exec(entry);
      if (!m) throw new Error(`entry ${i + 1} is not sha256:<64 hex digits>[@<portalId>] (generate one with \`hubspot-graphql api-key\`)`);
      const portalId = m[2] !== undefined ? Number(m[2]) : undefined;
      if (portalId !== undefined && (!Number.isSafeInteger(portalId) || portalId <= 0)) throw new Error(`entry ${i + 1} names portal ${m[2]}, not a HubSpot portal id`);
      return { hash: Buffer.from(m[1]!.toLowerCase(), 'hex'), ...(portalId !== undefined ? { portalId } : {}) };
    });
}

/** The stored entry matching `key`, if any. Every entry is compared (constant time each), so timing says nothing of which matched. */
export function matchApiKey(key: string, hashes: readonly ApiKeyHash[]): ApiKeyHash | undefined {
  if (!KEY_SHAPE.test(key)) return undefined;
  const presented = sha256(key);
  let found: ApiKeyHash | undefined;
  for (const entry of hashes) if (timingSafeEqual(presented, entry.hash) && !found) found = entry;
  return found;
}
