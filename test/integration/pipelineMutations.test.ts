import type { CallOutcome } from '../../src/hubspot/client';
import { startGateway, type TestGateway } from '../helpers/gateway';

const ERRORS = 'userErrors { field message code }';
const STAGE = 'id label displayOrder probability ticketState isClosed archived';
const PIPELINE = `id label displayOrder objectType archived stages { ${STAGE} }`;

interface Stage { id: string; label: string; probability: number | null; ticketState: string | null; isClosed: boolean | null }
interface PipelineData { id: string; label: string; stages: Stage[] }

/** Pipeline and stage mutations over real HTTP against the emulator. */
describe('pipeline mutations', () => {
  let gw: TestGateway;
  let n = 0;
  /** Pipeline labels are unique per object type, so every test makes its own. */
  const label = (what: string) => `${what} ${Date.now()}-${n++}`;

  beforeAll(async () => {
    gw = await startGateway({ env: { UPSTREAM_TIMEOUT_MS: '1000' } });
  });
  afterAll(() => gw.close());
  afterEach(() => gw.emulator.api('PUT', '/__emulator/faults', { faults: [] }));

  /** The upstream calls `run` made, and its result. */
  async function during<T>(run: () => Promise<T>): Promise<{ result: T; calls: CallOutcome[]; ops: string[] }> {
    const before = gw.calls.length;
    const result = await run();
    const calls = gw.calls.slice(before);
    return { result, calls, ops: calls.map((c) => `${c.call.method} ${c.call.operation}`) };
  }

  async function pipelines(type: 'DEALS' | 'TICKETS'): Promise<PipelineData[]> {
    const res = await gw.query(`query($t: PipelineObjectType!) { pipelines(objectType: $t) { ${PIPELINE} } }`, { t: type });
    expect(res.body.errors).toBeUndefined();
    return res.body.data.pipelines;
  }

  const CREATE = `mutation($t: PipelineObjectType!, $input: PipelineCreateInput!) { pipelineCreate(objectType: $t, input: $input) { pipeline { ${PIPELINE} } ${ERRORS} } }`;

  async function createDealPipeline(stages = [{ label: 'Open', displayOrder: 0, probability: 0.3 }, { label: 'Won', displayOrder: 1, probability: 1 }]): Promise<PipelineData> {
    const res = await gw.query(CREATE, { t: 'DEALS', input: { label: label('Deals'), displayOrder: 5, stages } });
    expect(res.body.data.pipelineCreate.userErrors).toEqual([]);
    return res.body.data.pipelineCreate.pipeline;
  }

  async function createTicketPipeline(): Promise<PipelineData> {
    const stages = [{ label: 'New', displayOrder: 0, ticketState: 'OPEN' }, { label: 'Done', displayOrder: 1, ticketState: 'CLOSED' }];
    const res = await gw.query(CREATE, { t: 'TICKETS', input: { label: label('Tickets'), displayOrder: 5, stages } });
    expect(res.body.data.pipelineCreate.userErrors).toEqual([]);
    return res.body.data.pipelineCreate.pipeline;
  }

  const stored = async (type: string, pipelineId: string) => (await gw.emulator.api('GET', `/crm/v3/pipelines/${type}/${pipelineId}`)).body;

  describe('pipelineCreate', () => {
    test('a deal pipeline: probabilities round-trip, stored as HubSpot strings, closed at 0.0 and 1.0; pipelines shows it at once', async () => {
      await pipelines('DEALS'); // warm the cache: the mutation must invalidate it
      const stages = [
        { label: 'Lead', displayOrder: 0, probability: 0.1 },
        { label: 'Proposal', displayOrder: 1, probability: 0.5 },
        { label: 'Won', displayOrder: 2, probability: 1.0 },
        { label: 'Lost', displayOrder: 3, probability: 0 },
      ];
      const { result, ops } = await during(() => gw.query(CREATE, { t: 'DEALS', input: { label: label('Sales'), displayOrder: 3, stages } }));
      const p = result.body.data.pipelineCreate;
      expect(p.userErrors).toEqual([]);
      expect(ops).toEqual(['POST /crm/v3/pipelines/{objectType}']);
      expect(p.pipeline).toMatchObject({ objectType: 'DEALS', displayOrder: 3, archived: false });
      expect(p.pipeline.stages.map((s: Stage) => [s.label, s.probability, s.isClosed, s.ticketState])).toEqual([
        ['Lead', 0.1, false, null], ['Proposal', 0.5, false, null], ['Won', 1, true, null], ['Lost', 0, true, null],
      ]);
      const raw = await stored('deals', p.pipeline.id);
      expect(raw.stages.map((s: { metadata: unknown }) => s.metadata)).toEqual([
        { probability: '0.1', isClosed: 'false' }, { probability: '0.5', isClosed: 'false' },
        { probability: '1.0', isClosed: 'true' }, { probability: '0.0', isClosed: 'true' },
      ]);
      expect((await pipelines('DEALS')).find((x) => x.id === p.pipeline.id)?.stages).toHaveLength(4);
    });

    test('a ticket pipeline: ticket states round-trip and decide isClosed', async () => {
      await pipelines('TICKETS');
      const p = await createTicketPipeline();
      expect(p.stages.map((s) => [s.label, s.ticketState, s.isClosed, s.probability])).toEqual([['New', 'OPEN', false, null], ['Done', 'CLOSED', true, null]]);
      expect((await stored('tickets', p.id)).stages.map((s: { metadata: unknown }) => s.metadata)).toEqual([
        { ticketState: 'OPEN', isClosed: 'false' }, { ticketState: 'CLOSED', isClosed: 'true' },
      ]);
      expect((await pipelines('TICKETS')).map((x) => x.id)).toContain(p.id);
    });

    const rejections: Array<[string, 'DEALS' | 'TICKETS', unknown[], string[]]> = [
      ['a deal stage without probability', 'DEALS', [{ label: 'A', displayOrder: 0 }], ['input', 'stages', '0', 'probability']],
      ['a probability above 1.0', 'DEALS', [{ label: 'A', displayOrder: 0, probability: 1.5 }], ['input', 'stages', '0', 'probability']],
      ['a probability below 0.0', 'DEALS', [{ label: 'A', displayOrder: 0, probability: -0.1 }], ['input', 'stages', '0', 'probability']],
      ['a probability off the 0.1 steps', 'DEALS', [{ label: 'A', displayOrder: 0, probability: 0.25 }], ['input', 'stages', '0', 'probability']],
      ['a deal stage with a ticket state', 'DEALS', [{ label: 'A', displayOrder: 0, probability: 0.2, ticketState: 'OPEN' }], ['input', 'stages', '0', 'ticketState']],
      ['a ticket stage without ticket state', 'TICKETS', [{ label: 'A', displayOrder: 0 }], ['input', 'stages', '0', 'ticketState']],
      ['a ticket stage with a probability', 'TICKETS', [{ label: 'A', displayOrder: 0, ticketState: 'OPEN', probability: 0.5 }], ['input', 'stages', '0', 'probability']],
      ['duplicate stage labels (trimmed, any case)', 'DEALS', [{ label: 'Open', displayOrder: 0, probability: 0.1 }, { label: ' open ', displayOrder: 1, probability: 0.2 }], ['input', 'stages', '1', 'label']],
      ['a blank stage label', 'TICKETS', [{ label: '  ', displayOrder: 0, ticketState: 'OPEN' }], ['input', 'stages', '0', 'label']],
      ['no stages', 'DEALS', [], ['input', 'stages']],
    ];
    test.each(rejections)('refuses %s before calling HubSpot', async (_what, type, stages, field) => {
      const { result, ops } = await during(() => gw.query(CREATE, { t: type, input: { label: label('Bad'), displayOrder: 0, stages } }));
      expect(ops).toEqual([]);
      expect(result.body.data.pipelineCreate).toEqual({ pipeline: null, userErrors: [{ field, message: expect.any(String), code: 'INVALID' }] });
    });

    test('every problem of the input is reported at once', async () => {
      const stages = [{ label: 'A', displayOrder: 0 }, { label: 'a', displayOrder: 1, probability: 2, ticketState: 'CLOSED' }];
      const res = await gw.query(CREATE, { t: 'DEALS', input: { label: ' ', displayOrder: 0, stages } });
      expect(res.body.data.pipelineCreate.userErrors.map((u: { field: string[] }) => u.field.join('.'))).toEqual([
        'input.label', 'input.stages.0.probability', 'input.stages.1.label', 'input.stages.1.ticketState', 'input.stages.1.probability',
      ]);
    });

    test('a HubSpot refusal (duplicate pipeline label) is an INVALID userError', async () => {
      const first = await createDealPipeline();
      const res = await gw.query(CREATE, { t: 'DEALS', input: { label: first.label, displayOrder: 0, stages: [{ label: 'A', displayOrder: 0, probability: 0.1 }] } });
      expect(res.body.data.pipelineCreate).toEqual({ pipeline: null, userErrors: [{ field: ['input'], message: expect.stringMatching(/already exists/), code: 'INVALID' }] });
    });

    test('an unanswered create is an UPSTREAM_ERROR userError, not retried', async () => {
      await gw.emulator.api('PUT', '/__emulator/faults', { faults: [{ kind: '503', rate: 1, route: '^/crm/v3/pipelines/deals$', method: 'POST' }] });
      const { result, ops } = await during(() => gw.query(CREATE, { t: 'DEALS', input: { label: label('Flaky'), displayOrder: 0, stages: [{ label: 'A', displayOrder: 0, probability: 0.1 }] } }));
      expect(ops).toEqual(['POST /crm/v3/pipelines/{objectType}']);
      expect(result.body.data.pipelineCreate.userErrors).toEqual([{ field: ['input'], message: expect.stringMatching(/may or may not have been applied/), code: 'UPSTREAM_ERROR' }]);
    });
  });

  describe('pipelineUpdate, pipelineArchive, pipelineRestore', () => {
    const UPDATE = `mutation($id: ID!, $input: PipelineUpdateInput!) { pipelineUpdate(objectType: DEALS, id: $id, input: $input) { pipeline { id label displayOrder stages { id } } ${ERRORS} } }`;
    const ARCHIVE = `mutation($id: ID!, $v: Boolean) { pipelineArchive(objectType: DEALS, id: $id, validateReferences: $v) { archivedId ${ERRORS} } }`;
    const RESTORE = `mutation($id: ID!) { pipelineRestore(objectType: DEALS, id: $id) { pipeline { id label archived stages { label } } ${ERRORS} } }`;

    test('update renames and reorders; the stages are untouched; pipelines shows the new label at once', async () => {
      const p = await createDealPipeline();
      await pipelines('DEALS');
      const newLabel = label('Renamed');
      const res = await gw.query(UPDATE, { id: p.id, input: { label: newLabel, displayOrder: 9 } });
      expect(res.body.data.pipelineUpdate).toEqual({ pipeline: { id: p.id, label: newLabel, displayOrder: 9, stages: p.stages.map((s) => ({ id: s.id })) }, userErrors: [] });
      expect((await pipelines('DEALS')).find((x) => x.id === p.id)?.label).toBe(newLabel);
    });

    test('update: a blank label is refused before calling HubSpot; an unknown pipeline is NOT_FOUND', async () => {
      const { result, ops } = await during(() => gw.query(UPDATE, { id: 'default', input: { label: '' } }));
      expect(ops).toEqual([]);
      expect(result.body.data.pipelineUpdate.userErrors).toEqual([{ field: ['input', 'label'], message: expect.any(String), code: 'INVALID' }]);
      const missing = await gw.query(UPDATE, { id: 'no-such-pipeline', input: { label: 'x' } });
      expect(missing.body.data.pipelineUpdate).toEqual({ pipeline: null, userErrors: [{ field: ['id'], message: expect.any(String), code: 'NOT_FOUND' }] });
    });

    test('archive hides the pipeline at once, restore brings it back with its stages', async () => {
      const p = await createDealPipeline();
      expect((await pipelines('DEALS')).map((x) => x.id)).toContain(p.id);
      const archived = await gw.query(ARCHIVE, { id: p.id });
      expect(archived.body.data.pipelineArchive).toEqual({ archivedId: p.id, userErrors: [] });
      expect((await pipelines('DEALS')).map((x) => x.id)).not.toContain(p.id);
      const restored = await gw.query(RESTORE, { id: p.id });
      expect(restored.body.data.pipelineRestore).toEqual({ pipeline: { id: p.id, label: p.label, archived: false, stages: [{ label: 'Open' }, { label: 'Won' }] }, userErrors: [] });
      expect((await pipelines('DEALS')).map((x) => x.id)).toContain(p.id);
    });

    test('archive: unknown is NOT_FOUND; restoring a live pipeline is refused by HubSpot (INVALID)', async () => {
      const missing = await gw.query(ARCHIVE, { id: 'no-such-pipeline' });
      expect(missing.body.data.pipelineArchive).toEqual({ archivedId: null, userErrors: [{ field: ['id'], message: expect.any(String), code: 'NOT_FOUND' }] });
      const live = await gw.query(RESTORE, { id: 'default' });
      expect(live.body.data.pipelineRestore).toEqual({ pipeline: null, userErrors: [{ field: ['id'], message: expect.any(String), code: 'INVALID' }] });
    });

    test('validateReferences refuses to archive a pipeline deals still use; without it the archive goes through', async () => {
      const p = await createDealPipeline();
      const deal = await gw.emulator.api('POST', '/crm/v3/objects/deals', { properties: { dealname: 'In use', pipeline: p.id, dealstage: p.stages[0]!.id } });
      expect(deal.status).toBe(201);
      const { result, calls } = await during(() => gw.query(ARCHIVE, { id: p.id, v: true }));
      expect(calls.map((c) => c.call.query)).toEqual([{ validateReferencesBeforeDelete: true, validateDealStageUsagesBeforeDelete: true }]);
      expect(result.body.data.pipelineArchive).toEqual({ archivedId: null, userErrors: [{ field: ['id'], message: expect.stringMatching(/in use/), code: 'INVALID' }] });
      expect((await gw.query(ARCHIVE, { id: p.id })).body.data.pipelineArchive.archivedId).toBe(p.id);
    });
  });

  describe('stages', () => {
    const CREATE_STAGE = `mutation($t: PipelineObjectType!, $p: ID!, $input: PipelineStageInput!) {
      pipelineStageCreate(objectType: $t, pipelineId: $p, input: $input) { stage { ${STAGE} pipeline { id stages { label } } } ${ERRORS} } }`;
    const UPDATE_STAGE = `mutation($t: PipelineObjectType!, $p: ID!, $s: ID!, $input: PipelineStageUpdateInput!) {
      pipelineStageUpdate(objectType: $t, pipelineId: $p, stageId: $s, input: $input) { stage { ${STAGE} } ${ERRORS} } }`;
    const ARCHIVE_STAGE = `mutation($t: PipelineObjectType!, $p: ID!, $s: ID!, $v: Boolean) {
      pipelineStageArchive(objectType: $t, pipelineId: $p, stageId: $s, validateReferences: $v) { archivedId pipeline { id stages { id } } ${ERRORS} } }`;

    test('create a deal stage: its pipeline (in the same response) and pipelines list it at once', async () => {
      const p = await createDealPipeline();
      await pipelines('DEALS');
      const res = await gw.query(CREATE_STAGE, { t: 'DEALS', p: p.id, input: { label: 'Negotiation', displayOrder: 1, probability: 0.7 } });
      const { stage, userErrors } = res.body.data.pipelineStageCreate;
      expect(userErrors).toEqual([]);
      expect(stage).toMatchObject({ label: 'Negotiation', probability: 0.7, isClosed: false, ticketState: null, archived: false });
      expect(stage.pipeline.stages.map((s: { label: string }) => s.label)).toEqual(expect.arrayContaining(['Open', 'Negotiation', 'Won']));
      expect((await pipelines('DEALS')).find((x) => x.id === p.id)?.stages.map((s) => s.label)).toContain('Negotiation');
    });

    test('create a ticket stage with its state', async () => {
      const p = await createTicketPipeline();
      const res = await gw.query(CREATE_STAGE, { t: 'TICKETS', p: p.id, input: { label: 'Escalated', displayOrder: 1, ticketState: 'OPEN' } });
      expect(res.body.data.pipelineStageCreate.stage).toMatchObject({ label: 'Escalated', ticketState: 'OPEN', isClosed: false, probability: null });
    });

    test.each([
      ['a label the pipeline already has', 'DEALS', { label: 'OPEN', displayOrder: 3, probability: 0.4 }, ['input', 'label']],
      ['a missing probability', 'DEALS', { label: 'New one', displayOrder: 3 }, ['input', 'probability']],
      ['a ticket state on a deal stage', 'DEALS', { label: 'New one', displayOrder: 3, probability: 0.4, ticketState: 'OPEN' }, ['input', 'ticketState']],
    ])('create refuses %s before calling HubSpot', async (_what, type, input, field) => {
      const p = await createDealPipeline();
      await pipelines('DEALS');
      const { result, ops } = await during(() => gw.query(CREATE_STAGE, { t: type, p: p.id, input }));
      expect(ops).toEqual([]);
      expect(result.body.data.pipelineStageCreate).toEqual({ stage: null, userErrors: [{ field, message: expect.any(String), code: 'INVALID' }] });
    });

    test('create in an unknown pipeline is NOT_FOUND after one fresh read, with no write', async () => {
      await pipelines('TICKETS');
      const { result, ops } = await during(() => gw.query(CREATE_STAGE, { t: 'TICKETS', p: 'nope', input: { label: 'X', displayOrder: 0, ticketState: 'OPEN' } }));
      expect(ops).toEqual(['GET /crm/v3/pipelines/{objectType}']);
      expect(result.body.data.pipelineStageCreate).toEqual({ stage: null, userErrors: [{ field: ['pipelineId'], message: expect.any(String), code: 'NOT_FOUND' }] });
    });

    test('update the probability: stored as a string, isClosed derived again; pipelines shows it at once', async () => {
      const p = await createDealPipeline();
      await pipelines('DEALS');
      const open = p.stages[0]!;
      const { result, ops } = await during(() => gw.query(UPDATE_STAGE, { t: 'DEALS', p: p.id, s: open.id, input: { probability: 0 } }));
      expect(ops).toEqual(['PATCH /crm/v3/pipelines/{objectType}/{pipelineId}/stages/{stageId}']);
      expect(result.body.data.pipelineStageUpdate).toEqual({ stage: expect.objectContaining({ id: open.id, label: 'Open', probability: 0, isClosed: true }), userErrors: [] });
      expect((await stored('deals', p.id)).stages[0].metadata).toEqual({ probability: '0.0', isClosed: 'true' });
      expect((await pipelines('DEALS')).find((x) => x.id === p.id)?.stages[0]).toMatchObject({ probability: 0, isClosed: true });
    });

    test('update the label only: the stage keeps its ticket state and any other metadata', async () => {
      // A pipeline made outside the gateway, with metadata of an integration's own.
      const made = await gw.emulator.api('POST', '/crm/v3/pipelines/tickets', {
        label: label('External'), displayOrder: 1,
        stages: [{ label: 'Open', displayOrder: 0, metadata: { ticketState: 'OPEN' } }, { label: 'Closed', displayOrder: 1, metadata: { ticketState: 'CLOSED', color: 'green' } }],
      });
      const closed = made.body.stages[1];
      const { result, calls } = await during(() => gw.query(UPDATE_STAGE, { t: 'TICKETS', p: made.body.id, s: closed.id, input: { label: 'Resolved', displayOrder: 7 } }));
      expect(result.body.data.pipelineStageUpdate).toEqual({ stage: expect.objectContaining({ label: 'Resolved', displayOrder: 7, ticketState: 'CLOSED', isClosed: true }), userErrors: [] });
      expect(calls.at(-1)!.call.body).toEqual({ label: 'Resolved', displayOrder: 7, metadata: { ticketState: 'CLOSED', isClosed: 'true', color: 'green' } });
      expect((await stored('tickets', made.body.id)).stages[1].metadata).toEqual({ ticketState: 'CLOSED', isClosed: 'true', color: 'green' });
    });

    test('update a ticket state: isClosed follows', async () => {
      const p = await createTicketPipeline();
      const res = await gw.query(UPDATE_STAGE, { t: 'TICKETS', p: p.id, s: p.stages[0]!.id, input: { ticketState: 'CLOSED' } });
      expect(res.body.data.pipelineStageUpdate.stage).toMatchObject({ ticketState: 'CLOSED', isClosed: true });
    });

    test.each([
      ['a probability on a ticket stage', { probability: 0.5 }, ['input', 'probability']],
      ["another stage's label", { label: 'done' }, ['input', 'label']],
      ['a blank label', { label: ' ' }, ['input', 'label']],
    ])('update refuses %s before calling HubSpot', async (_what, input, field) => {
      const p = await createTicketPipeline();
      await pipelines('TICKETS');
      const { result, ops } = await during(() => gw.query(UPDATE_STAGE, { t: 'TICKETS', p: p.id, s: p.stages[0]!.id, input }));
      expect(ops).toEqual([]);
      expect(result.body.data.pipelineStageUpdate).toEqual({ stage: null, userErrors: [{ field, message: expect.any(String), code: 'INVALID' }] });
    });

    test('update refuses a deal probability off the steps; an unknown stage is NOT_FOUND', async () => {
      const p = await createDealPipeline();
      const bad = await gw.query(UPDATE_STAGE, { t: 'DEALS', p: p.id, s: p.stages[0]!.id, input: { probability: 0.55 } });
      expect(bad.body.data.pipelineStageUpdate.userErrors).toEqual([{ field: ['input', 'probability'], message: expect.any(String), code: 'INVALID' }]);
      const missing = await gw.query(UPDATE_STAGE, { t: 'DEALS', p: p.id, s: 'no-such-stage', input: { label: 'x' } });
      expect(missing.body.data.pipelineStageUpdate).toEqual({ stage: null, userErrors: [{ field: ['stageId'], message: expect.any(String), code: 'NOT_FOUND' }] });
    });

    test('archive a stage: the payload and pipelines show the pipeline without it', async () => {
      const p = await createDealPipeline();
      await pipelines('DEALS');
      const [open, won] = p.stages;
      const res = await gw.query(ARCHIVE_STAGE, { t: 'DEALS', p: p.id, s: open!.id });
      expect(res.body.data.pipelineStageArchive).toEqual({ archivedId: open!.id, pipeline: { id: p.id, stages: [{ id: won!.id }] }, userErrors: [] });
      expect((await pipelines('DEALS')).find((x) => x.id === p.id)?.stages.map((s) => s.id)).toEqual([won!.id]);
      // HubSpot keeps a pipeline's last stage.
      const last = await gw.query(ARCHIVE_STAGE, { t: 'DEALS', p: p.id, s: won!.id });
      expect(last.body.data.pipelineStageArchive).toEqual({ archivedId: null, pipeline: null, userErrors: [{ field: ['stageId'], message: expect.stringMatching(/last stage/), code: 'INVALID' }] });
      const gone = await gw.query(ARCHIVE_STAGE, { t: 'DEALS', p: p.id, s: open!.id });
      expect(gone.body.data.pipelineStageArchive.userErrors).toEqual([{ field: ['stageId'], message: expect.any(String), code: 'NOT_FOUND' }]);
    });

    test('archive with validateReferences refuses while deals sit in the stage', async () => {
      const p = await createDealPipeline();
      await gw.emulator.api('POST', '/crm/v3/objects/deals', { properties: { dealname: 'Sitting', pipeline: p.id, dealstage: p.stages[1]!.id } });
      const res = await gw.query(ARCHIVE_STAGE, { t: 'DEALS', p: p.id, s: p.stages[1]!.id, v: true });
      expect(res.body.data.pipelineStageArchive.userErrors).toEqual([{ field: ['stageId'], message: expect.stringMatching(/in use/), code: 'INVALID' }]);
    });
  });
});
