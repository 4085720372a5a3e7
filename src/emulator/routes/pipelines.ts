import { Router, type Request, type Response } from 'express';
import { portalOf, queryBool } from '../context';
import { conflict, validationError } from '../errors';
import { bodyObject, InputProblems } from '../inputProblems';
import type { ObjectTypeInfo } from '../objectTypes';
import { auditPipeline, auditStage, pipelineAudit, stageAudit } from '../pipelineAudit';
import { normalizeMetadata, readPipeline, readPipelinePatch, readStage, readStagePatch, sameLabel, type StageDraft } from '../pipelineInput';
import {
  allocatePipelineId,
  findPipeline,
  findStage,
  livePipelines,
  liveStages,
  pipelineIdTaken,
  pipelinesOf,
  pipelineTypeOf,
  refuseIfInUse,
  renderPipeline,
  renderStage,
  stageIdTaken,
} from '../pipelineStore';
import { requireSchemaRead, requireSchemaWrite } from '../schemaScopes';
import type { Pipeline, PipelineStage, Portal } from '../store';

const BASE = '/crm/v3/pipelines/:objectType';
const now = () => new Date().toISOString();

/** Either delete-guard flag asks for the usage check (see refuseIfInUse). Parsed strictly, as HubSpot does. */
const validateBeforeDelete = (req: Request) =>
  queryBool(req, 'validateReferencesBeforeDelete') || queryBool(req, 'validateDealStageUsagesBeforeDelete');

function refuseDuplicatePipelineLabel(portal: Portal, type: ObjectTypeInfo, label: string, self?: Pipeline): void {
  const clash = livePipelines(portal, type).find((p) => p !== self && sameLabel(p.label, label));
  if (clash) throw validationError(`A ${type.singular} pipeline labeled '${clash.label}' already exists (id ${clash.id}); pipeline labels must be unique.`);
}

function refuseDuplicateStageLabel(pipeline: Pipeline, label: string, self?: PipelineStage): void {
  const clash = liveStages(pipeline).find((s) => s !== self && sameLabel(s.label, label));
  if (clash) throw validationError(`Pipeline ${pipeline.id} already has a stage labeled '${clash.label}' (id ${clash.id}); stage labels must be unique within a pipeline.`);
}

function refuseTakenStageIds(portal: Portal, type: ObjectTypeInfo, drafts: StageDraft[], ownStages: PipelineStage[] = []): void {
  for (const d of drafts) {
    if (d.stageId !== undefined && !ownStages.some((s) => s.id === d.stageId) && stageIdTaken(portal, type, d.stageId)) {
      throw conflict(`A ${type.singular} stage with id '${d.stageId}' already exists`);
    }
  }
}

const newStage = (portal: Portal, draft: StageDraft, at: string, reserved: string[]): PipelineStage => ({
  id: draft.stageId ?? allocatePipelineId(portal, reserved),
  label: draft.label,
  displayOrder: draft.displayOrder,
  metadata: draft.metadata,
  createdAt: at,
  updatedAt: at,
  archived: false,
});

const customIds = (drafts: StageDraft[]) => drafts.flatMap((d) => (d.stageId !== undefined ? [d.stageId] : []));

/** What a route needs from its path: the portal, the object type and (when present) the pipeline. */
function target(req: Request, res: Response, opts: { write: boolean }) {
  if (opts.write) requireSchemaWrite(res);
  else requireSchemaRead(res);
  const type = pipelineTypeOf(String(req.params.objectType));
  return { portal: portalOf(res), type };
}

