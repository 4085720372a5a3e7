import { conflict, HubSpotHttpError, notFound, validationError } from './errors';
import type { WebhookAppOptions } from './options';

/**
 * The apps of the developer APIs and what HubSpot keeps for each: its webhook settings (target URL,
 * throttling) and its event subscriptions. The webhooks routes read and write it; event deliveries find their
 * subscribers through `subscribersOf`.
 */

/** HubSpot's webhook event types (webhooks-v3.json `SubscriptionCreateRequest.eventType`). */
const CRM_OBJECTS = ['contact', 'company', 'deal', 'ticket', 'line_item', 'product', 'object'] as const;
const CRM_ACTIONS = ['creation', 'deletion', 'propertyChange', 'merge', 'restore', 'associationChange'] as const;
export const WEBHOOK_EVENT_TYPES: readonly string[] = [
  // Products have no associationChange events.
  ...CRM_OBJECTS.flatMap((o) => CRM_ACTIONS.filter((a) => !(o === 'product' && a === 'associationChange')).map((a) => `${o}.${a}`)),
  'contact.privacyDeletion',
  ...['creation', 'deletion', 'newMessage', 'privacyDeletion', 'propertyChange'].map((a) => `conversation.${a}`),
  'event.completed',
].sort();
const EVENT_TYPES = new Set(WEBHOOK_EVENT_TYPES);

/** HubSpot's cap (developers.hubspot.com changelog "new limits for developer accounts and applications"). */
export const MAX_SUBSCRIPTIONS_PER_APP = 1000;
/**
 * Accepted `throttling.maxConcurrentRequests`: HubSpot asks for at least 5 and its app settings offer up to
 * 100 [unc]; 10 is HubSpot's default.
 */
export const MIN_CONCURRENT_REQUESTS = 5;
export const MAX_CONCURRENT_REQUESTS = 100;
const MAX_URL_LENGTH = 2048;
/** Internal property names: CRM ones are lower-case snake case, conversation ones camelCase (`assignedTo`). */
const PROPERTY_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,99}$/;
/** Object type ids as HubSpot writes them: `0-1` (contacts) … `2-123456` (a custom object). */
const OBJECT_TYPE_ID = /^\d+-\d+$/;

export interface WebhookSettings {
  targetUrl: string;
  throttling: { maxConcurrentRequests: number; period: 'SECONDLY' };
  createdAt: string;
  updatedAt: string;
}

export interface WebhookSubscription {
  id: number;
  eventType: string;
  propertyName?: string;
  objectTypeId?: string;
  eventTypeName?: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export class WebhookApp {
  settings: WebhookSettings | undefined;
  readonly subscriptions = new Map<number, WebhookSubscription>();

  constructor(readonly options: WebhookAppOptions) {}

  get appId(): number {
    return this.options.appId;
  }

  isInstalledIn(portalId: number): boolean {
    const portals = this.options.portalIds ?? '*';
    return portals === '*' || portals.includes(portalId);
  }

  subscription(id: number): WebhookSubscription {
    const found = this.subscriptions.get(id);
    if (!found) throw notFound(`Subscription ${id} does not exist for app ${this.appId}.`);
    return found;
  }
}

/** One event as deliveries will describe it, to find the subscriptions that want it. */
export interface WebhookEvent {
  portalId: number;
  eventType: string;
  /** For `*.propertyChange`: the property that changed. */
  propertyName?: string;
  /** For `object.*`: the object type, e.g. `2-123`. */
  objectTypeId?: string;
}

export interface Subscriber {
  app: WebhookApp;
  settings: WebhookSettings;
  subscription: WebhookSubscription;
}

type Body = Record<string, unknown>;

export class WebhookApps {
  private apps = new Map<number, WebhookApp>();
  private lastSubscriptionId = 0;

  constructor(private readonly options: readonly WebhookAppOptions[]) {
    this.reset();
  }

  /** Back to the configured apps, with no settings and no subscriptions. */
  reset(): void {
    this.apps = new Map(this.options.map((o) => [o.appId, new WebhookApp(o)]));
    this.lastSubscriptionId = 0;
  }

  /** Whether any app accepts this developer API key. */
  isDeveloperKey(key: string): boolean {
    return [...this.apps.values()].some((a) => a.options.developerApiKeys.includes(key));
  }

