import { Router, type Request, type Response } from 'express';
import { portalOf, queryBool, queryInt, queryList, queryString, requireScope } from '../context';
import { HubSpotHttpError, notFound, standardError, validationError, type StandardError } from '../errors';
import type { ObjectTypeInfo } from '../objectTypes';
import {
  archiveRecord,
  checkIdProperty,
  createRecord,
  deleteRecordForGood,
  lookupRecord,
  mergeRecords,
  nowIso,
  publicObject,
  recordsInIdOrder,
  requireRecord,
  recordNotFound,
  updateRecord,
  upperSingular,
  type ReadView,
} from '../records';
import { searchRecords } from '../search';
import type { CrmRecord } from '../store';

/**
 * CRM objects v3 (crm-objects-v3.json and the per-object specs): list, read, create, update, archive, the
 * batch operations, merge, GDPR delete and search, for every standard object type by name or type id, and for
 * the portal's custom object types by `2-<n>` id, fully qualified name or name.
 */

const BASE = '/crm/v3/objects/:objectType';
const LIST_MAX_LIMIT = 100;
const BATCH_MAX_INPUTS = 100;
/** HubSpot lowers the batch-read cap when history is requested ("Usage of this parameter will reduce the maximum"). */
const HISTORY_MAX_INPUTS = 50;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The object type of the path in the caller's portal, standard or custom (`2-<n>`, `p<portalId>_<name>`);
 * HubSpot answers an unknown one with 400 `Unable to infer object type from: x`.
 */
function objectTypeParam(req: Request, res: Response): ObjectTypeInfo {
  const segment = String(req.params.objectType);
  const type = portalOf(res).objectType(segment);
  if (!type) throw validationError(`Unable to infer object type from: ${segment}`);
  return type;
}

/**
 * The scopes that grant access to a type: `crm.objects.<scope>.<access>`, the per-engagement scopes
 * (`crm.objects.notes.read`), and the legacy `tickets` / `e-commerce` scopes the specs still list.
 */
function objectScopes(type: ObjectTypeInfo, access: 'read' | 'write'): string[] {
  // Custom objects: `crm.objects.custom.<access>` only (their name is no scope).
  const scopes = new Set([`crm.objects.${type.scope}.${access}`, ...(type.custom ? [] : [`crm.objects.${type.name}.${access}`])]);
  if (type.id === '0-5') scopes.add('tickets');
  if (type.id === '0-7' || type.id === '0-8') scopes.add('e-commerce');
  return [...scopes];
}

/** Resolves the path's object type and checks the token's scope for it. */
function typeFor(req: Request, res: Response, access: 'read' | 'write'): ObjectTypeInfo {
  const type = objectTypeParam(req, res);
  requireScope(res, ...objectScopes(type, access));
  return type;
}

function body(req: Request): Json {
  if (!isObject(req.body)) throw validationError('Invalid input JSON: the request body must be a JSON object');
  return req.body;
}

function readViewFromQuery(req: Request): ReadView {
  return { properties: queryList(req, 'properties'), propertiesWithHistory: queryList(req, 'propertiesWithHistory'), associations: queryList(req, 'associations') };
}

const idText = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

function stringList(v: unknown, name: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw validationError(`Invalid input JSON: ${name} must be an array of strings`);
  return v as string[];
}

// ---------------------------------------------------------------------------------------------- batches

/** The `inputs` of a batch body: an array of objects, at most `max` of them. */
function batchInputs(b: Json, max = BATCH_MAX_INPUTS): Json[] {
  const inputs = b.inputs;
  if (!Array.isArray(inputs)) throw validationError('Invalid input JSON: inputs is required and must be an array');
  if (inputs.length > max) throw validationError(`Too many inputs: ${inputs.length}. This batch operation accepts at most ${max} inputs.`, { context: { maxInputs: [String(max)] } });
  inputs.forEach((input, i) => {
    if (!isObject(input)) throw validationError(`Invalid input JSON: inputs[${i}] must be an object`);
  });
  return inputs as Json[];
}

