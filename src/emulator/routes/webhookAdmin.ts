import { Router } from 'express';
import { conflict, notFound, validationError } from '../errors';
import { nowIso, publicObject, resolveMergedId } from '../records';
import type { EmulatorState } from '../state';
import { restoreChange } from '../webhookEvents';

/**
 * The emulator's own routes for webhooks (under /__emulator, not HubSpot's API): the delivery log, and restoring
 * an archived record — which HubSpot does in its UI's recycle bin, not through the API — so that `*.restore`
 * events can be tried.
 */
export function webhookAdminRoutes(state: EmulatorState): Router {
  const r = Router();

  r.get('/webhook-deliveries', (req, res) => {
    const since = Number(req.query.since ?? 0);
    const deliveries = state.webhookDeliveries;
    res.json({ lastSeq: deliveries.lastSeq, pending: deliveries.pending(), results: deliveries.entries(Number.isFinite(since) ? since : 0) });
  });

  r.delete('/webhook-deliveries', (_req, res) => {
    state.webhookDeliveries.clearLog();
    res.status(204).end();
  });

  /** Body (optional): `{"userId": 123}`, the user who restores (the event's sourceId `userId:123`). */
  r.post('/portals/:portalId/objects/:objectType/:objectId/restore', (req, res) => {
    const portal = state.portals.get(Number(req.params.portalId));
    if (!portal) throw notFound(`Portal ${req.params.portalId} has not been used yet.`);
    const type = portal.objectType(String(req.params.objectType));
    if (!type) throw validationError(`Unable to infer object type from: ${req.params.objectType}`);
    const record = portal.recordsOf(type).get(resolveMergedId(portal, type, String(req.params.objectId)));
    if (!record || !record.archived) throw notFound(`${type.singular} ${req.params.objectId} is not in the recycle bin.`);
    const email = type.id === '0-1' ? record.properties.email?.toLowerCase() : undefined;
    const taken = email && [...portal.recordsOf(type).values()].find((other) => !other.archived && other.properties.email?.toLowerCase() === email);
    if (taken) throw conflict(`Contact already exists. Existing ID: ${taken.id}`, { context: { existingId: [taken.id] } });
    const userId = (req.body as { userId?: unknown } | undefined)?.userId;
    record.archived = false;
    delete record.archivedAt;
    record.updatedAt = nowIso();
    state.webhookDeliveries.publish([restoreChange(portal, type, record, typeof userId === 'number' ? `userId:${userId}` : undefined)]);
    res.json(publicObject(portal, type, record, { allProperties: true }));
  });

  return r;
}
