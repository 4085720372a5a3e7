import { Router, type Request, type Response } from 'express';
import type { AssociationTypeDef } from '../associationTypes';
import { portalOf, queryInt, queryString, requireScope } from '../context';
import { conflict, HubSpotHttpError, notFound, standardError, validationError, type StandardError } from '../errors';
import type { ObjectTypeInfo } from '../objectTypes';
import type { AssociationStore, Portal } from '../store';

/**
 * Associations v4 (crm-associations-v4.json) and association labels (crm-associations-schema-v4.json).
 *
 * Object types are those of the caller's portal: the standard ones and its custom objects (`2-<n>` or fully
 * qualified name), whose schema-made types are USER_DEFINED and unlabeled, one per direction.
 *
 * Reads see the store's two-way graph; writes go through AssociationStore, which keeps the inverse direction.
 * HubSpot behaviours kept on purpose:
 * - a labelled association always carries the pair's unlabeled type too, and removing the unlabeled type
 *   removes every label between the two records;
 * - a record has at most one primary company (types 1/2, 5/6, 25/26): a new primary replaces the old one;
 * - batch read reports a record without associations (or an unknown id) as a per-item OBJECT_NOT_FOUND error
 *   ("No company is associated with contact 1."), not as an empty result.
 */

/** Page size of the per-record list and of each record in a batch read ("Limit 500 per call"). */
const PAGE_SIZE = 500;
/** Batch read accepts at most 1000 inputs (HubSpot changelog, 2025-02-10). */
const BATCH_READ_MAX_INPUTS = 1000;
/** Custom labels per object pair and direction (HubSpot's associations guide). */
const MAX_CUSTOM_LABELS = 10;
const CATEGORIES = ['HUBSPOT_DEFINED', 'INTEGRATOR_DEFINED', 'USER_DEFINED', 'WORK'];
const COMPANIES_TYPE_ID = '0-2';

interface AssociationSpec {
  associationCategory: string;
  associationTypeId: number;
}

/** `AssociationSpecWithLabel`. The spec types `label` as a string, so the unlabeled type leaves it out. */
interface SpecWithLabel {
  category: string;
  typeId: number;
  label?: string;
  fromObjectTypeId?: string;
  toObjectTypeId?: string;
}

// ---------------------------------------------------------------------------------------------------------
// Path and body parsing

function param(req: Request, name: string): string {
  return String(req.params[name] ?? '');
}

/** The object type of a path segment in the caller's portal (standard or custom); HubSpot's 400 otherwise. */
function objectTypeParam(res: Response, segment: string): ObjectTypeInfo {
  const type = portalOf(res).objectType(segment);
  if (!type) throw validationError(`Unable to infer object type from: ${segment}`);
  return type;
}

const isObjectId = (id: string) => /^\d{1,18}$/.test(id);

function objectIdParam(raw: string, type: ObjectTypeInfo): string {
  if (!isObjectId(raw)) throw validationError(`Invalid ${type.singular} id '${raw}': object ids are numeric`);
  return raw;
}

