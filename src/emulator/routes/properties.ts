import { Router, type Request, type Response } from 'express';
import { portalOf, queryBool, queryList, queryString } from '../context';
import type { PropertyDefinition } from '../defaultProperties';
import { conflict, HubSpotHttpError, notFound, standardError, validationError, type StandardError } from '../errors';
import { bodyObject, InputProblems, readEnum } from '../inputProblems';
import type { ObjectTypeInfo } from '../objectTypes';
import {
  DATA_SENSITIVITIES,
  readGroupCreate,
  readGroupUpdate,
  readNameInputs,
  readPropertyCreate,
  readPropertyUpdate,
  type DataSensitivity,
} from '../propertyInput';
import { renderProperty } from '../propertyOptions';
import { requireSchemaRead, requireSchemaWrite } from '../schemaScopes';
import type { Portal, PropertyGroup } from '../store';

const BASE = '/crm/v3/properties/:objectType';
const now = () => new Date().toISOString();

function target(req: Request, res: Response, opts: { write: boolean }): { portal: Portal; type: ObjectTypeInfo } {
  if (opts.write) requireSchemaWrite(res);
  else requireSchemaRead(res);
  const segment = String(req.params.objectType);
  const portal = portalOf(res);
  // Standard types and the portal's live custom object types (`2-<n>`, fully qualified name or name).
  const type = portal.objectType(segment);
  if (!type) throw validationError(`Unable to infer object type from: ${segment}`);
  return { portal, type };
}

const groupsOf = (portal: Portal, type: ObjectTypeInfo): Map<string, PropertyGroup> => {
  let groups = portal.propertyGroups.get(type.id);
  if (!groups) portal.propertyGroups.set(type.id, (groups = new Map()));
  return groups;
};

const liveGroup = (portal: Portal, type: ObjectTypeInfo) => (name: string) => {
  const group = groupsOf(portal, type).get(name);
  return group !== undefined && !group.archived;
};


const renderGroup = (g: PropertyGroup) => ({ name: g.name, label: g.label, displayOrder: g.displayOrder, archived: g.archived });

/** `dataSensitivity` as a query value (default `non_sensitive`); a value outside the spec's enum is a 400. */
function sensitivityOf(raw: unknown, where: string): DataSensitivity {
  if (raw === undefined) return 'non_sensitive';
  const problems = new InputProblems();
  const value = readEnum({ dataSensitivity: raw }, 'dataSensitivity', DATA_SENSITIVITIES, problems, { at: where });
  problems.throwIfAny('Invalid dataSensitivity');
  return value!;
}

/**
 * The read view HubSpot's `archived` and `dataSensitivity` parameters select: archived=true shows only the
 * recycle bin, and a property is visible only at its own sensitivity level.
 */
const visible = (def: PropertyDefinition, archived: boolean, sensitivity: DataSensitivity) =>
  def.archived === archived && (def.dataSensitivity ?? 'non_sensitive') === sensitivity;

function findProperty(portal: Portal, type: ObjectTypeInfo, name: string): PropertyDefinition {
  const def = portal.propertiesOf(type).get(name);
  if (!def || def.archived) throw notFound(`Unable to find property ${name} for object type ${type.name}`);
  return def;
}

function findGroup(portal: Portal, type: ObjectTypeInfo, name: string): PropertyGroup {
  const group = groupsOf(portal, type).get(name);
  if (!group || group.archived) throw notFound(`Unable to find property group ${name} for object type ${type.name}`);
  return group;
}

/** HubSpot-defined properties (and any marked not archivable) stay; the whole request is refused. */
function refuseUnarchivable(type: ObjectTypeInfo, def: PropertyDefinition): void {
  if (def.hubspotDefined || !def.modificationMetadata.archivable) {
    throw validationError(`Property ${def.name} of ${type.name} is defined by HubSpot and cannot be archived.`);
  }
}

