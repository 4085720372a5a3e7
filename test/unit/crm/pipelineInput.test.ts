import {
  checkPipelineCreate,
  checkPipelineUpdate,
  checkStageCreate,
  checkStageUpdate,
  dealStageMetadata,
  isProbabilityStep,
  ticketStageMetadata,
} from '../../../src/crm/pipelineInput';
import type { Checked } from '../../../src/crm/metadataWrite';
import type { Pipeline, PipelineStage } from '../../../src/hubspot/types';

const stage = (id: string, label: string, metadata: Record<string, string>, archived = false): PipelineStage => ({
  id, label, displayOrder: 0, metadata, createdAt: '', updatedAt: '', archived,
});
const pipeline = (stages: PipelineStage[]): Pipeline => ({ id: 'p1', label: 'P', displayOrder: 0, stages, createdAt: '', updatedAt: '', archived: false });

/** The value of an accepted input (fails the test with the userErrors otherwise). */
function accepted<T>(c: Checked<T>): T {
  if (!c.ok) throw new Error(`expected the input to be accepted: ${JSON.stringify(c.userErrors)}`);
  return c.value;
}

/** The `field.path: code` of each userError of a refused input. */
function refusals<T>(c: Checked<T>): string[] {
  if (c.ok) throw new Error(`expected the input to be refused: ${JSON.stringify(c.value)}`);
  return c.userErrors.map((u) => `${(u.field ?? []).join('.')}: ${u.code}`);
}

describe('probabilities', () => {
  test('0.0 to 1.0 in steps of 0.1, float noise allowed', () => {
    for (let i = 0; i <= 10; i++) expect(isProbabilityStep(i / 10)).toBe(true);
    expect(isProbabilityStep(0.1 * 3)).toBe(true); // 0.30000000000000004
    for (const p of [-0.1, 1.1, 0.05, 0.25, 0.99, Number.NaN, Number.POSITIVE_INFINITY]) expect(isProbabilityStep(p)).toBe(false);
  });

  test('written as HubSpot does, one decimal, closed at 0.0 (lost) and 1.0 (won)', () => {
    expect(dealStageMetadata(0.5)).toEqual({ probability: '0.5', isClosed: 'false' });
    expect(dealStageMetadata(0.1 * 3)).toEqual({ probability: '0.3', isClosed: 'false' });
    expect(dealStageMetadata(1)).toEqual({ probability: '1.0', isClosed: 'true' });
    expect(dealStageMetadata(0)).toEqual({ probability: '0.0', isClosed: 'true' });
  });

  test('ticket states decide isClosed', () => {
    expect(ticketStageMetadata('OPEN')).toEqual({ ticketState: 'OPEN', isClosed: 'false' });
    expect(ticketStageMetadata('CLOSED')).toEqual({ ticketState: 'CLOSED', isClosed: 'true' });
  });
});

describe('checkPipelineCreate', () => {
  test("translates stages into HubSpot's metadata, trimming labels", () => {
    expect(accepted(checkPipelineCreate('deals', { label: ' Sales ', displayOrder: 2, stages: [{ label: ' Won ', displayOrder: 0, probability: 1 }] }))).toEqual({
      label: 'Sales', displayOrder: 2, stages: [{ label: 'Won', displayOrder: 0, metadata: { probability: '1.0', isClosed: 'true' } }],
    });
    expect(accepted(checkPipelineCreate('tickets', { label: 'Support', displayOrder: 0, stages: [{ label: 'New', displayOrder: 0, ticketState: 'OPEN' }] })).stages).toEqual([
      { label: 'New', displayOrder: 0, metadata: { ticketState: 'OPEN', isClosed: 'false' } },
    ]);
  });

  test('deal stages: probability required and on the steps, no ticket state', () => {
    const c = checkPipelineCreate('deals', {
      label: 'S', displayOrder: 0,
      stages: [{ label: 'A', displayOrder: 0 }, { label: 'B', displayOrder: 1, probability: 0.45 }, { label: 'C', displayOrder: 2, probability: 0.5, ticketState: 'OPEN' }],
    });
    expect(refusals(c)).toEqual(['input.stages.0.probability: INVALID', 'input.stages.1.probability: INVALID', 'input.stages.2.ticketState: INVALID']);
  });

  test('ticket stages: ticket state required, no probability', () => {
    const c = checkPipelineCreate('tickets', { label: 'T', displayOrder: 0, stages: [{ label: 'A', displayOrder: 0 }, { label: 'B', displayOrder: 1, ticketState: 'CLOSED', probability: 0 }] });
    expect(refusals(c)).toEqual(['input.stages.0.ticketState: INVALID', 'input.stages.1.probability: INVALID']);
  });

  test('at least one stage, labels present and unique (trimmed, any case)', () => {
    expect(refusals(checkPipelineCreate('deals', { label: 'S', displayOrder: 0, stages: [] }))).toEqual(['input.stages: INVALID']);
    const c = checkPipelineCreate('tickets', {
      label: '', displayOrder: 0,
      stages: [{ label: 'Open', displayOrder: 0, ticketState: 'OPEN' }, { label: ' OPEN', displayOrder: 1, ticketState: 'OPEN' }, { label: ' ', displayOrder: 2, ticketState: 'OPEN' }],
    });
    expect(refusals(c)).toEqual(['input.label: INVALID', 'input.stages.1.label: INVALID', 'input.stages.2.label: INVALID']);
  });
});

