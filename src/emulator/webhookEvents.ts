import type { NextFunction, Request, Response } from 'express';
import { decoded, OBJECT_PATH, onAnswer } from './answerWatch';
import { callerOf } from './context';
import { OBJECT_TYPES, type ObjectTypeInfo } from './objectTypes';
import { lookupRecord, resolveMergedId } from './records';
import type { EmulatorState } from './state';
import type { CrmRecord, HistoryEntry, Portal } from './store';
import type { ChangeFields, CrmChange, WebhookAction } from './webhookDelivery';

/**
 * Which CRM changes the API's writes made, for webhook deliveries: records created (with a propertyChange for
 * every value they were created with, and an associationChange for each association), properties changed, records
 * archived (deletion), merged, GDPR-deleted (privacyDeletion), and associations added or removed.
 *
 * Like crmWriteAudit, it watches the object and association routes rather than living inside them: before a write
 * it notes what the write may touch (the records a request addresses, with the history heads of their
 * properties; the association lists of the records a request links), and when the route answers with success it
 * compares. A property whose history has a new head changed; its value and source (API, CALCULATED) are the
 * head's. Restores are not API calls in HubSpot (the recycle bin is in its UI): see routes/webhookAdmin.ts.
 */

type Json = Record<string, unknown>;
/** Called when the route answers successfully, with its JSON answer (undefined for 204s): the changes made. */
type ChangesOf = (answer: unknown) => CrmChange[];
/** Notes the state a write may change, before the route runs. */
type Watch = (portal: Portal) => ChangesOf;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const idText = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
const idOf = (v: unknown): string | undefined => (isObject(v) ? idText(v.id) : undefined);
const resultsOf = (answer: unknown): Json[] => (isObject(answer) && Array.isArray(answer.results) ? answer.results.filter(isObject) : []);
const inputsOf = (req: Request): Json[] => (isObject(req.body) && Array.isArray(req.body.inputs) ? req.body.inputs.filter(isObject) : []);

function change(portal: Portal, type: ObjectTypeInfo, action: WebhookAction, fields: ChangeFields): CrmChange {
  return { portalId: portal.portalId, objectTypeId: type.id, action, occurredAt: Date.now(), fields };
}

// ---------------------------------------------------------------------------------------------- records

interface RecordSnapshot {
  record: CrmRecord;
  /** Each property's history array as it was: a write that changes a value puts a new array there. */
  heads: Record<string, HistoryEntry[]>;
  archived: boolean;
}

const snapshot = (record: CrmRecord): RecordSnapshot => ({ record, heads: { ...record.history }, archived: record.archived });

function propertyChanges(portal: Portal, type: ObjectTypeInfo, snap: RecordSnapshot): CrmChange[] {
  const { record } = snap;
  return Object.keys(record.history)
    .filter((name) => record.history[name] !== snap.heads[name])
    .sort()
    .map((name) =>
      change(portal, type, 'propertyChange', {
        objectId: Number(record.id),
        propertyName: name,
        // A cleared value is sent as HubSpot stores it: an empty string.
        propertyValue: record.properties[name] ?? '',
        changeSource: record.history[name]![0]?.sourceType ?? 'API',
      }),
    );
}

/** A new record: its creation, every value it was created with, and its associations. */
function creationChanges(portal: Portal, type: ObjectTypeInfo, record: CrmRecord): CrmChange[] {
  const created = change(portal, type, 'creation', { objectId: Number(record.id), changeFlag: 'CREATED', changeSource: 'API' });
  const values = propertyChanges(portal, type, { record, heads: {}, archived: false });
  // Standard types and the portal's custom object types (`object.*` events with their `2-<n>` objectTypeId).
  const links = [...OBJECT_TYPES, ...portal.schemas.list().map((s) => s.type)].flatMap((other) => {
    const now = associationList(portal, type, record.id, other);
    // Seen from the other end, the association to the new record is new too.
    const farEnds = [...now.keys()].flatMap((farId) => {
      const farNow = associationList(portal, other, farId, type);
      const farBefore = new Map(farNow);
      farBefore.delete(record.id);
      return associationChanges(portal, { type: other, id: farId, other: type }, farBefore, farNow);
    });
    return [...associationChanges(portal, { type, id: record.id, other }, new Map(), now), ...farEnds];
  });
  return [created, ...values, ...links];
}

