import type { GatewayContext } from '../src/context';
import type { PipelineDto, StageDto } from '../src/crm/metadataDtos';
import { metadataWrite, type RefusalFields } from '../src/crm/metadataWrite';
import {
  checkPipelineCreate,
  checkPipelineUpdate,
  checkStageCreate,
  checkStageUpdate,
  PIPELINE_OBJECT_TYPES,
  type PipelineObjectTypeName,
} from '../src/crm/pipelineInput';
import type { UserError } from '../src/crm/userErrors';
import type { Resolvers } from '../src/generated/graphql';
import type { Pipeline, PipelineStage } from '../src/hubspot/types';

const asPipeline = (objectType: PipelineObjectTypeName, p: Pipeline): PipelineDto => ({ ...p, objectType });
const asStage = (objectType: PipelineObjectTypeName, pipelineId: string, s: PipelineStage): StageDto => ({ ...s, pipelineId, objectType });

/**
 * Runs one pipeline or stage write, then forgets the type's cached pipelines (and the pipeline/stage property
 * options that list them), so the payload and every later read see HubSpot's new state.
 */
function pipelineWrite<T>(ctx: GatewayContext, objectType: PipelineObjectTypeName, fields: RefusalFields, run: () => Promise<T>) {
  return metadataWrite(run, fields, () => ctx.metadata.invalidatePipelines(objectType));
}

const notFound = (field: string[], message: string): UserError => ({ field, message, code: 'NOT_FOUND' });

/**
 * The pipeline (and stage) a stage mutation names, from the cached pipelines. The cache may predate a change
 * made outside the gateway, so when either is missing the pipelines are read afresh once before saying so.
 */
type Located = { ok: true; pipeline: Pipeline; stage: PipelineStage | undefined } | { ok: false; userError: UserError };

async function locate(ctx: GatewayContext, objectType: PipelineObjectTypeName, pipelineId: string, stageId?: string): Promise<Located> {
  const find = async () => {
    const pipeline = await ctx.metadata.pipeline(objectType, pipelineId);
    return { pipeline, stage: stageId === undefined ? undefined : pipeline?.stages.find((s) => s.id === stageId && !s.archived) };
  };
  let found = await find();
  if (!found.pipeline || (stageId !== undefined && !found.stage)) {
    await ctx.metadata.invalidatePipelines(objectType);
    found = await find();
  }
  if (!found.pipeline) return { ok: false, userError: notFound(['pipelineId'], `The ${objectType} pipeline ${pipelineId} does not exist (or is archived).`) };
  if (stageId !== undefined && !found.stage) return { ok: false, userError: notFound(['stageId'], `Pipeline ${pipelineId} has no stage ${stageId}.`) };
  return { ok: true, pipeline: found.pipeline, stage: found.stage };
}

/** Pipeline and stage mutations (crm pipelines v3): inputs checked before any call, the cache invalidated after. */
export const pipelineMutationResolvers: Resolvers = {
  Mutation: {
    pipelineCreate: async (_root, { objectType, input }, ctx) => {
      const type = PIPELINE_OBJECT_TYPES[objectType];
      const body = checkPipelineCreate(type, input);
      if (!body.ok) return { pipeline: null, userErrors: body.userErrors };
      const r = await pipelineWrite(ctx, type, { notFound: null, invalid: ['input'] }, () => ctx.hubspot.pipelines.create(type, body.value));
      return { pipeline: r.value && asPipeline(type, r.value), userErrors: r.userErrors };
    },

    pipelineUpdate: async (_root, { objectType, id, input }, ctx) => {
      const type = PIPELINE_OBJECT_TYPES[objectType];
      const body = checkPipelineUpdate(input);
      if (!body.ok) return { pipeline: null, userErrors: body.userErrors };
      const r = await pipelineWrite(ctx, type, { notFound: ['id'], invalid: ['input'] }, () => ctx.hubspot.pipelines.update(type, id, body.value));
      return { pipeline: r.value && asPipeline(type, r.value), userErrors: r.userErrors };
    },

    // HubSpot restores with a PATCH of `archived: false`, the only time it accepts that field.
    pipelineRestore: async (_root, { objectType, id }, ctx) => {
      const type = PIPELINE_OBJECT_TYPES[objectType];
      const r = await pipelineWrite(ctx, type, { notFound: ['id'], invalid: ['id'] }, () => ctx.hubspot.pipelines.update(type, id, { archived: false }));
      return { pipeline: r.value && asPipeline(type, r.value), userErrors: r.userErrors };
    },

    pipelineArchive: async (_root, { objectType, id, validateReferences }, ctx) => {
      const type = PIPELINE_OBJECT_TYPES[objectType];
      // Both of HubSpot's guards: references elsewhere, and records still in the pipeline's stages.
      const guards = validateReferences ? { validateReferencesBeforeDelete: true, validateDealStageUsagesBeforeDelete: true } : {};
      const r = await pipelineWrite(ctx, type, { notFound: ['id'], invalid: ['id'] }, () => ctx.hubspot.pipelines.archive(type, id, guards));
      return { archivedId: r.userErrors.length ? null : id, userErrors: r.userErrors };
    },

    pipelineStageCreate: async (_root, { objectType, pipelineId, input }, ctx) => {
      const type = PIPELINE_OBJECT_TYPES[objectType];
      const target = await locate(ctx, type, pipelineId);
      if (!target.ok) return { stage: null, userErrors: [target.userError] };
      const body = checkStageCreate(type, input, target.pipeline);
      if (!body.ok) return { stage: null, userErrors: body.userErrors };
      const r = await pipelineWrite(ctx, type, { notFound: ['pipelineId'], invalid: ['input'] }, () => ctx.hubspot.pipelines.createStage(type, pipelineId, body.value));
      return { stage: r.value && asStage(type, pipelineId, r.value), userErrors: r.userErrors };
    },

    pipelineStageUpdate: async (_root, { objectType, pipelineId, stageId, input }, ctx) => {
      const type = PIPELINE_OBJECT_TYPES[objectType];
      const target = await locate(ctx, type, pipelineId, stageId);
      if (!target.ok) return { stage: null, userErrors: [target.userError] };
      const body = checkStageUpdate(type, input, target.pipeline, target.stage!);
      if (!body.ok) return { stage: null, userErrors: body.userErrors };
      const r = await pipelineWrite(ctx, type, { notFound: ['stageId'], invalid: ['input'] }, () => ctx.hubspot.pipelines.updateStage(type, pipelineId, stageId, body.value));
      return { stage: r.value && asStage(type, pipelineId, r.value), userErrors: r.userErrors };
    },

    pipelineStageArchive: async (_root, { objectType, pipelineId, stageId, validateReferences }, ctx) => {
      const type = PIPELINE_OBJECT_TYPES[objectType];
      const target = await locate(ctx, type, pipelineId, stageId);
      if (!target.ok) return { archivedId: null, pipeline: null, userErrors: [target.userError] };
      const guards = validateReferences ? { validateReferencesBeforeDelete: true } : {};
      const r = await pipelineWrite(ctx, type, { notFound: ['stageId'], invalid: ['stageId'] }, () => ctx.hubspot.pipelines.archiveStage(type, pipelineId, stageId, guards));
      if (r.userErrors.length) return { archivedId: null, pipeline: null, userErrors: r.userErrors };
      // Read after the invalidation: the pipeline as it now is, without the archived stage.
      const pipeline = await ctx.metadata.pipeline(type, pipelineId);
      return { archivedId: stageId, pipeline: pipeline && asPipeline(type, pipeline), userErrors: [] };
    },
  },
};
