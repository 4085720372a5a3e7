import { conflict, HubSpotHttpError, notFound, validationError } from './errors';
import type { ObjectTypeInfo } from './objectTypes';
import type { CrmRecord, HistoryEntry, Portal } from './store';
import { liveProperty, normalizeProperties, propertyValuesError, type ValueProblem } from './values';

/**
 * Creating, changing, finding and serialising CRM records, shared by the object, batch, merge and search
 * routes. Everything here throws HubSpotHttpError with HubSpot's status and body; batch routes turn those into
 * per-item StandardErrors.
 */

export const nowIso = (): string => new Date().toISOString();

/** Source of a history entry: client writes are `API`; values HubSpot derives itself are `CALCULATED`. */
const API = 'API';
const CALCULATED = 'CALCULATED';

const byNumericId = (a: CrmRecord, b: CrmRecord) => Number(a.id) - Number(b.id) || a.id.localeCompare(b.id);

/** The portal's records of a type, in id order (HubSpot's list order). */
export function recordsInIdOrder(portal: Portal, type: ObjectTypeInfo): CrmRecord[] {
  return [...portal.recordsOf(type).values()].sort(byNumericId);
}

// ---------------------------------------------------------------------------------------------- lookups

/** Follows merges: an id absorbed by a merge answers as the record that survived it. */
export function resolveMergedId(portal: Portal, type: ObjectTypeInfo, id: string): string {
  let current = id;
  for (let hops = 0; hops < 100; hops++) {
    const next = portal.mergedInto.get(`${type.id}:${current}`);
    if (next === undefined) return current;
    current = next;
  }
  return current;
}

export function findById(portal: Portal, type: ObjectTypeInfo, id: string): CrmRecord | undefined {
  return portal.recordsOf(type).get(resolveMergedId(portal, type, id));
}

/** Properties usable as `idProperty`: the type's built-in unique ones and any with `hasUniqueValue`. */
export function uniqueProperties(portal: Portal, type: ObjectTypeInfo): string[] {
  const names = new Set(type.uniqueProperties);
  for (const def of portal.propertiesOf(type).values()) if (def.hasUniqueValue && !def.archived) names.add(def.name);
  return [...names];
}

/**
 * Checks an `idProperty`. HubSpot refuses `hs_object_id` (a non-unique property; the record id is meant to be
 * sent without idProperty) and any property whose values are not unique.
 */
export function checkIdProperty(portal: Portal, type: ObjectTypeInfo, idProperty: string | undefined): string | undefined {
  if (idProperty === undefined || idProperty === '') return undefined;
  if (!liveProperty(portal, type, idProperty)) {
    throw validationError(`Property "${idProperty}" does not exist and cannot be used as idProperty`, { context: { idProperty: [idProperty] } });
  }
  if (!uniqueProperties(portal, type).includes(idProperty)) {
    throw validationError(
      `${idProperty} is a non-unique property and cannot be used as idProperty. Unique properties of ${type.name}: ${uniqueProperties(portal, type).join(', ') || 'none'}. To use the record id, leave idProperty out.`,
      { context: { idProperty: [idProperty] } },
    );
  }
  return idProperty;
}

const sameUniqueValue = (type: ObjectTypeInfo, property: string, a: string, b: string) =>
  type.id === '0-1' && property === 'email' ? a.toLowerCase() === b.toLowerCase() : a === b;

/**
 * Finds a record by id (or by a unique property value), following merges. `archived` picks the recycle bin
 * (true) or the live records (false), never both, as HubSpot's `archived` parameter does.
 */
export function lookupRecord(portal: Portal, type: ObjectTypeInfo, id: string, idProperty: string | undefined, archived = false): CrmRecord | undefined {
  if (idProperty) {
    for (const record of portal.recordsOf(type).values()) {
      const value = record.properties[idProperty];
      if (record.archived === archived && value !== undefined && sameUniqueValue(type, idProperty, value, id)) return record;
    }
    return undefined;
  }
  const record = findById(portal, type, id);
  return record && record.archived === archived ? record : undefined;
}