/**
 * A write to records: `addressed` finds the existing records the request names (before it runs), `created` the
 * ids the answer reports as new. Addressed records yield property changes — or, for archives, a deletion.
 */
function recordsWatch(type: ObjectTypeInfo, opts: { addressed?: (portal: Portal) => Array<CrmRecord | undefined>; created?: (answer: unknown) => Array<string | undefined>; archive?: boolean }): Watch {
  return (portal) => {
    const before = new Map<string, RecordSnapshot>();
    for (const record of opts.addressed?.(portal) ?? []) if (record) before.set(record.id, snapshot(record));
    return (answer) => {
      const records = portal.recordsOf(type);
      const created = (opts.created?.(answer) ?? []).flatMap((id) => {
        const record = id === undefined || before.has(id) ? undefined : records.get(id);
        return record ? creationChanges(portal, type, record) : [];
      });
      const changed = [...before.values()].flatMap((snap) => {
        if (!opts.archive) return propertyChanges(portal, type, snap);
        return !snap.archived && snap.record.archived ? [change(portal, type, 'deletion', { objectId: Number(snap.record.id), changeSource: 'API' })] : [];
      });
      return [...created, ...changed];
    };
  };
}

function mergeWatch(type: ObjectTypeInfo, body: Json): Watch {
  return (portal) => {
    const primary = idText(body.primaryObjectId);
    const merged = idText(body.objectIdToMerge);
    const primaryId = primary && resolveMergedId(portal, type, primary);
    const mergedId = merged && resolveMergedId(portal, type, merged);
    return (answer) => {
      const survivor = idOf(answer);
      if (!survivor || !primaryId || !mergedId) return [];
      // Deals merge into a new record: newObjectId differs from primaryObjectId then.
      return [change(portal, type, 'merge', { objectId: Number(survivor), primaryObjectId: Number(primaryId), mergedObjectIds: [Number(mergedId)], newObjectId: Number(survivor), changeSource: 'API' })];
    };
  };
}

function gdprWatch(type: ObjectTypeInfo, body: Json): Watch {
  return (portal) => {
    const id = idText(body.objectId);
    const idProperty = typeof body.idProperty === 'string' && body.idProperty !== '' ? body.idProperty : undefined;
    const record = id === undefined ? undefined : (lookupRecord(portal, type, id, idProperty, false) ?? lookupRecord(portal, type, id, idProperty, true));
    return () => (record && !portal.recordsOf(type).has(record.id) ? [change(portal, type, 'privacyDeletion', { objectId: Number(record.id), changeSource: 'API' })] : []);
  };
}

