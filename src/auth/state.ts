import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type Keyv from 'keyv';

/**
 * The OAuth `state` parameter: proof that a callback answers an install this gateway started. It is signed
 * (HMAC-SHA256 with the gateway's secret), expires, and is good for one callback only — so a forged, stale or
 * replayed callback is refused before any code is exchanged. It also carries the redirect URI sent to HubSpot,
 * which the code exchange must repeat exactly.
 *
 * Format: `v1.<payload>.<signature>`, both base64url; the payload is JSON `{n: nonce, e: expiresAtMs, r: redirectUri}`.
 */

export interface InstallState {
  nonce: string;
  expiresAt: number;
  redirectUri: string;
}

export type StateRejection = 'missing' | 'malformed' | 'forged' | 'expired' | 'replayed';

export type StateCheck = { ok: true; state: InstallState } | { ok: false; reason: StateRejection; message: string };

/** Remembers used nonces until their state expires; `markUsed` is true only the first time. */
export interface UsedNonces {
  markUsed(nonce: string, expiresAt: number): Promise<boolean>;
}

const VERSION = 'v1';

const REJECTIONS: Record<StateRejection, string> = {
  missing: 'the callback has no state parameter',
  malformed: 'the state parameter is not one this gateway issues',
  forged: 'the state signature does not match (forged, altered, or signed with another OAUTH_STATE_SECRET)',
  expired: 'the state has expired',
  replayed: 'the state was already used',
};

export class StateSigner {
  private readonly key: Buffer;

  constructor(
    secret: string | Buffer,
    private readonly ttlMs: number,
    private readonly used: UsedNonces,
    private readonly now: () => number = Date.now,
  ) {
    this.key = Buffer.isBuffer(secret) ? secret : Buffer.from(secret, 'utf8');
  }

  issue(redirectUri: string): string {
    const payload = Buffer.from(JSON.stringify({ n: randomBytes(16).toString('base64url'), e: this.now() + this.ttlMs, r: redirectUri })).toString('base64url');
    return `${VERSION}.${payload}.${this.sign(payload)}`;
  }

  /** Checks signature, then expiry, then single use (in that order: only genuine, live states use up a nonce). */
  async consume(value: string | undefined): Promise<StateCheck> {
    if (value === undefined || value === '') return reject('missing');
    const [version, payload, signature, ...rest] = value.split('.');
    if (version !== VERSION || !payload || !signature || rest.length) return reject('malformed');
    if (!this.verify(payload, signature)) return reject('forged');
    let state: InstallState;
    try {
      const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { n?: unknown; e?: unknown; r?: unknown };
      if (typeof parsed.n !== 'string' || typeof parsed.e !== 'number' || typeof parsed.r !== 'string') return reject('malformed');
      state = { nonce: parsed.n, expiresAt: parsed.e, redirectUri: parsed.r };
    } catch {
      return reject('malformed');
    }
    if (state.expiresAt <= this.now()) return reject('expired', ` (states are valid for ${Math.round(this.ttlMs / 60_000)} minutes)`);
    if (!(await this.used.markUsed(state.nonce, state.expiresAt))) return reject('replayed');
    return { ok: true, state };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(`${VERSION}.${payload}`).digest('base64url');
  }

  private verify(payload: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

const reject = (reason: StateRejection, detail = ''): StateCheck => ({ ok: false, reason, message: `Invalid OAuth state: ${REJECTIONS[reason]}${detail}. Start the install again at /oauth/install.` });

/**
 * Used nonces in a keyv store (memory, or Redis so that every gateway instance refuses a replay), each kept
 * until its state would have expired anyway. A local set makes the check-and-mark atomic within the process.
 */
export class KeyvUsedNonces implements UsedNonces {
  private readonly pending = new Set<string>();

  constructor(
    private readonly keyv: Keyv<number>,
    private readonly now: () => number = Date.now,
  ) {}

  async markUsed(nonce: string, expiresAt: number): Promise<boolean> {
    if (this.pending.has(nonce)) return false;
    this.pending.add(nonce);
    try {
      if ((await this.keyv.get(nonce)) !== undefined) return false;
      await this.keyv.set(nonce, expiresAt, Math.max(1, expiresAt - this.now()));
      return true;
    } finally {
      // Keep the local mark for as long as the state could be presented; keyv holds it across instances.
      const t = setTimeout(() => this.pending.delete(nonce), Math.max(0, expiresAt - this.now()));
      t.unref();
    }
  }
}