/** Ids of update/upsert inputs: each required, and unique, as HubSpot insists. */
function batchIds(inputs: Json[]): string[] {
  const ids = inputs.map((input, i) => {
    const id = idText(input.id);
    if (id === undefined) throw validationError(`Invalid input JSON: inputs[${i}].id is required`);
    return id;
  });
  const duplicates = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
  if (duplicates.length) throw validationError(`Duplicate IDs found in batch input: [${duplicates.join(', ')}]. IDs must be unique`);
  return ids;
}

/** The batch envelope: 200/201 when every input succeeded, 207 with `numErrors` and `errors` otherwise. */
function sendBatch(res: Response, okStatus: number, startedAt: string, results: unknown[], errors: StandardError[]): void {
  res.status(errors.length ? 207 : okStatus).json({
    status: 'COMPLETE',
    results,
    ...(errors.length ? { numErrors: errors.length, errors } : {}),
    startedAt,
    completedAt: nowIso(),
  });
}

/** A batch-wide error for ids that were not found, as HubSpot reports them: one error listing the ids. */
function missingIdsError(type: ObjectTypeInfo, verb: string, ids: string[]): StandardError {
  const e = new HubSpotHttpError(404, 'OBJECT_NOT_FOUND', `Could not ${verb} some ${upperSingular(type)} objects, they may be deleted or not exist. Check that ids are valid.`);
  return standardError(e, { ids });
}

const asHubSpotError = (e: unknown): HubSpotHttpError => {
  if (e instanceof HubSpotHttpError) return e;
  throw e;
};

// ---------------------------------------------------------------------------------------------- routes