/** The object routes that write: create, update, archive, their batch forms, upsert, merge and GDPR delete. */
function objectWatch(req: Request, portal: Portal): Watch | undefined {
  const m = OBJECT_PATH.exec(req.path);
  const type = m && portal.objectType(decoded(m[1]!) ?? '');
  if (!m || !type) return undefined;
  const [, , second, third] = m;
  const body = isObject(req.body) ? req.body : {};
  const queryIdProperty = typeof req.query.idProperty === 'string' && req.query.idProperty !== '' ? req.query.idProperty : undefined;
  const lookupInputs = (idPropertyOf: (input: Json) => string | undefined) => (portal: Portal) =>
    inputsOf(req).map((input) => {
      const id = idText(input.id);
      return id === undefined ? undefined : lookupRecord(portal, type, id, idPropertyOf(input), false);
    });
  const inputIdProperty = (input: Json) => (typeof input.idProperty === 'string' && input.idProperty !== '' ? input.idProperty : undefined);

  if (req.method === 'POST' && second === undefined) return recordsWatch(type, { created: (answer) => [idOf(answer)] });
  if (req.method === 'POST' && second?.toLowerCase() === 'batch') {
    switch (third?.toLowerCase()) {
      case 'create':
        return recordsWatch(type, { created: (answer) => resultsOf(answer).map(idOf) });
      case 'update':
        return recordsWatch(type, { addressed: lookupInputs(inputIdProperty) });
      case 'upsert':
        return recordsWatch(type, {
          addressed: lookupInputs((input) => inputIdProperty(input) ?? queryIdProperty),
          created: (answer) => resultsOf(answer).filter((r) => r.new === true).map(idOf),
        });
      case 'archive':
        return recordsWatch(type, { addressed: lookupInputs(() => undefined), archive: true });
      default:
        return undefined;
    }
  }
  if (req.method === 'POST' && third === undefined && second?.toLowerCase() === 'merge') return mergeWatch(type, body);
  if (req.method === 'POST' && third === undefined && second?.toLowerCase() === 'gdpr-delete') return gdprWatch(type, body);
  const pathId = second === undefined || third !== undefined ? undefined : decoded(second);
  if (pathId === undefined) return undefined;
  if (req.method === 'PATCH') return recordsWatch(type, { addressed: (portal) => [lookupRecord(portal, type, pathId, queryIdProperty, false)] });
  if (req.method === 'DELETE') return recordsWatch(type, { addressed: (portal) => [lookupRecord(portal, type, pathId, undefined, false)], archive: true });
  return undefined;
}

// ---------------------------------------------------------------------------------------------- associations

/** One record's associations toward one object type: far record id → association type ids. */
type AssociationList = Map<string, Set<number>>;

interface ListSide {
  type: ObjectTypeInfo;
  id: string;
  other: ObjectTypeInfo;
}

function associationList(portal: Portal, type: ObjectTypeInfo, id: string, other: ObjectTypeInfo): AssociationList {
  return new Map(portal.associations.list(type.id, id, other.id).map(({ toId, typeIds }) => [toId, new Set(typeIds)]));
}

/**
 * What changed in one record's list, seen from that record (the other end's events come from its own list).
 * Two things are reported, as HubSpot does: the association itself (any type between the two records) coming or
 * going, and the primary association (HubSpot's `Primary` company label) coming or going.
 */
function associationChanges(portal: Portal, side: ListSide, before: AssociationList, after: AssociationList): CrmChange[] {
  const primaryTypeIds = new Set(
    portal.associations
      .typesBetween(side.type.id, side.other.id)
      .filter((d) => d.category === 'HUBSPOT_DEFINED' && d.label === 'Primary')
      .map((d) => d.typeId),
  );
  const isPrimary = (types: Set<number> | undefined) => [...(types ?? [])].some((t) => primaryTypeIds.has(t));
  const event = (farId: string, removed: boolean, primary: boolean) =>
    change(portal, side.type, 'associationChange', {
      associationType: `${side.type.singular}_TO_${side.other.singular}`.toUpperCase(),
      fromObjectId: Number(side.id),
      toObjectId: Number(farId),
      associationRemoved: removed,
      isPrimaryAssociation: primary,
      changeSource: 'API',
    });
  const out: CrmChange[] = [];
  for (const farId of new Set([...before.keys(), ...after.keys()])) {
    const was = (before.get(farId)?.size ?? 0) > 0;
    const is = (after.get(farId)?.size ?? 0) > 0;
    if (was !== is) out.push(event(farId, !is, false));
    const wasPrimary = isPrimary(before.get(farId));
    const isPrimaryNow = isPrimary(after.get(farId));
    if (wasPrimary !== isPrimaryNow) out.push(event(farId, !isPrimaryNow, true));
  }
  return out;
}