/** HubSpot's 404 for a record that is not there. Non-numeric ids get HubSpot's hint that ids are numeric. */
export function recordNotFound(id: string, idProperty?: string): HubSpotHttpError {
  if (!idProperty && !/^\d+$/.test(id)) {
    return new HubSpotHttpError(404, 'OBJECT_NOT_FOUND', 'Object not found.  objectId are usually numeric.', { context: { id: [id] } });
  }
  return new HubSpotHttpError(404, 'OBJECT_NOT_FOUND', 'resource not found', { context: { id: [id] } });
}

/** Like lookupRecord, but a missing record is HubSpot's 404. */
export function requireRecord(portal: Portal, type: ObjectTypeInfo, id: string, idProperty: string | undefined, archived = false): CrmRecord {
  const record = lookupRecord(portal, type, id, idProperty, archived);
  if (!record) throw recordNotFound(id, idProperty);
  return record;
}

// ---------------------------------------------------------------------------------------------- writes

/** `{to:{id}, types:[{associationCategory, associationTypeId}]}` of a create, resolved and checked. */
export interface AssociationToAdd {
  toType: ObjectTypeInfo;
  toId: string;
  typeId: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Resolves the `associations` of a create: the association type id fixes the target object type, so each
 * type id must be defined from this object type (with the category given) and each target must exist.
 */
export function parseAssociationInputs(portal: Portal, type: ObjectTypeInfo, raw: unknown): AssociationToAdd[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw validationError('Invalid input JSON: associations must be an array of {to:{id}, types:[...]}');
  const out: AssociationToAdd[] = [];
  raw.forEach((assoc: unknown, i) => {
    const to = isObject(assoc) && isObject(assoc.to) ? assoc.to : undefined;
    const toId = to && (typeof to.id === 'string' || typeof to.id === 'number') ? String(to.id) : undefined;
    const types = isObject(assoc) && Array.isArray(assoc.types) ? assoc.types : undefined;
    if (!toId || !types || types.length === 0) {
      throw validationError(`Invalid input JSON: associations[${i}] needs to.id and at least one type`);
    }
    for (const spec of types) {
      const category = isObject(spec) ? spec.associationCategory : undefined;
      const typeId = isObject(spec) ? spec.associationTypeId : undefined;
      if (typeof typeId !== 'number' || !Number.isInteger(typeId) || typeof category !== 'string') {
        throw validationError(`Invalid input JSON: associations[${i}].types need associationCategory and an integer associationTypeId`);
      }
      const def = [...portal.associations.types.values()].flat().find((d) => d.fromTypeId === type.id && d.typeId === typeId);
      if (!def) throw validationError(`associationTypeId ${typeId} is not a valid association type from ${type.singular}`, { context: { associationTypeId: [String(typeId)] } });
      if (def.category !== category) {
        throw validationError(`associationTypeId ${typeId} belongs to category ${def.category}, not ${category}`, { context: { associationTypeId: [String(typeId)] } });
      }
      const toType = portal.objectType(def.toTypeId);
      if (!toType) throw validationError(`associationTypeId ${typeId} leads to an object type that no longer exists`, { context: { associationTypeId: [String(typeId)] } });
      const target = findById(portal, toType, toId);
      if (!target || target.archived) {
        throw validationError(`Cannot create association ${def.name}: ${toType.singular} ${toId} does not exist`, { context: { toObjectId: [toId] } });
      }
      out.push({ toType, toId: target.id, typeId });
    }
  });
  return out;
}

function addHistory(record: CrmRecord, name: string, value: string, timestamp: string, sourceType: string): void {
  const entry: HistoryEntry = { value, timestamp, sourceType };
  record.history[name] = [entry, ...(record.history[name] ?? [])];
}

/** Writes values onto a record (`""` removes one); returns the names whose value changed. */
function applyValues(record: CrmRecord, values: Record<string, string>, timestamp: string, sourceType: string): string[] {
  const changed: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    const old = record.properties[name];
    if (value === '' ? old === undefined : old === value) continue;
    if (value === '') delete record.properties[name];
    else record.properties[name] = value;
    addHistory(record, name, value, timestamp, sourceType);
    changed.push(name);
  }
  return changed;
}

