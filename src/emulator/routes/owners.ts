import { Router, type Request, type Response } from 'express';
import { portalOf, queryBool, queryInt, queryString, requireScope } from '../context';
import { notFound, validationError } from '../errors';
import type { Owner } from '../store';

/**
 * The largest page served. The spec declares only the default (100) and no maximum, and HubSpot's real cap is not
 * documented with certainty; so a larger `limit` is served as 500 per page (with `paging.next` when more remain)
 * rather than refused, which any client that follows paging handles.
 */
const MAX_LIMIT = 500;
const DEFAULT_LIMIT = 100;
const INT32_MAX = 2147483647;

const requireOwnersScope = (res: Response) => requireScope(res, 'crm.objects.owners.read', 'automation');

/** Owners in a stable order (numeric id) so that `after` cursors keep their meaning between calls. */
const ownersInOrder = (owners: Owner[]) => [...owners].sort((a, b) => Number(a.id) - Number(b.id) || a.id.localeCompare(b.id));

/** `PublicOwner`: a copy, so that callers never hold the store's objects. */
const renderOwner = (o: Owner) => ({ ...o, teams: o.teams.map((t) => ({ ...t })) });

/** The `after` cursor: the position of the next owner in the filtered, ordered list. */
function cursorOf(req: Request): number {
  const raw = queryString(req, 'after');
  if (raw === undefined || raw === '') return 0;
  if (!/^\d+$/.test(raw)) throw validationError(`Invalid value for query parameter after: '${raw}' is not a paging cursor this API gave out`);
  return Number(raw);
}

function nextLink(req: Request, after: number): string {
  const url = new URL(req.originalUrl, `${req.protocol}://${req.get('host') ?? 'localhost'}`);
  url.searchParams.set('after', String(after));
  return url.toString();
}

/** Owners v3 (crm-owners-v3.json): the portal's owners, paged and filterable by email, active or archived. */
export function ownerRoutes(): Router {
  const r = Router();

  r.get('/crm/v3/owners', (req, res) => {
    requireOwnersScope(res);
    const limit = Math.min(queryInt(req, 'limit', DEFAULT_LIMIT, 1, INT32_MAX), MAX_LIMIT);
    const archived = queryBool(req, 'archived');
    const email = queryString(req, 'email')?.trim().toLowerCase();
    const after = cursorOf(req);
    const matching = ownersInOrder(portalOf(res).owners).filter(
      (o) => o.archived === archived && (email === undefined || email === '' || o.email.toLowerCase() === email),
    );
    const page = matching.slice(after, after + limit);
    const next = after + limit;
    res.json({
      results: page.map(renderOwner),
      ...(next < matching.length ? { paging: { next: { after: String(next), link: nextLink(req, next) } } } : {}),
    });
  });

  r.get('/crm/v3/owners/:ownerId', (req, res) => {
    requireOwnersScope(res);
    const ownerId = String(req.params.ownerId);
    const idProperty = queryString(req, 'idProperty') ?? 'id';
    if (idProperty !== 'id' && idProperty !== 'userId') {
      throw validationError(`Invalid value for query parameter idProperty: '${idProperty}' must be id or userId`);
    }
    // The spec types ownerId as an int32, whichever property it names.
    if (!/^\d+$/.test(ownerId) || Number(ownerId) > INT32_MAX) {
      throw validationError(`Invalid value for path parameter ownerId: '${ownerId}' is not an integer`);
    }
    const archived = queryBool(req, 'archived');
    const owner = portalOf(res).owners.find(
      (o) => o.archived === archived && (idProperty === 'id' ? o.id === ownerId : o.userId === Number(ownerId)),
    );
    if (!owner) throw notFound(`No ${archived ? 'archived ' : ''}owner with ${idProperty} ${ownerId}`);
    res.json(renderOwner(owner));
  });

  return r;
}
