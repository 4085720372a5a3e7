import { crmTypeOf } from '../crm/registry';
import type { CrmEvent, CrmEventKind } from '../events/types';

/**
 * HubSpot's webhook events (the JSON array of a delivery, HUBSPOT-FACTS §11) → CrmEvents. `contact.propertyChange`
 * becomes objectType `contacts`, kind `propertyChange`; `object.*` events name their type by `objectTypeId`
 * (a standard id such as `0-1` becomes its name, a custom object's `2-…` stays as it is).
 */

/** HubSpot's webhook object names → the gateway's object type names. */
const OBJECT_TYPES: Record<string, string> = {
  contact: 'contacts',
  company: 'companies',
  deal: 'deals',
  ticket: 'tickets',
  line_item: 'line_items',
  product: 'products',
};

const KINDS: readonly CrmEventKind[] = ['creation', 'deletion', 'propertyChange', 'merge', 'restore', 'associationChange', 'privacyDeletion'];

/** A delivery that is not an array of well-formed events: the message says which event and what is wrong. */
export class MalformedDeliveryError extends Error {
  override name = 'MalformedDeliveryError';
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
/** HubSpot's ids are JSON numbers (64-bit); numeric strings are taken too. */
const idOf = (v: unknown): string | undefined => (typeof v === 'number' && Number.isInteger(v) ? String(v) : typeof v === 'string' && /^\d+$/.test(v) ? v : undefined);
const optionalText = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));

export interface ParsedDelivery {
  events: CrmEvent[];
  /** Well-formed events of types that are not CRM changes (conversations, `event.completed`): acknowledged, not published. */
  ignored: number;
}

/** The CRM object type of a subscription type's object part, or undefined for non-CRM events. */
function objectTypeOf(objectName: string, raw: Json, where: string): string | undefined {
  if (objectName !== 'object') return OBJECT_TYPES[objectName];
  const typeId = raw.objectTypeId;
  if (typeof typeId !== 'string' || !/^\d+-\d+$/.test(typeId)) throw new MalformedDeliveryError(`${where}: object.* events need objectTypeId (e.g. 2-123)`);
  return crmTypeOf(typeId)?.objectType ?? typeId;
}

function toCrmEvent(raw: unknown, index: number): CrmEvent | undefined {
  const where = `event ${index}`;
  if (!isObject(raw)) throw new MalformedDeliveryError(`${where} is not an object`);
  const eventId = idOf(raw.eventId);
  const portalId = typeof raw.portalId === 'number' && Number.isInteger(raw.portalId) && raw.portalId > 0 ? raw.portalId : undefined;
  const subscriptionType = typeof raw.subscriptionType === 'string' ? raw.subscriptionType : undefined;
  const occurredAt = typeof raw.occurredAt === 'number' && Number.isFinite(raw.occurredAt) ? raw.occurredAt : undefined;
  if (!eventId || !portalId || !subscriptionType || occurredAt === undefined) {
    throw new MalformedDeliveryError(`${where} needs eventId, portalId, subscriptionType and occurredAt`);
  }
  const [objectName = '', action = ''] = subscriptionType.split('.');
  const objectType = objectTypeOf(objectName, raw, where);
  const kind = KINDS.find((k) => k === action);
  if (objectType === undefined || kind === undefined) return undefined;

  const association = kind === 'associationChange' ? associationOf(raw, where) : undefined;
  // associationChange events have no objectId: the change is seen from the `from` record.
  const objectId = idOf(raw.objectId) ?? association?.fromObjectId;
  if (!objectId) throw new MalformedDeliveryError(`${where} (${subscriptionType}) needs objectId`);
  const event: CrmEvent = { eventId, portalId, objectType, objectId, kind, subscriptionType, occurredAt };
  const propertyName = optionalText(raw.propertyName);
  const propertyValue = optionalText(raw.propertyValue);
  const changeSource = optionalText(raw.changeSource);
  if (propertyName !== undefined) event.propertyName = propertyName;
  if (propertyValue !== undefined) event.propertyValue = propertyValue;
  if (changeSource !== undefined) event.changeSource = changeSource;
  if (kind === 'merge') Object.assign(event, mergeOf(raw));
  if (association) event.association = association;
  return event;
}

function mergeOf(raw: Json): Pick<CrmEvent, 'primaryObjectId' | 'mergedObjectIds' | 'newObjectId'> {
  const out: Pick<CrmEvent, 'primaryObjectId' | 'mergedObjectIds' | 'newObjectId'> = {};
  const primary = idOf(raw.primaryObjectId);
  const merged = Array.isArray(raw.mergedObjectIds) ? raw.mergedObjectIds.map(idOf).filter((id): id is string => id !== undefined) : undefined;
  const created = idOf(raw.newObjectId);
  if (primary) out.primaryObjectId = primary;
  if (merged) out.mergedObjectIds = merged;
  if (created) out.newObjectId = created;
  return out;
}

function associationOf(raw: Json, where: string): NonNullable<CrmEvent['association']> {
  const fromObjectId = idOf(raw.fromObjectId);
  const toObjectId = idOf(raw.toObjectId);
  if (!fromObjectId || !toObjectId || typeof raw.associationType !== 'string') {
    throw new MalformedDeliveryError(`${where}: associationChange events need associationType, fromObjectId and toObjectId`);
  }
  return { associationType: raw.associationType, fromObjectId, toObjectId, removed: raw.associationRemoved === true, primary: raw.isPrimaryAssociation === true };
}

/** Parses a delivery's raw body. Throws MalformedDeliveryError for anything but a JSON array of events. */
export function parseDelivery(body: Buffer): ParsedDelivery {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new MalformedDeliveryError('the body is not JSON');
  }
  if (!Array.isArray(parsed)) throw new MalformedDeliveryError('the body must be a JSON array of events');
  const events: CrmEvent[] = [];
  parsed.forEach((raw, i) => {
    const event = toCrmEvent(raw, i);
    if (event) events.push(event);
  });
  return { events, ignored: parsed.length - events.length };
}