/** The names of the last-modified properties HubSpot keeps for a type (contacts have two). */
const modifiedProperties = (type: ObjectTypeInfo) =>
  type.id === '0-1' ? [type.modifiedProperty, 'hs_lastmodifieddate'] : [type.modifiedProperty];

function touch(record: CrmRecord, type: ObjectTypeInfo, now: string): void {
  record.updatedAt = now;
  applyValues(record, Object.fromEntries(modifiedProperties(type).map((p) => [p, now])), now, CALCULATED);
}

/**
 * Contacts: an email must not belong to another live contact (as primary or additional email) — HubSpot's
 * 409 `Contact already exists. Existing ID: <id>` — nor have been GDPR-deleted. Other properties with unique
 * values: a value may be used by one record only.
 */
function checkUniqueness(portal: Portal, type: ObjectTypeInfo, values: Record<string, string>, selfId?: string): void {
  const others = [...portal.recordsOf(type).values()].filter((r) => !r.archived && r.id !== selfId);
  const email = type.id === '0-1' ? values.email : undefined;
  if (email) {
    if (portal.gdprBlocklist.has(email.toLowerCase())) {
      throw propertyValuesError([
        { name: 'email', error: 'INVALID_EMAIL', message: `Email address ${email} was permanently deleted (GDPR) and is blocked from being used again`, propertyValue: email },
      ]);
    }
    const owner = others.find(
      (r) => r.properties.email?.toLowerCase() === email || (r.properties.hs_additional_emails ?? '').toLowerCase().split(';').includes(email),
    );
    if (owner) throw conflict(`Contact already exists. Existing ID: ${owner.id}`, { context: { existingId: [owner.id] } });
  }
  for (const name of uniqueProperties(portal, type)) {
    const value = values[name];
    if (!value || (type.id === '0-1' && name === 'email')) continue;
    const owner = others.find((r) => r.properties[name] === value);
    if (owner) throw conflict(`A ${type.singular} with ${name} "${value}" already exists. Existing ID: ${owner.id}`, { context: { existingId: [owner.id] } });
  }
}

/**
 * Deals and tickets live in a pipeline stage. Deals need `dealstage` (pipeline defaults to `default`);
 * tickets need `hs_pipeline_stage` (hs_pipeline defaults to `0`), HubSpot's rules for both. The stage must
 * belong to the pipeline. Adds the defaults to `values`; returns problems found.
 */
function checkPipelineStage(portal: Portal, type: ObjectTypeInfo, values: Record<string, string>, current: Record<string, string> | undefined): ValueProblem[] {
  const names = type.id === '0-3' ? { pipeline: 'pipeline', stage: 'dealstage', fallback: 'default' } : type.id === '0-5' ? { pipeline: 'hs_pipeline', stage: 'hs_pipeline_stage', fallback: '0' } : undefined;
  if (!names) return [];
  const pipelines = portal.pipelines.get(type.id);
  if (!current && !values[names.pipeline]) {
    const fallback = pipelines?.get(names.fallback) ?? [...(pipelines?.values() ?? [])].find((p) => !p.archived);
    if (fallback) values[names.pipeline] = fallback.id;
  }
  const pipelineId = values[names.pipeline] ?? current?.[names.pipeline];
  const stageId = values[names.stage] ?? current?.[names.stage];
  if (!stageId) return [{ name: names.stage, error: 'REQUIRED_PROPERTY', message: `${names.stage} is required` }];
  if (!(names.pipeline in values) && !(names.stage in values)) return [];
  const pipeline = pipelineId ? pipelines?.get(pipelineId) : undefined;
  if (pipeline && !pipeline.stages.some((s) => s.id === stageId && !s.archived)) {
    return [{ name: names.stage, error: 'INVALID_OPTION', message: `${stageId} is not a stage of pipeline ${pipelineId}`, propertyValue: stageId }];
  }
  return [];
}

