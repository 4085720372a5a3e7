import type Keyv from 'keyv';

/**
 * Metadata (pipelines, owners, property definitions, association labels) cached per portal with a TTL. Keys
 * are always `<portal>:<name>`, so no portal ever reads another's. Concurrent misses for the same key in this
 * process share one load. A store failure is a miss, never an error for the client. A TTL of 0 turns the shared
 * cache off (keyv would read 0 as "never expires"): every request then loads afresh.
 */
export class MetadataCache {
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: Keyv<unknown>,
    private readonly ttlMs: number,
    /** Told of every lookup of the shared store (metrics): hit or miss. Must not throw. */
    private readonly onLookup?: (hit: boolean) => void,
  ) {}

  async getOrLoad<T>(portalKey: string, name: string, load: () => Promise<T>): Promise<T> {
    const key = `${portalKey}:${name}`;
    const cached = this.ttlMs > 0 ? await this.store.get(key).catch(() => undefined) : undefined;
    if (this.ttlMs > 0) this.onLookup?.(cached !== undefined);
    if (cached !== undefined) return cached as T;
    let pending = this.inflight.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = load().then(async (value) => {
        if (this.ttlMs > 0) await this.store.set(key, value, this.ttlMs).catch(() => undefined);
        return value;
      });
      this.inflight.set(key, pending);
      void pending.finally(() => this.inflight.delete(key)).catch(() => undefined);
    }
    return pending;
  }

  /** Drops a cached entry (after a metadata mutation). */
  async invalidate(portalKey: string, name: string): Promise<void> {
    await this.store.delete(`${portalKey}:${name}`).catch(() => undefined);
  }

  disconnect(): Promise<void> {
    return this.store.disconnect().catch(() => undefined);
  }
}
