import { GraphQLError } from 'graphql';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AsyncQueue } from './asyncQueue';
import { RedisPubSub } from './redisPubSub';
import type { CrmEvent, CrmEventKind, EventBus } from './types';

/** The Redis channel of a deployment's events when EVENTS_CHANNEL does not name another. */
export const DEFAULT_EVENTS_CHANNEL = 'hubspot-graphql:events';
/** Events one stream holds for a subscriber that does not keep up, before it ends with an error. */
export const STREAM_CAPACITY = 1_000;

type Handler = (event: CrmEvent) => void;

/** This process's subscribers. Delivery is synchronous, in publish order; a throwing handler is logged, never fatal. */
export class MemoryEventBus implements EventBus {
  private readonly handlers = new Set<Handler>();

  constructor(private readonly logger?: Logger) {}

  /** Handlers subscribed now (subscriptions in progress, cache invalidation). */
  get handlerCount(): number {
    return this.handlers.size;
  }

  async publish(events: CrmEvent[]): Promise<void> {
    this.deliver(events);
  }

  subscribe(handler: Handler): () => void {
    // A wrapper per call, so subscribing one function twice gives two independent subscriptions.
    const h: Handler = (e) => handler(e);
    this.handlers.add(h);
    return () => void this.handlers.delete(h);
  }

  /** Hands events to this process's handlers (RedisEventBus calls it for events from the channel too). */
  deliver(events: readonly CrmEvent[]): void {
    for (const event of events) {
      for (const handler of [...this.handlers]) {
        try {
          handler(event);
        } catch (err) {
          this.logger?.error({ err, eventId: event.eventId }, 'event handler threw');
        }
      }
    }
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}

/** What goes over the channel: one publish's events, and the instance that published them. */
interface ChannelMessage {
  origin: string;
  events: CrmEvent[];
}

/**
 * Events shared by every gateway instance on one Redis: each publish is one JSON message on the deployment's
 * channel (Redis pub/sub: at most once, to the instances subscribed at that moment). Two connections, since a
 * Redis connection that subscribes can send nothing else.
 *
 * Exactly once per instance: the publishing instance hands its events to its own handlers directly and skips
 * its own messages when they come back from the channel; every other instance delivers them on receipt.
 * Local handlers get the events first, so that this instance's subscribers keep working while Redis is away;
 * `publish` then rejects (quickly: no offline queue) to say the other instances did not get them.
 */
export class RedisEventBus implements EventBus {
  private readonly local: MemoryEventBus;
  private readonly pubsub: RedisPubSub;
  private readonly origin = randomUUID();
  /** Resolves once both connections are up and the channel is subscribed. */
  readonly ready: Promise<void>;

  constructor(
    url: string,
    private readonly channel = DEFAULT_EVENTS_CHANNEL,
    private readonly logger?: Logger,
  ) {
    this.local = new MemoryEventBus(logger);
    let warned = false;
    this.pubsub = new RedisPubSub(url, channel, {
      onMessage: (message) => this.receive(message),
      onError: (err) => {
        if (!warned) logger?.warn({ err: err.message }, 'event bus: Redis unavailable, retrying');
        warned = true;
      },
      onReady: () => (warned = false),
    });
    this.ready = this.pubsub.ready;
  }

  async publish(events: CrmEvent[]): Promise<void> {
    if (events.length === 0) return;
    this.local.deliver(events);
    const message: ChannelMessage = { origin: this.origin, events };
    await this.pubsub.publish(JSON.stringify(message));
  }

  subscribe(handler: Handler): () => void {
    return this.local.subscribe(handler);
  }

  /** Handlers on this instance subscribed now. */
  get handlerCount(): number {
    return this.local.handlerCount;
  }

  async close(): Promise<void> {
    await this.local.close();
    await this.pubsub.close();
  }

  private receive(raw: string): void {
    const message = parseMessage(raw);
    if (!message) {
      this.logger?.warn({ channel: this.channel, bytes: raw.length }, 'event bus: ignored a malformed message');
      return;
    }
    if (message.origin === this.origin) return; // delivered locally when published
    this.local.deliver(message.events);
  }
}

const KINDS: ReadonlySet<CrmEventKind> = new Set(['creation', 'deletion', 'propertyChange', 'merge', 'restore', 'associationChange', 'privacyDeletion']);

/** A well-formed event: the fields every consumer relies on have the right types. */
export function isCrmEvent(value: unknown): value is CrmEvent {
  const e = value as Partial<CrmEvent> | null;
  return (
    typeof e === 'object' && e !== null &&
    typeof e.eventId === 'string' && Number.isInteger(e.portalId) &&
    typeof e.objectType === 'string' && typeof e.objectId === 'string' &&
    typeof e.kind === 'string' && KINDS.has(e.kind) &&
    typeof e.subscriptionType === 'string' && typeof e.occurredAt === 'number'
  );
}

/** A channel message, or undefined when it is not one (another program on the channel, a truncated message). */
function parseMessage(raw: string): ChannelMessage | undefined {
  try {
    const m = JSON.parse(raw) as Partial<ChannelMessage>;
    if (typeof m.origin !== 'string' || !Array.isArray(m.events)) return undefined;
    return { origin: m.origin, events: m.events.filter(isCrmEvent) };
  } catch {
    return undefined;
  }
}

/** Redis when REDIS_URL is set (events reach every instance), else this process only. */
export function createEventBus(redisUrl?: string, options: { channel?: string; logger?: Logger } = {}): MemoryEventBus | RedisEventBus {
  return redisUrl ? new RedisEventBus(redisUrl, options.channel, options.logger) : new MemoryEventBus(options.logger);
}

/**
 * The events `accept` lets through, as an async iterator (a GraphQL subscription's source stream); it
 * unsubscribes when the iteration ends. `accept` may answer asynchronously (e.g. after a metadata lookup):
 * verdicts are awaited one event at a time, so events keep their order; a verdict that fails ends the stream
 * with that error. A consumer more than `capacity` events behind gets an error instead of unbounded memory.
 */
export function eventStream(bus: EventBus, accept: (event: CrmEvent) => boolean | Promise<boolean>, capacity = STREAM_CAPACITY): AsyncQueue<CrmEvent> {
  let unsubscribe: (() => void) | undefined;
  const tooSlow = () =>
    new GraphQLError(`More than ${capacity} events are waiting for this subscription: it was ended, subscribe again.`, { extensions: { code: 'RATE_LIMITED' } });
  const queue = new AsyncQueue<CrmEvent>(capacity, tooSlow, () => unsubscribe?.());
  let pending = Promise.resolve();
  let asyncVerdicts = 0;
  unsubscribe = bus.subscribe((event) => {
    let verdict: boolean | Promise<boolean>;
    try {
      verdict = accept(event);
    } catch (e) {
      return queue.fail(e);
    }
    if (typeof verdict === 'boolean' && asyncVerdicts === 0) {
      if (verdict) queue.push(event);
      return;
    }
    asyncVerdicts++;
    const decided = Promise.resolve(verdict);
    decided.catch(() => undefined); // handled in turn below; this keeps an early failure from counting as unhandled
    pending = pending
      .then(() => decided)
      .then(
        (ok) => {
          if (ok) queue.push(event);
        },
        (e: unknown) => queue.fail(e),
      )
      .finally(() => asyncVerdicts--);
  });
  if (!queue.open) unsubscribe();
  return queue;
}