/** Values HubSpot derives from others: a deal's stage probability and closed flags, a ticket's close date. */
function derivedValues(portal: Portal, type: ObjectTypeInfo, record: CrmRecord, changed: string[], now: string): Record<string, string> {
  const out: Record<string, string> = {};
  const p = record.properties;
  if (type.id === '0-3') {
    if (changed.includes('dealstage') || changed.includes('pipeline')) {
      const stage = portal.pipelines.get('0-3')?.get(p.pipeline ?? '')?.stages.find((s) => s.id === p.dealstage);
      if (stage) {
        const probability = stage.metadata.probability ?? '';
        const closed = stage.metadata.isClosed === 'true';
        out.hs_deal_stage_probability = probability;
        out.hs_is_closed = String(closed);
        out.hs_is_closed_won = String(closed && Number(probability) === 1);
      }
    }
    if (changed.includes('amount')) out.amount_in_home_currency = p.amount ?? '';
  }
  if (type.id === '0-5' && (changed.includes('hs_pipeline_stage') || changed.includes('hs_pipeline'))) {
    const stage = portal.pipelines.get('0-5')?.get(p.hs_pipeline ?? '')?.stages.find((s) => s.id === p.hs_pipeline_stage);
    if (stage?.metadata.ticketState === 'CLOSED' && !p.closed_date) out.closed_date = now;
  }
  return out;
}

/** A new record of a custom object needs a value for each of its schema's `requiredProperties`. */
function missingRequiredProperties(portal: Portal, type: ObjectTypeInfo, values: Record<string, string>): ValueProblem[] {
  const schema = type.custom ? portal.schemas.byObjectTypeId(type.id) : undefined;
  return (schema?.requiredProperties ?? [])
    .filter((name) => !values[name])
    .map((name) => ({ name, error: 'REQUIRED_PROPERTY', message: `${name} is required: the ${schema!.labels.singular} schema requires it on every new record` }));
}

function validateWrite(portal: Portal, type: ObjectTypeInfo, input: unknown, current: CrmRecord | undefined): Record<string, string> {
  if (!isObject(input)) {
    throw validationError('Invalid input JSON: some of required attributes are not set [properties]; properties must be an object of property values');
  }
  const { values, problems } = normalizeProperties(portal, type, input, current?.properties);
  if (problems.length === 0 && !current) problems.push(...missingRequiredProperties(portal, type, values));
  if (problems.length === 0) problems.push(...checkPipelineStage(portal, type, values, current?.properties));
  if (problems.length) throw propertyValuesError(problems);
  checkUniqueness(portal, type, values, current?.id);
  return values;
}

/** Creates a record (201 body's record) with its associations. Throws HubSpot's 400/409 on invalid input. */
export function createRecord(portal: Portal, type: ObjectTypeInfo, input: { properties?: unknown; associations?: unknown }, now = nowIso()): CrmRecord {
  const values = validateWrite(portal, type, input.properties, undefined);
  const associations = parseAssociationInputs(portal, type, input.associations);
  const id = portal.allocateRecordId();
  const record: CrmRecord = { id, properties: {}, history: {}, createdAt: now, updatedAt: now, archived: false };
  const system = { hs_object_id: id, [type.createdProperty]: now, ...Object.fromEntries(modifiedProperties(type).map((p) => [p, now])) };
  applyValues(record, system, now, CALCULATED);
  const changed = applyValues(record, values, now, API);
  applyValues(record, derivedValues(portal, type, record, changed, now), now, CALCULATED);
  portal.recordsOf(type).set(id, record);
  for (const a of associations) portal.associations.add(type.id, id, a.toType.id, a.toId, a.typeId);
  return record;
}

/** Updates a record's properties (PATCH semantics: given values overwrite, `""` clears). */
export function updateRecord(portal: Portal, type: ObjectTypeInfo, record: CrmRecord, properties: unknown, now = nowIso()): CrmRecord {
  const values = validateWrite(portal, type, properties, record);
  const changed = applyValues(record, values, now, API);
  if (changed.length === 0) return record;
  applyValues(record, derivedValues(portal, type, record, changed, now), now, CALCULATED);
  touch(record, type, now);
  return record;
}

/** Moves a record to the recycle bin. Its associations are dropped, as HubSpot drops them from reads. */
export function archiveRecord(portal: Portal, type: ObjectTypeInfo, record: CrmRecord, now = nowIso()): void {
  if (record.archived) return;
  record.archived = true;
  record.archivedAt = now;
  record.updatedAt = now;
  portal.associations.removeRecord(type.id, record.id);
}

