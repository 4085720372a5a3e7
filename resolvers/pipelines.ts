import type { Resolvers } from '../src/generated/graphql';
import type { PipelineDto, StageDto } from '../src/crm/metadataDtos';

const TYPES = { DEALS: 'deals', TICKETS: 'tickets' } as const;
const ENUM = { deals: 'DEALS', tickets: 'TICKETS' } as const;

/** Pipelines and stages (crm pipelines v3), read through the per-portal metadata cache. */
export const pipelineResolvers: Resolvers = {
  Query: {
    pipelines: async (_root, { objectType }, { metadata }) =>
      (await metadata.pipelines(TYPES[objectType])).map((p): PipelineDto => ({ ...p, objectType: TYPES[objectType] })),
    pipeline: async (_root, { objectType, id }, { metadata }) => {
      const p = await metadata.pipeline(TYPES[objectType], id);
      return p && { ...p, objectType: TYPES[objectType] };
    },
  },
  Pipeline: {
    objectType: (p) => ENUM[p.objectType],
    stages: (p) => [...p.stages].sort((a, b) => a.displayOrder - b.displayOrder).map((s): StageDto => ({ ...s, pipelineId: p.id, objectType: p.objectType })),
  },
  PipelineStage: {
    probability: (s) => (s.metadata.probability !== undefined && Number.isFinite(Number(s.metadata.probability)) ? Number(s.metadata.probability) : null),
    ticketState: (s) => (s.metadata.ticketState === 'OPEN' || s.metadata.ticketState === 'CLOSED' ? s.metadata.ticketState : null),
    isClosed: (s) => (s.metadata.isClosed === undefined ? null : s.metadata.isClosed === 'true'),
    pipeline: async (s, _args, { metadata }) => {
      const p = await metadata.pipeline(s.objectType, s.pipelineId);
      if (!p) throw new Error(`pipeline ${s.pipelineId} of stage ${s.id} vanished`);
      return { ...p, objectType: s.objectType };
    },
  },
};