function createPipeline(req: Request, res: Response): void {
  const { portal, type } = target(req, res, { write: true });
  const draft = readPipeline(type, bodyObject(req), 'create');
  refuseDuplicatePipelineLabel(portal, type, draft.label);
  if (draft.pipelineId !== undefined && pipelineIdTaken(portal, type, draft.pipelineId)) {
    throw conflict(`A ${type.singular} pipeline with id '${draft.pipelineId}' already exists`);
  }
  refuseTakenStageIds(portal, type, draft.stages);
  const at = now();
  const reserved = [...customIds(draft.stages), ...(draft.pipelineId !== undefined ? [draft.pipelineId] : [])];
  const stages: PipelineStage[] = [];
  for (const d of draft.stages) stages.push(newStage(portal, d, at, [...reserved, ...stages.map((s) => s.id)]));
  const pipeline: Pipeline = {
    id: draft.pipelineId ?? allocatePipelineId(portal, [...reserved, ...stages.map((s) => s.id)]),
    label: draft.label,
    displayOrder: draft.displayOrder,
    stages,
    createdAt: at,
    updatedAt: at,
    archived: false,
  };
  pipelinesOf(portal, type).set(pipeline.id, pipeline);
  auditPipeline(portal, type, pipeline, 'CREATE', `Pipeline '${pipeline.label}' created`);
  for (const s of stages) auditStage(portal, type, pipeline, s, 'CREATE', `Stage '${s.label}' created`);
  res.status(201).json(renderPipeline(pipeline));
}

/**
 * PUT: the body becomes the pipeline. A body stage keeps an existing stage's id when it names it by `stageId` or,
 * without one, carries the label of a live stage — so a read-modify-write that drops the ids does not orphan the
 * records in those stages. Live stages not in the body are deleted, behind the delete-guard flags.
 */
function replacePipeline(req: Request, res: Response): void {
  const { portal, type } = target(req, res, { write: true });
  const pipeline = findPipeline(portal, type, String(req.params.pipelineId));
  const validate = validateBeforeDelete(req);
  const draft = readPipeline(type, bodyObject(req), 'replace');
  refuseDuplicatePipelineLabel(portal, type, draft.label, pipeline);
  refuseTakenStageIds(portal, type, draft.stages, pipeline.stages);
  const live = liveStages(pipeline);
  const matches = draft.stages.map((d) => (d.stageId !== undefined ? pipeline.stages.find((s) => s.id === d.stageId) : undefined));
  draft.stages.forEach((d, i) => {
    if (d.stageId === undefined) matches[i] = live.find((s) => !matches.includes(s) && sameLabel(s.label, d.label));
  });
  const removed = live.filter((s) => !matches.includes(s));
  refuseIfInUse(portal, type, validate, { stageIds: removed.map((s) => s.id) }, `Stage${removed.length === 1 ? '' : 's'} ${removed.map((s) => s.id).join(', ')} of pipeline ${pipeline.id}`);

  const at = now();
  const reserved = customIds(draft.stages);
  const changes: Array<[PipelineStage, 'CREATE' | 'UPDATE' | 'DELETE']> = [];
  draft.stages.forEach((d, i) => {
    const existing = matches[i];
    if (existing) {
      Object.assign(existing, { label: d.label, displayOrder: d.displayOrder, metadata: d.metadata, updatedAt: at, archived: false });
      delete existing.archivedAt;
      changes.push([existing, 'UPDATE']);
    } else {
      const created = newStage(portal, d, at, [...reserved, ...pipeline.stages.map((s) => s.id)]);
      pipeline.stages.push(created);
      changes.push([created, 'CREATE']);
    }
  });
  for (const s of removed) {
    Object.assign(s, { archived: true, archivedAt: at, updatedAt: at });
    changes.push([s, 'DELETE']);
  }
  Object.assign(pipeline, { label: draft.label, displayOrder: draft.displayOrder, updatedAt: at });
  auditPipeline(portal, type, pipeline, 'UPDATE', `Pipeline '${pipeline.label}' replaced`);
  for (const [s, action] of changes) auditStage(portal, type, pipeline, s, action, `Stage '${s.label}' ${action === 'CREATE' ? 'created' : action === 'DELETE' ? 'deleted' : 'replaced'}`);
  res.json(renderPipeline(pipeline));
}

/** `archived` is accepted only as `false` on an archived pipeline — the spec's restore — and is a 400 otherwise. */
function refuseArchivedUnlessRestoring(archived: boolean | undefined, isArchived: boolean, what: string): void {
  if (archived === undefined) return;
  if (archived !== false || !isArchived) {
    throw validationError(`archived may only be sent as false, to restore an archived ${what}; ${what}s are archived with DELETE.`, {
      errors: [{ message: 'archived is only accepted when restoring', in: 'archived', code: 'INVALID_INPUT' }],
    });
  }
}