/** Removes a record for good (rollback of a failed batch, GDPR delete). */
export function deleteRecordForGood(portal: Portal, type: ObjectTypeInfo, record: CrmRecord): void {
  portal.recordsOf(type).delete(record.id);
  portal.associations.removeRecord(type.id, record.id);
}

// ---------------------------------------------------------------------------------------------- merge

const splitList = (v: string | undefined) => (v ? v.split(';').filter(Boolean) : []);

/** Merges two histories newest first, as one property's history reads after a merge. */
function mergedHistory(a: HistoryEntry[] = [], b: HistoryEntry[] = []): HistoryEntry[] {
  return [...a, ...b].sort((x, y) => y.timestamp.localeCompare(x.timestamp));
}

/**
 * Merges `mergeId` into `primaryId` (HubSpot's merge): the primary's values win and gaps are filled from the
 * other record; absorbed ids are listed in `hs_merged_object_ids`; associations move to the survivor; the
 * absorbed id answers as the survivor from then on. A merged contact's email becomes an additional email.
 * Deals are different: HubSpot creates a NEW deal from the two and both old ids answer as it.
 */
export function mergeRecords(portal: Portal, type: ObjectTypeInfo, primaryId: string, mergeId: string, now = nowIso()): CrmRecord {
  const primary = findById(portal, type, primaryId);
  const secondary = findById(portal, type, mergeId);
  if (!primary || primary.archived) throw notFound(`Cannot merge: ${type.singular} ${primaryId} does not exist`);
  if (!secondary || secondary.archived) throw notFound(`Cannot merge: ${type.singular} ${mergeId} does not exist`);
  if (primary.id === secondary.id) throw validationError(`Cannot merge ${type.singular} ${primary.id} with itself`);

  const properties = { ...secondary.properties, ...primary.properties };
  const history: Record<string, HistoryEntry[]> = {};
  for (const name of new Set([...Object.keys(primary.history), ...Object.keys(secondary.history)])) {
    history[name] = mergedHistory(primary.history[name], secondary.history[name]);
  }
  if (type.id === '0-1' && secondary.properties.email && secondary.properties.email !== primary.properties.email) {
    properties.hs_additional_emails = [...new Set([...splitList(properties.hs_additional_emails), secondary.properties.email])].join(';');
  }
  const newDeal = type.id === '0-3';
  const survivorId = newDeal ? portal.allocateRecordId() : primary.id;
  const absorbed = newDeal ? [primary.id, secondary.id] : [secondary.id];
  const mergedIds = [...splitList(primary.properties.hs_merged_object_ids), ...splitList(secondary.properties.hs_merged_object_ids), ...absorbed];

  const survivor: CrmRecord = { id: survivorId, properties, history, createdAt: primary.createdAt, updatedAt: now, archived: false };
  survivor.properties.hs_object_id = survivorId;
  if (survivorId !== primary.id) survivor.history.hs_object_id = [{ value: survivorId, timestamp: now, sourceType: CALCULATED }];
  applyValues(survivor, { hs_merged_object_ids: [...new Set(mergedIds)].join(';') }, now, CALCULATED);
  touch(survivor, type, now);

  const records = portal.recordsOf(type);
  for (const old of absorbed) {
    records.delete(old);
    portal.mergedInto.set(`${type.id}:${old}`, survivorId);
  }
  records.set(survivorId, survivor);
  for (const old of absorbed) portal.associations.moveRecord(type.id, old, survivorId);
  return survivor;
}

// ---------------------------------------------------------------------------------------------- read views

/** What a read asks for. Unknown property and object type names are ignored, as HubSpot ignores them. */
export interface ReadView {
  /** Requested properties; absent or empty means the type's default set. */
  properties?: string[];
  propertiesWithHistory?: string[];
  /** Object types (any spelling) whose associated ids to include, v3 style. */
  associations?: string[];
  /** Write responses return every stored property. */
  allProperties?: boolean;
}