/** Association writes: both ends' lists are noted (a new primary company can take the label from a third record). */
function linksWatch(pairsOf: (portal: Portal) => Array<{ from: ObjectTypeInfo; fromId: string; to: ObjectTypeInfo; toId: string }>): Watch {
  return (portal) => {
    const sides = new Map<string, ListSide>();
    for (const { from, fromId, to, toId } of pairsOf(portal)) {
      for (const side of [{ type: from, id: resolveMergedId(portal, from, fromId), other: to }, { type: to, id: resolveMergedId(portal, to, toId), other: from }]) {
        sides.set(`${side.type.id}:${side.id}>${side.other.id}`, side);
      }
    }
    const before = [...sides.values()].map((side) => ({ side, list: associationList(portal, side.type, side.id, side.other) }));
    return () => before.flatMap(({ side, list }) => associationChanges(portal, side, list, associationList(portal, side.type, side.id, side.other)));
  };
}

const RECORD_LINK_PATH = /^\/crm\/v4\/objects\/([^/]+)\/([^/]+)\/associations\/(?:default\/)?([^/]+)\/([^/]+)\/?$/i;
const BATCH_LINK_PATH = /^\/crm\/v4\/associations\/([^/]+)\/([^/]+)\/batch\/(create|associate\/default|archive|labels\/archive)\/?$/i;

/** The association routes that write: per record PUT (labelled or default) and DELETE, and the batch writes. */
function associationWatch(req: Request, portal: Portal): Watch | undefined {
  const single = RECORD_LINK_PATH.exec(req.path);
  if (single && (req.method === 'PUT' || req.method === 'DELETE')) {
    const from = portal.objectType(decoded(single[1]!) ?? '');
    const to = portal.objectType(decoded(single[3]!) ?? '');
    const fromId = decoded(single[2]!);
    const toId = decoded(single[4]!);
    if (!from || !to || !fromId || !toId) return undefined;
    return linksWatch(() => [{ from, fromId, to, toId }]);
  }
  const batch = req.method === 'POST' ? BATCH_LINK_PATH.exec(req.path) : null;
  if (!batch) return undefined;
  const from = portal.objectType(decoded(batch[1]!) ?? '');
  const to = portal.objectType(decoded(batch[2]!) ?? '');
  if (!from || !to) return undefined;
  return linksWatch(() =>
    inputsOf(req).flatMap((input) => {
      const fromId = idOf(input.from);
      // Archive names several records per input (`to: [{id}]`), the others one.
      const toIds = Array.isArray(input.to) ? input.to.map(idOf) : [idOf(input.to)];
      return fromId === undefined ? [] : toIds.flatMap((toId) => (toId === undefined ? [] : [{ from, fromId, to, toId }]));
    }),
  );
}

// ---------------------------------------------------------------------------------------------- middleware

/** Express middleware for the HubSpot routes (after auth): successful CRM writes become webhook deliveries. */
export function webhookEventCapture(state: EmulatorState) {
  return (req: Request, res: Response, next: NextFunction) => {
    const portal = callerOf(res).portal;
    // Watching a write snapshots the records it touches: not worth it when nobody subscribed.
    if (!state.webhookApps.hasSubscribers(portal.portalId)) return next();
    const watch = objectWatch(req, portal) ?? associationWatch(req, portal);
    if (!watch) return next();
    const changesOf = watch(portal);
    onAnswer(res, (answer) => {
      if (res.statusCode >= 300) return;
      const changes = changesOf(answer);
      if (changes.length) state.webhookDeliveries.publish(changes);
    });
    next();
  };
}

/** A record taken back from the recycle bin (HubSpot's UI does it; the emulator's admin route stands in). */
export function restoreChange(portal: Portal, type: ObjectTypeInfo, record: CrmRecord, sourceId?: string): CrmChange {
  return change(portal, type, 'restore', { objectId: Number(record.id), changeSource: 'CRM_UI', ...(sourceId ? { sourceId } : {}) });
}
