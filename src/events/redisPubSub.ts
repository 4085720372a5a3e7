import { createClient, type RedisClientType } from '@redis/client';

/** How long a publish waits for Redis at startup (or after a reconnect) before failing. */
export const REDIS_READY_WAIT_MS = 2_000;
/**
 * Waits between reconnect attempts: short, since node-redis sleeps them in a timer that closing cannot cancel
 * (a stop while Redis is away would otherwise keep the process up to its default 2.2 s longer).
 */
const reconnectDelay = (retries: number) => Math.min(2 ** retries * 50, 500) + Math.floor(Math.random() * 100);

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export interface RedisPubSubOptions {
  /** Every message on the channel, this instance's own included. */
  onMessage: (raw: string) => void;
  /** A connection error (node-redis reconnects, and resubscribes, by itself). */
  onError?: (err: Error) => void;
  /** The subscribing connection is up again. */
  onReady?: () => void;
}

/**
 * One Redis pub/sub channel: two connections, since a Redis connection that subscribes can send nothing else.
 * Without the offline queue a publish while Redis is away fails at once instead of waiting for it; before the
 * first connection (or during a reconnect) it waits at most REDIS_READY_WAIT_MS. Used by the CRM event bus
 * (bus.ts) and the schema change channel (schemaChanges.ts).
 */
export class RedisPubSub {
  private readonly publisher: RedisClientType;
  private readonly subscriber: RedisClientType;
  /** Resolves once both connections are up and the channel is subscribed. */
  readonly ready: Promise<void>;

  constructor(url: string, readonly channel: string, options: RedisPubSubOptions) {
    this.publisher = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy: reconnectDelay } });
    this.subscriber = this.publisher.duplicate();
    // The listeners keep node-redis's errors from crashing the process.
    const onError = (err: Error) => options.onError?.(err);
    this.publisher.on('error', onError);
    this.subscriber.on('error', onError);
    if (options.onReady) this.subscriber.on('ready', options.onReady);
    this.ready = Promise.all([
      this.publisher.connect(),
      this.subscriber.connect().then(() => this.subscriber.subscribe(channel, (raw) => options.onMessage(raw))),
    ]).then(() => undefined);
    this.ready.catch(() => undefined);
  }

  async publish(message: string): Promise<void> {
    if (!this.publisher.isReady) await Promise.race([this.ready, delay(REDIS_READY_WAIT_MS)]);
    await this.publisher.publish(this.channel, message);
  }

  async close(): Promise<void> {
    await Promise.all(
      [this.subscriber, this.publisher].map(async (client) => {
        // A client still trying to reach Redis has nothing to flush: drop it.
        if (client.isReady) await client.close().catch(() => client.destroy());
        else if (client.isOpen) client.destroy();
      }),
    );
  }
}
