import type { Owner } from '../../src/emulator/store';
import { PORTAL_ID, READ_ONLY_TOKEN, startEmulator, type TestEmulator } from '../helpers/emulator';
import { describeWithSpecs } from '../helpers/openapi';

// Properties v3 against crm-properties-v3.json: every route, valid and invalid input, batches and groups.
describeWithSpecs('properties contract', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu.close());
  beforeEach(async () => {
    await emu.api('POST', '/__emulator/reset');
  });

  const CONTACTS = '/crm/v3/properties/contacts';
  const at = new Date(0).toISOString();
  const owner = (id: string, firstName: string, archived = false): Owner => ({
    id, email: `${firstName.toLowerCase()}@example.com`, firstName, lastName: 'Tester', userId: Number(id) + 1000,
    userIdIncludingInactive: Number(id) + 1000, type: 'PERSON', teams: [], createdAt: at, updatedAt: at, archived,
  });

  const textProperty = (name: string, extra: Record<string, unknown> = {}) => ({
    name, label: `Label of ${name}`, type: 'string', fieldType: 'text', groupName: 'contactinformation', ...extra,
  });
  const colorOptions = [
    { label: 'Red', value: 'red', hidden: false, displayOrder: 0 },
    { label: 'Blue', value: 'blue', hidden: false, displayOrder: 1 },
  ];

  async function create(body: unknown, path = CONTACTS) {
    const res = await emu.checked('POST', path, body);
    expect(res.status).toBe(201);
    return res.body;
  }

  describe('reading', () => {
    test('lists the default properties of a type, by name, id or singular', async () => {
      const res = await emu.checked('GET', CONTACTS);
      expect(res.status).toBe(200);
      const email = res.body.results.find((p: { name: string }) => p.name === 'email');
      expect(email).toMatchObject({ type: 'string', fieldType: 'text', hasUniqueValue: true, hubspotDefined: true, groupName: 'contactinformation' });
      expect((await emu.checked('GET', '/crm/v3/properties/0-1')).body.results).toHaveLength(res.body.results.length);
      expect((await emu.checked('GET', '/crm/v3/properties/contact')).body.results).toHaveLength(res.body.results.length);
      const unknown = await emu.checked('GET', '/crm/v3/properties/spaceships');
      expect(unknown.status).toBe(400);
      expect(unknown.body.message).toBe('Unable to infer object type from: spaceships');
    });

    test('reads one property; unknown names are 404', async () => {
      const res = await emu.checked('GET', `${CONTACTS}/lifecyclestage`);
      expect(res.body).toMatchObject({ name: 'lifecyclestage', type: 'enumeration', fieldType: 'radio' });
      expect(res.body.options.map((o: { value: string }) => o.value)).toContain('customer');
      const missing = await emu.checked('GET', `${CONTACTS}/no_such_property`);
      expect(missing.status).toBe(404);
      expect(missing.body.category).toBe('OBJECT_NOT_FOUND');
      // A live property is not in the recycle bin.
      expect((await emu.checked('GET', `${CONTACTS}/email?archived=true`)).status).toBe(404);
    });

    test('the properties parameter narrows the list; dataSensitivity selects a level', async () => {
      const res = await emu.checked('GET', `${CONTACTS}?properties=email,firstname`);
      expect(res.body.results.map((p: { name: string }) => p.name).sort()).toEqual(['email', 'firstname']);
      expect((await emu.checked('GET', `${CONTACTS}?dataSensitivity=sensitive`)).body.results).toEqual([]);
      await create(textProperty('diagnosis', { dataSensitivity: 'sensitive' }));
      const sensitive = await emu.checked('GET', `${CONTACTS}?dataSensitivity=sensitive`);
      expect(sensitive.body.results.map((p: { name: string }) => p.name)).toEqual(['diagnosis']);
      expect((await emu.checked('GET', `${CONTACTS}/diagnosis`)).status).toBe(404);
      expect((await emu.checked('GET', `${CONTACTS}/diagnosis?dataSensitivity=sensitive`)).status).toBe(200);
      const bad = await emu.checked('GET', `${CONTACTS}?dataSensitivity=secret`);
      expect(bad.status).toBe(400);
      expect((await emu.checked('GET', `${CONTACTS}?archived=perhaps`)).status).toBe(400);
    });

    test('pipeline, stage and owner options follow the portal', async () => {
      const portal = emu.state.portal(PORTAL_ID);
      portal.owners.splice(0, portal.owners.length, owner('501', 'Ada'), owner('502', 'Old', true));
      const ownerProp = await emu.checked('GET', `${CONTACTS}/hubspot_owner_id`);
      expect(ownerProp.body.options).toEqual([{ label: 'Ada Tester', value: '501', displayOrder: 0, hidden: false }]);

      const pipeline = await emu.checked('POST', '/crm/v3/pipelines/deals', {
        label: 'Renewals', displayOrder: 1, stages: [{ label: 'Due', displayOrder: 0, metadata: { probability: '0.5' } }],
      });
      const pipelines = await emu.checked('GET', '/crm/v3/properties/deals/pipeline');
      expect(pipelines.body.options.map((o: { value: string }) => o.value)).toEqual(['default', pipeline.body.id]);
      const stages = await emu.checked('GET', '/crm/v3/properties/deals/dealstage');
      expect(stages.body.options.map((o: { value: string }) => o.value)).toContain(pipeline.body.stages[0].id);
      await emu.checked('DELETE', `/crm/v3/pipelines/deals/${pipeline.body.id}`);
      const after = await emu.checked('GET', '/crm/v3/properties/deals/pipeline');
      expect(after.body.options.map((o: { value: string }) => o.value)).toEqual(['default']);
    });
  });

  describe('creating', () => {
    test('creates a custom text property with HubSpot defaults', async () => {
      const created = await create(textProperty('favorite_food', { description: 'What they eat' }));
      expect(created).toMatchObject({
        name: 'favorite_food', label: 'Label of favorite_food', type: 'string', fieldType: 'text', description: 'What they eat',
        options: [], hubspotDefined: false, hasUniqueValue: false, archived: false, dataSensitivity: 'non_sensitive',
        modificationMetadata: { archivable: true, readOnlyDefinition: false, readOnlyValue: false },
      });
      expect(created.createdAt).toBe(created.updatedAt);
      expect((await emu.checked('GET', `${CONTACTS}/favorite_food`)).body.name).toBe('favorite_food');
      expect((await emu.checked('GET', CONTACTS)).body.results.map((p: { name: string }) => p.name)).toContain('favorite_food');
    });

    test('creates enumerations with options, bools with Yes/No, owner references and unique-value properties', async () => {
      const colors = await create({ ...textProperty('favorite_color'), type: 'enumeration', fieldType: 'select', options: colorOptions });
      expect(colors.options).toEqual(colorOptions);
      const vip = await create({ ...textProperty('is_vip'), type: 'bool', fieldType: 'booleancheckbox' });
      expect(vip.options.map((o: { value: string }) => o.value)).toEqual(['true', 'false']);
      const portal = emu.state.portal(PORTAL_ID);
      portal.owners.splice(0, portal.owners.length, owner('601', 'Grace'));
      const manager = await create({ ...textProperty('account_manager'), type: 'enumeration', fieldType: 'select', externalOptions: true, referencedObjectType: 'OWNER' });
      expect(manager.options).toEqual([{ label: 'Grace Tester', value: '601', displayOrder: 0, hidden: false }]);
      const unique = await create(textProperty('customer_number', { hasUniqueValue: true }));
      expect(unique.hasUniqueValue).toBe(true);
      const score = await create({ ...textProperty('fit_score'), type: 'number', fieldType: 'number', numberDisplayHint: 'percentage' });
      expect(score.numberDisplayHint).toBe('percentage');
    });

    test('names every missing required field', async () => {
      const res = await emu.checked('POST', CONTACTS, { description: 'nothing else' });
      expect(res.status).toBe(400);
      expect(res.body.category).toBe('VALIDATION_ERROR');
      expect(res.body.errors.map((e: { in: string }) => e.in)).toEqual(['name', 'label', 'type', 'fieldType', 'groupName']);
    });

    test.each([
      ['an uppercase name', textProperty('Bad_Name'), 'name'],
      ['a name starting with a digit', textProperty('1st_touch'), 'name'],
      ['a name with spaces', textProperty('first touch'), 'name'],
      ['the hs_ prefix', textProperty('hs_custom'), 'name'],
      ['an unknown type', { ...textProperty('x_prop'), type: 'text' }, 'type'],
      ['an unknown fieldType', { ...textProperty('x_prop'), fieldType: 'dropdown' }, 'fieldType'],
      ['string with select', { ...textProperty('x_prop'), fieldType: 'select' }, 'fieldType'],
      ['bool with text', { ...textProperty('x_prop'), type: 'bool' }, 'fieldType'],
      ['number with textarea', { ...textProperty('x_prop'), type: 'number', fieldType: 'textarea' }, 'fieldType'],
      ['date with text', { ...textProperty('x_prop'), type: 'date' }, 'fieldType'],
      ['an enumeration without options', { ...textProperty('x_prop'), type: 'enumeration', fieldType: 'radio' }, 'options'],
      ['duplicate option values', { ...textProperty('x_prop'), type: 'enumeration', fieldType: 'radio', options: [colorOptions[0], colorOptions[0]] }, 'options[1].value'],
      ['an option without hidden', { ...textProperty('x_prop'), type: 'enumeration', fieldType: 'radio', options: [{ label: 'A', value: 'a' }] }, 'options[0].hidden'],
      ['an unknown group', textProperty('x_prop', { groupName: 'nowhere' }), 'groupName'],
      ['externalOptions without OWNER', { ...textProperty('x_prop'), type: 'enumeration', fieldType: 'select', externalOptions: true }, 'externalOptions'],
      ['a non-integer displayOrder', textProperty('x_prop', { displayOrder: 'top' }), 'displayOrder'],
      ['an unknown dataSensitivity', textProperty('x_prop', { dataSensitivity: 'secret' }), 'dataSensitivity'],
    ])('refuses %s', async (_what, body, field) => {
      const res = await emu.checked('POST', CONTACTS, body);
      expect(res.status).toBe(400);
      expect(res.body.category).toBe('VALIDATION_ERROR');
      expect(res.body.errors.map((e: { in: string }) => e.in)).toContain(field);
      expect((await emu.api('GET', `${CONTACTS}/x_prop`)).status).toBe(404);
    });

    test('a taken name is 409 CONFLICT, HubSpot-defined or custom', async () => {
      const res = await emu.checked('POST', CONTACTS, textProperty('email'));
      expect(res.status).toBe(409);
      expect(res.body.category).toBe('CONFLICT');
      await create(textProperty('nickname'));
      expect((await emu.checked('POST', CONTACTS, textProperty('nickname'))).status).toBe(409);
    });
  });

  describe('updating', () => {
    test('PATCH changes label, group, options and display hints', async () => {
      await create({ ...textProperty('favorite_color'), type: 'enumeration', fieldType: 'select', options: colorOptions });
      await emu.checked('POST', `${CONTACTS}/groups`, { name: 'preferences', label: 'Preferences' });
      const res = await emu.checked('PATCH', `${CONTACTS}/favorite_color`, {
        label: 'Colour', groupName: 'preferences', fieldType: 'radio',
        options: [...colorOptions, { label: 'Green', value: 'green', hidden: true }],
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: 'favorite_color', label: 'Colour', groupName: 'preferences', fieldType: 'radio' });
      expect(res.body.options[2]).toEqual({ label: 'Green', value: 'green', hidden: true, displayOrder: 2 });
      expect(res.body.updatedAt >= res.body.createdAt).toBe(true);
    });

    test('HubSpot-defined properties are read-only: 400', async () => {
      const res = await emu.checked('PATCH', `${CONTACTS}/email`, { label: 'E-mail' });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/read-only/);
    });

    test('hasUniqueValue cannot change; invalid updates name the field', async () => {
      await create(textProperty('customer_number', { hasUniqueValue: true }));
      const res = await emu.checked('PATCH', `${CONTACTS}/customer_number`, { hasUniqueValue: false });
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ in: 'hasUniqueValue', code: 'IMMUTABLE_FIELD' });
      expect((await emu.checked('PATCH', `${CONTACTS}/customer_number`, { hasUniqueValue: true, label: 'No.' })).status).toBe(200);
      const pair = await emu.checked('PATCH', `${CONTACTS}/customer_number`, { fieldType: 'checkbox' });
      expect(pair.status).toBe(400);
      expect(pair.body.errors[0].in).toBe('fieldType');
      const toEnum = await emu.checked('PATCH', `${CONTACTS}/customer_number`, { type: 'enumeration', fieldType: 'select' });
      expect(toEnum.status).toBe(400);
      expect(toEnum.body.errors[0].in).toBe('options');
      const group = await emu.checked('PATCH', `${CONTACTS}/customer_number`, { groupName: 'nowhere' });
      expect(group.status).toBe(400);
      expect((await emu.checked('PATCH', `${CONTACTS}/no_such_property`, { label: 'X' })).status).toBe(404);
    });
  });

  describe('archiving', () => {
    test('DELETE archives a custom property: gone from reads, listed with archived=true, name kept', async () => {
      await create(textProperty('old_field'));
      const del = await emu.checked('DELETE', `${CONTACTS}/old_field`);
      expect(del.status).toBe(204);
      expect((await emu.checked('GET', `${CONTACTS}/old_field`)).status).toBe(404);
      const archived = await emu.checked('GET', `${CONTACTS}/old_field?archived=true`);
      expect(archived.body).toMatchObject({ name: 'old_field', archived: true });
      expect(archived.body.archivedAt).toBeDefined();
      const bin = await emu.checked('GET', `${CONTACTS}?archived=true`);
      expect(bin.body.results.map((p: { name: string }) => p.name)).toEqual(['old_field']);
      expect((await emu.checked('GET', CONTACTS)).body.results.map((p: { name: string }) => p.name)).not.toContain('old_field');
      const again = await emu.checked('POST', CONTACTS, textProperty('old_field'));
      expect(again.status).toBe(409);
      expect(again.body.message).toMatch(/archived/);
      expect((await emu.checked('DELETE', `${CONTACTS}/old_field`)).status).toBe(404);
    });

    test('HubSpot-defined properties cannot be archived', async () => {
      const res = await emu.checked('DELETE', `${CONTACTS}/email`);
      expect(res.status).toBe(400);
      expect((await emu.checked('GET', `${CONTACTS}/email`)).status).toBe(200);
    });
  });

  describe('batches', () => {
    test('batch read answers 200 when all are found, 207 with per-name errors otherwise', async () => {
      const all = await emu.checked('POST', `${CONTACTS}/batch/read`, { inputs: [{ name: 'email' }, { name: 'firstname' }], archived: false, dataSensitivity: 'non_sensitive' });
      expect(all.status).toBe(200);
      expect(all.body).toMatchObject({ status: 'COMPLETE' });
      expect(all.body.results.map((p: { name: string }) => p.name)).toEqual(['email', 'firstname']);
      const some = await emu.checked('POST', `${CONTACTS}/batch/read`, { inputs: [{ name: 'email' }, { name: 'nope' }], archived: false, dataSensitivity: 'non_sensitive' });
      expect(some.status).toBe(207);
      expect(some.body.results).toHaveLength(1);
      expect(some.body.numErrors).toBe(1);
      expect(some.body.errors[0]).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND', context: { name: ['nope'] } });
    });

    test('batch read of archived properties; malformed inputs are a 400', async () => {
      await create(textProperty('old_field'));
      await emu.checked('DELETE', `${CONTACTS}/old_field`);
      const res = await emu.checked('POST', `${CONTACTS}/batch/read`, { inputs: [{ name: 'old_field' }], archived: true, dataSensitivity: 'non_sensitive' });
      expect(res.status).toBe(200);
      expect(res.body.results[0]).toMatchObject({ name: 'old_field', archived: true });
      expect((await emu.checked('POST', `${CONTACTS}/batch/read`, { archived: false })).status).toBe(400);
      expect((await emu.checked('POST', `${CONTACTS}/batch/read`, { inputs: [{ id: 'email' }] })).status).toBe(400);
      expect((await emu.checked('POST', `${CONTACTS}/batch/read`, { inputs: [], dataSensitivity: 'secret' })).status).toBe(400);
    });

    test('batch create: 201 when all are valid, 207 with the failures otherwise', async () => {
      const ok = await emu.checked('POST', `${CONTACTS}/batch/create`, { inputs: [textProperty('first_prop'), textProperty('second_prop')] });
      expect(ok.status).toBe(201);
      expect(ok.body.results.map((p: { name: string }) => p.name)).toEqual(['first_prop', 'second_prop']);
      const mixed = await emu.checked('POST', `${CONTACTS}/batch/create`, {
        inputs: [textProperty('third_prop'), textProperty('first_prop'), { ...textProperty('fourth_prop'), fieldType: 'select' }],
      });
      expect(mixed.status).toBe(207);
      expect(mixed.body.results.map((p: { name: string }) => p.name)).toEqual(['third_prop']);
      expect(mixed.body.errors.map((e: { category: string }) => e.category)).toEqual(['CONFLICT', 'VALIDATION_ERROR']);
      expect(mixed.body.errors[1].context).toEqual({ index: ['2'], name: ['fourth_prop'] });
      expect(mixed.body.errors[1].errors[0]).toMatchObject({ in: 'fieldType' });
      expect((await emu.checked('GET', `${CONTACTS}/third_prop`)).status).toBe(200);
      expect((await emu.checked('GET', `${CONTACTS}/fourth_prop`)).status).toBe(404);
      expect((await emu.checked('POST', `${CONTACTS}/batch/create`, { inputs: 'all' })).status).toBe(400);
    });

    test('batch archive: 204 whatever the state; a HubSpot-defined name refuses the whole batch', async () => {
      await create(textProperty('first_prop'));
      await create(textProperty('second_prop'));
      const refused = await emu.checked('POST', `${CONTACTS}/batch/archive`, { inputs: [{ name: 'first_prop' }, { name: 'email' }] });
      expect(refused.status).toBe(400);
      expect((await emu.checked('GET', `${CONTACTS}/first_prop`)).status).toBe(200);
      const res = await emu.checked('POST', `${CONTACTS}/batch/archive`, { inputs: [{ name: 'first_prop' }, { name: 'second_prop' }, { name: 'never_existed' }] });
      expect(res.status).toBe(204);
      expect((await emu.checked('GET', `${CONTACTS}/first_prop`)).status).toBe(404);
      expect((await emu.checked('POST', `${CONTACTS}/batch/archive`, { inputs: [{ name: 'first_prop' }] })).status).toBe(204);
    });
  });

  describe('groups', () => {
    test('lists, creates, reads and updates groups', async () => {
      const list = await emu.checked('GET', `${CONTACTS}/groups`);
      expect(list.body.results).toContainEqual({ name: 'contactinformation', label: 'Contact information', displayOrder: 0, archived: false });
      const created = await emu.checked('POST', `${CONTACTS}/groups`, { name: 'billing', label: 'Billing', displayOrder: 3 });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ name: 'billing', label: 'Billing', displayOrder: 3, archived: false });
      expect((await emu.checked('GET', `${CONTACTS}/groups/billing`)).body.label).toBe('Billing');
      const updated = await emu.checked('PATCH', `${CONTACTS}/groups/billing`, { label: 'Billing details', displayOrder: 1 });
      expect(updated.body).toEqual({ name: 'billing', label: 'Billing details', displayOrder: 1, archived: false });
      // Groups are per object type.
      expect((await emu.checked('GET', '/crm/v3/properties/companies/groups/billing')).status).toBe(404);
    });

    test('refuses duplicate names, bad names, missing labels; unknown groups are 404', async () => {
      const dup = await emu.checked('POST', `${CONTACTS}/groups`, { name: 'contactinformation', label: 'Again' });
      expect(dup.status).toBe(409);
      expect(dup.body.category).toBe('CONFLICT');
      expect((await emu.checked('POST', `${CONTACTS}/groups`, { name: 'Bad Group', label: 'X' })).status).toBe(400);
      const missing = await emu.checked('POST', `${CONTACTS}/groups`, { name: 'nolabel' });
      expect(missing.status).toBe(400);
      expect(missing.body.errors[0].in).toBe('label');
      expect((await emu.checked('PATCH', `${CONTACTS}/groups/billing`, { label: 'X' })).status).toBe(404);
      expect((await emu.checked('PATCH', `${CONTACTS}/groups/contactinformation`, { label: '' })).status).toBe(400);
      expect((await emu.checked('GET', `${CONTACTS}/groups/nowhere`)).status).toBe(404);
      expect((await emu.checked('DELETE', `${CONTACTS}/groups/nowhere`)).status).toBe(404);
    });

    test('a group still holding properties cannot be archived; an empty one can', async () => {
      await emu.checked('POST', `${CONTACTS}/groups`, { name: 'billing', label: 'Billing' });
      await create(textProperty('iban', { groupName: 'billing' }));
      const refused = await emu.checked('DELETE', `${CONTACTS}/groups/billing`);
      expect(refused.status).toBe(400);
      expect(refused.body.message).toMatch(/still holds 1 property \(iban\)/);
      expect((await emu.checked('DELETE', `${CONTACTS}/groups/contactinformation`)).status).toBe(400);
      await emu.checked('DELETE', `${CONTACTS}/iban`);
      expect((await emu.checked('DELETE', `${CONTACTS}/groups/billing`)).status).toBe(204);
      expect((await emu.checked('GET', `${CONTACTS}/groups/billing`)).status).toBe(404);
      expect((await emu.checked('GET', `${CONTACTS}/groups`)).body.results.map((g: { name: string }) => g.name)).not.toContain('billing');
      // An archived group is no place for new properties.
      expect((await emu.checked('POST', CONTACTS, textProperty('bic', { groupName: 'billing' }))).status).toBe(400);
    });
  });

  describe('scopes', () => {
    test('reads take any scope the spec lists; writes need a schema write scope', async () => {
      expect((await emu.checked('GET', CONTACTS, undefined, { token: READ_ONLY_TOKEN })).status).toBe(200);
      expect((await emu.checked('GET', `${CONTACTS}/groups`, undefined, { token: READ_ONLY_TOKEN })).status).toBe(200);
      const write = await emu.checked('POST', CONTACTS, textProperty('blocked'), { token: READ_ONLY_TOKEN });
      expect(write.status).toBe(403);
      expect(write.body.category).toBe('MISSING_SCOPES');
      expect((await emu.checked('POST', `${CONTACTS}/groups`, { name: 'g', label: 'G' }, { token: READ_ONLY_TOKEN })).status).toBe(403);
    });
  });
});
