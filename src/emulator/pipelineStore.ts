import { HubSpotHttpError, notFound, validationError } from './errors';
import { objectTypeOf, type ObjectTypeInfo } from './objectTypes';
import type { Pipeline, PipelineStage, Portal } from './store';

/**
 * Lookups over a portal's pipelines, the record properties that point at them, and id allocation.
 * Pipelines are soft-deleted (`archived`), so a deleted pipeline can be restored and its audit still read.
 */

/** The record properties naming a record's pipeline and stage, per object type with pipelines. */
export const PIPELINE_PROPERTIES: Readonly<Record<string, { pipeline: string; stage: string }>> = {
  '0-3': { pipeline: 'pipeline', stage: 'dealstage' },
  '0-5': { pipeline: 'hs_pipeline', stage: 'hs_pipeline_stage' },
};

export const isDeals = (type: ObjectTypeInfo) => type.id === '0-3';

/** The object type of a pipelines path (`deals`, `0-3`, `tickets` …); other types are HubSpot's 400. */
export function pipelineTypeOf(segment: string): ObjectTypeInfo {
  const type = objectTypeOf(segment);
  if (!type) throw validationError(`Unable to infer object type from: ${segment}`);
  if (!PIPELINE_PROPERTIES[type.id]) {
    throw validationError(`Object type ${type.name} (${type.id}) does not support pipelines; deals and tickets do.`);
  }
  return type;
}

export function pipelinesOf(portal: Portal, type: ObjectTypeInfo): Map<string, Pipeline> {
  let map = portal.pipelines.get(type.id);
  if (!map) portal.pipelines.set(type.id, (map = new Map()));
  return map;
}

/** HubSpot's order: by displayOrder, ties alphabetically by label. */
export const byDisplayOrder = (a: { displayOrder: number; label: string }, b: { displayOrder: number; label: string }) =>
  a.displayOrder - b.displayOrder || a.label.localeCompare(b.label);

export const livePipelines = (portal: Portal, type: ObjectTypeInfo): Pipeline[] =>
  [...pipelinesOf(portal, type).values()].filter((p) => !p.archived).sort(byDisplayOrder);

export const liveStages = (pipeline: Pipeline): PipelineStage[] => pipeline.stages.filter((s) => !s.archived).sort(byDisplayOrder);

/** A pipeline by id; archived ones only when asked for (restore, audit), otherwise they are 404 like HubSpot's. */
export function findPipeline(portal: Portal, type: ObjectTypeInfo, pipelineId: string, includeArchived = false): Pipeline {
  const pipeline = pipelinesOf(portal, type).get(pipelineId);
  if (!pipeline || (pipeline.archived && !includeArchived)) {
    throw notFound(`Unable to find pipeline ${pipelineId} for object type ${type.name}${pipeline ? ' (it is archived)' : ''}`);
  }
  return pipeline;
}

export function findStage(pipeline: Pipeline, stageId: string, includeArchived = false): PipelineStage {
  const stage = pipeline.stages.find((s) => s.id === stageId);
  if (!stage || (stage.archived && !includeArchived)) {
    throw notFound(`Unable to find stage ${stageId} in pipeline ${pipeline.id}${stage ? ' (it is archived)' : ''}`);
  }
  return stage;
}

/** Whether an id is taken by a pipeline (archived included) of the type. */
export const pipelineIdTaken = (portal: Portal, type: ObjectTypeInfo, id: string) => pipelinesOf(portal, type).has(id);

/** Whether an id is taken by a stage of any pipeline of the type: stage ids are the values of one enumeration. */
export const stageIdTaken = (portal: Portal, type: ObjectTypeInfo, id: string) =>
  [...pipelinesOf(portal, type).values()].some((p) => p.stages.some((s) => s.id === id));

const nextIds = new WeakMap<Portal, number>();

/**
 * A new numeric id, unique among every pipeline and stage of the portal (HubSpot's ids are numeric strings), and
 * distinct from `reserved` (caller-chosen ids of the body being applied, not stored yet).
 */
export function allocatePipelineId(portal: Portal, reserved: Iterable<string> = []): string {
  const taken = new Set<string>(reserved);
  for (const byId of portal.pipelines.values()) {
    for (const p of byId.values()) {
      taken.add(p.id);
      for (const s of p.stages) taken.add(s.id);
    }
  }
  let next = nextIds.get(portal) ?? 100_000_001;
  while (taken.has(String(next))) next++;
  nextIds.set(portal, next + 1);
  return String(next);
}

/** How many live records of the type sit in a pipeline, or in one of its stages. */
export function recordsUsing(portal: Portal, type: ObjectTypeInfo, where: { pipelineId?: string; stageIds?: string[] }): number {
  const names = PIPELINE_PROPERTIES[type.id]!;
  const stageIds = new Set(where.stageIds ?? []);
  let count = 0;
  for (const record of portal.recordsOf(type).values()) {
    if (record.archived) continue;
    const inPipeline = where.pipelineId !== undefined && record.properties[names.pipeline] === where.pipelineId;
    const inStage = stageIds.has(record.properties[names.stage] ?? '');
    if (inPipeline || inStage) count++;
  }
  return count;
}

/**
 * The delete guard behind `validateReferencesBeforeDelete` and `validateDealStageUsagesBeforeDelete`. HubSpot uses
 * the latter for deals and the former for other types; the emulator knows no references but records, so either
 * flag checks record usage. A pipeline or stage in use is refused with HubSpot's validation error, nothing changed.
 */
export function refuseIfInUse(portal: Portal, type: ObjectTypeInfo, validate: boolean, where: { pipelineId?: string; stageIds?: string[] }, what: string): void {
  if (!validate) return;
  const count = recordsUsing(portal, type, where);
  if (count > 0) {
    throw new HubSpotHttpError(400, 'VALIDATION_ERROR', `${what} is in use by ${count} ${type.name} record${count === 1 ? '' : 's'}; move them before deleting it.`, {
      context: { objectType: [type.name], records: [String(count)] },
    });
  }
}

/** The pipeline as the API shows it: live stages only, in display order; no shared references. */
export function renderPipeline(p: Pipeline) {
  return {
    id: p.id,
    label: p.label,
    displayOrder: p.displayOrder,
    stages: liveStages(p).map(renderStage),
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    archived: p.archived,
    ...(p.archivedAt ? { archivedAt: p.archivedAt } : {}),
  };
}

export function renderStage(s: PipelineStage) {
  return {
    id: s.id,
    label: s.label,
    displayOrder: s.displayOrder,
    metadata: { ...s.metadata },
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    archived: s.archived,
    ...(s.archivedAt ? { archivedAt: s.archivedAt } : {}),
    ...(s.writePermissions ? { writePermissions: s.writePermissions } : {}),
  };
}