/** One property creation, shared by the single and batch routes; 409 when the name is taken (archived included). */
function createProperty(portal: Portal, type: ObjectTypeInfo, body: unknown, at: string): PropertyDefinition {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw validationError('Invalid property: each input must be a JSON object');
  const def = readPropertyCreate(body as Record<string, unknown>, liveGroup(portal, type), at);
  const existing = portal.propertiesOf(type).get(def.name);
  if (existing) {
    // An archived property keeps its name (HubSpot can restore it from the recycle bin), so the name stays taken.
    throw conflict(`A property named '${def.name}' already exists for object type ${type.name}${existing.archived ? ' (archived)' : ''}.`, {
      context: { name: [def.name] },
    });
  }
  portal.propertiesOf(type).set(def.name, def);
  return def;
}

/** `BatchResponseProperty` (no errors) or `BatchResponsePropertyWithErrors`, with the matching status. */
function batchAnswer(res: Response, okStatus: number, startedAt: string, results: unknown[], errors: StandardError[]): void {
  const body = { status: 'COMPLETE', results, startedAt, completedAt: now(), ...(errors.length ? { numErrors: errors.length, errors } : {}) };
  res.status(errors.length ? 207 : okStatus).json(body);
}

function propertyRoutesOnly(r: Router): void {
  r.get(BASE, (req, res) => {
    const { portal, type } = target(req, res, { write: false });
    const archived = queryBool(req, 'archived');
    const sensitivity = sensitivityOf(queryString(req, 'dataSensitivity'), 'dataSensitivity');
    const only = new Set(queryList(req, 'properties'));
    const defs = [...portal.propertiesOf(type).values()].filter((d) => visible(d, archived, sensitivity) && (only.size === 0 || only.has(d.name)));
    res.json({ results: defs.map((d) => renderProperty(portal, type, d)) });
  });

  r.post(BASE, (req, res) => {
    const { portal, type } = target(req, res, { write: true });
    const def = createProperty(portal, type, bodyObject(req), now());
    res.status(201).json(renderProperty(portal, type, def));
  });

  r.post(`${BASE}/batch/read`, (req, res) => {
    const { portal, type } = target(req, res, { write: false });
    const startedAt = now();
    const body = bodyObject(req);
    const names = readNameInputs(body);
    const archived = body.archived === undefined ? false : body.archived === true;
    if (body.archived !== undefined && typeof body.archived !== 'boolean') throw validationError('Invalid batch input: archived must be a boolean');
    const sensitivity = sensitivityOf(body.dataSensitivity, 'dataSensitivity');
    const results: unknown[] = [];
    const errors: StandardError[] = [];
    for (const name of names) {
      const def = portal.propertiesOf(type).get(name);
      if (def && visible(def, archived, sensitivity)) results.push(renderProperty(portal, type, def));
      else errors.push(standardError(notFound(`Unable to find property ${name} for object type ${type.name}`), { name: [name] }));
    }
    batchAnswer(res, 200, startedAt, results, errors);
  });

  r.post(`${BASE}/batch/create`, (req, res) => {
    const { portal, type } = target(req, res, { write: true });
    const startedAt = now();
    const body = bodyObject(req);
    if (!Array.isArray(body.inputs)) throw validationError(`Invalid batch input: inputs ${body.inputs === undefined ? 'is required' : 'must be an array'}`);
    // Each input stands alone, as HubSpot's 207 allows: valid ones are created, the others come back as errors.
    const results: unknown[] = [];
    const errors: StandardError[] = [];
    body.inputs.forEach((input: unknown, i: number) => {
      try {
        results.push(renderProperty(portal, type, createProperty(portal, type, input, now())));
      } catch (e) {
        if (!(e instanceof HubSpotHttpError)) throw e;
        const name = (input as { name?: unknown } | null)?.name;
        errors.push(standardError(e, { index: [String(i)], ...(typeof name === 'string' ? { name: [name] } : {}) }));
      }
    });
    batchAnswer(res, 201, startedAt, results, errors);
  });

  r.post(`${BASE}/batch/archive`, (req, res) => {
    const { portal, type } = target(req, res, { write: true });
    const names = readNameInputs(bodyObject(req));
    const props = portal.propertiesOf(type);
    // Per the spec, unknown and already archived names are fine; HubSpot-defined ones refuse the whole batch first.
    const live = names.map((n) => props.get(n)).filter((d): d is PropertyDefinition => d !== undefined && !d.archived);
    for (const def of live) refuseUnarchivable(type, def);
    const at = now();
    for (const def of live) Object.assign(def, { archived: true, archivedAt: at, updatedAt: at });
    res.status(204).end();
  });

  r.get(`${BASE}/:propertyName`, (req, res) => {
    const { portal, type } = target(req, res, { write: false });
    const name = String(req.params.propertyName);
    const archived = queryBool(req, 'archived');
    const sensitivity = sensitivityOf(queryString(req, 'dataSensitivity'), 'dataSensitivity');
    const def = portal.propertiesOf(type).get(name);
    if (!def || !visible(def, archived, sensitivity)) {
      throw notFound(`Unable to find ${archived ? 'archived ' : ''}property ${name} for object type ${type.name}${def ? ` at dataSensitivity ${sensitivity}` : ''}`);
    }
    res.json(renderProperty(portal, type, def));
  });

  r.patch(`${BASE}/:propertyName`, (req, res) => {
    const { portal, type } = target(req, res, { write: true });
    const current = findProperty(portal, type, String(req.params.propertyName));
    if (current.hubspotDefined || current.modificationMetadata.readOnlyDefinition) {
      throw validationError(`Property ${current.name} of ${type.name} is defined by HubSpot; its definition is read-only.`);
    }
    const updated = readPropertyUpdate(current, bodyObject(req), liveGroup(portal, type), now());
    portal.propertiesOf(type).set(updated.name, updated);
    res.json(renderProperty(portal, type, updated));
  });

  r.delete(`${BASE}/:propertyName`, (req, res) => {
    const { portal, type } = target(req, res, { write: true });
    const def = findProperty(portal, type, String(req.params.propertyName));
    refuseUnarchivable(type, def);
    const at = now();
    Object.assign(def, { archived: true, archivedAt: at, updatedAt: at });
    res.status(204).end();
  });
}