describe('checkPipelineUpdate', () => {
  test('sends only what is given; a blank label is refused', () => {
    expect(accepted(checkPipelineUpdate({ label: ' New ', displayOrder: null }))).toEqual({ label: 'New' });
    expect(accepted(checkPipelineUpdate({ displayOrder: 0 }))).toEqual({ displayOrder: 0 });
    expect(refusals(checkPipelineUpdate({ label: '  ' }))).toEqual(['input.label: INVALID']);
  });
});

describe('checkStageCreate', () => {
  const existing = pipeline([stage('s1', 'Open', { ticketState: 'OPEN', isClosed: 'false' }), stage('s2', 'Gone', { ticketState: 'OPEN' }, true)]);

  test("a label of a live stage is taken; an archived stage's is free", () => {
    expect(refusals(checkStageCreate('tickets', { label: 'open ', displayOrder: 1, ticketState: 'OPEN' }, existing))).toEqual(['input.label: INVALID']);
    expect(accepted(checkStageCreate('tickets', { label: 'Gone', displayOrder: 1, ticketState: 'CLOSED' }, existing))).toEqual({
      label: 'Gone', displayOrder: 1, metadata: { ticketState: 'CLOSED', isClosed: 'true' },
    });
  });

  test('the metadata rules of the object type apply', () => {
    expect(refusals(checkStageCreate('deals', { label: 'X', displayOrder: 0, probability: 1.2 }, existing))).toEqual(['input.probability: INVALID']);
    expect(refusals(checkStageCreate('tickets', { label: 'X', displayOrder: 0 }, existing))).toEqual(['input.ticketState: INVALID']);
  });
});

describe('checkStageUpdate', () => {
  const won = stage('won', 'Won', { probability: '1.0', isClosed: 'true', color: 'green' });
  const deals = pipeline([stage('open', 'Open', { probability: '0.2', isClosed: 'false' }), won]);

  test('a label change sends the current metadata untouched', () => {
    expect(accepted(checkStageUpdate('deals', { label: 'Closed won' }, deals, won))).toEqual({
      label: 'Closed won', metadata: { probability: '1.0', isClosed: 'true', color: 'green' },
    });
  });

  test('a probability change re-derives isClosed and keeps other keys', () => {
    expect(accepted(checkStageUpdate('deals', { probability: 0.9, displayOrder: 3 }, deals, won))).toEqual({
      displayOrder: 3, metadata: { probability: '0.9', isClosed: 'false', color: 'green' },
    });
  });

  test("a ticket state change re-derives isClosed", () => {
    const open = stage('t1', 'New', { ticketState: 'OPEN', isClosed: 'false' });
    expect(accepted(checkStageUpdate('tickets', { ticketState: 'CLOSED' }, pipeline([open]), open)).metadata).toEqual({ ticketState: 'CLOSED', isClosed: 'true' });
  });

  test("its own label is fine, a sibling's is not; wrong metadata for the type is refused", () => {
    expect(accepted(checkStageUpdate('deals', { label: 'WON' }, deals, won)).label).toBe('WON');
    expect(refusals(checkStageUpdate('deals', { label: 'open' }, deals, won))).toEqual(['input.label: INVALID']);
    expect(refusals(checkStageUpdate('deals', { ticketState: 'OPEN', probability: 0.33 }, deals, won))).toEqual(['input.ticketState: INVALID', 'input.probability: INVALID']);
    expect(refusals(checkStageUpdate('tickets', { probability: 0.5 }, deals, won))).toEqual(['input.probability: INVALID']);
  });
});
