import { randomInt } from 'node:crypto';
import { Agent, request } from 'undici';
import { deliverySignatureHeaders } from '../webhooks/signature';
import { DEFAULT_WEBHOOK_DELIVERY, type WebhookDeliveryOptions } from './options';
import type { WebhookApp, WebhookApps } from './webhookApps';

/**
 * Webhook deliveries, as HubSpot makes them: each change to a portal's CRM becomes one event per active
 * subscription that wants it; an app's events are collected for a short window and POSTed to its target URL as
 * JSON arrays of at most 100, signed with the app's client secret (signature v3, and v1 as the webhooks API sends
 * it), at most `throttling.maxConcurrentRequests` requests at a time. A request that fails (no answer in time,
 * a connection error, a non-2xx answer) is sent again after a doubling delay with `attemptNumber` one higher,
 * up to `maxAttempts` attempts. Every attempt is logged (GET /__emulator/webhook-deliveries).
 */

/** HubSpot's largest batch of events per request. */
export const MAX_EVENTS_PER_REQUEST = 100;

export type WebhookAction = 'creation' | 'deletion' | 'propertyChange' | 'merge' | 'restore' | 'associationChange' | 'privacyDeletion';

/** The event's fields beyond its envelope, named as HubSpot names them. Record ids are numbers, as HubSpot sends them. */
export interface ChangeFields {
  objectId?: number;
  propertyName?: string;
  propertyValue?: string;
  changeSource: string;
  sourceId?: string;
  changeFlag?: 'CREATED';
  primaryObjectId?: number;
  mergedObjectIds?: number[];
  newObjectId?: number;
  associationType?: string;
  fromObjectId?: number;
  toObjectId?: number;
  associationRemoved?: boolean;
  isPrimaryAssociation?: boolean;
}

/** A change to a portal's CRM, before it is matched to subscriptions. */
export interface CrmChange {
  portalId: number;
  /** Object type id of the record, e.g. `0-1`. */
  objectTypeId: string;
  action: WebhookAction;
  occurredAt: number;
  fields: ChangeFields;
}

/** One event as delivered. */
export interface WebhookEventPayload extends ChangeFields {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  subscriptionType: string;
  attemptNumber: number;
  /** `object.*` events name the object type. */
  objectTypeId?: string;
}

/** Object types with their own webhook event types; every other type's events are `object.*` with objectTypeId. */
const WEBHOOK_OBJECTS: Record<string, string> = { '0-1': 'contact', '0-2': 'company', '0-3': 'deal', '0-5': 'ticket', '0-7': 'product', '0-8': 'line_item' };

export function subscriptionTypeOf(objectTypeId: string, action: WebhookAction): string {
  return `${WEBHOOK_OBJECTS[objectTypeId] ?? 'object'}.${action}`;
}

export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed' | 'dropped';

/** One attempt (or a request dropped because its app has no settings any more). */
export interface DeliveryLogEntry {
  seq: number;
  /** The request's id: its retries share it. */
  deliveryId: number;
  appId: number;
  targetUrl?: string;
  attemptNumber: number;
  eventIds: number[];
  subscriptionTypes: string[];
  /** The target's HTTP status; 0 when there was no answer. */
  status: number;
  outcome: DeliveryOutcome;
  /** Why the attempt failed: `HTTP 500`, `timeout`, a connection error. */
  error?: string;
  /** When the next attempt starts, for `retrying`, in ms from this one's end. */
  retryInMs?: number;
  at: string;
  durationMs: number;
}

interface Delivery {
  id: number;
  app: WebhookApp;
  events: WebhookEventPayload[];
  attemptNumber: number;
}

/** An app's events waiting for the batch window, requests waiting for a slot, and requests in flight. */
interface AppQueue {
  app: WebhookApp;
  collecting: WebhookEventPayload[];
  windowTimer?: NodeJS.Timeout;
  ready: Delivery[];
  inFlight: number;
}

export class WebhookDeliveries {
  private readonly options: WebhookDeliveryOptions;
  private queues = new Map<number, AppQueue>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private log: DeliveryLogEntry[] = [];
  private seq = 0;
  private lastDeliveryId = 0;
  /** Event ids unique across emulator runs: a receiver remembers ids for a day (it drops what it has seen). */
  private nextEventId = Date.now() * 1000 + randomInt(1000);
  private idleWaiters: Array<() => void> = [];
  private agent = new Agent({ keepAliveTimeout: 4_000 });
  private abort = new AbortController();
  private closed = false;

