import type { Pipeline, PipelineStage, Property, PropertyGroup } from '../hubspot/types';

/** A pipeline as resolvers pass it on: HubSpot's shape plus the object type it belongs to. */
export type PipelineDto = Pipeline & { objectType: 'deals' | 'tickets' };

/** A stage plus where it lives, so `stage.pipeline` needs no search. */
export type StageDto = PipelineStage & { pipelineId: string; objectType: 'deals' | 'tickets' };

/** A property definition plus its object type (canonical name), so `group` can find its group. */
export type PropertyDefinitionDto = Property & { objectType: string };

/** A property group plus its object type, so `properties` can list its members. */
export type PropertyGroupDto = PropertyGroup & { objectType: string };