  /** The app a developer key may manage: 404 for an unknown app, 403 when the key belongs to another developer. */
  appFor(appId: number, developerKey: string): WebhookApp {
    const app = this.apps.get(appId);
    if (!app) throw notFound(`App ${appId} does not exist.`);
    if (!app.options.developerApiKeys.includes(developerKey)) {
      throw new HubSpotHttpError(403, 'FORBIDDEN', `The developer API key does not belong to the developer account that owns app ${appId}.`);
    }
    return app;
  }

  /**
   * For deliveries: the active subscriptions that want this event, each with its app's settings. An app
   * without settings (none yet, or deleted) has its subscriptions paused, so it has no subscribers.
   */
  /** Whether any app would hear of this portal's changes: when none would, writes need not be watched at all. */
  hasSubscribers(portalId: number): boolean {
    for (const app of this.apps.values()) {
      if (!app.settings || !app.isInstalledIn(portalId)) continue;
      for (const subscription of app.subscriptions.values()) if (subscription.active) return true;
    }
    return false;
  }

  subscribersOf(event: WebhookEvent): Subscriber[] {
    const out: Subscriber[] = [];
    for (const app of this.apps.values()) {
      const settings = app.settings;
      if (!settings || !app.isInstalledIn(event.portalId)) continue;
      for (const subscription of app.subscriptions.values()) {
        if (!subscription.active || subscription.eventType !== event.eventType) continue;
        if (subscription.propertyName !== undefined && subscription.propertyName !== event.propertyName) continue;
        if (subscription.objectTypeId !== undefined && subscription.objectTypeId !== event.objectTypeId) continue;
        out.push({ app, settings, subscription });
      }
    }
    return out;
  }

  /** PUT settings: replaces them, keeping the first `createdAt`. */
  putSettings(app: WebhookApp, body: Body): WebhookSettings {
    const targetUrl = checkTargetUrl(body.targetUrl);
    const throttling = checkThrottling(body.throttling);
    const now = new Date().toISOString();
    app.settings = { targetUrl, throttling, createdAt: app.settings?.createdAt ?? now, updatedAt: now };
    return app.settings;
  }

  /** POST subscription: validated against HubSpot's rules, unique per app, at most 1,000 per app. */
  createSubscription(app: WebhookApp, body: Body): WebhookSubscription {
    const wanted = checkSubscription(body);
    const duplicate = [...app.subscriptions.values()].find(
      (s) => s.eventType === wanted.eventType && s.propertyName === wanted.propertyName && s.objectTypeId === wanted.objectTypeId && s.eventTypeName === wanted.eventTypeName,
    );
    if (duplicate) {
      throw conflict(`A subscription to ${describeSubscription(wanted)} already exists for app ${app.appId} (id ${duplicate.id}).`, { context: { subscriptionId: [String(duplicate.id)] } });
    }
    if (app.subscriptions.size >= MAX_SUBSCRIPTIONS_PER_APP) {
      throw validationError(`App ${app.appId} already has ${MAX_SUBSCRIPTIONS_PER_APP} subscriptions, the most an app may have.`, { subCategory: 'SUBSCRIPTION_LIMIT_EXCEEDED' });
    }
    const now = new Date().toISOString();
    const subscription: WebhookSubscription = { id: ++this.lastSubscriptionId, ...wanted, createdAt: now, updatedAt: now };
    app.subscriptions.set(subscription.id, subscription);
    return subscription;
  }

  /** PATCH (and batch update): only `active` changes. */
  setActive(subscription: WebhookSubscription, active: boolean): WebhookSubscription {
    if (subscription.active !== active) {
      subscription.active = active;
      subscription.updatedAt = new Date().toISOString();
    }
    return subscription;
  }
}

const describeSubscription = (s: Pick<WebhookSubscription, 'eventType' | 'propertyName' | 'objectTypeId' | 'eventTypeName'>) =>
  [s.eventType, s.propertyName && `property ${s.propertyName}`, s.objectTypeId && `object type ${s.objectTypeId}`, s.eventTypeName && `event ${s.eventTypeName}`]
    .filter(Boolean)
    .join(', ');

const fieldError = (field: string, message: string) =>
  validationError(message, { errors: [{ message, in: field, code: 'INVALID' }] });

/**
 * HubSpot delivers only to https URLs. The emulator also takes http for loopback hosts (localhost, 127.0.0.0/8,
 * [::1]), so that a local receiver can be the target without a certificate.
 */
function checkTargetUrl(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw fieldError('targetUrl', 'targetUrl is required: the URL HubSpot sends event payloads to.');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw fieldError('targetUrl', `targetUrl '${value}' is not an absolute URL.`);
  }
  if (value.length > MAX_URL_LENGTH) throw fieldError('targetUrl', `targetUrl is longer than ${MAX_URL_LENGTH} characters.`);
  const loopback = url.hostname === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(url.hostname) || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw fieldError('targetUrl', `targetUrl must be an https URL (the emulator accepts http only for localhost, 127.0.0.0/8 and [::1]); got ${url.protocol.replace(':', '')}://${url.host}.`);
  }
  return value;
}