function updatePipeline(req: Request, res: Response): void {
  const { portal, type } = target(req, res, { write: true });
  validateBeforeDelete(req); // declared by the spec on PATCH; a PATCH deletes nothing, but bad values are still a 400
  const patch = readPipelinePatch(bodyObject(req));
  const pipeline = findPipeline(portal, type, String(req.params.pipelineId), patch.archived !== undefined);
  refuseArchivedUnlessRestoring(patch.archived, pipeline.archived, 'pipeline');
  const restoring = pipeline.archived;
  if (patch.label !== undefined || restoring) refuseDuplicatePipelineLabel(portal, type, patch.label ?? pipeline.label, pipeline);
  const at = now();
  if (patch.label !== undefined) pipeline.label = patch.label;
  if (patch.displayOrder !== undefined) pipeline.displayOrder = patch.displayOrder;
  if (restoring) {
    pipeline.archived = false;
    delete pipeline.archivedAt;
  }
  pipeline.updatedAt = at;
  auditPipeline(portal, type, pipeline, 'UPDATE', `Pipeline '${pipeline.label}' ${restoring ? 'restored' : 'updated'}`);
  res.json(renderPipeline(pipeline));
}

function deletePipeline(req: Request, res: Response): void {
  const { portal, type } = target(req, res, { write: true });
  const pipeline = findPipeline(portal, type, String(req.params.pipelineId));
  refuseIfInUse(portal, type, validateBeforeDelete(req), { pipelineId: pipeline.id, stageIds: pipeline.stages.map((s) => s.id) }, `Pipeline ${pipeline.id}`);
  const at = now();
  Object.assign(pipeline, { archived: true, archivedAt: at, updatedAt: at });
  auditPipeline(portal, type, pipeline, 'DELETE', `Pipeline '${pipeline.label}' deleted`);
  res.status(204).end();
}

function createStage(req: Request, res: Response): void {
  const { portal, type } = target(req, res, { write: true });
  const pipeline = findPipeline(portal, type, String(req.params.pipelineId));
  const problems = new InputProblems();
  const draft = readStage(type, bodyObject(req), '', problems, true);
  problems.throwIfAny(`Invalid ${type.singular} pipeline stage`);
  refuseDuplicateStageLabel(pipeline, draft!.label);
  refuseTakenStageIds(portal, type, [draft!]);
  const at = now();
  const stage = newStage(portal, draft!, at, []);
  pipeline.stages.push(stage);
  pipeline.updatedAt = at;
  auditStage(portal, type, pipeline, stage, 'CREATE', `Stage '${stage.label}' created`);
  res.status(201).json(renderStage(stage));
}

function replaceStage(req: Request, res: Response): void {
  const { portal, type } = target(req, res, { write: true });
  const pipeline = findPipeline(portal, type, String(req.params.pipelineId));
  const stage = findStage(pipeline, String(req.params.stageId));
  const problems = new InputProblems();
  const draft = readStage(type, bodyObject(req), '', problems, false);
  problems.throwIfAny(`Invalid ${type.singular} pipeline stage`);
  refuseDuplicateStageLabel(pipeline, draft!.label, stage);
  const at = now();
  Object.assign(stage, { label: draft!.label, displayOrder: draft!.displayOrder, metadata: draft!.metadata, updatedAt: at });
  pipeline.updatedAt = at;
  auditStage(portal, type, pipeline, stage, 'UPDATE', `Stage '${stage.label}' replaced`);
  res.json(renderStage(stage));
}

