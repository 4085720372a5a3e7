import type { ObjectTypeInfo } from './objectTypes';
import type { Pipeline, PipelineStage, Portal } from './store';

/**
 * The audit trail behind `GET …/{pipelineId}/audit` and `…/stages/{stageId}/audit` (crm-pipelines-v3
 * `PublicAuditInfo`). A stage change is also a change of its pipeline, so it is listed in both trails.
 * Kept beside the portal rather than in it: nothing but the pipelines API reads it, and a reset portal starts clean.
 */
export type AuditAction = 'CREATE' | 'UPDATE' | 'DELETE';

export interface AuditEntry {
  portalId: number;
  /** Unique per event (spec: "a unique string identifier for the audit event"). */
  identifier: string;
  action: AuditAction;
  timestamp: string;
  message: string;
  /** The pipeline or stage as it was right after the change. */
  rawObject: Record<string, unknown>;
  /** Calls through a token act for no particular user; 0 stands for that. */
  fromUserId: number;
}

interface AuditBook {
  nextIdentifier: number;
  /** `${typeId}/${pipelineId}` or `${typeId}/${pipelineId}/${stageId}` → entries, oldest first. */
  trails: Map<string, AuditEntry[]>;
}

const books = new WeakMap<Portal, AuditBook>();

function bookOf(portal: Portal): AuditBook {
  let book = books.get(portal);
  if (!book) books.set(portal, (book = { nextIdentifier: 1, trails: new Map() }));
  return book;
}

const pipelineKey = (type: ObjectTypeInfo, pipelineId: string) => `${type.id}/${pipelineId}`;
const stageKey = (type: ObjectTypeInfo, pipelineId: string, stageId: string) => `${type.id}/${pipelineId}/${stageId}`;

function append(portal: Portal, keys: string[], action: AuditAction, message: string, rawObject: object): void {
  const book = bookOf(portal);
  const entry: AuditEntry = {
    portalId: portal.portalId,
    identifier: String(book.nextIdentifier++),
    action,
    timestamp: new Date().toISOString(),
    message,
    rawObject: structuredClone(rawObject) as Record<string, unknown>,
    fromUserId: 0,
  };
  for (const key of keys) {
    const trail = book.trails.get(key) ?? [];
    trail.push(entry);
    book.trails.set(key, trail);
  }
}

export function auditPipeline(portal: Portal, type: ObjectTypeInfo, pipeline: Pipeline, action: AuditAction, message: string): void {
  const { stages: _stages, ...withoutStages } = pipeline;
  append(portal, [pipelineKey(type, pipeline.id)], action, message, { ...withoutStages, stageIds: pipeline.stages.filter((s) => !s.archived).map((s) => s.id) });
}

export function auditStage(portal: Portal, type: ObjectTypeInfo, pipeline: Pipeline, stage: PipelineStage, action: AuditAction, message: string): void {
  append(portal, [pipelineKey(type, pipeline.id), stageKey(type, pipeline.id, stage.id)], action, message, { ...stage, pipelineId: pipeline.id });
}

/** A pipeline's trail, newest first (the spec's "reverse chronological list"). */
export const pipelineAudit = (portal: Portal, type: ObjectTypeInfo, pipelineId: string): AuditEntry[] =>
  [...(bookOf(portal).trails.get(pipelineKey(type, pipelineId)) ?? [])].reverse();

export const stageAudit = (portal: Portal, type: ObjectTypeInfo, pipelineId: string, stageId: string): AuditEntry[] =>
  [...(bookOf(portal).trails.get(stageKey(type, pipelineId, stageId)) ?? [])].reverse();
