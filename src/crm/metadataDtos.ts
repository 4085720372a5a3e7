import type { Pipeline, PipelineStage } from '../hubspot/types';

/** A pipeline as resolvers pass it on: HubSpot's shape plus the object type it belongs to. */
export type PipelineDto = Pipeline & { objectType: 'deals' | 'tickets' };

/** A stage plus where it lives, so `stage.pipeline` needs no search. */
export type StageDto = PipelineStage & { pipelineId: string; objectType: 'deals' | 'tickets' };
