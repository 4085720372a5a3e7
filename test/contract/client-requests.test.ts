import { HubSpotClient } from '../../src/hubspot/client';
import { Transport } from '../../src/hubspot/transport';
import { startEmulator, TOKEN, type TestEmulator } from '../helpers/emulator';
import { describeWithSpecs, requestProblems } from '../helpers/openapi';

/**
 * Every method of the REST client, driven against the emulator; then every request body it sent (from the
 * emulator's request log) is checked against the spec's request schema, and none may have been refused. (The
 * answers are checked against the response schemas by the emulator's own contract tests.)
 */
describeWithSpecs('REST client requests match the spec', () => {
  let emu: TestEmulator;
  let transport: Transport;
  let hs: HubSpotClient;

  beforeAll(async () => {
    emu = await startEmulator();
    transport = new Transport({ baseUrl: emu.url, connections: 4, timeoutMs: 5_000 });
    hs = new HubSpotClient({ transport, credential: () => TOKEN });
  });
  afterAll(async () => {
    await transport.close();
    await emu.close();
  });

  test('every client method sends spec-valid requests and gets spec-valid answers', async () => {
    const stamp = Date.now();
    // Objects
    const a = await hs.objects.create('contacts', { email: `a${stamp}@example.com`, firstname: 'Ada' });
    const b = await hs.objects.create('contacts', { email: `b${stamp}@example.com`, firstname: 'Bob' });
    const co = await hs.objects.create('companies', { name: 'Acme', domain: `acme${stamp}.example` }, [
      { to: { id: a.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 280 }] },
    ]);
    await hs.objects.list('contacts', { limit: 5, properties: ['email'], associations: ['companies'] });
    await hs.objects.get('contacts', a.id, { properties: ['email', 'firstname'], propertiesWithHistory: ['firstname'] });
    await hs.objects.get('contacts', `a${stamp}@example.com`, { idProperty: 'email' });
    await hs.objects.update('contacts', a.id, { lastname: 'Lovelace' });
    await hs.objects.batchRead('contacts', [a.id, b.id], { properties: ['email'] });
    const created = await hs.objects.batchCreate('contacts', [{ properties: { email: `c${stamp}@example.com` } }, { properties: { email: `d${stamp}@example.com` } }]);
    await hs.objects.batchUpdate('contacts', created.results.map((r) => ({ id: r.id, properties: { jobtitle: 'Engineer' } })));
    await hs.objects.batchUpsert('contacts', [{ id: `e${stamp}@example.com`, idProperty: 'email', properties: { firstname: 'Eve' } }]);
    await hs.objects.search('contacts', { filterGroups: [{ filters: [{ propertyName: 'firstname', operator: 'EQ', value: 'Ada' }] }], properties: ['email'], limit: 10 });
    await hs.objects.merge('contacts', a.id, b.id);
    await hs.objects.batchArchive('contacts', [created.results[0]!.id]);
    await hs.objects.archive('contacts', created.results[1]!.id);
    await hs.objects.gdprDeleteContact(`e${stamp}@example.com`, 'email');
    // Associations
    const d = await hs.objects.create('deals', { dealname: 'Big deal', pipeline: 'default', dealstage: 'appointmentscheduled' });
    await hs.associations.create('deals', d.id, 'companies', co.id, [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 341 }]);
    await hs.associations.createDefault('deals', d.id, 'contacts', a.id);
    await hs.associations.list('deals', d.id, 'companies', { limit: 10 });
    await hs.associations.batchRead('deals', 'companies', [{ id: d.id }]);
    await hs.associations.batchCreate('companies', 'contacts', [{ from: { id: co.id }, to: { id: a.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 280 }] }]);
    await hs.associations.batchCreateDefault('companies', 'deals', [{ from: { id: co.id }, to: { id: d.id } }]);
    const label = await hs.associations.createLabel('contacts', 'companies', { label: `Partner ${stamp}`, name: `partner_${stamp}` });
    const typeId = label.results[0]!.typeId;
    await hs.associations.updateLabel('contacts', 'companies', { associationTypeId: typeId, label: `Partner+ ${stamp}` });
    await hs.associations.listLabels('contacts', 'companies');
    await hs.associations.batchCreate('contacts', 'companies', [{ from: { id: a.id }, to: { id: co.id }, types: [{ associationCategory: 'USER_DEFINED', associationTypeId: typeId }] }]);
    await hs.associations.batchArchiveLabels('contacts', 'companies', [{ from: { id: a.id }, to: { id: co.id }, types: [{ associationCategory: 'USER_DEFINED', associationTypeId: typeId }] }]);
    await hs.associations.deleteLabel('contacts', 'companies', typeId);
    await hs.associations.batchArchive('companies', 'deals', [{ from: { id: co.id }, to: [{ id: d.id }] }]);
    await hs.associations.archive('deals', d.id, 'contacts', a.id);
    // Pipelines
    const p = await hs.pipelines.create('deals', {
      label: `Renewals ${stamp}`, displayOrder: 5,
      stages: [{ label: 'Open', displayOrder: 0, metadata: { probability: '0.5' } }, { label: 'Won', displayOrder: 1, metadata: { probability: '1.0' } }],
    });
    await hs.pipelines.list('deals');
    await hs.pipelines.get('deals', p.id);
    await hs.pipelines.update('deals', p.id, { label: `Renewals 2 ${stamp}` });
    await hs.pipelines.replace('deals', p.id, { label: `Renewals 3 ${stamp}`, displayOrder: 6, stages: [{ label: 'Only', displayOrder: 0, metadata: { probability: '0.1' } }] });
    const s = await hs.pipelines.createStage('deals', p.id, { label: 'Later', displayOrder: 2, metadata: { probability: '0.3' } });
    await hs.pipelines.listStages('deals', p.id);
    await hs.pipelines.getStage('deals', p.id, s.id);
    await hs.pipelines.updateStage('deals', p.id, s.id, { label: 'Later still', metadata: { probability: '0.3' } });
    await hs.pipelines.replaceStage('deals', p.id, s.id, { label: 'Much later', displayOrder: 3, metadata: { probability: '0.2' } });
    await hs.pipelines.stageAudit('deals', p.id, s.id);
    await hs.pipelines.archiveStage('deals', p.id, s.id);
    await hs.pipelines.audit('deals', p.id);
    await hs.pipelines.archive('deals', p.id);
    // Properties
    const groupName = `grp_${stamp}`;
    await hs.properties.createGroup('contacts', { name: groupName, label: 'Group', displayOrder: 1 });
    await hs.properties.updateGroup('contacts', groupName, { label: 'Group 2' });
    await hs.properties.getGroup('contacts', groupName);
    await hs.properties.listGroups('contacts');
    const propName = `favourite_colour_${stamp}`;
    await hs.properties.create('contacts', {
      name: propName, label: 'Favourite colour', type: 'enumeration', fieldType: 'select', groupName,
      options: [{ label: 'Red', value: 'red', hidden: false, displayOrder: 0 }, { label: 'Blue', value: 'blue', hidden: false, displayOrder: 1 }],
    });
    await hs.properties.get('contacts', propName);
    await hs.properties.update('contacts', propName, { label: 'Favourite color' });
    await hs.properties.list('contacts');
    await hs.properties.batchCreate('contacts', [{ name: `${propName}_b`, label: 'B', type: 'string', fieldType: 'text', groupName }]);
    await hs.properties.batchRead('contacts', [propName, `${propName}_b`]);
    await hs.properties.batchArchive('contacts', [`${propName}_b`]);
    await hs.properties.archive('contacts', propName);
    await hs.properties.archiveGroup('contacts', groupName);
    // Owners and account
    const owners = await hs.owners.list({ limit: 10 });
    if (owners.results[0]) await hs.owners.get(owners.results[0].id);
    await hs.account.details();
    await hs.account.dailyUsage();

    const log = (await emu.api('GET', '/__emulator/requests')).body.results as Array<{ method: string; path: string; status: number; requestBody?: unknown }>;
    const problems = log.flatMap((entry) => (entry.requestBody === undefined ? [] : requestProblems(entry.method, entry.path, entry.requestBody)));
    expect(problems).toEqual([]);
    expect(log.filter((e) => e.status >= 400)).toEqual([]);
    expect(log.length).toBeGreaterThan(60);
  });
});
