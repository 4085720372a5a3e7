import { objectTypeOf } from '../../src/emulator/objectTypes';
import { PORTAL_ID, READ_ONLY_TOKEN, startEmulator, type TestEmulator } from '../helpers/emulator';
import { describeWithSpecs } from '../helpers/openapi';

// Pipelines v3 against crm-pipelines-v3.json: every route, valid and invalid input, delete guards and audits.
describeWithSpecs('pipelines contract', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu.close());
  beforeEach(async () => {
    await emu.api('POST', '/__emulator/reset');
  });

  const DEALS = '/crm/v3/pipelines/deals';
  const TICKETS = '/crm/v3/pipelines/tickets';

  const dealStages = (...labels: Array<[string, number]>) =>
    labels.map(([label, probability], displayOrder) => ({ label, displayOrder, metadata: { probability: String(probability) } }));

  async function createDealPipeline(label = 'Renewals', stages = dealStages(['Open', 0.3], ['Won', 1], ['Lost', 0])) {
    const res = await emu.checked('POST', DEALS, { label, displayOrder: 1, stages });
    expect(res.status).toBe(201);
    return res.body;
  }

  /** Puts a record straight into the store, as if created through the objects API. */
  function putRecord(type: string, properties: Record<string, string>): string {
    const portal = emu.state.portal(PORTAL_ID);
    const id = portal.allocateRecordId();
    const at = new Date().toISOString();
    portal.recordsOf(objectTypeOf(type)!).set(id, { id, properties, history: {}, createdAt: at, updatedAt: at, archived: false });
    return id;
  }

  describe('reading', () => {
    test('lists the default deal pipeline with its stages in display order', async () => {
      const res = await emu.checked('GET', DEALS);
      expect(res.status).toBe(200);
      const sales = res.body.results.find((p: { id: string }) => p.id === 'default');
      expect(sales).toMatchObject({ label: 'Sales Pipeline', archived: false, createdAt: new Date(0).toISOString() });
      expect(sales.stages.map((s: { id: string }) => s.id)).toEqual([
        'appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent', 'closedwon', 'closedlost',
      ]);
      expect(sales.stages[5].metadata).toEqual({ isClosed: 'true', probability: '1.0' });
    });

    test('accepts the object type by id and tickets too', async () => {
      const byId = await emu.checked('GET', '/crm/v3/pipelines/0-3');
      expect(byId.body.results.map((p: { id: string }) => p.id)).toContain('default');
      const tickets = await emu.checked('GET', TICKETS);
      expect(tickets.body.results[0]).toMatchObject({ id: '0', label: 'Support Pipeline' });
      expect(tickets.body.results[0].stages[3].metadata).toMatchObject({ ticketState: 'CLOSED' });
    });

    test('reads one pipeline, its stages and one stage', async () => {
      expect((await emu.checked('GET', `${DEALS}/default`)).body.id).toBe('default');
      const stages = await emu.checked('GET', `${DEALS}/default/stages`);
      expect(stages.body.results).toHaveLength(7);
      const stage = await emu.checked('GET', `${DEALS}/default/stages/closedlost`);
      expect(stage.body).toMatchObject({ id: 'closedlost', label: 'Closed Lost', metadata: { probability: '0.0', isClosed: 'true' } });
    });

    test('unknown pipelines and stages are 404; types without pipelines are 400', async () => {
      for (const path of [`${DEALS}/nope`, `${DEALS}/nope/stages`, `${DEALS}/default/stages/nope`, `${DEALS}/nope/audit`, `${DEALS}/default/stages/nope/audit`]) {
        const res = await emu.checked('GET', path);
        expect(res.status).toBe(404);
        expect(res.body.category).toBe('OBJECT_NOT_FOUND');
      }
      const unknown = await emu.checked('GET', '/crm/v3/pipelines/spaceships');
      expect(unknown.status).toBe(400);
      expect(unknown.body.message).toBe('Unable to infer object type from: spaceships');
      const contacts = await emu.checked('GET', '/crm/v3/pipelines/contacts');
      expect(contacts.status).toBe(400);
      expect(contacts.body.message).toMatch(/does not support pipelines/);
    });
  });

  describe('creating', () => {
    test('creates a deal pipeline with numeric ids, normalized probabilities and derived isClosed', async () => {
      const created = await createDealPipeline('Renewals', [
        { label: 'Open', displayOrder: 0, metadata: { probability: '0.30' } },
        // The spec's own description shows a number; it is stored as text.
        { label: 'Won', displayOrder: 1, metadata: { probability: 1 } as unknown as { probability: string } },
        { label: 'Lost', displayOrder: 2, metadata: { probability: '0' } },
      ]);
      expect(created.id).toMatch(/^\d+$/);
      expect(created.createdAt).toBe(created.updatedAt);
      expect(created.stages.map((s: { metadata: object }) => s.metadata)).toEqual([
        { probability: '0.3', isClosed: 'false' },
        { probability: '1.0', isClosed: 'true' },
        { probability: '0.0', isClosed: 'true' },
      ]);
      const ids = [created.id, ...created.stages.map((s: { id: string }) => s.id)];
      expect(new Set(ids).size).toBe(4);
      for (const id of ids) expect(id).toMatch(/^\d+$/);
      const labels = (await emu.checked('GET', DEALS)).body.results.map((p: { label: string }) => p.label);
      expect(labels.indexOf('Renewals')).toBeGreaterThan(labels.indexOf('Sales Pipeline'));
    });

    test('creates a ticket pipeline with caller ids; ticketState defaults to OPEN', async () => {
      const res = await emu.checked('POST', TICKETS, {
        label: 'Escalations',
        displayOrder: 2,
        pipelineId: 'escalations',
        stages: [
          { label: 'Raised', displayOrder: 0, metadata: {}, stageId: 'raised' },
          { label: 'Resolved', displayOrder: 1, metadata: { ticketState: 'CLOSED' } },
        ],
      });
      expect(res.status).toBe(201);
      expect(res.body.id).toBe('escalations');
      expect(res.body.stages[0]).toMatchObject({ id: 'raised', metadata: { ticketState: 'OPEN', isClosed: 'false' } });
      expect(res.body.stages[1].metadata).toEqual({ ticketState: 'CLOSED', isClosed: 'true' });
    });

    test.each([
      ['a missing probability', [{ label: 'A', displayOrder: 0, metadata: {} }], /probability is required/],
      ['a probability above 1', [{ label: 'A', displayOrder: 0, metadata: { probability: '1.5' } }], /between 0.0 and 1.0/],
      ['a probability off the 0.1 grid', [{ label: 'A', displayOrder: 0, metadata: { probability: '0.25' } }], /steps of 0.1/],
      ['a non-numeric probability', [{ label: 'A', displayOrder: 0, metadata: { probability: 'high' } }], /between 0.0 and 1.0/],
      ['a stage without metadata', [{ label: 'A', displayOrder: 0 }], /metadata is required/],
      ['duplicate stage labels', dealStages(['Same', 0.1], ['same ', 0.2]), /stage labels must be unique/],
      ['no stages', [], /at least one stage/],
    ])('refuses a deal pipeline with %s', async (_what, stages, message) => {
      const res = await emu.checked('POST', DEALS, { label: 'Bad', displayOrder: 0, stages });
      expect(res.status).toBe(400);
      expect(res.body.category).toBe('VALIDATION_ERROR');
      expect(res.body.message).toMatch(message);
      expect(res.body.errors[0].in).toBeDefined();
      expect((await emu.api('GET', DEALS)).body.results.map((p: { label: string }) => p.label)).not.toContain('Bad');
    });

    test('names every problem of a body at once', async () => {
      const res = await emu.checked('POST', DEALS, { displayOrder: 'first', stages: [{ label: '', displayOrder: 0, metadata: { probability: '2' } }] });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { in: string }) => e.in)).toEqual(['label', 'displayOrder', 'stages[0].label', 'stages[0].metadata.probability']);
    });

    test('refuses a ticket stage with an unknown ticketState', async () => {
      const res = await emu.checked('POST', TICKETS, { label: 'T', displayOrder: 0, stages: [{ label: 'A', displayOrder: 0, metadata: { ticketState: 'PENDING' } }] });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/ticketState must be OPEN or CLOSED/);
    });

    test('pipeline labels are unique per object type, case-insensitively', async () => {
      const res = await emu.checked('POST', DEALS, { label: 'sales pipeline', displayOrder: 0, stages: dealStages(['A', 0.1]) });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/already exists/);
      // The same label on the other object type is fine.
      const tickets = await emu.checked('POST', TICKETS, { label: 'Sales Pipeline', displayOrder: 0, stages: [{ label: 'A', displayOrder: 0, metadata: {} }] });
      expect(tickets.status).toBe(201);
    });

    test('caller ids already taken are 409 CONFLICT', async () => {
      const pipeline = await emu.checked('POST', DEALS, { label: 'X', displayOrder: 0, pipelineId: 'default', stages: dealStages(['A', 0.1]) });
      expect(pipeline.status).toBe(409);
      expect(pipeline.body.category).toBe('CONFLICT');
      const stage = await emu.checked('POST', DEALS, { label: 'X', displayOrder: 0, stages: [{ label: 'A', displayOrder: 0, metadata: { probability: '0.1' }, stageId: 'closedwon' }] });
      expect(stage.status).toBe(409);
    });

    test('a body that is not a JSON object is a 400', async () => {
      const res = await emu.checked('POST', DEALS, [1, 2]);
      expect(res.status).toBe(400);
      expect(res.body.category).toBe('VALIDATION_ERROR');
    });
  });

  describe('replacing and updating', () => {
    test('PUT replaces label and stages, keeping the ids of stages it names by label', async () => {
      const created = await createDealPipeline();
      const [open, won] = created.stages;
      const res = await emu.checked('PUT', `${DEALS}/${created.id}`, {
        label: 'Renewals 2',
        displayOrder: 5,
        stages: [
          { label: 'Open', displayOrder: 0, metadata: { probability: '0.4' } },
          { label: 'Won', displayOrder: 1, metadata: { probability: '1.0' }, stageId: won.id },
          { label: 'Negotiation', displayOrder: 2, metadata: { probability: '0.7' } },
        ],
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: created.id, label: 'Renewals 2', displayOrder: 5 });
      expect(res.body.stages.map((s: { id: string }) => s.id).slice(0, 2)).toEqual([open.id, won.id]);
      expect(res.body.stages[0].metadata.probability).toBe('0.4');
      expect(res.body.stages[2]).toMatchObject({ label: 'Negotiation', id: expect.stringMatching(/^\d+$/) });
      // "Lost" was not in the body: it is gone.
      expect(res.body.stages).toHaveLength(3);
      expect((await emu.checked('GET', `${DEALS}/${created.id}/stages/${created.stages[2].id}`)).status).toBe(404);
    });

    test('PUT refuses to drop a stage that deals use when asked to validate, and changes nothing', async () => {
      const created = await createDealPipeline();
      const lost = created.stages[2];
      putRecord('deals', { dealname: 'Lost deal', pipeline: created.id, dealstage: lost.id });
      const body = { label: 'Renewals', displayOrder: 1, stages: dealStages(['Open', 0.3], ['Won', 1]) };
      const refused = await emu.checked('PUT', `${DEALS}/${created.id}?validateDealStageUsagesBeforeDelete=true`, body);
      expect(refused.status).toBe(400);
      expect(refused.body.message).toMatch(/in use by 1 deals record;/);
      expect((await emu.checked('GET', `${DEALS}/${created.id}`)).body.stages).toHaveLength(3);
      const forced = await emu.checked('PUT', `${DEALS}/${created.id}`, body);
      expect(forced.status).toBe(200);
      expect(forced.body.stages).toHaveLength(2);
    });

    test('PUT validates like create and 404s unknown pipelines', async () => {
      const created = await createDealPipeline();
      const bad = await emu.checked('PUT', `${DEALS}/${created.id}`, { label: 'X', displayOrder: 0, stages: dealStages(['A', 0.15]) });
      expect(bad.status).toBe(400);
      const clash = await emu.checked('PUT', `${DEALS}/${created.id}`, { label: 'Sales Pipeline', displayOrder: 0, stages: dealStages(['A', 0.1]) });
      expect(clash.status).toBe(400);
      const missing = await emu.checked('PUT', `${DEALS}/nope`, { label: 'X', displayOrder: 0, stages: dealStages(['A', 0.1]) });
      expect(missing.status).toBe(404);
    });

    test('PATCH changes label and display order; a clashing label is a 400', async () => {
      const created = await createDealPipeline();
      const res = await emu.checked('PATCH', `${DEALS}/${created.id}`, { label: 'Upsells', displayOrder: 9 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ label: 'Upsells', displayOrder: 9 });
      expect(res.body.updatedAt >= created.updatedAt).toBe(true);
      const clash = await emu.checked('PATCH', `${DEALS}/${created.id}`, { label: 'SALES PIPELINE' });
      expect(clash.status).toBe(400);
      const badType = await emu.checked('PATCH', `${DEALS}/${created.id}`, { displayOrder: 1.5 });
      expect(badType.status).toBe(400);
      const badFlag = await emu.checked('PATCH', `${DEALS}/${created.id}?validateReferencesBeforeDelete=maybe`, { label: 'Y' });
      expect(badFlag.status).toBe(400);
    });

    test('PATCH archived is only for restoring: 400 otherwise', async () => {
      const created = await createDealPipeline();
      expect((await emu.checked('PATCH', `${DEALS}/${created.id}`, { archived: true })).status).toBe(400);
      expect((await emu.checked('PATCH', `${DEALS}/${created.id}`, { archived: false })).status).toBe(400);
      expect((await emu.checked('DELETE', `${DEALS}/${created.id}`)).status).toBe(204);
      expect((await emu.checked('PATCH', `${DEALS}/${created.id}`, { archived: true })).status).toBe(400);
      // Without `archived`, an archived pipeline is not there.
      expect((await emu.checked('PATCH', `${DEALS}/${created.id}`, { label: 'Z' })).status).toBe(404);
      const restored = await emu.checked('PATCH', `${DEALS}/${created.id}`, { archived: false, label: 'Renewals again' });
      expect(restored.status).toBe(200);
      expect(restored.body).toMatchObject({ archived: false, label: 'Renewals again' });
      expect(restored.body.archivedAt).toBeUndefined();
      expect((await emu.checked('GET', `${DEALS}/${created.id}`)).status).toBe(200);
    });

    test('restoring is refused when a live pipeline took the label meanwhile', async () => {
      const created = await createDealPipeline('Renewals');
      await emu.checked('DELETE', `${DEALS}/${created.id}`);
      await createDealPipeline('Renewals');
      const res = await emu.checked('PATCH', `${DEALS}/${created.id}`, { archived: false });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/already exists/);
    });
  });

  describe('deleting', () => {
    test('DELETE archives: the pipeline is gone from reads, and deleting it again is a 404', async () => {
      const created = await createDealPipeline();
      const res = await emu.checked('DELETE', `${DEALS}/${created.id}`);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect((await emu.checked('GET', `${DEALS}/${created.id}`)).status).toBe(404);
      expect((await emu.checked('GET', DEALS)).body.results.map((p: { id: string }) => p.id)).not.toContain(created.id);
      expect((await emu.checked('DELETE', `${DEALS}/${created.id}`)).status).toBe(404);
    });

    test('validateDealStageUsagesBeforeDelete refuses while deals sit in the pipeline', async () => {
      const created = await createDealPipeline();
      const dealId = putRecord('deals', { dealname: 'Big one', pipeline: created.id, dealstage: created.stages[0].id });
      const refused = await emu.checked('DELETE', `${DEALS}/${created.id}?validateDealStageUsagesBeforeDelete=true`);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ category: 'VALIDATION_ERROR', context: { objectType: ['deals'], records: ['1'] } });
      expect((await emu.checked('GET', `${DEALS}/${created.id}`)).status).toBe(200);
      // Archived records do not count.
      emu.state.portal(PORTAL_ID).recordsOf(objectTypeOf('deals')!).get(dealId)!.archived = true;
      expect((await emu.checked('DELETE', `${DEALS}/${created.id}?validateDealStageUsagesBeforeDelete=true`)).status).toBe(204);
    });

    test('validateReferencesBeforeDelete guards ticket pipelines; without flags the delete goes through', async () => {
      putRecord('tickets', { subject: 'Help', hs_pipeline: '0', hs_pipeline_stage: '2' });
      const refused = await emu.checked('DELETE', `${TICKETS}/0?validateReferencesBeforeDelete=true`);
      expect(refused.status).toBe(400);
      const plain = await emu.checked('DELETE', `${TICKETS}/0?validateReferencesBeforeDelete=false`);
      expect(plain.status).toBe(204);
    });
  });

  describe('stages', () => {
    test('POST adds a stage; label clashes, bad probabilities and taken ids are refused', async () => {
      const created = await createDealPipeline();
      const res = await emu.checked('POST', `${DEALS}/${created.id}/stages`, { label: 'Demo', displayOrder: 1, metadata: { probability: '0.5' } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ label: 'Demo', metadata: { probability: '0.5', isClosed: 'false' }, archived: false });
      const stages = (await emu.checked('GET', `${DEALS}/${created.id}/stages`)).body.results;
      expect(stages.map((s: { label: string }) => s.label)).toEqual(['Open', 'Demo', 'Won', 'Lost']);
      const clash = await emu.checked('POST', `${DEALS}/${created.id}/stages`, { label: 'open', displayOrder: 0, metadata: { probability: '0.5' } });
      expect(clash.status).toBe(400);
      expect(clash.body.message).toMatch(/stage labels must be unique/);
      const bad = await emu.checked('POST', `${DEALS}/${created.id}/stages`, { label: 'Odd', displayOrder: 0, metadata: { probability: '-0.1' } });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].in).toBe('metadata.probability');
      const taken = await emu.checked('POST', `${DEALS}/${created.id}/stages`, { label: 'Dup', displayOrder: 0, metadata: { probability: '0.5' }, stageId: 'closedwon' });
      expect(taken.status).toBe(409);
      const missing = await emu.checked('POST', `${DEALS}/nope/stages`, { label: 'A', displayOrder: 0, metadata: { probability: '0.5' } });
      expect(missing.status).toBe(404);
    });

    test('PUT replaces a stage wholesale, metadata included', async () => {
      const res = await emu.checked('PUT', `${TICKETS}/0/stages/2`, { label: 'Waiting on customer', displayOrder: 7, metadata: { ticketState: 'CLOSED' } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: '2', label: 'Waiting on customer', displayOrder: 7, metadata: { ticketState: 'CLOSED', isClosed: 'true' } });
      const clash = await emu.checked('PUT', `${TICKETS}/0/stages/2`, { label: 'New', displayOrder: 7, metadata: {} });
      expect(clash.status).toBe(400);
      const incomplete = await emu.checked('PUT', `${TICKETS}/0/stages/2`, { label: 'X' });
      expect(incomplete.status).toBe(400);
      expect(incomplete.body.errors.map((e: { in: string }) => e.in)).toEqual(['displayOrder', 'metadata']);
      expect((await emu.checked('PUT', `${TICKETS}/0/stages/99`, { label: 'X', displayOrder: 0, metadata: {} })).status).toBe(404);
    });

    test('PATCH merges metadata (required by the spec) and re-derives isClosed', async () => {
      const res = await emu.checked('PATCH', `${DEALS}/default/stages/contractsent`, { label: 'Contract out', metadata: { probability: '1.0' } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ label: 'Contract out', displayOrder: 4, metadata: { probability: '1.0', isClosed: 'true' } });
      const same = await emu.checked('PATCH', `${DEALS}/default/stages/contractsent`, { displayOrder: 8, metadata: {} });
      expect(same.body).toMatchObject({ displayOrder: 8, metadata: { probability: '1.0', isClosed: 'true' } });
      const noMetadata = await emu.checked('PATCH', `${DEALS}/default/stages/contractsent`, { label: 'X' });
      expect(noMetadata.status).toBe(400);
      expect(noMetadata.body.errors[0]).toMatchObject({ in: 'metadata', code: 'REQUIRED_FIELD' });
      const bad = await emu.checked('PATCH', `${DEALS}/default/stages/contractsent`, { metadata: { probability: '0.33' } });
      expect(bad.status).toBe(400);
      const clash = await emu.checked('PATCH', `${DEALS}/default/stages/contractsent`, { label: 'Closed Won', metadata: {} });
      expect(clash.status).toBe(400);
    });

    test('DELETE archives a stage; PATCH archived=false restores it', async () => {
      const del = await emu.checked('DELETE', `${DEALS}/default/stages/qualifiedtobuy`);
      expect(del.status).toBe(204);
      expect((await emu.checked('GET', `${DEALS}/default/stages/qualifiedtobuy`)).status).toBe(404);
      expect((await emu.checked('GET', `${DEALS}/default`)).body.stages).toHaveLength(6);
      expect((await emu.checked('PATCH', `${DEALS}/default/stages/qualifiedtobuy`, { archived: true, metadata: {} })).status).toBe(400);
      expect((await emu.checked('PATCH', `${DEALS}/default/stages/closedwon`, { archived: false, metadata: {} })).status).toBe(400);
      const restored = await emu.checked('PATCH', `${DEALS}/default/stages/qualifiedtobuy`, { archived: false, metadata: {} });
      expect(restored.status).toBe(200);
      expect(restored.body.archived).toBe(false);
      expect((await emu.checked('GET', `${DEALS}/default`)).body.stages).toHaveLength(7);
    });

    test('DELETE with validateReferencesBeforeDelete refuses while a record sits in the stage', async () => {
      const created = await createDealPipeline();
      const [open, won] = created.stages;
      putRecord('deals', { dealname: 'Pending', pipeline: created.id, dealstage: open.id });
      const refused = await emu.checked('DELETE', `${DEALS}/${created.id}/stages/${open.id}?validateReferencesBeforeDelete=true`);
      expect(refused.status).toBe(400);
      expect(refused.body.message).toBe(`Stage ${open.id} of pipeline ${created.id} is in use by 1 deals record; move them before deleting it.`);
      expect((await emu.checked('GET', `${DEALS}/${created.id}/stages/${open.id}`)).status).toBe(200);
      // Another stage of the same pipeline is free to go.
      expect((await emu.checked('DELETE', `${DEALS}/${created.id}/stages/${won.id}?validateReferencesBeforeDelete=true`)).status).toBe(204);
      // Without the flag HubSpot's v3 deletes regardless.
      expect((await emu.checked('DELETE', `${DEALS}/${created.id}/stages/${open.id}`)).status).toBe(204);
    });

    test('the last stage of a pipeline cannot be deleted', async () => {
      const created = await createDealPipeline('Tiny', dealStages(['Only', 0.5]));
      const res = await emu.checked('DELETE', `${DEALS}/${created.id}/stages/${created.stages[0].id}`);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/at least one stage/);
    });
  });

  describe('audit', () => {
    test('pipeline and stage changes are audited, newest first', async () => {
      const created = await createDealPipeline();
      const stageId = created.stages[0].id;
      await emu.checked('PATCH', `${DEALS}/${created.id}`, { label: 'Renamed' });
      await emu.checked('PATCH', `${DEALS}/${created.id}/stages/${stageId}`, { metadata: { probability: '0.6' } });
      await emu.checked('DELETE', `${DEALS}/${created.id}`);

      const audit = await emu.checked('GET', `${DEALS}/${created.id}/audit`);
      expect(audit.status).toBe(200);
      const actions = audit.body.results.map((e: { action: string; message: string }) => `${e.action} ${e.message}`);
      expect(actions).toEqual([
        "DELETE Pipeline 'Renamed' deleted",
        "UPDATE Stage 'Open' updated",
        "UPDATE Pipeline 'Renamed' updated",
        "CREATE Stage 'Lost' created",
        "CREATE Stage 'Won' created",
        "CREATE Stage 'Open' created",
        "CREATE Pipeline 'Renewals' created",
      ]);
      const newest = audit.body.results[0];
      expect(newest).toMatchObject({ portalId: PORTAL_ID, fromUserId: 0, rawObject: { id: created.id, archived: true } });
      expect(new Set(audit.body.results.map((e: { identifier: string }) => e.identifier)).size).toBe(7);

      const stageAudit = await emu.checked('GET', `${DEALS}/${created.id}/stages/${stageId}/audit`);
      expect(stageAudit.body.results.map((e: { action: string }) => e.action)).toEqual(['UPDATE', 'CREATE']);
      expect(stageAudit.body.results[0].rawObject).toMatchObject({ id: stageId, pipelineId: created.id, metadata: { probability: '0.6' } });
    });

    test('default pipelines start with an empty audit', async () => {
      const res = await emu.checked('GET', `${DEALS}/default/audit`);
      expect(res.body).toEqual({ results: [] });
    });
  });

  describe('scopes', () => {
    test('reads take any scope the spec lists; writes need a schema write scope', async () => {
      // The read-only token holds crm.objects.deals.read, one of the scopes the spec accepts for reads.
      expect((await emu.checked('GET', DEALS, undefined, { token: READ_ONLY_TOKEN })).status).toBe(200);
      const write = await emu.checked('POST', DEALS, { label: 'X', displayOrder: 0, stages: dealStages(['A', 0.1]) }, { token: READ_ONLY_TOKEN });
      expect(write.status).toBe(403);
      expect(write.body.category).toBe('MISSING_SCOPES');
      expect(write.body.errors[0].context.requiredGranularScopes).toContain('crm.schemas.deals.write');
    });

    test('a token with no listed scope cannot read', async () => {
      emu.state.tokens.set('files-only', { token: 'files-only', portalId: PORTAL_ID, scopes: ['files'] });
      const res = await emu.checked('GET', DEALS, undefined, { token: 'files-only' });
      expect(res.status).toBe(403);
      expect(res.body.errors[0].context.requiredGranularScopes).toContain('crm.schemas.deals.read');
    });
  });
});
