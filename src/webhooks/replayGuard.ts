import { createClient, type RedisClientType } from '@redis/client';

/**
 * Remembers the events already processed, so that a delivery HubSpot sends again (a retry after a slow answer,
 * or a replayed request) publishes each event once. Keys are kept for a TTL: HubSpot retries an event for about
 * a day with the same eventId.
 */
export interface ReplayGuard {
  /** True the first time a key is seen within the TTL (and marks it); false for a replay. */
  firstSeen(key: string): Promise<boolean>;
  close(): Promise<void>;
}

/** Most keys the in-memory guard keeps; past it the oldest are forgotten first (a bounded set). */
export const MEMORY_REPLAY_MAX_KEYS = 100_000;

/** One process: a Map in insertion order, which with one TTL for all keys is also expiry order. */
export class MemoryReplayGuard implements ReplayGuard {
  private readonly expiries = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxKeys = MEMORY_REPLAY_MAX_KEYS,
    private readonly now: () => number = Date.now,
  ) {}

  async firstSeen(key: string): Promise<boolean> {
    const now = this.now();
    for (const [k, expiresAt] of this.expiries) {
      if (expiresAt > now) break;
      this.expiries.delete(k);
    }
    if (this.expiries.has(key)) return false;
    this.expiries.set(key, now + this.ttlMs);
    if (this.expiries.size > this.maxKeys) this.expiries.delete(this.expiries.keys().next().value!);
    return true;
  }

  async close(): Promise<void> {
    this.expiries.clear();
  }
}

/** How long a Redis check may take before the event is processed anyway. */
const REDIS_CHECK_TIMEOUT_MS = 2_000;

/**
 * Every gateway instance: `SET key 1 NX PX ttl` succeeds for exactly one of them. When Redis cannot answer,
 * `firstSeen` rejects and the receiver processes the event (a duplicate is better than a lost event).
 */
export class RedisReplayGuard implements ReplayGuard {
  private readonly client: RedisClientType;
  private readonly ready: Promise<unknown>;

  constructor(
    url: string,
    private readonly ttlMs: number,
    private readonly prefix = 'hubspot-graphql:webhook-event',
  ) {
    this.client = createClient({ url });
    // Errors surface on the calls; the listener only keeps node-redis from crashing the process.
    this.client.on('error', () => undefined);
    this.ready = this.client.connect();
    this.ready.catch(() => undefined);
  }

  async firstSeen(key: string): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('Redis did not answer in time')), REDIS_CHECK_TIMEOUT_MS);
      timer.unref();
    });
    const check = (async () => {
      await this.ready;
      const reply = await this.client.set(`${this.prefix}:${key}`, '1', { condition: 'NX', expiration: { type: 'PX', value: this.ttlMs } });
      return reply === 'OK';
    })();
    try {
      return await Promise.race([check, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    // A client still trying to reach Redis would retry for ever: stop it instead of waiting for it.
    if (this.client.isReady) await this.client.close().catch(() => undefined);
    else if (this.client.isOpen) this.client.destroy();
  }
}

export function createReplayGuard(ttlMs: number, redisUrl?: string): ReplayGuard {
  return redisUrl ? new RedisReplayGuard(redisUrl, ttlMs) : new MemoryReplayGuard(ttlMs);
}
