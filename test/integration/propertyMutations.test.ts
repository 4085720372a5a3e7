import { VALID_FIELD_TYPES, type PropertyType } from '../../src/crm/propertyTypes';
import { startGateway, type TestGateway } from '../helpers/gateway';

const ERRORS = 'userErrors { field message code }';
const DEFINITION = 'name label type fieldType hubspotType hubspotFieldType description groupName group { name } options { label value displayOrder hidden description } hasUniqueValue hidden formField archived';

const CREATE = `mutation($t: String!, $input: PropertyCreateInput!) { propertyCreate(objectType: $t, input: $input) { propertyDefinition { ${DEFINITION} } ${ERRORS} } }`;
const UPDATE = `mutation($t: String!, $name: String!, $input: PropertyUpdateInput!) { propertyUpdate(objectType: $t, name: $name, input: $input) { propertyDefinition { ${DEFINITION} } ${ERRORS} } }`;
const ARCHIVE = `mutation($t: String!, $name: String!) { propertyArchive(objectType: $t, name: $name) { archivedName ${ERRORS} } }`;
const GROUP = 'name label displayOrder archived properties { name }';
const GROUP_CREATE = `mutation($t: String!, $input: PropertyGroupCreateInput!) { propertyGroupCreate(objectType: $t, input: $input) { propertyGroup { ${GROUP} } ${ERRORS} } }`;
const GROUP_UPDATE = `mutation($t: String!, $name: String!, $input: PropertyGroupUpdateInput!) { propertyGroupUpdate(objectType: $t, name: $name, input: $input) { propertyGroup { ${GROUP} } ${ERRORS} } }`;
const GROUP_ARCHIVE = `mutation($t: String!, $name: String!) { propertyGroupArchive(objectType: $t, name: $name) { archivedName ${ERRORS} } }`;

const ALL_TYPES = Object.keys(VALID_FIELD_TYPES) as PropertyType[];
const ALL_FIELD_TYPES = [...new Set(Object.values(VALID_FIELD_TYPES).flat())];
const VALID_PAIRS = ALL_TYPES.flatMap((type) => VALID_FIELD_TYPES[type].map((fieldType) => [type, fieldType] as const));
const INVALID_PAIRS = ALL_TYPES.flatMap((type) => ALL_FIELD_TYPES.filter((f) => !VALID_FIELD_TYPES[type].includes(f)).map((fieldType) => [type, fieldType] as const));
const ONE_OPTION = [{ label: 'One', value: 'one' }];

