import { Router, type Request } from 'express';
import { portalOf, queryBool, requireScope } from '../context';
import type { CustomObjectSchema } from '../customObjects';
import { validationError } from '../errors';
import { bodyObject } from '../inputProblems';
import { nowIso } from '../records';
import { readAssociationEgg, readSchemaCreate, readSchemaPatch } from '../schemaInput';
import {
  archiveSchema,
  createSchema,
  CUSTOM_OBJECT_DEFAULT_PROPERTY_NAMES,
  defineSchemaAssociation,
  findSchema,
  purgeSchema,
  removeSchemaAssociation,
  renderAssociation,
  renderSchema,
  renderTypeDefinition,
  updateSchema,
  type SchemaView,
} from '../schemaStore';
import { liveProperty } from '../values';

/**
 * Schemas v3 (crm-schemas-v3.json): a portal's custom object types. Served at the spec's path
 * `/crm-object-schemas/v3/schemas` and at `/crm/v3/schemas`, the path HubSpot's guides and SDKs long used.
 * `{objectType}` is the object type id (`2-<n>`), the fully qualified name (`p<portalId>_<name>`) or the name.
 */

const PREFIXES = ['/crm-object-schemas/v3/schemas', '/crm/v3/schemas'];

/** The scopes each operation lists in the spec; any one of them will do. */
const READ_SCOPES = ['crm.schemas.custom.read', 'crm.objects.custom.sensitive.read.v2', 'crm.objects.custom.highly_sensitive.read.v2', 'crm.objects.custom.read'];
/** Reading one schema (and batch read) also lists the bare `oauth` scope. */
const READ_ONE_SCOPES = [...READ_SCOPES, 'oauth'];
const WRITE_SCOPES = ['crm.schemas.custom.write'];

function viewOf(req: Request): SchemaView {
  return {
    properties: queryBool(req, 'includePropertyDefinitions', true),
    associations: queryBool(req, 'includeAssociationDefinitions', true),
    audit: queryBool(req, 'includeAuditMetadata', true),
  };
}

/** The batch read body's flags (the spec requires all three; absent ones count as true, like the query flags). */
function batchView(body: Record<string, unknown>): SchemaView {
  const flag = (key: string) => {
    const v = body[key];
    if (v === undefined) return true;
    if (typeof v !== 'boolean') throw validationError(`Invalid input JSON: ${key} must be a boolean`);
    return v;
  };
  return { properties: flag('includePropertyDefinitions'), associations: flag('includeAssociationDefinitions'), audit: flag('includeAuditMetadata') };
}

const segmentOf = (req: Request, name = 'objectType') => String(req.params[name]);

function schemaRoutesAt(r: Router, base: string): void {
  r.get(base, (req, res) => {
    requireScope(res, ...READ_SCOPES);
    const portal = portalOf(res);
    const view = viewOf(req);
    res.json({ results: portal.schemas.list(queryBool(req, 'archived')).map((s) => renderSchema(portal, s, view)) });
  });

  r.post(base, (req, res) => {
    requireScope(res, ...WRITE_SCOPES);
    const portal = portalOf(res);
    const now = nowIso();
    const draft = readSchemaCreate(bodyObject(req), (segment) => portal.objectType(segment), CUSTOM_OBJECT_DEFAULT_PROPERTY_NAMES, now);
    res.status(201).json(renderSchema(portal, createSchema(portal, draft, now)));
  });

  r.post(`${base}/batch/read`, (req, res) => {
    requireScope(res, ...READ_ONE_SCOPES);
    const body = bodyObject(req);
    if (!Array.isArray(body.inputs) || body.inputs.some((s) => typeof s !== 'string')) {
      throw validationError('Invalid input JSON: inputs is required and must be an array of object types (strings)');
    }
    const portal = portalOf(res);
    const view = batchView(body);
    // Unknown and archived object types are left out of the answer, as in HubSpot's other batch reads of definitions.
    const found = new Map<string, CustomObjectSchema>();
    for (const segment of body.inputs as string[]) {
      const schema = portal.schemas.find(segment);
      if (schema && !schema.archived) found.set(schema.objectTypeId, schema);
    }
    res.json({ results: [...found.values()].map((s) => renderSchema(portal, s, view)) });
  });

  r.get(`${base}/:objectType`, (req, res) => {
    requireScope(res, ...READ_ONE_SCOPES);
    const portal = portalOf(res);
    res.json(renderSchema(portal, findSchema(portal, segmentOf(req)), viewOf(req)));
  });

  r.patch(`${base}/:objectType`, (req, res) => {
    requireScope(res, ...WRITE_SCOPES);
    const portal = portalOf(res);
    const schema = findSchema(portal, segmentOf(req));
    const patch = readSchemaPatch(bodyObject(req), (name) => liveProperty(portal, schema.type, name) !== undefined);
    updateSchema(schema, patch, nowIso());
    res.json(renderTypeDefinition(portal, schema));
  });

  // `archived=true` hard-deletes (purges) a schema that was deleted before; without it the schema is archived.
  r.delete(`${base}/:objectType`, (req, res) => {
    requireScope(res, ...WRITE_SCOPES);
    const portal = portalOf(res);
    if (queryBool(req, 'archived')) purgeSchema(portal, findSchema(portal, segmentOf(req), { archived: true }));
    else archiveSchema(portal, findSchema(portal, segmentOf(req)), nowIso());
    res.status(204).end();
  });

  // The older purge path HubSpot's SDKs call (`DELETE …/{objectType}/purge`), the same as `?archived=true`.
  r.delete(`${base}/:objectType/purge`, (req, res) => {
    requireScope(res, ...WRITE_SCOPES);
    const portal = portalOf(res);
    purgeSchema(portal, findSchema(portal, segmentOf(req), { archived: true }));
    res.status(204).end();
  });

  r.post(`${base}/:objectType/associations`, (req, res) => {
    requireScope(res, ...WRITE_SCOPES);
    const portal = portalOf(res);
    const schema = findSchema(portal, segmentOf(req));
    const egg = readAssociationEgg(bodyObject(req));
    const from = portal.objectType(egg.fromObjectTypeId);
    const to = portal.objectType(egg.toObjectTypeId);
    if (!from || !to) throw validationError(`Unable to infer object type from: ${!from ? egg.fromObjectTypeId : egg.toObjectTypeId}`);
    if (from.id !== schema.objectTypeId && to.id !== schema.objectTypeId) {
      throw validationError(`An association of object schema ${schema.fullyQualifiedName} must start or end at ${schema.objectTypeId}.`);
    }
    res.status(201).json(renderAssociation(defineSchemaAssociation(portal, from, to, egg.name, nowIso())));
  });

  r.delete(`${base}/:objectType/associations/:associationIdentifier`, (req, res) => {
    requireScope(res, ...WRITE_SCOPES);
    const portal = portalOf(res);
    removeSchemaAssociation(portal, findSchema(portal, segmentOf(req)), segmentOf(req, 'associationIdentifier'));
    res.status(204).end();
  });
}

/** The Schemas API at both of its paths. */
export function schemaRoutes(): Router {
  const r = Router();
  for (const base of PREFIXES) schemaRoutesAt(r, base);
  return r;
}
