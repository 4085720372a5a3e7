import type { PipelineCreateInput, PipelineStageInput, PipelineStageUpdateInput, PipelineUpdateInput, TicketState } from '../generated/graphql';
import type { StageInput } from '../hubspot/pipelines';
import type { Pipeline, PipelineStage } from '../hubspot/types';
import { invalid, refused, type Checked } from './metadataWrite';
import type { UserError } from './userErrors';

/**
 * Checking pipeline and stage mutation inputs before any HubSpot call, and translating them into HubSpot's
 * bodies (crm-pipelines-v3 `PipelineInput`, `PipelinePatchInput`, `PipelineStageInput`, `PipelineStagePatchInput`).
 * What HubSpot would refuse is refused here with a userError naming the input field; the rest is HubSpot's call.
 */

/** The GraphQL `PipelineObjectType` values as HubSpot's object type names. */
export const PIPELINE_OBJECT_TYPES = { DEALS: 'deals', TICKETS: 'tickets' } as const;
export type PipelineObjectTypeName = (typeof PIPELINE_OBJECT_TYPES)[keyof typeof PIPELINE_OBJECT_TYPES];

/** Labels compare as HubSpot's UI shows them: trimmed, case-insensitive. */
export const sameLabel = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Whether `p` is one of 0.0, 0.1, …, 1.0 — allowing float noise such as 0.30000000000000004. */
export function isProbabilityStep(p: number): boolean {
  return Number.isFinite(p) && p >= 0 && p <= 1 && Math.abs(p * 10 - Math.round(p * 10)) < 1e-9;
}

/**
 * A deal stage's metadata: the probability as HubSpot writes it ("0.5"), and `isClosed` — deal stages at 0.0
 * (lost) or 1.0 (won) are closed, as on HubSpot's default stages.
 */
export function dealStageMetadata(probability: number): Record<string, string> {
  const tenths = Math.round(probability * 10);
  return { probability: (tenths / 10).toFixed(1), isClosed: String(tenths === 0 || tenths === 10) };
}

/** A ticket stage's metadata: its state, and `isClosed` for CLOSED. */
export function ticketStageMetadata(ticketState: TicketState): Record<string, string> {
  return { ticketState, isClosed: String(ticketState === 'CLOSED') };
}

type StageMetadataFields = Pick<PipelineStageInput, 'probability' | 'ticketState'>;

/**
 * A stage's probability and ticket state for its object type: deal stages take a probability (0.0–1.0 in steps
 * of 0.1) and no ticket state, ticket stages the reverse. `required` on create; an update may leave both out.
 */
function stageMetadataProblems(objectType: PipelineObjectTypeName, stage: StageMetadataFields, at: string[], required: boolean): UserError[] {
  const problems: UserError[] = [];
  const { probability, ticketState } = stage;
  if (objectType === 'deals') {
    if (ticketState != null) problems.push(invalid([...at, 'ticketState'], 'Deal stages have no ticket state; they take a probability.'));
    if (probability == null) {
      if (required) problems.push(invalid([...at, 'probability'], 'Deal stages need a probability from 0.0 to 1.0 (in steps of 0.1).'));
    } else if (!isProbabilityStep(probability)) {
      problems.push(invalid([...at, 'probability'], `The probability must be from 0.0 to 1.0 in steps of 0.1 (got ${probability}).`));
    }
  } else {
    if (probability != null) problems.push(invalid([...at, 'probability'], 'Ticket stages have no probability; they take a ticketState.'));
    if (ticketState == null && required) problems.push(invalid([...at, 'ticketState'], 'Ticket stages need a ticketState, OPEN or CLOSED.'));
  }
  return problems;
}

/** HubSpot's metadata for a new stage (only called once the fields are known to be valid). */
function newStageMetadata(objectType: PipelineObjectTypeName, stage: StageMetadataFields): Record<string, string> {
  return objectType === 'deals' ? dealStageMetadata(stage.probability!) : ticketStageMetadata(stage.ticketState!);
}

const blankLabel = (label: string | null | undefined) => label != null && label.trim() === '';