/** Paging cursors are the id of the last record returned: ids are numeric and the list is sorted by id. */
function cursorOf(after: string | undefined): string | undefined {
  if (after === undefined || after === '') return undefined;
  if (!isObjectId(after)) throw validationError(`Invalid paging cursor 'after': '${after}'`);
  return after;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function inputsOf(req: Request, maxInputs?: number): Record<string, unknown>[] {
  const body: unknown = req.body;
  if (!isRecord(body) || !Array.isArray(body.inputs)) throw validationError('Invalid input JSON: the body must be {"inputs": [...]}');
  if (maxInputs !== undefined && body.inputs.length > maxInputs) {
    throw validationError(`Too many inputs: ${body.inputs.length}. A batch takes at most ${maxInputs} inputs.`, {
      context: { maxInputs: [String(maxInputs)] },
    });
  }
  return body.inputs.map((input, i) => {
    if (!isRecord(input)) throw validationError(`inputs[${i}] must be an object`);
    return input;
  });
}

/** A `PublicObjectId` (`{id}`); HubSpot's parser also accepts a number for the string id. */
function publicObjectId(value: unknown, where: string): string {
  const id = isRecord(value) ? value.id : undefined;
  if (typeof id === 'number' && Number.isInteger(id)) return String(id);
  if (typeof id !== 'string' || id === '') throw validationError(`${where}.id is required and must be a string`);
  return id;
}

function associationSpecs(value: unknown, where: string): AssociationSpec[] {
  if (!Array.isArray(value) || value.length === 0) throw validationError(`${where} must be a non-empty array of {associationCategory, associationTypeId}`);
  return value.map((spec, i) => {
    if (!isRecord(spec) || !CATEGORIES.includes(spec.associationCategory as string)) {
      throw validationError(`${where}[${i}].associationCategory must be one of ${CATEGORIES.join(', ')}`);
    }
    if (typeof spec.associationTypeId !== 'number' || !Number.isInteger(spec.associationTypeId)) {
      throw validationError(`${where}[${i}].associationTypeId must be an integer`);
    }
    return { associationCategory: spec.associationCategory as string, associationTypeId: spec.associationTypeId };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Records and association types

/** Follows merges: an id absorbed by a merge answers as the record it was merged into. */
function survivorOf(portal: Portal, type: ObjectTypeInfo, id: string): string {
  let current = id;
  for (let hops = 0; hops < 50; hops++) {
    const next = portal.mergedInto.get(`${type.id}:${current}`);
    if (next === undefined || next === current) break;
    current = next;
  }
  return current;
}

/** The id of the live (existing, unarchived) record an id stands for, after merges; undefined if none. */
function liveId(portal: Portal, type: ObjectTypeInfo, id: string): string | undefined {
  if (!isObjectId(id)) return undefined;
  const survivor = survivorOf(portal, type, id);
  const record = portal.recordsOf(type).get(survivor);
  return record && !record.archived ? survivor : undefined;
}

const recordNotFound = (type: ObjectTypeInfo, id: string) => notFound(`No ${type.singular} with id ${id} exists.`);

function requireLive(portal: Portal, type: ObjectTypeInfo, id: string): string {
  const live = liveId(portal, type, id);
  if (!live) throw recordNotFound(type, id);
  return live;
}

interface RecordPair {
  from: ObjectTypeInfo;
  fromId: string;
  to: ObjectTypeInfo;
  toId: string;
}

/** Both ends of an association, resolved to live records; a record cannot be associated with itself. */
function livePair(portal: Portal, from: ObjectTypeInfo, rawFromId: string, to: ObjectTypeInfo, rawToId: string): RecordPair {
  const pair = { from, fromId: requireLive(portal, from, rawFromId), to, toId: requireLive(portal, to, rawToId) };
  if (from.id === to.id && pair.fromId === pair.toId) throw validationError(`A ${from.singular} cannot be associated with itself (id ${pair.fromId}).`);
  return pair;
}

function specWithLabel(def: AssociationTypeDef, withDirection = false): SpecWithLabel {
  return {
    category: def.category,
    typeId: def.typeId,
    ...(def.label !== null ? { label: def.label } : {}),
    ...(withDirection ? { fromObjectTypeId: def.fromTypeId, toObjectTypeId: def.toTypeId } : {}),
  };
}

/** The type definitions named by specs, all of which must exist on this pair with the category given. */
function typeDefsOf(store: AssociationStore, from: ObjectTypeInfo, to: ObjectTypeInfo, specs: AssociationSpec[]): AssociationTypeDef[] {
  return specs.map((spec) => {
    const def = store.typeDef(from.id, to.id, spec.associationTypeId);
    if (!def) {
      throw validationError(`${spec.associationTypeId} is not a valid association type id between ${from.name} and ${to.name}.`, {
        context: { associationTypeId: [String(spec.associationTypeId)] },
      });
    }
    if (def.category !== spec.associationCategory) {
      throw validationError(`Association type ${def.typeId} is ${def.category}, not ${spec.associationCategory}.`);
    }
    return def;
  });
}

function defaultTypeOf(store: AssociationStore, from: ObjectTypeInfo, to: ObjectTypeInfo): AssociationTypeDef {
  const def = store.defaultType(from.id, to.id);
  if (!def) throw validationError(`There is no default association type between ${from.name} and ${to.name}.`);
  return def;
}

/**
 * The records of one type associated with a record, with their association types. Far ends that are gone or
 * archived, and types whose label was deleted, are left out.
 */
function associatedObjects(portal: Portal, from: ObjectTypeInfo, fromId: string, to: ObjectTypeInfo) {
  const store = portal.associations;
  const out: Array<{ toObjectId: string; associationTypes: SpecWithLabel[] }> = [];
  for (const { toId, typeIds } of store.list(from.id, fromId, to.id)) {
    if (liveId(portal, to, toId) !== toId) continue;
    const associationTypes = typeIds
      .map((typeId) => store.typeDef(from.id, to.id, typeId))
      .filter((def): def is AssociationTypeDef => def !== undefined)
      .map((def) => specWithLabel(def));
    if (associationTypes.length) out.push({ toObjectId: toId, associationTypes });
  }
  return out;
}

function pageOf<T extends { toObjectId: string }>(items: T[], after: string | undefined, limit: number) {
  const start = after === undefined ? 0 : items.findIndex((item) => BigInt(item.toObjectId) > BigInt(after));
  const page = start < 0 ? [] : items.slice(start, start + limit);
  const more = start >= 0 && start + limit < items.length;
  return { items: page, next: more ? page[page.length - 1]!.toObjectId : undefined };
}

// ---------------------------------------------------------------------------------------------------------
// Writes

/**
 * Adds association types between two live records (and, through the store, their inverses). A labelled type
 * brings the pair's unlabeled type along, as in HubSpot. Returns the labels of the requested types.
 */
function associate(portal: Portal, pair: RecordPair, defs: AssociationTypeDef[]): string[] {
  const store = portal.associations;
  const unlabeled = store.defaultType(pair.from.id, pair.to.id);
  const all = defs.some((d) => d.label !== null) && unlabeled && !defs.includes(unlabeled) ? [...defs, unlabeled] : defs;
  for (const def of all) {
    store.add(pair.from.id, pair.fromId, pair.to.id, pair.toId, def.typeId);
    keepOnePrimaryCompany(store, def, pair.fromId, pair.toId);
  }
  return [...new Set(defs.map((d) => d.label).filter((l): l is string => l !== null))];
}

/** A contact, deal or ticket has one primary company: setting a new one takes the label from the old one. */
function keepOnePrimaryCompany(store: AssociationStore, def: AssociationTypeDef, fromId: string, toId: string): void {
  if (def.category !== 'HUBSPOT_DEFINED' || def.label !== 'Primary') return;
  const towardCompany = def.toTypeId === COMPANIES_TYPE_ID;
  const holderType = towardCompany ? def.fromTypeId : def.toTypeId;
  const holderId = towardCompany ? fromId : toId;
  const companyId = towardCompany ? toId : fromId;
  const primaryTypeId = towardCompany ? def.typeId : def.inverseTypeId;
  for (const { toId: other, typeIds } of store.list(holderType, holderId, COMPANIES_TYPE_ID)) {
    if (other !== companyId && typeIds.includes(primaryTypeId)) store.removeType(holderType, holderId, COMPANIES_TYPE_ID, other, primaryTypeId);
  }
}

/** Removes association types between two records; removing the unlabeled type removes every type. */
function removeTypes(portal: Portal, pair: RecordPair, defs: AssociationTypeDef[]): void {
  const store = portal.associations;
  const unlabeled = store.defaultType(pair.from.id, pair.to.id);
  if (unlabeled && defs.includes(unlabeled)) return store.removeAll(pair.from.id, pair.fromId, pair.to.id, pair.toId);
  for (const def of defs) store.removeType(pair.from.id, pair.fromId, pair.to.id, pair.toId, def.typeId);
}

const labelsBetween = (pair: RecordPair, labels: string[]) => ({
  fromObjectTypeId: pair.from.id,
  fromObjectId: pair.fromId,
  toObjectTypeId: pair.to.id,
  toObjectId: pair.toId,
  labels,
});

/** `PublicDefaultAssociation`s of a default association: HubSpot answers with both directions. */
const defaultAssociations = (pair: RecordPair, def: AssociationTypeDef) => [
  { from: { id: pair.fromId }, to: { id: pair.toId }, associationSpec: { associationCategory: def.category, associationTypeId: def.typeId } },
  { from: { id: pair.toId }, to: { id: pair.fromId }, associationSpec: { associationCategory: def.category, associationTypeId: def.inverseTypeId } },
];

// ---------------------------------------------------------------------------------------------------------
// Responses

function batchEnvelope(startedAt: string, results: unknown[], errors: StandardError[]) {
  return {
    status: 'COMPLETE',
    results,
    ...(errors.length ? { numErrors: errors.length, errors } : {}),
    startedAt,
    completedAt: new Date().toISOString(),
  };
}

/** Runs one batch input; a HubSpot error becomes that input's StandardError instead of failing the batch. */
function perItem<T>(errors: StandardError[], context: Record<string, string[]>, run: () => T): T | undefined {
  try {
    return run();
  } catch (e) {
    if (!(e instanceof HubSpotHttpError)) throw e;
    errors.push(standardError(e, context));
    return undefined;
  }
}

function noAssociations(from: ObjectTypeInfo, fromId: string, to: ObjectTypeInfo): HubSpotHttpError {
  return new HubSpotHttpError(404, 'OBJECT_NOT_FOUND', `No ${to.singular} is associated with ${from.singular} ${fromId}.`, {
    context: { fromObjectId: [fromId], fromObjectType: [from.singular], toObjectType: [to.singular] },
  });
}

// ---------------------------------------------------------------------------------------------------------
// Scopes

function requireObjectScopes(res: Response, access: 'read' | 'write', ...types: ObjectTypeInfo[]): void {
  for (const scope of new Set(types.map((t) => t.scope))) requireScope(res, `crm.objects.${scope}.${access}`);
}

/** Label definitions are schema: the object scope or the schema scope of the source type will do. */
function requireSchemaScope(res: Response, access: 'read' | 'write', type: ObjectTypeInfo): void {
  requireScope(res, `crm.objects.${type.scope}.${access}`, `crm.schemas.${type.scope}.${access}`);
}

// ---------------------------------------------------------------------------------------------------------
// Routes

export function associationRoutes(): Router {
  const r = Router();
  recordRoutes(r);
  batchRoutes(r);
  labelRoutes(r, '/crm/associations/v4');
  // The older path of the same label API (HubSpot still serves it); the schema spec declares the one above.
  labelRoutes(r, '/crm/v4/associations');
  usageRoutes(r);
  return r;
}

/** Per-record reads and writes under `/crm/v4/objects/{objectType}/{objectId}/associations`. */
function recordRoutes(r: Router): void {
  const base = '/crm/v4/objects/:objectType/:objectId/associations';

  r.get(`${base}/:toObjectType`, (req, res) => {
    const from = objectTypeParam(res, param(req, 'objectType'));
    const to = objectTypeParam(res, param(req, 'toObjectType'));
    requireObjectScopes(res, 'read', from, to);
    const limit = queryInt(req, 'limit', PAGE_SIZE, 1, PAGE_SIZE);
    const after = cursorOf(queryString(req, 'after'));
    const portal = portalOf(res);
    const fromId = requireLive(portal, from, objectIdParam(param(req, 'objectId'), from));
    const page = pageOf(associatedObjects(portal, from, fromId, to), after, limit);
    res.json({ results: page.items, ...(page.next ? { paging: { next: { after: page.next } } } : {}) });
  });

  r.put(`${base}/default/:toObjectType/:toObjectId`, (req, res) => {
    const startedAt = new Date().toISOString();
    const from = objectTypeParam(res, param(req, 'objectType'));
    const to = objectTypeParam(res, param(req, 'toObjectType'));
    requireObjectScopes(res, 'write', from, to);
    const portal = portalOf(res);
    const def = defaultTypeOf(portal.associations, from, to);
    const pair = livePair(portal, from, objectIdParam(param(req, 'objectId'), from), to, objectIdParam(param(req, 'toObjectId'), to));
    associate(portal, pair, [def]);
    res.json(batchEnvelope(startedAt, defaultAssociations(pair, def), []));
  });

  r.put(`${base}/:toObjectType/:toObjectId`, (req, res) => {
    const from = objectTypeParam(res, param(req, 'objectType'));
    const to = objectTypeParam(res, param(req, 'toObjectType'));
    requireObjectScopes(res, 'write', from, to);
    const portal = portalOf(res);
    const specs = associationSpecs(req.body, 'body');
    const pair = livePair(portal, from, objectIdParam(param(req, 'objectId'), from), to, objectIdParam(param(req, 'toObjectId'), to));
    const labels = associate(portal, pair, typeDefsOf(portal.associations, from, to, specs));
    res.status(201).json(labelsBetween(pair, labels));
  });

  r.delete(`${base}/:toObjectType/:toObjectId`, (req, res) => {
    const from = objectTypeParam(res, param(req, 'objectType'));
    const to = objectTypeParam(res, param(req, 'toObjectType'));
    requireObjectScopes(res, 'write', from, to);
    const portal = portalOf(res);
    const pair = livePair(portal, from, objectIdParam(param(req, 'objectId'), from), to, objectIdParam(param(req, 'toObjectId'), to));
    portal.associations.removeAll(from.id, pair.fromId, to.id, pair.toId);
    res.status(204).end();
  });
}

/** Batch operations under `/crm/v4/associations/{fromObjectType}/{toObjectType}/batch`. */
function batchRoutes(r: Router): void {
  const base = '/crm/v4/associations/:fromObjectType/:toObjectType/batch';
  const typesOf = (req: Request, res: Response) => ({ from: objectTypeParam(res, param(req, 'fromObjectType')), to: objectTypeParam(res, param(req, 'toObjectType')) });

  r.post(`${base}/read`, (req, res) => {
    const startedAt = new Date().toISOString();
    const { from, to } = typesOf(req, res);
    requireObjectScopes(res, 'read', from, to);
    const inputs = inputsOf(req, BATCH_READ_MAX_INPUTS).map((input, i) => ({
      id: publicObjectId(input, `inputs[${i}]`),
      after: input.after === undefined || input.after === null ? undefined : String(input.after),
    }));
    const portal = portalOf(res);
    const results: unknown[] = [];
    const errors: StandardError[] = [];
    const seen = new Set<string>();
    for (const { id, after } of inputs) {
      if (seen.has(`${id}|${after ?? ''}`)) continue;
      seen.add(`${id}|${after ?? ''}`);
      const result = perItem(errors, {}, () => {
        const cursor = cursorOf(after);
        const live = liveId(portal, from, id);
        const page = live ? pageOf(associatedObjects(portal, from, live, to), cursor, PAGE_SIZE) : undefined;
        if (!page || page.items.length === 0) throw noAssociations(from, id, to);
        // `from.id` echoes the id asked for (even when it was merged away), so callers can match results by id.
        return { from: { id }, to: page.items, ...(page.next ? { paging: { next: { after: page.next } } } : {}) };
      });
      if (result) results.push(result);
    }
    res.status(errors.length ? 207 : 200).json(batchEnvelope(startedAt, results, errors));
  });

  r.post(`${base}/create`, (req, res) => {
    const startedAt = new Date().toISOString();
    const { from, to } = typesOf(req, res);
    requireObjectScopes(res, 'write', from, to);
    const inputs = inputsOf(req).map((input, i) => ({
      fromId: publicObjectId(input.from, `inputs[${i}].from`),
      toId: publicObjectId(input.to, `inputs[${i}].to`),
      specs: associationSpecs(input.types, `inputs[${i}].types`),
    }));
    const portal = portalOf(res);
    const results: unknown[] = [];
    const errors: StandardError[] = [];
    for (const input of inputs) {
      const result = perItem(errors, { fromObjectId: [input.fromId], toObjectId: [input.toId] }, () => {
        const pair = livePair(portal, from, input.fromId, to, input.toId);
        const defs = typeDefsOf(portal.associations, from, to, input.specs);
        return labelsBetween(pair, associate(portal, pair, defs));
      });
      if (result) results.push(result);
    }
    res.status(errors.length ? 207 : 201).json(batchEnvelope(startedAt, results, errors));
  });

  r.post(`${base}/associate/default`, (req, res) => {
    const startedAt = new Date().toISOString();
    const { from, to } = typesOf(req, res);
    requireObjectScopes(res, 'write', from, to);
    const inputs = inputsOf(req).map((input, i) => ({
      fromId: publicObjectId(input.from, `inputs[${i}].from`),
      toId: publicObjectId(input.to, `inputs[${i}].to`),
    }));
    const portal = portalOf(res);
    const def = defaultTypeOf(portal.associations, from, to);
    const results: unknown[] = [];
    const errors: StandardError[] = [];
    for (const input of inputs) {
      const created = perItem(errors, { fromObjectId: [input.fromId], toObjectId: [input.toId] }, () => {
        const pair = livePair(portal, from, input.fromId, to, input.toId);
        associate(portal, pair, [def]);
        return defaultAssociations(pair, def);
      });
      if (created) results.push(...created);
    }
    // The spec documents only 200 here; failed inputs are listed in `errors` of the same envelope.
    res.json(batchEnvelope(startedAt, results, errors));
  });

  r.post(`${base}/archive`, (req, res) => {
    const { from, to } = typesOf(req, res);
    requireObjectScopes(res, 'write', from, to);
    const inputs = inputsOf(req).map((input, i) => {
      if (!Array.isArray(input.to)) throw validationError(`inputs[${i}].to must be an array of {id}`);
      return { fromId: publicObjectId(input.from, `inputs[${i}].from`), toIds: input.to.map((t, j) => publicObjectId(t, `inputs[${i}].to[${j}]`)) };
    });
    const portal = portalOf(res);
    for (const { fromId, toIds } of inputs) {
      // Archiving what does not exist is a no-op, as deleting twice is in HubSpot.
      const liveFrom = liveId(portal, from, fromId);
      if (!liveFrom) continue;
      for (const toId of toIds) {
        const liveTo = liveId(portal, to, toId);
        if (liveTo) portal.associations.removeAll(from.id, liveFrom, to.id, liveTo);
      }
    }
    res.status(204).end();
  });

  r.post(`${base}/labels/archive`, (req, res) => {
    const { from, to } = typesOf(req, res);
    requireObjectScopes(res, 'write', from, to);
    const portal = portalOf(res);
    // Every input is checked before anything is removed: this route has no partial-success answer.
    const inputs = inputsOf(req).map((input, i) => ({
      fromId: publicObjectId(input.from, `inputs[${i}].from`),
      toId: publicObjectId(input.to, `inputs[${i}].to`),
      defs: typeDefsOf(portal.associations, from, to, associationSpecs(input.types, `inputs[${i}].types`)),
    }));
    for (const { fromId, toId, defs } of inputs) {
      const liveFrom = liveId(portal, from, fromId);
      const liveTo = liveId(portal, to, toId);
      if (liveFrom && liveTo) removeTypes(portal, { from, fromId: liveFrom, to, toId: liveTo }, defs);
    }
    res.status(204).end();
  });
}

/** Association label definitions: `{prefix}/{fromObjectType}/{toObjectType}/labels`. */
function labelRoutes(r: Router, prefix: string): void {
  const base = `${prefix}/:fromObjectType/:toObjectType/labels`;
  const typesOf = (req: Request, res: Response) => ({ from: objectTypeParam(res, param(req, 'fromObjectType')), to: objectTypeParam(res, param(req, 'toObjectType')) });

  r.get(base, (req, res) => {
    const { from, to } = typesOf(req, res);
    requireSchemaScope(res, 'read', from);
    const defs = portalOf(res).associations.typesBetween(from.id, to.id);
    res.json({ results: [...defs].sort(byCategoryThenId).map((def) => specWithLabel(def, true)) });
  });

  r.post(base, (req, res) => {
    const { from, to } = typesOf(req, res);
    requireSchemaScope(res, 'write', from);
    const body = labelBody(req.body, ['label', 'name'], ['inverseLabel']);
    const created = createLabel(portalOf(res).associations, from, to, body.name!, body.label!, body.inverseLabel);
    res.json({ results: created.map((def) => specWithLabel(def, true)) });
  });

  r.put(base, (req, res) => {
    const { from, to } = typesOf(req, res);
    requireSchemaScope(res, 'write', from);
    const body = labelBody(req.body, ['label'], ['inverseLabel']);
    const typeId = isRecord(req.body) ? req.body.associationTypeId : undefined;
    if (typeof typeId !== 'number' || !Number.isInteger(typeId)) throw validationError('associationTypeId is required and must be an integer');
    const store = portalOf(res).associations;
    const def = userDefinedType(store, from, to, typeId, () => validationError(`${typeId} is not an association type between ${from.name} and ${to.name}.`));
    const inverse = store.typeDef(to.id, from.id, def.inverseTypeId);
    if (body.inverseLabel !== undefined && inverse === def && body.inverseLabel !== body.label) {
      throw validationError(`Association type ${typeId} is symmetric (its own inverse): it cannot have a different inverse label.`);
    }
    // Without an inverse label, the other direction follows only if it shared the old label (an unpaired label).
    if (inverse && inverse !== def && (body.inverseLabel !== undefined || inverse.label === def.label)) inverse.label = body.inverseLabel ?? body.label!;
    def.label = body.label!;
    res.status(204).end();
  });

  r.delete(`${base}/:associationTypeId`, (req, res) => {
    const { from, to } = typesOf(req, res);
    requireSchemaScope(res, 'write', from);
    const raw = param(req, 'associationTypeId');
    const typeId = Number(raw);
    if (!/^\d+$/.test(raw)) throw validationError(`Invalid association type id '${raw}'`);
    const store = portalOf(res).associations;
    const def = userDefinedType(store, from, to, typeId, () => notFound(`${typeId} is not an association type between ${from.name} and ${to.name}.`));
    // Associations still carrying the type drop it at read time: reads skip type ids without a definition.
    store.removeTypeDef(def.fromTypeId, def.toTypeId, def.typeId);
    store.removeTypeDef(def.toTypeId, def.fromTypeId, def.inverseTypeId);
    res.status(204).end();
  });
}

const CATEGORY_ORDER = ['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED', 'WORK'];
const byCategoryThenId = (a: AssociationTypeDef, b: AssociationTypeDef) =>
  CATEGORY_ORDER.indexOf(a.category) - CATEGORY_ORDER.indexOf(b.category) || a.typeId - b.typeId;

function labelBody(body: unknown, required: string[], optional: string[]): Record<string, string | undefined> {
  if (!isRecord(body)) throw validationError('Invalid input JSON: the body must be an object');
  const out: Record<string, string | undefined> = {};
  for (const key of [...required, ...optional]) {
    const value = body[key];
    if (value === undefined && optional.includes(key)) continue;
    if (typeof value !== 'string' || value.trim() === '') throw validationError(`${key} is required and must be a non-empty string`);
    out[key] = value.trim();
  }
  return out;
}

/** A USER_DEFINED type of this pair; HubSpot's own types are read-only (400). */
function userDefinedType(
  store: AssociationStore,
  from: ObjectTypeInfo,
  to: ObjectTypeInfo,
  typeId: number,
  missing: () => HubSpotHttpError,
): AssociationTypeDef {
  const def = store.typeDef(from.id, to.id, typeId);
  if (!def) throw missing();
  if (def.category !== 'USER_DEFINED') throw validationError(`Association type ${typeId} is ${def.category}: it cannot be changed or deleted.`);
  // A custom object's unlabeled types belong to its schema: they go with `DELETE …/schemas/{objectType}/associations/{id}`.
  if (def.label === null) throw validationError(`Association type ${typeId} was defined by a custom object schema: change it through the Schemas API.`);
  return def;
}

/**
 * Creates a USER_DEFINED label. Every type needs an inverse: a label between two object types gets a second
 * type id for the other direction (labelled `inverseLabel`, or the same label); a label within one object type
 * without an inverse label is its own inverse, like HubSpot's contact↔contact type 449.
 */
function createLabel(store: AssociationStore, from: ObjectTypeInfo, to: ObjectTypeInfo, name: string, label: string, inverseLabel?: string) {
  for (const [a, b] of [[from, to], [to, from]] as const) {
    const custom = store.typesBetween(a.id, b.id).filter((d) => d.category === 'USER_DEFINED');
    if (custom.some((d) => d.name === name)) throw conflict(`An association label named '${name}' already exists between ${a.name} and ${b.name}.`);
    if (custom.length >= MAX_CUSTOM_LABELS) {
      throw validationError(`There are already ${MAX_CUSTOM_LABELS} association labels between ${a.name} and ${b.name}, the most allowed.`);
    }
  }
  const typeId = store.allocateTypeId();
  const symmetric = from.id === to.id && inverseLabel === undefined;
  const inverseTypeId = symmetric ? typeId : store.allocateTypeId();
  const forward: AssociationTypeDef = { fromTypeId: from.id, toTypeId: to.id, typeId, inverseTypeId, category: 'USER_DEFINED', label, name };
  store.addTypeDef(forward);
  if (symmetric) return [forward];
  const inverse: AssociationTypeDef = { ...forward, fromTypeId: to.id, toTypeId: from.id, typeId: inverseTypeId, inverseTypeId: typeId, label: inverseLabel ?? label };
  store.addTypeDef(inverse);
  return [forward, inverse];
}

/** `POST /crm/v4/associations/usage/high-usage-report/{userId}`: the report is "queued" for a portal user. */
function usageRoutes(r: Router): void {
  r.post('/crm/v4/associations/usage/high-usage-report/:userId', (req, res) => {
    requireScope(res, ...['contacts', 'companies', 'deals', 'tickets'].map((t) => `crm.objects.${t}.read`));
    const raw = param(req, 'userId');
    if (!/^\d+$/.test(raw)) throw validationError(`Invalid user id '${raw}'`);
    const owner = portalOf(res).owners.find((o) => o.userId === Number(raw) && !o.archived);
    if (!owner) throw notFound(`No user with id ${raw} exists in this account.`);
    res.json({ userId: owner.userId, userEmail: owner.email, enqueueTime: { dateOnly: false, timeZoneShift: 0, value: Date.now() } });
  });
}