/** Property definition and group mutations over real HTTP against the emulator. */
describe('property mutations', () => {
  let gw: TestGateway;
  let n = 0;
  /** Property names are taken for good (archived ones too), so every test makes its own. */
  const unique = (prefix: string) => `${prefix}_${Date.now()}_${n++}`;

  beforeAll(async () => {
    gw = await startGateway({ env: { UPSTREAM_TIMEOUT_MS: '1000' } });
  });
  afterAll(() => gw.close());

  async function during<T>(run: () => Promise<T>): Promise<{ result: T; ops: string[] }> {
    const before = gw.calls.length;
    const result = await run();
    return { result, ops: gw.calls.slice(before).map((c) => `${c.call.method} ${c.call.operation}`) };
  }

  async function definitions(objectType: string, archived = false): Promise<Array<{ name: string; label: string; fieldType: string }>> {
    const res = await gw.query('query($t: String!, $a: Boolean) { propertyDefinitions(objectType: $t, archived: $a) { name label fieldType } }', { t: objectType, a: archived });
    expect(res.body.errors).toBeUndefined();
    return res.body.data.propertyDefinitions;
  }

  async function groups(objectType: string): Promise<Array<{ name: string; label: string; properties: Array<{ name: string }> }>> {
    const res = await gw.query('query($t: String!) { propertyGroups(objectType: $t) { name label properties { name } } }', { t: objectType });
    expect(res.body.errors).toBeUndefined();
    return res.body.data.propertyGroups;
  }

  async function createEnumeration(objectType = 'contacts', groupName = 'contactinformation') {
    const name = unique('tier');
    const input = { name, label: 'Tier', type: 'ENUMERATION', fieldType: 'SELECT', groupName, options: [{ label: 'Gold', value: 'gold' }, { label: 'Silver', value: 'silver' }] };
    const res = await gw.query(CREATE, { t: objectType, input });
    expect(res.body.data.propertyCreate.userErrors).toEqual([]);
    return name;
  }

  describe('propertyCreate', () => {
    test('an enumeration with options: the payload, propertyDefinitions, propertyDefinition and its group show it at once', async () => {
      await definitions('contacts'); // warm the caches: the mutation must invalidate them
      await groups('contacts');
      const name = unique('plan');
      const input = {
        name, label: ' Plan ', type: 'ENUMERATION', fieldType: 'RADIO', groupName: 'contactinformation', description: 'Which plan',
        options: [{ label: 'Free', value: 'free', displayOrder: 0 }, { label: 'Pro', value: 'pro', displayOrder: 1, hidden: true, description: 'Paid' }],
        formField: true, displayOrder: 4,
      };
      const { result, ops } = await during(() => gw.query(CREATE, { t: 'contacts', input }));
      expect(ops).toEqual(['POST /crm/v3/properties/{objectType}', 'GET /crm/v3/properties/{objectType}/groups']);
      expect(result.body.data.propertyCreate).toEqual({
        propertyDefinition: {
          name, label: 'Plan', type: 'ENUMERATION', fieldType: 'RADIO', hubspotType: 'enumeration', hubspotFieldType: 'radio', description: 'Which plan',
          groupName: 'contactinformation', group: { name: 'contactinformation' },
          options: [
            { label: 'Free', value: 'free', displayOrder: 0, hidden: false, description: null },
            { label: 'Pro', value: 'pro', displayOrder: 1, hidden: true, description: 'Paid' },
          ],
          hasUniqueValue: false, hidden: false, formField: true, archived: false,
        },
        userErrors: [],
      });
      expect((await definitions('contacts')).map((d) => d.name)).toContain(name);
      expect((await groups('contacts')).find((g) => g.name === 'contactinformation')?.properties.map((p) => p.name)).toContain(name);
      const one = await gw.query('query($n: String!) { propertyDefinition(objectType: "0-1", name: $n) { name label } }', { n: name });
      expect(one.body.data.propertyDefinition).toEqual({ name, label: 'Plan' });
    });

    test.each(VALID_PAIRS)('type %s with fieldType %s is created', async (type, fieldType) => {
      const input = {
        name: unique(`p_${type}_${fieldType}`), label: `${type} ${fieldType}`, type: type.toUpperCase(), fieldType: fieldType.toUpperCase(), groupName: 'companyinformation',
        ...(type === 'enumeration' ? { options: ONE_OPTION } : {}),
      };
      const res = await gw.query(CREATE, { t: 'companies', input });
      expect(res.body.data.propertyCreate.userErrors).toEqual([]);
      expect(res.body.data.propertyCreate.propertyDefinition).toMatchObject({ name: input.name, type: input.type, fieldType: input.fieldType, hubspotType: type, hubspotFieldType: fieldType });
    });

    test(`every other type/fieldType pair (${INVALID_PAIRS.length}) is refused before calling HubSpot`, async () => {
      const { result, ops } = await during(() =>
        Promise.all(INVALID_PAIRS.map(([type, fieldType]) => gw.query(CREATE, {
          t: 'companies',
          input: { name: unique('bad_pair'), label: 'Bad', type: type.toUpperCase(), fieldType: fieldType.toUpperCase(), groupName: 'companyinformation', ...(type === 'enumeration' ? { options: ONE_OPTION } : {}) },
        }))),
      );
      expect(ops).toEqual([]);
      result.forEach((res, i) => {
        expect([INVALID_PAIRS[i], res.body.data.propertyCreate]).toEqual([INVALID_PAIRS[i], { propertyDefinition: null, userErrors: [{ field: ['input', 'fieldType'], message: expect.stringMatching(/does not suit type/), code: 'INVALID' }] }]);
      });
    });

    const base = { label: 'L', type: 'STRING', fieldType: 'TEXT', groupName: 'contactinformation' };
    test.each([
      ['an uppercase name', { ...base, name: 'MyProp' }, ['input', 'name']],
      ['a name starting with a digit', { ...base, name: '1prop' }, ['input', 'name']],
      ['a name with a hyphen', { ...base, name: 'my-prop' }, ['input', 'name']],
      ['the hs_ prefix', { ...base, name: 'hs_mine' }, ['input', 'name']],
      ['a blank label', { ...base, name: 'ok_name', label: ' ' }, ['input', 'label']],
      ['type OTHER', { ...base, name: 'ok_name', type: 'OTHER' }, ['input', 'type']],
      ['fieldType OTHER', { ...base, name: 'ok_name', fieldType: 'OTHER' }, ['input', 'fieldType']],
      ['an enumeration without options', { ...base, name: 'ok_name', type: 'ENUMERATION', fieldType: 'SELECT' }, ['input', 'options']],
      ['an enumeration with an empty option list', { ...base, name: 'ok_name', type: 'ENUMERATION', fieldType: 'SELECT', options: [] }, ['input', 'options']],
      ['duplicate option values', { ...base, name: 'ok_name', type: 'ENUMERATION', fieldType: 'CHECKBOX', options: [{ label: 'A', value: 'a' }, { label: 'B', value: 'a' }] }, ['input', 'options', '1', 'value']],
      ['options on a non-enumeration', { ...base, name: 'ok_name', options: ONE_OPTION }, ['input', 'options']],
      ['options on a bool', { ...base, name: 'ok_name', type: 'BOOL', fieldType: 'BOOLEANCHECKBOX', options: ONE_OPTION }, ['input', 'options']],
    ])('refuses %s before calling HubSpot', async (_what, input, field) => {
      const { result, ops } = await during(() => gw.query(CREATE, { t: 'contacts', input }));
      expect(ops).toEqual([]);
      expect(result.body.data.propertyCreate).toEqual({ propertyDefinition: null, userErrors: [{ field, message: expect.any(String), code: 'INVALID' }] });
    });

    test('a taken name (live or archived) is a CONFLICT on the name', async () => {
      const name = await createEnumeration();
      const input = { name, label: 'Again', type: 'STRING', fieldType: 'TEXT', groupName: 'contactinformation' };
      const dup = await gw.query(CREATE, { t: 'contacts', input });
      expect(dup.body.data.propertyCreate).toEqual({ propertyDefinition: null, userErrors: [{ field: ['input', 'name'], message: expect.stringMatching(/already exists/), code: 'CONFLICT' }] });
      await gw.query(ARCHIVE, { t: 'contacts', name });
      const afterArchive = await gw.query(CREATE, { t: 'contacts', input });
      expect(afterArchive.body.data.propertyCreate.userErrors[0]).toMatchObject({ field: ['input', 'name'], code: 'CONFLICT' });
    });

    test('an unknown group is HubSpot refusal: INVALID', async () => {
      const res = await gw.query(CREATE, { t: 'contacts', input: { name: unique('orphan'), label: 'Orphan', type: 'NUMBER', fieldType: 'NUMBER', groupName: 'no_such_group' } });
      expect(res.body.data.propertyCreate).toEqual({ propertyDefinition: null, userErrors: [{ field: ['input'], message: expect.stringMatching(/no_such_group/), code: 'INVALID' }] });
    });
  });

  describe('propertyUpdate', () => {
    test('label, description, options and fieldType change; propertyDefinitions shows it at once', async () => {
      const name = await createEnumeration();
      await definitions('contacts');
      const input = { label: 'Level', description: 'Customer level', fieldType: 'CHECKBOX', options: [{ label: 'Bronze', value: 'bronze' }], hidden: true };
      const res = await gw.query(UPDATE, { t: 'contacts', name, input });
      expect(res.body.data.propertyUpdate.userErrors).toEqual([]);
      expect(res.body.data.propertyUpdate.propertyDefinition).toMatchObject({
        name, label: 'Level', description: 'Customer level', fieldType: 'CHECKBOX', hidden: true, options: [{ label: 'Bronze', value: 'bronze', hidden: false }],
      });
      expect((await definitions('contacts')).find((d) => d.name === name)).toEqual({ name, label: 'Level', fieldType: 'CHECKBOX' });
    });

    test.each([
      ['a fieldType that does not suit the type', { fieldType: 'TEXT' }, ['input', 'fieldType']],
      ['an empty option list', { options: [] }, ['input', 'options']],
      ['duplicate option values', { options: [{ label: 'A', value: 'x' }, { label: 'B', value: 'x' }] }, ['input', 'options', '1', 'value']],
      ['a blank label', { label: '' }, ['input', 'label']],
      ['fieldType OTHER', { fieldType: 'OTHER' }, ['input', 'fieldType']],
    ])('refuses %s before calling HubSpot', async (_what, input, field) => {
      const name = await createEnumeration();
      await definitions('contacts');
      const { result, ops } = await during(() => gw.query(UPDATE, { t: 'contacts', name, input }));
      expect(ops).toEqual([]);
      expect(result.body.data.propertyUpdate).toEqual({ propertyDefinition: null, userErrors: [{ field, message: expect.any(String), code: 'INVALID' }] });
    });

    test('options on a string property are refused before calling HubSpot', async () => {
      await definitions('contacts');
      const { result, ops } = await during(() => gw.query(UPDATE, { t: 'contacts', name: 'jobtitle', input: { options: ONE_OPTION } }));
      expect(ops).toEqual([]);
      expect(result.body.data.propertyUpdate.userErrors).toEqual([{ field: ['input', 'options'], message: expect.stringMatching(/Only enumeration/), code: 'INVALID' }]);
    });

    test('a property made outside the gateway since the cache was filled is found (one fresh read)', async () => {
      await definitions('contacts');
      const name = unique('external');
      await gw.emulator.api('POST', '/crm/v3/properties/contacts', { name, label: 'External', type: 'string', fieldType: 'text', groupName: 'contactinformation' });
      const { result, ops } = await during(() => gw.query(UPDATE, { t: 'contacts', name, input: { fieldType: 'TEXTAREA' } }));
      // The fresh list read, the write, then the payload's `group` reading the (invalidated) groups.
      expect(ops).toEqual(['GET /crm/v3/properties/{objectType}', 'PATCH /crm/v3/properties/{objectType}/{propertyName}', 'GET /crm/v3/properties/{objectType}/groups']);
      expect(result.body.data.propertyUpdate.propertyDefinition).toMatchObject({ name, fieldType: 'TEXTAREA' });
    });

    test('unknown is NOT_FOUND on the name (with or without a type check); HubSpot-defined is INVALID', async () => {
      const checked = await gw.query(UPDATE, { t: 'contacts', name: 'no_such_prop', input: { fieldType: 'TEXT' } });
      expect(checked.body.data.propertyUpdate).toEqual({ propertyDefinition: null, userErrors: [{ field: ['name'], message: expect.any(String), code: 'NOT_FOUND' }] });
      const plain = await gw.query(UPDATE, { t: 'contacts', name: 'no_such_prop', input: { label: 'x' } });
      expect(plain.body.data.propertyUpdate).toEqual({ propertyDefinition: null, userErrors: [{ field: ['name'], message: expect.any(String), code: 'NOT_FOUND' }] });
      const hubspots = await gw.query(UPDATE, { t: 'contacts', name: 'email', input: { label: 'E-mail' } });
      expect(hubspots.body.data.propertyUpdate).toEqual({ propertyDefinition: null, userErrors: [{ field: ['input'], message: expect.stringMatching(/defined by HubSpot/), code: 'INVALID' }] });
    });
  });

  describe('propertyArchive', () => {
    test('moves the property to the archived list at once; a second archive is NOT_FOUND', async () => {
      const name = await createEnumeration('deals', 'dealinformation');
      await definitions('deals');
      await definitions('deals', true);
      const res = await gw.query(ARCHIVE, { t: '0-3', name });
      expect(res.body.data.propertyArchive).toEqual({ archivedName: name, userErrors: [] });
      expect((await definitions('deals')).map((d) => d.name)).not.toContain(name);
      expect((await definitions('deals', true)).map((d) => d.name)).toContain(name);
      const again = await gw.query(ARCHIVE, { t: 'deals', name });
      expect(again.body.data.propertyArchive).toEqual({ archivedName: null, userErrors: [{ field: ['name'], message: expect.any(String), code: 'NOT_FOUND' }] });
    });

    test("HubSpot's own properties stay: INVALID", async () => {
      const res = await gw.query(ARCHIVE, { t: 'contacts', name: 'email' });
      expect(res.body.data.propertyArchive).toEqual({ archivedName: null, userErrors: [{ field: ['name'], message: expect.stringMatching(/defined by HubSpot/), code: 'INVALID' }] });
    });
  });

  describe('property groups', () => {
    test('create, update and archive: propertyGroups follows at once', async () => {
      await groups('companies');
      const name = unique('billing');
      const created = await gw.query(GROUP_CREATE, { t: 'companies', input: { name, label: 'Billing', displayOrder: 2 } });
      expect(created.body.data.propertyGroupCreate).toEqual({ propertyGroup: { name, label: 'Billing', displayOrder: 2, archived: false, properties: [] }, userErrors: [] });
      expect((await groups('companies')).map((g) => g.name)).toContain(name);

      const updated = await gw.query(GROUP_UPDATE, { t: 'companies', name, input: { label: 'Invoicing' } });
      expect(updated.body.data.propertyGroupUpdate).toEqual({ propertyGroup: { name, label: 'Invoicing', displayOrder: 2, archived: false, properties: [] }, userErrors: [] });
      expect((await groups('companies')).find((g) => g.name === name)?.label).toBe('Invoicing');

      const archived = await gw.query(GROUP_ARCHIVE, { t: 'companies', name });
      expect(archived.body.data.propertyGroupArchive).toEqual({ archivedName: name, userErrors: [] });
      expect((await groups('companies')).map((g) => g.name)).not.toContain(name);
    });

    test('a new property in a new group shows in the group at once', async () => {
      const group = unique('grp');
      await gw.query(GROUP_CREATE, { t: 'contacts', input: { name: group, label: 'Group' } });
      await groups('contacts');
      const name = unique('member');
      await gw.query(CREATE, { t: 'contacts', input: { name, label: 'Member', type: 'DATE', fieldType: 'DATE', groupName: group } });
      expect((await groups('contacts')).find((g) => g.name === group)?.properties).toEqual([{ name }]);
      // HubSpot's emulator keeps a group that still holds properties.
      const refused = await gw.query(GROUP_ARCHIVE, { t: 'contacts', name: group });
      expect(refused.body.data.propertyGroupArchive).toEqual({ archivedName: null, userErrors: [{ field: ['name'], message: expect.stringMatching(/still holds/), code: 'INVALID' }] });
    });

    test('a taken group name is a CONFLICT; unknown groups are NOT_FOUND', async () => {
      const dup = await gw.query(GROUP_CREATE, { t: 'contacts', input: { name: 'contactinformation', label: 'Again' } });
      expect(dup.body.data.propertyGroupCreate).toEqual({ propertyGroup: null, userErrors: [{ field: ['input', 'name'], message: expect.stringMatching(/already exists/), code: 'CONFLICT' }] });
      const upd = await gw.query(GROUP_UPDATE, { t: 'contacts', name: 'no_such_group', input: { label: 'x' } });
      expect(upd.body.data.propertyGroupUpdate).toEqual({ propertyGroup: null, userErrors: [{ field: ['name'], message: expect.any(String), code: 'NOT_FOUND' }] });
      const arch = await gw.query(GROUP_ARCHIVE, { t: 'contacts', name: 'no_such_group' });
      expect(arch.body.data.propertyGroupArchive).toEqual({ archivedName: null, userErrors: [{ field: ['name'], message: expect.any(String), code: 'NOT_FOUND' }] });
    });

    test.each([
      ['a name with uppercase letters', GROUP_CREATE, { input: { name: 'Billing', label: 'B' } }, ['input', 'name'], 'propertyGroupCreate'],
      ['a blank label on create', GROUP_CREATE, { input: { name: 'billing_x', label: '' } }, ['input', 'label'], 'propertyGroupCreate'],
      ['a blank label on update', GROUP_UPDATE, { name: 'contactinformation', input: { label: '  ' } }, ['input', 'label'], 'propertyGroupUpdate'],
    ])('refuses %s before calling HubSpot', async (_what, mutation, variables, field, root) => {
      const { result, ops } = await during(() => gw.query(mutation, { t: 'contacts', ...variables }));
      expect(ops).toEqual([]);
      expect(result.body.data[root]).toEqual({ propertyGroup: null, userErrors: [{ field, message: expect.any(String), code: 'INVALID' }] });
    });
  });
});
