import { InputProblems, isJsonObject, readBool, readInt, readString, type JsonObject } from './inputProblems';
import type { ObjectTypeInfo } from './objectTypes';
import { isDeals } from './pipelineStore';

/**
 * Reading and checking pipeline and stage bodies (crm-pipelines-v3 `PipelineInput`, `PipelineStageInput` and their
 * Replace/Patch forms) into drafts the routes apply only once everything is valid.
 */

export interface StageDraft {
  /** A caller-chosen id (`stageId`), only on create. */
  stageId?: string;
  label: string;
  displayOrder: number;
  metadata: Record<string, string>;
}

export interface PipelineDraft {
  pipelineId?: string;
  label: string;
  displayOrder: number;
  stages: StageDraft[];
}

export interface StagePatch {
  label?: string;
  displayOrder?: number;
  /** Keys to set on the stage's metadata (the spec requires the field; `{}` changes nothing). */
  metadata: Record<string, string>;
  archived?: boolean;
}

const TICKET_STATES = ['OPEN', 'CLOSED'];
/** Caller-chosen ids end up in URLs and enumeration values, so no whitespace or URL delimiters. */
const CUSTOM_ID = /^[^\s/?#%]{1,100}$/;

/** Labels compare as HubSpot's UI shows them: trimmed, case-insensitive. */
export const sameLabel = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Metadata values are strings in the spec; numbers and booleans (e.g. `probability: 0.5`) are taken as text. */
function metadataStrings(raw: unknown, at: string, problems: InputProblems): Record<string, string> | undefined {
  if (!isJsonObject(raw)) {
    problems.add(at, `${at} must be an object of string values`, 'INVALID_TYPE');
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else problems.add(`${at}.${k}`, `${at}.${k} must be a string`, 'INVALID_TYPE');
  }
  return out;
}

/**
 * The metadata rules per object type. Deal stages need `probability` from 0.0 to 1.0 in steps of 0.1 (stored as
 * `0.0`…`1.0`); ticket stages may set `ticketState` OPEN or CLOSED (OPEN when absent). `isClosed`, when not given,
 * follows from them: deals at 0.0 (lost) or 1.0 (won), tickets in state CLOSED — as on HubSpot's default stages.
 */
export function normalizeMetadata(type: ObjectTypeInfo, metadata: Record<string, string>, at: string, problems: InputProblems): Record<string, string> {
  const out = { ...metadata };
  if (isDeals(type)) {
    const raw = out.probability;
    const p = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
    if (raw === undefined) problems.add(`${at}.probability`, `${at}.probability is required for deal stages`, 'REQUIRED_FIELD');
    else if (!Number.isFinite(p) || p < 0 || p > 1 || Math.abs(p * 10 - Math.round(p * 10)) > 1e-9) {
      problems.add(`${at}.probability`, `${at}.probability must be between 0.0 and 1.0 in steps of 0.1 (got '${raw}')`, 'INVALID_PROBABILITY');
    } else out.probability = p.toFixed(1);
    if (out.isClosed === undefined && Number.isFinite(p)) out.isClosed = String(p === 0 || p === 1);
  } else {
    const state = out.ticketState ?? 'OPEN';
    if (!TICKET_STATES.includes(state)) {
      problems.add(`${at}.ticketState`, `${at}.ticketState must be OPEN or CLOSED (got '${state}')`, 'INVALID_TICKET_STATE');
    }
    out.ticketState = state;
    if (out.isClosed === undefined) out.isClosed = String(state === 'CLOSED');
  }
  if (out.isClosed !== undefined && out.isClosed !== 'true' && out.isClosed !== 'false') {
    problems.add(`${at}.isClosed`, `${at}.isClosed must be true or false`, 'INVALID_TYPE');
  }
  return out;
}

/** `at.key`, or just `key` for a stage that is the whole body. */
const field = (at: string, key: string) => (at ? `${at}.${key}` : key);

/** One stage of a create/replace body (`at` = its place in the body, '' for a whole body); `allowId` where the schema has `stageId`. */
export function readStage(type: ObjectTypeInfo, raw: unknown, at: string, problems: InputProblems, allowId: boolean): StageDraft | undefined {
  if (!isJsonObject(raw)) {
    problems.add(at || undefined, `${at || 'the stage'} must be an object`, 'INVALID_TYPE');
    return undefined;
  }
  const before = problems.count;
  const label = readString(raw, 'label', problems, { required: true, at: field(at, 'label') });
  const displayOrder = readInt(raw, 'displayOrder', problems, { required: true, at: field(at, 'displayOrder') });
  const stageId = allowId ? readCustomId(raw, 'stageId', field(at, 'stageId'), problems) : undefined;
  let metadata: Record<string, string> | undefined;
  const metadataAt = field(at, 'metadata');
  if (raw.metadata === undefined || raw.metadata === null) problems.add(metadataAt, `${metadataAt} is required`, 'REQUIRED_FIELD');
  else {
    const strings = metadataStrings(raw.metadata, metadataAt, problems);
    if (strings) metadata = normalizeMetadata(type, strings, metadataAt, problems);
  }
  if (problems.count > before) return undefined;
  return { label: label!.trim(), displayOrder: displayOrder!, metadata: metadata!, ...(stageId !== undefined ? { stageId } : {}) };
}

function readCustomId(body: JsonObject, key: string, at: string, problems: InputProblems): string | undefined {
  const id = readString(body, key, problems, { at });
  if (id !== undefined && !CUSTOM_ID.test(id)) problems.add(at, `${at} must be 1 to 100 characters without spaces, '/', '?', '#' or '%'`, 'INVALID_ID');
  return id;
}

/** Stage labels (and caller-chosen ids) must be unique within the body. */
function checkStagesUnique(stages: StageDraft[], problems: InputProblems): void {
  stages.forEach((s, i) => {
    if (stages.findIndex((o) => sameLabel(o.label, s.label)) < i) {
      problems.add(`stages[${i}].label`, `stage label '${s.label}' is used more than once; stage labels must be unique within a pipeline`, 'DUPLICATE_LABEL');
    }
    if (s.stageId !== undefined && stages.findIndex((o) => o.stageId === s.stageId) < i) {
      problems.add(`stages[${i}].stageId`, `stage id '${s.stageId}' is used more than once`, 'DUPLICATE_ID');
    }
  });
}

/** A pipeline create (`PipelineInput`) or replace (`PipelineReplaceInput`, which has no `pipelineId`) body. */
export function readPipeline(type: ObjectTypeInfo, body: JsonObject, mode: 'create' | 'replace'): PipelineDraft {
  const problems = new InputProblems();
  const label = readString(body, 'label', problems, { required: true });
  const displayOrder = readInt(body, 'displayOrder', problems, { required: true });
  const pipelineId = mode === 'create' ? readCustomId(body, 'pipelineId', 'pipelineId', problems) : undefined;
  const stages: StageDraft[] = [];
  if (body.stages === undefined || body.stages === null) problems.add('stages', 'stages is required', 'REQUIRED_FIELD');
  else if (!Array.isArray(body.stages)) problems.add('stages', 'stages must be an array', 'INVALID_TYPE');
  else if (body.stages.length === 0) problems.add('stages', 'a pipeline needs at least one stage', 'REQUIRED_FIELD');
  else {
    body.stages.forEach((raw, i) => {
      const stage = readStage(type, raw, `stages[${i}]`, problems, true);
      if (stage) stages.push(stage);
    });
    checkStagesUnique(stages, problems);
  }
  problems.throwIfAny(`Invalid ${type.name} pipeline`);
  return { label: label!.trim(), displayOrder: displayOrder!, stages, ...(pipelineId !== undefined ? { pipelineId } : {}) };
}

/** A pipeline PATCH body (`PipelinePatchInput`): label, displayOrder and — for restoring only — archived. */
export function readPipelinePatch(body: JsonObject): { label?: string; displayOrder?: number; archived?: boolean } {
  const problems = new InputProblems();
  const label = readString(body, 'label', problems);
  if (label !== undefined && label.trim() === '') problems.add('label', 'label must not be empty', 'REQUIRED_FIELD');
  const displayOrder = readInt(body, 'displayOrder', problems);
  const archived = readBool(body, 'archived', problems);
  problems.throwIfAny('Invalid pipeline update');
  return {
    ...(label !== undefined ? { label: label.trim() } : {}),
    ...(displayOrder !== undefined ? { displayOrder } : {}),
    ...(archived !== undefined ? { archived } : {}),
  };
}

/** A stage PATCH body (`PipelineStagePatchInput`); metadata is required by the spec and merged into the stage's. */
export function readStagePatch(body: JsonObject): StagePatch {
  const problems = new InputProblems();
  const label = readString(body, 'label', problems);
  if (label !== undefined && label.trim() === '') problems.add('label', 'label must not be empty', 'REQUIRED_FIELD');
  const displayOrder = readInt(body, 'displayOrder', problems);
  const archived = readBool(body, 'archived', problems);
  let metadata: Record<string, string> = {};
  if (body.metadata === undefined || body.metadata === null) problems.add('metadata', 'metadata is required', 'REQUIRED_FIELD');
  else metadata = metadataStrings(body.metadata, 'metadata', problems) ?? {};
  problems.throwIfAny('Invalid pipeline stage update');
  return {
    metadata,
    ...(label !== undefined ? { label: label.trim() } : {}),
    ...(displayOrder !== undefined ? { displayOrder } : {}),
    ...(archived !== undefined ? { archived } : {}),
  };
}