function groupRoutes(r: Router): void {
  r.get(`${BASE}/groups`, (req, res) => {
    const { portal, type } = target(req, res, { write: false });
    res.json({ results: [...groupsOf(portal, type).values()].filter((g) => !g.archived).map(renderGroup) });
  });

  r.post(`${BASE}/groups`, (req, res) => {
    const { portal, type } = target(req, res, { write: true });
    const input = readGroupCreate(bodyObject(req));
    const existing = groupsOf(portal, type).get(input.name);
    if (existing) throw conflict(`A property group named '${input.name}' already exists for object type ${type.name}${existing.archived ? ' (archived)' : ''}.`);
    const group: PropertyGroup = { ...input, archived: false };
    groupsOf(portal, type).set(group.name, group);
    res.status(201).json(renderGroup(group));
  });

  r.get(`${BASE}/groups/:groupName`, (req, res) => {
    const { portal, type } = target(req, res, { write: false });
    res.json(renderGroup(findGroup(portal, type, String(req.params.groupName))));
  });

  r.patch(`${BASE}/groups/:groupName`, (req, res) => {
    const { portal, type } = target(req, res, { write: true });
    const group = findGroup(portal, type, String(req.params.groupName));
    Object.assign(group, readGroupUpdate(bodyObject(req)));
    res.json(renderGroup(group));
  });

  r.delete(`${BASE}/groups/:groupName`, (req, res) => {
    const { portal, type } = target(req, res, { write: true });
    const group = findGroup(portal, type, String(req.params.groupName));
    // HubSpot documents nothing for a group that still holds properties. Archiving it would leave them in a group
    // no read shows, so the emulator refuses until they are moved or archived — the safe reading for clients.
    const members = [...portal.propertiesOf(type).values()].filter((d) => !d.archived && d.groupName === group.name);
    if (members.length) {
      throw validationError(`Property group ${group.name} still holds ${members.length} propert${members.length === 1 ? 'y' : 'ies'} (${members.slice(0, 5).map((d) => d.name).join(', ')}${members.length > 5 ? ', …' : ''}); move or archive them first.`);
    }
    group.archived = true;
    res.status(204).end();
  });
}

/** Properties v3 (crm-properties-v3.json): property definitions, batch reads and writes, property groups. */
export function propertyRoutes(): Router {
  const r = Router();
  // Groups first: `/groups` would otherwise be read as a property named "groups".
  groupRoutes(r);
  propertyRoutesOnly(r);
  return r;
}