  constructor(
    private readonly apps: WebhookApps,
    options: Partial<WebhookDeliveryOptions> = {},
  ) {
    this.options = { ...DEFAULT_WEBHOOK_DELIVERY, ...options };
  }

  /** Turns changes into events for every subscription that wants them and queues them per app. */
  publish(changes: CrmChange[]): void {
    if (this.closed) return;
    for (const change of changes) {
      const subscriptionType = subscriptionTypeOf(change.objectTypeId, change.action);
      const objectEvent = subscriptionType.startsWith('object.');
      const subscribers = this.apps.subscribersOf({
        portalId: change.portalId,
        eventType: subscriptionType,
        ...(change.fields.propertyName !== undefined ? { propertyName: change.fields.propertyName } : {}),
        ...(objectEvent ? { objectTypeId: change.objectTypeId } : {}),
      });
      for (const { app, subscription } of subscribers) {
        this.collect(app, {
          eventId: this.nextEventId++,
          subscriptionId: subscription.id,
          portalId: change.portalId,
          appId: app.appId,
          occurredAt: change.occurredAt,
          subscriptionType,
          attemptNumber: 0,
          ...(objectEvent ? { objectTypeId: change.objectTypeId } : {}),
          ...change.fields,
        });
      }
    }
  }

  /** The delivery log after `since` (a `seq`), oldest first. */
  entries(since = 0): DeliveryLogEntry[] {
    return this.log.filter((e) => e.seq > since);
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** What is still to be sent: events in a batch window, requests waiting for a slot or a retry, requests in flight. */
  pending(): { collectingEvents: number; waitingRequests: number; inFlight: number; retries: number } {
    const queues = [...this.queues.values()];
    return {
      collectingEvents: queues.reduce((n, q) => n + q.collecting.length, 0),
      waitingRequests: queues.reduce((n, q) => n + q.ready.length, 0),
      inFlight: queues.reduce((n, q) => n + q.inFlight, 0),
      retries: this.retryTimers.size,
    };
  }

  /** Resolves once nothing is pending (tests wait for deliveries with it). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  clearLog(): void {
    this.log = [];
  }

  /** Drops everything pending and the log; requests in flight are abandoned (the emulator's reset). */
  reset(): void {
    this.stopEverything();
    this.abort = new AbortController();
    this.log = [];
  }

  /** Stops timers and requests in flight, and closes the connection pool (the emulator's close). */
  async close(): Promise<void> {
    this.closed = true;
    this.stopEverything();
    await this.agent.destroy().catch(() => undefined);
  }

  // -------------------------------------------------------------------------------------------- queueing

  private queueOf(app: WebhookApp): AppQueue {
    let queue = this.queues.get(app.appId);
    if (!queue || queue.app !== app) {
      queue = { app, collecting: [], ready: [], inFlight: 0 };
      this.queues.set(app.appId, queue);
    }
    return queue;
  }

  private collect(app: WebhookApp, event: WebhookEventPayload): void {
    const queue = this.queueOf(app);
    queue.collecting.push(event);
    if (queue.collecting.length >= MAX_EVENTS_PER_REQUEST) return this.closeWindow(queue);
    if (!queue.windowTimer) {
      queue.windowTimer = setTimeout(() => this.closeWindow(queue), this.options.batchWindowMs);
      queue.windowTimer.unref();
    }
  }

  /** The batch window is over (or a full batch is there): cut the events into requests and send what may go. */
  private closeWindow(queue: AppQueue): void {
    clearTimeout(queue.windowTimer);
    queue.windowTimer = undefined;
    while (queue.collecting.length) {
      queue.ready.push({ id: ++this.lastDeliveryId, app: queue.app, events: queue.collecting.splice(0, MAX_EVENTS_PER_REQUEST), attemptNumber: 0 });
    }
    this.pump(queue);
  }

  /** Starts waiting requests while the app's throttling allows. */
  private pump(queue: AppQueue): void {
    while (queue.ready.length) {
      const settings = queue.app.settings;
      // Settings deleted meanwhile: HubSpot pauses the subscriptions, and nothing has a target any more.
      if (!settings) {
        for (const delivery of queue.ready.splice(0)) this.record(delivery, { status: 0, outcome: 'dropped', error: 'the app has no webhook settings', durationMs: 0 });
        break;
      }
      if (queue.inFlight >= settings.throttling.maxConcurrentRequests) break;
      const delivery = queue.ready.shift()!;
      queue.inFlight++;
      void this.attempt(delivery, settings.targetUrl).finally(() => {
        queue.inFlight--;
        if (this.queues.get(queue.app.appId) === queue) this.pump(queue);
        this.settle();
      });
    }
    this.settle();
  }

  // -------------------------------------------------------------------------------------------- sending

  private async attempt(delivery: Delivery, targetUrl: string): Promise<void> {
    // A reset or close abandons the attempt: nothing of it is logged or retried.
    const abandoned = this.abort.signal;
    const started = performance.now();
    const { status, error } = await this.send(delivery, targetUrl, abandoned);
    const durationMs = Math.round(performance.now() - started);
    if (abandoned.aborted) return;
    if (!error) return void this.record(delivery, { targetUrl, status, outcome: 'delivered', durationMs });
    if (delivery.attemptNumber + 1 >= this.options.maxAttempts) return void this.record(delivery, { targetUrl, status, outcome: 'failed', error, durationMs });
    const retryInMs = Math.min(this.options.retryMaxDelayMs, this.options.retryBaseDelayMs * 2 ** delivery.attemptNumber);
    this.record(delivery, { targetUrl, status, outcome: 'retrying', error, retryInMs, durationMs });
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      const queue = this.queueOf(delivery.app);
      queue.ready.unshift({ ...delivery, attemptNumber: delivery.attemptNumber + 1 });
      this.pump(queue);
    }, retryInMs);
    timer.unref();
    this.retryTimers.add(timer);
  }

  /** One POST, signed at send time (the timestamp is part of signature v3). */
  private async send(delivery: Delivery, targetUrl: string, abandoned: AbortSignal): Promise<{ status: number; error?: string }> {
    const body = JSON.stringify(delivery.events.map((e) => ({ ...e, attemptNumber: delivery.attemptNumber })));
    // The URL as the receiver will see it requested (default ports dropped, as clients send the Host header).
    const uri = new URL(targetUrl).href;
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'HubSpot Webhooks (hubspot-graphql emulator)',
      'x-hubspot-timeout-millis': String(this.options.timeoutMs),
      ...deliverySignatureHeaders(delivery.app.options.clientSecret, { method: 'POST', uri, body, timestamp: Date.now() }),
    };
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const res = await request(uri, { method: 'POST', headers, body, dispatcher: this.agent, signal: AbortSignal.any([abandoned, timeout]) });
      await res.body.dump().catch(() => undefined);
      return res.statusCode >= 200 && res.statusCode < 300 ? { status: res.statusCode } : { status: res.statusCode, error: `HTTP ${res.statusCode}` };
    } catch (e) {
      const err = e as Error & { code?: string };
      return { status: 0, error: timeout.aborted ? 'timeout' : (err.code ?? err.message) };
    }
  }

  // -------------------------------------------------------------------------------------------- bookkeeping

  private record(delivery: Delivery, result: Pick<DeliveryLogEntry, 'status' | 'outcome' | 'durationMs'> & Partial<Pick<DeliveryLogEntry, 'targetUrl' | 'error' | 'retryInMs'>>): void {
    this.log.push({
      seq: ++this.seq,
      deliveryId: delivery.id,
      appId: delivery.app.appId,
      attemptNumber: delivery.attemptNumber,
      eventIds: delivery.events.map((e) => e.eventId),
      subscriptionTypes: [...new Set(delivery.events.map((e) => e.subscriptionType))],
      at: new Date().toISOString(),
      ...result,
    });
    if (this.log.length > this.options.logSize) this.log.splice(0, this.log.length - this.options.logSize);
  }

  private isIdle(): boolean {
    const p = this.pending();
    return p.collectingEvents + p.waitingRequests + p.inFlight + p.retries === 0;
  }

  private settle(): void {
    if (!this.idleWaiters.length || !this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private stopEverything(): void {
    this.abort.abort();
    for (const queue of this.queues.values()) clearTimeout(queue.windowTimer);
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    this.queues = new Map();
    this.settle();
  }
}