function updateStage(req: Request, res: Response): void {
  const { portal, type } = target(req, res, { write: true });
  const pipeline = findPipeline(portal, type, String(req.params.pipelineId));
  const patch = readStagePatch(bodyObject(req));
  const stage = findStage(pipeline, String(req.params.stageId), patch.archived !== undefined);
  refuseArchivedUnlessRestoring(patch.archived, stage.archived, 'stage');
  // Merged metadata; `isClosed` is derived again when the fields it follows from change without it.
  const merged = { ...stage.metadata, ...patch.metadata };
  if (patch.metadata.isClosed === undefined && (patch.metadata.probability !== undefined || patch.metadata.ticketState !== undefined)) delete merged.isClosed;
  const problems = new InputProblems();
  const metadata = normalizeMetadata(type, merged, 'metadata', problems);
  problems.throwIfAny(`Invalid ${type.singular} pipeline stage update`);
  const restoring = stage.archived;
  if (patch.label !== undefined || restoring) refuseDuplicateStageLabel(pipeline, patch.label ?? stage.label, stage);
  const at = now();
  if (patch.label !== undefined) stage.label = patch.label;
  if (patch.displayOrder !== undefined) stage.displayOrder = patch.displayOrder;
  if (restoring) {
    stage.archived = false;
    delete stage.archivedAt;
  }
  Object.assign(stage, { metadata, updatedAt: at });
  pipeline.updatedAt = at;
  auditStage(portal, type, pipeline, stage, 'UPDATE', `Stage '${stage.label}' ${restoring ? 'restored' : 'updated'}`);
  res.json(renderStage(stage));
}

function deleteStage(req: Request, res: Response): void {
  const { portal, type } = target(req, res, { write: true });
  const pipeline = findPipeline(portal, type, String(req.params.pipelineId));
  const stage = findStage(pipeline, String(req.params.stageId));
  refuseIfInUse(portal, type, validateBeforeDelete(req), { stageIds: [stage.id] }, `Stage ${stage.id} of pipeline ${pipeline.id}`);
  if (liveStages(pipeline).length === 1) {
    throw validationError(`Stage ${stage.id} is the last stage of pipeline ${pipeline.id}; a pipeline needs at least one stage.`);
  }
  const at = now();
  Object.assign(stage, { archived: true, archivedAt: at, updatedAt: at });
  pipeline.updatedAt = at;
  auditStage(portal, type, pipeline, stage, 'DELETE', `Stage '${stage.label}' deleted`);
  res.status(204).end();
}

/** Pipelines v3 (crm-pipelines-v3.json): pipelines and stages of deals and tickets, with their audit trails. */
export function pipelineRoutes(): Router {
  const r = Router();
  r.get(BASE, (req, res) => {
    const { portal, type } = target(req, res, { write: false });
    res.json({ results: livePipelines(portal, type).map(renderPipeline) });
  });
  r.post(BASE, createPipeline);
  r.get(`${BASE}/:pipelineId`, (req, res) => {
    const { portal, type } = target(req, res, { write: false });
    res.json(renderPipeline(findPipeline(portal, type, String(req.params.pipelineId))));
  });
  r.put(`${BASE}/:pipelineId`, replacePipeline);
  r.patch(`${BASE}/:pipelineId`, updatePipeline);
  r.delete(`${BASE}/:pipelineId`, deletePipeline);
  r.get(`${BASE}/:pipelineId/audit`, (req, res) => {
    const { portal, type } = target(req, res, { write: false });
    const pipeline = findPipeline(portal, type, String(req.params.pipelineId), true);
    res.json({ results: pipelineAudit(portal, type, pipeline.id) });
  });
  r.get(`${BASE}/:pipelineId/stages`, (req, res) => {
    const { portal, type } = target(req, res, { write: false });
    res.json({ results: liveStages(findPipeline(portal, type, String(req.params.pipelineId))).map(renderStage) });
  });
  r.post(`${BASE}/:pipelineId/stages`, createStage);
  r.get(`${BASE}/:pipelineId/stages/:stageId`, (req, res) => {
    const { portal, type } = target(req, res, { write: false });
    const pipeline = findPipeline(portal, type, String(req.params.pipelineId));
    res.json(renderStage(findStage(pipeline, String(req.params.stageId))));
  });
  r.put(`${BASE}/:pipelineId/stages/:stageId`, replaceStage);
  r.patch(`${BASE}/:pipelineId/stages/:stageId`, updateStage);
  r.delete(`${BASE}/:pipelineId/stages/:stageId`, deleteStage);
  r.get(`${BASE}/:pipelineId/stages/:stageId/audit`, (req, res) => {
    const { portal, type } = target(req, res, { write: false });
    const pipeline = findPipeline(portal, type, String(req.params.pipelineId), true);
    const stage = findStage(pipeline, String(req.params.stageId), true);
    res.json({ results: stageAudit(portal, type, pipeline.id, stage.id) });
  });
  return r;
}