/**
 * Properties HubSpot returns when a read names none (HubSpot's search guide; the same set on GET):
 * contacts name and email, companies name and domain, deals and tickets their pipeline fields.
 */
const DEFAULT_READ_PROPERTIES: Record<string, string[]> = {
  contacts: ['email', 'firstname', 'lastname'],
  companies: ['domain', 'name'],
  deals: ['amount', 'closedate', 'dealname', 'dealstage', 'pipeline'],
  tickets: ['content', 'hs_pipeline', 'hs_pipeline_stage', 'hs_ticket_category', 'hs_ticket_priority', 'subject'],
  products: ['description', 'name', 'price'],
  line_items: ['amount', 'hs_product_id', 'name', 'price', 'quantity'],
  quotes: ['hs_expiration_date', 'hs_title'],
};

/** HubSpot always answers with the record id and its create/modify dates, whatever was requested. */
const alwaysReturned = (type: ObjectTypeInfo) => ['hs_object_id', type.createdProperty, type.modifiedProperty];

export function defaultReadProperties(type: ObjectTypeInfo): string[] {
  return [...alwaysReturned(type), ...(DEFAULT_READ_PROPERTIES[type.name] ?? [])];
}

function pickProperties(type: ObjectTypeInfo, record: CrmRecord, view: ReadView): Record<string, string> {
  const names = view.allProperties
    ? Object.keys(record.properties)
    : view.properties && view.properties.length
      ? [...alwaysReturned(type), ...view.properties]
      : defaultReadProperties(type);
  const out: Record<string, string> = {};
  for (const name of [...new Set(names)].sort()) {
    const value = record.properties[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * History of the requested properties, newest first. Records written without history (seed data) get one
 * entry from their current value, so every value has a history as at HubSpot.
 */
function pickHistory(portal: Portal, type: ObjectTypeInfo, record: CrmRecord, names: string[]): Record<string, HistoryEntry[]> {
  const out: Record<string, HistoryEntry[]> = {};
  for (const name of [...new Set(names)].sort()) {
    if (!liveProperty(portal, type, name)) continue;
    const entries = record.history[name];
    if (entries?.length) out[name] = entries;
    else if (record.properties[name] !== undefined) out[name] = [{ value: record.properties[name]!, timestamp: record.createdAt, sourceType: API }];
  }
  return out;
}

/**
 * v3 associations of a record: `{companies: {results: [{id, type}]}}`, one entry per association type
 * (unlabelled and labelled alike, named by the type definition), keyed by the requested type's path name.
 */
function pickAssociations(portal: Portal, type: ObjectTypeInfo, record: CrmRecord, requested: string[]) {
  const out: Record<string, { results: Array<{ id: string; type: string }> }> = {};
  for (const toType of new Set(requested.map((r) => portal.objectType(r)).filter((t): t is ObjectTypeInfo => !!t))) {
    const results = portal.associations.list(type.id, record.id, toType.id).flatMap(({ toId, typeIds }) =>
      typeIds.map((typeId) => ({ id: toId, type: portal.associations.typeDef(type.id, toType.id, typeId)?.name ?? String(typeId) })),
    );
    if (results.length) out[toType.name] = { results };
  }
  return out;
}

/** A record as HubSpot's SimplePublicObject(WithAssociations): `{id, properties, createdAt, updatedAt, archived, …}`. */
export function publicObject(portal: Portal, type: ObjectTypeInfo, record: CrmRecord, view: ReadView = {}): Record<string, unknown> {
  const history = view.propertiesWithHistory?.length ? pickHistory(portal, type, record, view.propertiesWithHistory) : undefined;
  const associations = view.associations?.length ? pickAssociations(portal, type, record, view.associations) : undefined;
  return {
    id: record.id,
    properties: pickProperties(type, record, view),
    ...(history ? { propertiesWithHistory: history } : {}),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    archived: record.archived,
    ...(record.archivedAt ? { archivedAt: record.archivedAt } : {}),
    ...(associations && Object.keys(associations).length ? { associations } : {}),
  };
}

/** The type names used in batch error messages, e.g. `Could not get some CONTACT objects`. */
export const upperSingular = (type: ObjectTypeInfo) => type.singular.toUpperCase();
