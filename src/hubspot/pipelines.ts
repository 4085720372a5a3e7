import type { HubSpotClient } from './client';
import type { Pipeline, PipelineStage } from './types';

export interface StageInput {
  label: string;
  displayOrder: number;
  metadata: Record<string, string>;
}

export interface AuditEntry {
  portalId: number;
  identifier: string;
  action: string;
  timestamp: string;
  message?: string;
  rawObject?: unknown;
  fromUserId?: number;
}

const base = '/crm/v3/pipelines/{objectType}';
const one = `${base}/{pipelineId}`;
const stage = `${one}/stages/{stageId}`;

/** Pipelines and stages v3 (crm-pipelines-v3.json). */
export class PipelinesApi {
  constructor(private readonly client: HubSpotClient) {}

  list(objectType: string) {
    return this.client.call<{ results: Pipeline[] }>({ method: 'GET', operation: base, params: { objectType }, idempotent: true });
  }
  get(objectType: string, pipelineId: string) {
    return this.client.call<Pipeline>({ method: 'GET', operation: one, params: { objectType, pipelineId }, idempotent: true });
  }
  create(objectType: string, input: { label: string; displayOrder: number; stages: StageInput[] }) {
    return this.client.call<Pipeline>({ method: 'POST', operation: base, params: { objectType }, idempotent: false, body: input });
  }
  replace(objectType: string, pipelineId: string, input: { label: string; displayOrder: number; stages: StageInput[] }) {
    return this.client.call<Pipeline>({ method: 'PUT', operation: one, params: { objectType, pipelineId }, idempotent: true, body: input });
  }
  update(objectType: string, pipelineId: string, input: { label?: string; displayOrder?: number; archived?: boolean }) {
    return this.client.call<Pipeline>({ method: 'PATCH', operation: one, params: { objectType, pipelineId }, idempotent: true, body: input });
  }
  archive(objectType: string, pipelineId: string, opts: { validateReferencesBeforeDelete?: boolean; validateDealStageUsagesBeforeDelete?: boolean } = {}) {
    return this.client.call<void>({ method: 'DELETE', operation: one, params: { objectType, pipelineId }, query: opts, idempotent: true });
  }
  audit(objectType: string, pipelineId: string) {
    return this.client.call<{ results: AuditEntry[] }>({ method: 'GET', operation: `${one}/audit`, params: { objectType, pipelineId }, idempotent: true });
  }
  listStages(objectType: string, pipelineId: string) {
    return this.client.call<{ results: PipelineStage[] }>({ method: 'GET', operation: `${one}/stages`, params: { objectType, pipelineId }, idempotent: true });
  }
  getStage(objectType: string, pipelineId: string, stageId: string) {
    return this.client.call<PipelineStage>({ method: 'GET', operation: stage, params: { objectType, pipelineId, stageId }, idempotent: true });
  }
  createStage(objectType: string, pipelineId: string, input: StageInput) {
    return this.client.call<PipelineStage>({ method: 'POST', operation: `${one}/stages`, params: { objectType, pipelineId }, idempotent: false, body: input });
  }
  replaceStage(objectType: string, pipelineId: string, stageId: string, input: StageInput) {
    return this.client.call<PipelineStage>({ method: 'PUT', operation: stage, params: { objectType, pipelineId, stageId }, idempotent: true, body: input });
  }
  /** HubSpot's PATCH requires `metadata` (send the stage's current one to change only the label). */
  updateStage(objectType: string, pipelineId: string, stageId: string, input: Partial<StageInput> & { metadata: Record<string, string>; archived?: boolean }) {
    return this.client.call<PipelineStage>({ method: 'PATCH', operation: stage, params: { objectType, pipelineId, stageId }, idempotent: true, body: input });
  }
  archiveStage(objectType: string, pipelineId: string, stageId: string, opts: { validateReferencesBeforeDelete?: boolean } = {}) {
    return this.client.call<void>({ method: 'DELETE', operation: stage, params: { objectType, pipelineId, stageId }, query: opts, idempotent: true });
  }
  stageAudit(objectType: string, pipelineId: string, stageId: string) {
    return this.client.call<{ results: AuditEntry[] }>({ method: 'GET', operation: `${stage}/audit`, params: { objectType, pipelineId, stageId }, idempotent: true });
  }
}