export function objectRoutes(): Router {
  const r = Router();

  r.post(`${BASE}/search`, (req, res) => {
    const type = typeFor(req, res, 'read');
    res.json(searchRecords(portalOf(res), type, req.body));
  });

  r.post(`${BASE}/merge`, (req, res) => {
    const type = typeFor(req, res, 'write');
    if (!type.mergeable) throw notFound(`Merging is not supported for ${type.name}`);
    const b = body(req);
    const primaryId = idText(b.primaryObjectId);
    const mergeId = idText(b.objectIdToMerge);
    if (!primaryId || !mergeId) throw validationError('Invalid input JSON: primaryObjectId and objectIdToMerge are required');
    const portal = portalOf(res);
    res.json(publicObject(portal, type, mergeRecords(portal, type, primaryId, mergeId), { allProperties: true }));
  });

  // GDPR delete exists for contacts only: permanent, and the email can never be used again.
  r.post(`${BASE}/gdpr-delete`, (req, res) => {
    const type = typeFor(req, res, 'write');
    if (type.id !== '0-1') throw notFound(`GDPR delete is only available for contacts, not ${type.name}`);
    const b = body(req);
    const objectId = idText(b.objectId);
    if (!objectId) throw validationError('Invalid input JSON: objectId is required');
    const portal = portalOf(res);
    const idProperty = checkIdProperty(portal, type, idText(b.idProperty));
    const record = lookupRecord(portal, type, objectId, idProperty, false) ?? lookupRecord(portal, type, objectId, idProperty, true);
    if (!record) {
      if (idProperty !== 'email') throw recordNotFound(objectId, idProperty);
      portal.gdprBlocklist.add(objectId.toLowerCase());
      res.status(204).end();
      return;
    }
    if (record.properties.email) portal.gdprBlocklist.add(record.properties.email.toLowerCase());
    deleteRecordForGood(portal, type, record);
    res.status(204).end();
  });

  r.post(`${BASE}/batch/read`, (req, res) => {
    const type = typeFor(req, res, 'read');
    const startedAt = nowIso();
    const b = body(req);
    const inputs = batchInputs(b);
    const view: ReadView = { properties: stringList(b.properties, 'properties'), propertiesWithHistory: stringList(b.propertiesWithHistory, 'propertiesWithHistory') };
    if (view.propertiesWithHistory!.length && inputs.length > HISTORY_MAX_INPUTS) {
      throw validationError(`Too many inputs: ${inputs.length}. Reading propertiesWithHistory accepts at most ${HISTORY_MAX_INPUTS} inputs per batch.`);
    }
    const portal = portalOf(res);
    const idProperty = checkIdProperty(portal, type, idText(b.idProperty));
    const archived = queryBool(req, 'archived');
    const found = new Map<string, CrmRecord>();
    const missing: string[] = [];
    inputs.forEach((input, i) => {
      const id = idText(input.id);
      if (id === undefined) throw validationError(`Invalid input JSON: inputs[${i}].id is required`);
      const record = lookupRecord(portal, type, id, idProperty, archived);
      if (record) found.set(record.id, record);
      else missing.push(id);
    });
    const results = [...found.values()].map((record) => publicObject(portal, type, record, view));
    sendBatch(res, 200, startedAt, results, missing.length ? [missingIdsError(type, 'get', missing)] : []);
  });

  /**
   * Batch create is all-or-nothing unless every input carries a unique `objectWriteTraceId`; then inputs
   * that fail are reported one by one (207) and the others are created (HubSpot's error-handling guide).
   */
  r.post(`${BASE}/batch/create`, (req, res) => {
    const type = typeFor(req, res, 'write');
    const startedAt = nowIso();
    const inputs = batchInputs(body(req));
    const traceIds = inputs.map((input) => idText(input.objectWriteTraceId));
    const partial = inputs.length > 0 && traceIds.every((t) => t !== undefined) && new Set(traceIds).size === traceIds.length;
    const portal = portalOf(res);
    const created: Array<{ record: CrmRecord; traceId?: string }> = [];
    const errors: StandardError[] = [];
    inputs.forEach((input, i) => {
      try {
        created.push({ record: createRecord(portal, type, input, startedAt), traceId: traceIds[i] });
      } catch (e) {
        const error = asHubSpotError(e);
        if (!partial) {
          for (const c of created) deleteRecordForGood(portal, type, c.record);
          throw error;
        }
        errors.push(standardError(error, { objectWriteTraceId: [traceIds[i]!] }));
      }
    });
    const results = created.map(({ record, traceId }) => ({
      ...publicObject(portal, type, record, { allProperties: true }),
      ...(traceId ? { objectWriteTraceId: traceId } : {}),
    }));
    sendBatch(res, 201, startedAt, results, errors);
  });

  r.post(`${BASE}/batch/update`, (req, res) => {
    const type = typeFor(req, res, 'write');
    const startedAt = nowIso();
    const inputs = batchInputs(body(req));
    const ids = batchIds(inputs);
    const portal = portalOf(res);
    // Input-shape problems refuse the whole batch before anything is written.
    const idProperties = inputs.map((input) => checkIdProperty(portal, type, idText(input.idProperty)));
    const results: unknown[] = [];
    const errors: StandardError[] = [];
    const missing: string[] = [];
    inputs.forEach((input, i) => {
      const record = lookupRecord(portal, type, ids[i]!, idProperties[i], false);
      if (!record) return void missing.push(ids[i]!);
      try {
        updateRecord(portal, type, record, input.properties, startedAt);
        const traceId = idText(input.objectWriteTraceId);
        results.push({ ...publicObject(portal, type, record, { allProperties: true }), ...(traceId ? { objectWriteTraceId: traceId } : {}) });
      } catch (e) {
        errors.push(standardError(asHubSpotError(e), { id: [ids[i]!] }));
      }
    });
    if (missing.length) errors.unshift(missingIdsError(type, 'update', missing));
    sendBatch(res, 200, startedAt, results, errors);
  });

  /**
   * Upsert by a unique property (`idProperty` per input, or as a query parameter): updates the record holding
   * the value, or creates one with it. Without idProperty, ids are record ids and only updates are possible.
   */
  r.post(`${BASE}/batch/upsert`, (req, res) => {
    const type = typeFor(req, res, 'write');
    const startedAt = nowIso();
    const inputs = batchInputs(body(req));
    const ids = batchIds(inputs);
    const portal = portalOf(res);
    const idProperties = inputs.map((input) => checkIdProperty(portal, type, idText(input.idProperty) ?? queryString(req, 'idProperty')));
    const results: unknown[] = [];
    const errors: StandardError[] = [];
    inputs.forEach((input, i) => {
      const id = ids[i]!;
      const idProperty = idProperties[i];
      try {
        const existing = lookupRecord(portal, type, id, idProperty, false);
        if (!existing && !idProperty) throw recordNotFound(id);
        const properties = isObject(input.properties) ? input.properties : undefined;
        const record = existing
          ? updateRecord(portal, type, existing, input.properties, startedAt)
          : createRecord(portal, type, { properties: properties && { ...properties, [idProperty!]: id } }, startedAt);
        const traceId = idText(input.objectWriteTraceId);
        results.push({ ...publicObject(portal, type, record, { allProperties: true }), new: !existing, ...(traceId ? { objectWriteTraceId: traceId } : {}) });
      } catch (e) {
        errors.push(standardError(asHubSpotError(e), { id: [id] }));
      }
    });
    sendBatch(res, 200, startedAt, results, errors);
  });

  // Archiving ids that are not there (or already archived) is not an error in a batch.
  r.post(`${BASE}/batch/archive`, (req, res) => {
    const type = typeFor(req, res, 'write');
    const inputs = batchInputs(body(req));
    const ids = inputs.map((input, i) => {
      const id = idText(input.id);
      if (id === undefined) throw validationError(`Invalid input JSON: inputs[${i}].id is required`);
      return id;
    });
    const portal = portalOf(res);
    const now = nowIso();
    for (const id of ids) {
      const record = lookupRecord(portal, type, id, undefined, false);
      if (record) archiveRecord(portal, type, record, now);
    }
    res.status(204).end();
  });

  // List: id order; `after` is the id the next page starts at; archived=true lists only the recycle bin.
  r.get(BASE, (req, res) => {
    const type = typeFor(req, res, 'read');
    const view = readViewFromQuery(req);
    const limit = queryInt(req, 'limit', 10, 1, view.propertiesWithHistory!.length ? HISTORY_MAX_INPUTS : LIST_MAX_LIMIT);
    const after = queryString(req, 'after');
    if (after !== undefined && after !== '' && !/^\d+$/.test(after)) throw validationError(`Invalid value for query parameter after: '${after}' is not a paging cursor returned by this endpoint`);
    const archived = queryBool(req, 'archived');
    const portal = portalOf(res);
    const records = recordsInIdOrder(portal, type).filter((rec) => rec.archived === archived && (!after || Number(rec.id) >= Number(after)));
    const next = records[limit];
    const link = new URL(req.originalUrl, `${req.protocol}://${req.get('host') ?? 'localhost'}`);
    if (next) link.searchParams.set('after', next.id);
    res.json({
      results: records.slice(0, limit).map((rec) => publicObject(portal, type, rec, view)),
      ...(next ? { paging: { next: { after: next.id, link: link.toString() } } } : {}),
    });
  });

  r.post(BASE, (req, res) => {
    const type = typeFor(req, res, 'write');
    const portal = portalOf(res);
    const record = createRecord(portal, type, body(req));
    res.status(201).json(publicObject(portal, type, record, { allProperties: true }));
  });

  r.get(`${BASE}/:objectId`, (req, res) => {
    const type = typeFor(req, res, 'read');
    const portal = portalOf(res);
    const idProperty = checkIdProperty(portal, type, queryString(req, 'idProperty'));
    const record = requireRecord(portal, type, String(req.params.objectId), idProperty, queryBool(req, 'archived'));
    res.json(publicObject(portal, type, record, readViewFromQuery(req)));
  });

  r.patch(`${BASE}/:objectId`, (req, res) => {
    const type = typeFor(req, res, 'write');
    const portal = portalOf(res);
    const idProperty = checkIdProperty(portal, type, queryString(req, 'idProperty'));
    const b = body(req);
    const record = requireRecord(portal, type, String(req.params.objectId), idProperty, false);
    updateRecord(portal, type, record, b.properties);
    res.json(publicObject(portal, type, record, { allProperties: true }));
  });

  r.delete(`${BASE}/:objectId`, (req, res) => {
    const type = typeFor(req, res, 'write');
    const portal = portalOf(res);
    archiveRecord(portal, type, requireRecord(portal, type, String(req.params.objectId), undefined, false));
    res.status(204).end();
  });

  return r;
}