/** A stage label: not blank, and not the label of another live stage of the same pipeline. */
function stageLabelProblems(label: string, at: string[], others: ReadonlyArray<{ label: string }>): UserError[] {
  if (blankLabel(label)) return [invalid(at, 'A stage label must not be empty.')];
  const clash = others.find((o) => sameLabel(o.label, label));
  return clash ? [invalid(at, `The pipeline already has a stage labeled '${clash.label}'; stage labels must be unique within a pipeline.`)] : [];
}

const liveStages = (pipeline: Pipeline) => pipeline.stages.filter((s) => !s.archived);

/** `pipelineCreate`: a label, at least one stage, unique stage labels, each stage's metadata right for the type. */
export function checkPipelineCreate(objectType: PipelineObjectTypeName, input: PipelineCreateInput): Checked<{ label: string; displayOrder: number; stages: StageInput[] }> {
  const problems: UserError[] = [];
  if (blankLabel(input.label)) problems.push(invalid(['input', 'label'], 'A pipeline label must not be empty.'));
  if (input.stages.length === 0) problems.push(invalid(['input', 'stages'], 'A pipeline needs at least one stage.'));
  input.stages.forEach((stage, i) => {
    const at = ['input', 'stages', String(i)];
    problems.push(...stageLabelProblems(stage.label, [...at, 'label'], input.stages.slice(0, i)));
    problems.push(...stageMetadataProblems(objectType, stage, at, true));
  });
  if (problems.length) return refused(problems);
  return {
    ok: true,
    value: {
      label: input.label.trim(),
      displayOrder: input.displayOrder,
      stages: input.stages.map((s) => ({ label: s.label.trim(), displayOrder: s.displayOrder, metadata: newStageMetadata(objectType, s) })),
    },
  };
}

/** `pipelineUpdate`: only what is given; a given label must not be blank. */
export function checkPipelineUpdate(input: PipelineUpdateInput): Checked<{ label?: string; displayOrder?: number }> {
  if (blankLabel(input.label)) return refused([invalid(['input', 'label'], 'A pipeline label must not be empty.')]);
  return {
    ok: true,
    value: {
      ...(input.label != null ? { label: input.label.trim() } : {}),
      ...(input.displayOrder != null ? { displayOrder: input.displayOrder } : {}),
    },
  };
}

/** `pipelineStageCreate`: the stage's metadata right for the type, its label new to the pipeline. */
export function checkStageCreate(objectType: PipelineObjectTypeName, input: PipelineStageInput, pipeline: Pipeline): Checked<StageInput> {
  const problems = [...stageLabelProblems(input.label, ['input', 'label'], liveStages(pipeline)), ...stageMetadataProblems(objectType, input, ['input'], true)];
  if (problems.length) return refused(problems);
  return { ok: true, value: { label: input.label.trim(), displayOrder: input.displayOrder, metadata: newStageMetadata(objectType, input) } };
}

/**
 * `pipelineStageUpdate`. HubSpot's PATCH requires the stage's whole metadata, so the change is merged into the
 * stage's current metadata: keys the input does not touch (HubSpot's or an integration's) are sent back as
 * they are, and `isClosed` is derived again only when the probability or ticket state changes.
 */
export function checkStageUpdate(
  objectType: PipelineObjectTypeName,
  input: PipelineStageUpdateInput,
  pipeline: Pipeline,
  stage: PipelineStage,
): Checked<{ label?: string; displayOrder?: number; metadata: Record<string, string> }> {
  const others = liveStages(pipeline).filter((s) => s.id !== stage.id);
  const problems = [
    ...(input.label != null ? stageLabelProblems(input.label, ['input', 'label'], others) : []),
    ...stageMetadataProblems(objectType, input, ['input'], false),
  ];
  if (problems.length) return refused(problems);
  const changed =
    input.probability != null ? dealStageMetadata(input.probability)
    : input.ticketState != null ? ticketStageMetadata(input.ticketState)
    : {};
  return {
    ok: true,
    value: {
      ...(input.label != null ? { label: input.label.trim() } : {}),
      ...(input.displayOrder != null ? { displayOrder: input.displayOrder } : {}),
      metadata: { ...stage.metadata, ...changed },
    },
  };
}
