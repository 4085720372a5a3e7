import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { RedisPubSub } from './redisPubSub';

/**
 * "The portal's definitions changed": a property or custom object was created, updated or archived, so the portal's
 * own schema (src/portalSchema) should be read again. HubSpot sends no webhook for definition changes, so the
 * instance that saw the change (through its own property mutations) says so: in this process through
 * `definitionsChanged`, to the other instances of the deployment through Redis (`<EVENTS_CHANNEL>:schema`).
 * Kept apart from the CRM event bus: these are not CRM events, and no subscription must ever see one.
 */
export interface SchemaChange {
  /** The object types whose properties changed; absent: anything may have (re-read it all). */
  objectTypes?: string[];
  /**
   * The portal whose definitions changed (its portal key); absent: unknown. A host typing another portal ignores
   * the change, so one portal's property writes never spend the typed portal's rate limit on re-reads.
   */
  portalKey?: string;
}

type ChangeListener = (change: SchemaChange) => Promise<unknown>;
const listeners = new Set<ChangeListener>();

/** Every gateway schema host of this process listens here (src/portalSchema/host.ts). Returns an unsubscribe function. */
export function onDefinitionsChanged(listener: ChangeListener): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

/**
 * Tells this process's schema hosts that definitions of these object types changed, and waits until they have
 * reloaded (a failed reload is theirs to log): so once a property mutation answers, the next request on this
 * instance sees the field.
 */
export async function definitionsChanged(objectTypes?: string[], portalKey?: string): Promise<void> {
  const change: SchemaChange = { ...(objectTypes ? { objectTypes } : {}), ...(portalKey !== undefined ? { portalKey } : {}) };
  await Promise.all([...listeners].map((l) => l(change).catch(() => undefined)));
}

/** Carries schema changes to the other instances. */
export interface SchemaChangeChannel {
  publish(change: SchemaChange): Promise<void>;
  /** Changes other instances published. Returns an unsubscribe function. */
  subscribe(handler: (change: SchemaChange) => void): () => void;
  close(): Promise<void>;
}

/** One process: nothing to carry (its hosts hear `definitionChanges`). */
class LocalChannel implements SchemaChangeChannel {
  async publish(): Promise<void> {}
  subscribe(): () => void {
    return () => undefined;
  }
  async close(): Promise<void> {}
}

/** Redis pub/sub; an instance skips its own messages (it has acted on the change already). */
class RedisChannel implements SchemaChangeChannel {
  private readonly pubsub: RedisPubSub;
  private readonly origin = randomUUID();
  private readonly handlers = new Set<(change: SchemaChange) => void>();
  readonly ready: Promise<void>;

  constructor(url: string, private readonly channel: string, logger?: Logger) {
    this.pubsub = new RedisPubSub(url, channel, {
      onMessage: (raw) => this.receive(raw, logger),
      onError: (err) => logger?.debug({ err: err.message }, 'schema changes: Redis unavailable, retrying'),
    });
    this.ready = this.pubsub.ready;
  }

  /** Rejects when Redis is away (after waiting at most REDIS_READY_WAIT_MS for it): the other instances missed it. */
  async publish(change: SchemaChange): Promise<void> {
    await this.pubsub.publish(JSON.stringify({ origin: this.origin, change }));
  }

  subscribe(handler: (change: SchemaChange) => void): () => void {
    this.handlers.add(handler);
    return () => void this.handlers.delete(handler);
  }

  async close(): Promise<void> {
    this.handlers.clear();
    await this.pubsub.close();
  }

  private receive(raw: string, logger?: Logger): void {
    try {
      const m = JSON.parse(raw) as { origin?: unknown; change?: { objectTypes?: unknown; portalKey?: unknown } };
      if (typeof m.origin !== 'string' || m.origin === this.origin) return;
      const types = Array.isArray(m.change?.objectTypes) ? m.change.objectTypes.filter((t): t is string => typeof t === 'string') : undefined;
      const portalKey = typeof m.change?.portalKey === 'string' ? m.change.portalKey : undefined;
      for (const h of this.handlers) h({ ...(types ? { objectTypes: types } : {}), ...(portalKey !== undefined ? { portalKey } : {}) });
    } catch {
      logger?.warn({ channel: this.channel }, 'schema changes: ignored a malformed message');
    }
  }
}

/** Redis when REDIS_URL is set, else this process only. The channel is the events channel's, suffixed `:schema`. */
export function createSchemaChangeChannel(redisUrl: string | undefined, eventsChannel: string, logger?: Logger): SchemaChangeChannel {
  return redisUrl ? new RedisChannel(redisUrl, `${eventsChannel}:schema`, logger) : new LocalChannel();
}
