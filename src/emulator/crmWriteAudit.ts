import type { NextFunction, Request, Response } from 'express';
import { API_USER_ID, recordAuditEvent } from './accountActivity';
import { decoded, OBJECT_PATH, onAnswer } from './answerWatch';
import { callerOf } from './context';
import type { ObjectTypeInfo } from './objectTypes';
import type { Portal } from './store';

/**
 * Makes the audit log show what API calls did to CRM records: a successful create, update or archive of a record
 * (one by one or in a batch) adds a `CRM_OBJECT` entry per record, acted by the API (user 0).
 *
 * It watches the answers of the object routes rather than living inside them, so the record code stays as it is:
 * ids come from the answer (creates, updates, upserts; a 207's failed inputs are not in it) or, for archives
 * (204, no body), from the request, keeping only the records that are archived now.
 */
type WriteKind = 'create' | 'update' | 'archive' | 'batch-create' | 'batch-update' | 'batch-upsert' | 'batch-archive';

function writeKindOf(method: string, path: string, portal: Portal): { type: ObjectTypeInfo; kind: WriteKind; pathId?: string } | undefined {
  const m = OBJECT_PATH.exec(path);
  const type = m && portal.objectType(decoded(m[1]!) ?? '');
  if (!m || !type) return undefined;
  const second = m[2]?.toLowerCase();
  const third = m[3]?.toLowerCase();
  if (second === undefined) return method === 'POST' ? { type, kind: 'create' } : undefined;
  if (second === 'batch' && method === 'POST' && ['create', 'update', 'upsert', 'archive'].includes(third ?? '')) {
    return { type, kind: `batch-${third}` as WriteKind };
  }
  if (third !== undefined || ['search', 'merge', 'gdpr-delete', 'batch'].includes(second)) return undefined;
  if (method === 'PATCH') return { type, kind: 'update', pathId: m[2] };
  const pathId = decoded(m[2]!);
  if (method === 'DELETE' && pathId !== undefined) return { type, kind: 'archive', pathId };
  return undefined;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const idOf = (v: unknown): string | undefined => (isObject(v) && (typeof v.id === 'string' || typeof v.id === 'number') ? String(v.id) : undefined);

/** The records a successful write touched, each with the audit action it stands for. */
function touchedRecords(kind: WriteKind, answer: unknown, req: Request, pathId?: string): Array<{ id: string; action: string }> {
  const results = isObject(answer) && Array.isArray(answer.results) ? answer.results : [];
  switch (kind) {
    case 'create':
    case 'update': {
      const id = idOf(answer);
      return id ? [{ id, action: kind === 'create' ? 'CREATE' : 'UPDATE' }] : [];
    }
    case 'batch-create':
    case 'batch-update':
    case 'batch-upsert':
      return results.flatMap((r) => {
        const id = idOf(r);
        const created = kind === 'batch-create' || (isObject(r) && r.new === true);
        return id ? [{ id, action: created ? 'CREATE' : 'UPDATE' }] : [];
      });
    case 'archive':
      return pathId ? [{ id: pathId, action: 'DELETE' }] : [];
    case 'batch-archive': {
      const inputs = isObject(req.body) && Array.isArray(req.body.inputs) ? req.body.inputs : [];
      return inputs.flatMap((input: unknown) => {
        const id = idOf(input);
        return id ? [{ id, action: 'DELETE' }] : [];
      });
    }
  }
}

/** Express middleware for the HubSpot routes (after auth); mount it before the object routes. */
export function crmWriteAudit() {
  return (req: Request, res: Response, next: NextFunction) => {
    const portal = callerOf(res).portal;
    const write = writeKindOf(req.method, req.path, portal);
    if (!write) return next();
    // Recorded when the route answers, not when the answer is sent, so that a write whose answer is lost
    // (the `lost-response` fault) is in the log too, as it would be in HubSpot's.
    onAnswer(res, (answer) => {
      if (res.statusCode >= 300) return;
      const records = portal.recordsOf(write.type);
      const at = Date.now();
      for (const { id, action } of touchedRecords(write.kind, answer, req, write.pathId)) {
        // Archiving an id that is not there is no error in a batch, but nothing happened to audit.
        if (action === 'DELETE' && !records.get(id)?.archived) continue;
        recordAuditEvent(portal, { at, category: 'CRM_OBJECT', subCategory: write.type.singular.toUpperCase(), action, targetObjectId: id, actingUser: { userId: API_USER_ID } });
      }
    });
    next();
  };
}
