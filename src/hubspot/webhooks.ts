import type { HubSpotClient } from './client';
import type { BatchResponse } from './types';

/**
 * Webhooks v3 (webhooks-v3.json): the webhook settings and event subscriptions of one app. A developer API, so
 * its credential is not the portal's token but the app's: its id and the developer API key of the account that
 * owns it, sent as the spec's `hapikey` query parameter (the client does that for calls with `auth: 'developer'`).
 */

/** The app whose webhooks the gateway manages (HUBSPOT_APP_ID, HUBSPOT_DEVELOPER_API_KEY). */
export interface DeveloperApp {
  appId: number;
  developerApiKey: string;
}

/** HubSpot's webhook event types, as the spec enumerates them. */
export const WEBHOOK_EVENT_TYPES = [
  'company.associationChange', 'company.creation', 'company.deletion', 'company.merge', 'company.propertyChange', 'company.restore',
  'contact.associationChange', 'contact.creation', 'contact.deletion', 'contact.merge', 'contact.privacyDeletion', 'contact.propertyChange', 'contact.restore',
  'conversation.creation', 'conversation.deletion', 'conversation.newMessage', 'conversation.privacyDeletion', 'conversation.propertyChange',
  'deal.associationChange', 'deal.creation', 'deal.deletion', 'deal.merge', 'deal.propertyChange', 'deal.restore',
  'event.completed',
  'line_item.associationChange', 'line_item.creation', 'line_item.deletion', 'line_item.merge', 'line_item.propertyChange', 'line_item.restore',
  'object.associationChange', 'object.creation', 'object.deletion', 'object.merge', 'object.propertyChange', 'object.restore',
  'product.creation', 'product.deletion', 'product.merge', 'product.propertyChange', 'product.restore',
  'ticket.associationChange', 'ticket.creation', 'ticket.deletion', 'ticket.merge', 'ticket.propertyChange', 'ticket.restore',
] as const;
export type WebhookEventTypeName = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Inputs per batch update call (the emulator's cap; HubSpot's spec states none). */
export const SUBSCRIPTION_BATCH_LIMIT = 100;

export interface WebhookSettingsChange {
  targetUrl: string;
  throttling: { maxConcurrentRequests: number };
}

/** `SettingsResponse`. */
export interface WebhookSettingsResponse {
  targetUrl: string;
  throttling: { maxConcurrentRequests: number; period?: string };
  createdAt: string;
  updatedAt?: string;
}

/** `SubscriptionCreateRequest`. */
export interface WebhookSubscriptionCreate {
  eventType: WebhookEventTypeName;
  propertyName?: string;
  objectTypeId?: string;
  eventTypeName?: string;
  active?: boolean;
}

/** `SubscriptionResponse`. */
export interface WebhookSubscriptionResponse {
  id: string;
  /** One of WEBHOOK_EVENT_TYPES, or a type HubSpot added since. */
  eventType: string;
  propertyName?: string;
  objectTypeId?: string;
  eventTypeName?: string;
  active: boolean;
  createdAt: string;
  updatedAt?: string;
}

const SETTINGS = '/webhooks/v3/{appId}/settings';
const SUBSCRIPTIONS = '/webhooks/v3/{appId}/subscriptions';
const SUBSCRIPTION = '/webhooks/v3/{appId}/subscriptions/{subscriptionId}';

export class WebhooksApi {
  constructor(
    private readonly client: HubSpotClient,
    private readonly developerApp: () => DeveloperApp | undefined,
  ) {}

  /** The configured app, or undefined: then every method below refuses to run. */
  get app(): DeveloperApp | undefined {
    return this.developerApp();
  }

  private appId(): number {
    const app = this.developerApp();
    if (!app) throw new TypeError('webhooks API called without a developer app (HUBSPOT_APP_ID, HUBSPOT_DEVELOPER_API_KEY)');
    return app.appId;
  }

  settings() {
    return this.client.call<WebhookSettingsResponse>({ method: 'GET', operation: SETTINGS, params: { appId: this.appId() }, auth: 'developer', idempotent: true });
  }
  /** PUT replaces the settings; sending the same ones twice is harmless, so it may be retried. */
  updateSettings(body: WebhookSettingsChange) {
    return this.client.call<WebhookSettingsResponse>({ method: 'PUT', operation: SETTINGS, params: { appId: this.appId() }, body, auth: 'developer', idempotent: true });
  }
  /** Deletes the target URL; the subscriptions stay but are paused until settings exist again. */
  deleteSettings() {
    return this.client.call<void>({ method: 'DELETE', operation: SETTINGS, params: { appId: this.appId() }, auth: 'developer', idempotent: true });
  }

  subscriptions() {
    return this.client.call<{ results: WebhookSubscriptionResponse[] }>({ method: 'GET', operation: SUBSCRIPTIONS, params: { appId: this.appId() }, auth: 'developer', idempotent: true });
  }
  subscription(id: string) {
    return this.client.call<WebhookSubscriptionResponse>({ method: 'GET', operation: SUBSCRIPTION, params: { appId: this.appId(), subscriptionId: id }, auth: 'developer', idempotent: true });
  }
  createSubscription(body: WebhookSubscriptionCreate) {
    return this.client.call<WebhookSubscriptionResponse>({ method: 'POST', operation: SUBSCRIPTIONS, params: { appId: this.appId() }, body, auth: 'developer', idempotent: false });
  }
  /** Setting `active` to a value is the same however often it is sent, so it may be retried. */
  setActive(id: string, active: boolean) {
    return this.client.call<WebhookSubscriptionResponse>({
      method: 'PATCH', operation: SUBSCRIPTION, params: { appId: this.appId(), subscriptionId: id }, body: { active }, auth: 'developer', idempotent: true,
    });
  }
  /** Not retried: a repeat of a delete that was applied answers 404. */
  deleteSubscription(id: string) {
    return this.client.call<void>({ method: 'DELETE', operation: SUBSCRIPTION, params: { appId: this.appId(), subscriptionId: id }, auth: 'developer', idempotent: false });
  }
  /** At most SUBSCRIPTION_BATCH_LIMIT inputs; 207 answers carry `errors` naming the ids not found. */
  batchSetActive(inputs: Array<{ id: number; active: boolean }>) {
    return this.client.call<BatchResponse<WebhookSubscriptionResponse>>({
      method: 'POST', operation: `${SUBSCRIPTIONS}/batch/update`, params: { appId: this.appId() }, body: { inputs }, auth: 'developer', idempotent: true,
    });
  }
}
