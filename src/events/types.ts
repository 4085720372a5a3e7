/**
 * A change in a portal's CRM, as the gateway passes it around after receiving HubSpot's webhook delivery.
 * Internal: the webhook receiver produces these, the event bus carries them between instances, and GraphQL
 * subscriptions and cache invalidation consume them.
 */
export type CrmEventKind = 'creation' | 'deletion' | 'propertyChange' | 'merge' | 'restore' | 'associationChange' | 'privacyDeletion';

export interface CrmEvent {
  /** HubSpot's eventId (unique per delivery attempt's event; used to drop replays). */
  eventId: string;
  portalId: number;
  /** Canonical object type name (`contacts`, `deals` …), or a custom object's type id. */
  objectType: string;
  objectId: string;
  kind: CrmEventKind;
  /** HubSpot's subscription type as delivered, e.g. `contact.propertyChange`. */
  subscriptionType: string;
  /** Epoch ms when the change happened (HubSpot's occurredAt). */
  occurredAt: number;
  propertyName?: string;
  propertyValue?: string;
  changeSource?: string;
  /** merge events */
  primaryObjectId?: string;
  mergedObjectIds?: string[];
  newObjectId?: string;
  /** associationChange events */
  association?: {
    associationType: string;
    fromObjectId: string;
    toObjectId: string;
    removed: boolean;
    primary: boolean;
  };
}

/**
 * Carries events to every subscriber of this instance — and, with Redis, of every instance. `publish` is
 * called by the webhook receiver; `subscribe` by GraphQL subscriptions and cache invalidation.
 */
export interface EventBus {
  publish(events: CrmEvent[]): Promise<void>;
  /** Returns an unsubscribe function. Handlers must not throw. */
  subscribe(handler: (event: CrmEvent) => void): () => void;
  close(): Promise<void>;
}