function checkThrottling(value: unknown): WebhookSettings['throttling'] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw fieldError('throttling', 'throttling is required: {"maxConcurrentRequests": n}.');
  const { maxConcurrentRequests: n, period } = value as Body;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < MIN_CONCURRENT_REQUESTS || n > MAX_CONCURRENT_REQUESTS) {
    throw fieldError('throttling.maxConcurrentRequests', `throttling.maxConcurrentRequests must be an integer from ${MIN_CONCURRENT_REQUESTS} to ${MAX_CONCURRENT_REQUESTS}; got ${JSON.stringify(n)}.`);
  }
  if (period !== undefined && period !== 'SECONDLY') throw fieldError('throttling.period', `throttling.period must be SECONDLY; got ${JSON.stringify(period)}.`);
  return { maxConcurrentRequests: n, period: 'SECONDLY' };
}

const optionalString = (body: Body, field: string): string | undefined => {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.trim() === '') throw fieldError(field, `${field} must be a non-empty string.`);
  return v;
};

/**
 * The create body's rules. `propertyName` is required for, and only allowed with, `*.propertyChange`; it is
 * checked for shape, not against a portal's properties: an app serves every portal that installs it, and HubSpot
 * simply sends nothing from a portal without that property. `objectTypeId` goes with `object.*` event types,
 * `eventTypeName` with `event.completed`.
 */
function checkSubscription(body: Body): Omit<WebhookSubscription, 'id' | 'createdAt' | 'updatedAt'> {
  const eventType = body.eventType;
  if (typeof eventType !== 'string' || !EVENT_TYPES.has(eventType)) {
    throw fieldError('eventType', `eventType ${JSON.stringify(eventType ?? null)} is not a webhook event type (e.g. contact.creation, deal.propertyChange); see the API's list.`);
  }
  const active = body.active ?? false;
  if (typeof active !== 'boolean') throw fieldError('active', `active must be true or false; got ${JSON.stringify(active)}.`);
  const propertyName = optionalString(body, 'propertyName');
  const objectTypeId = optionalString(body, 'objectTypeId');
  const eventTypeName = optionalString(body, 'eventTypeName');
  const isPropertyChange = eventType.endsWith('.propertyChange');
  if (isPropertyChange && propertyName === undefined) throw fieldError('propertyName', `propertyName is required for ${eventType}: the property whose changes to send.`);
  if (!isPropertyChange && propertyName !== undefined) throw fieldError('propertyName', `propertyName applies only to *.propertyChange event types, not ${eventType}.`);
  if (propertyName !== undefined && !PROPERTY_NAME.test(propertyName)) throw fieldError('propertyName', `propertyName '${propertyName}' is not a property's internal name.`);
  const isObjectEvent = eventType.startsWith('object.');
  if (isObjectEvent && (objectTypeId === undefined || !OBJECT_TYPE_ID.test(objectTypeId))) {
    throw fieldError('objectTypeId', `${eventType} needs objectTypeId, the object type id such as 2-123; got ${JSON.stringify(objectTypeId ?? null)}.`);
  }
  if (!isObjectEvent && objectTypeId !== undefined) throw fieldError('objectTypeId', `objectTypeId applies only to object.* event types, not ${eventType}.`);
  if (eventTypeName !== undefined && eventType !== 'event.completed') throw fieldError('eventTypeName', `eventTypeName applies only to event.completed, not ${eventType}.`);
  return {
    eventType,
    ...(propertyName !== undefined ? { propertyName } : {}),
    ...(objectTypeId !== undefined ? { objectTypeId } : {}),
    ...(eventTypeName !== undefined ? { eventTypeName } : {}),
    active,
  };
}
