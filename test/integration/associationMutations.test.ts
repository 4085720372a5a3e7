import { startGateway, type TestGateway } from '../helpers/gateway';

const ERRORS = 'userErrors { field message code }';
const ASSOCIATION = 'association { fromObjectType fromId toObjectType toId types { category typeId label } }';

type Type = { category: string; typeId: number; label: string | null };
const typeIds = (types: Type[]) => types.map((t) => t.typeId).sort((a, b) => a - b);

describe('association mutations against the emulator', () => {
  let gw: TestGateway;
  let n = 0;

  /** A fresh record made straight in the emulator, so that tests never share association state. */
  const mk = async (type: 'contacts' | 'companies' | 'deals'): Promise<string> => {
    const properties = type === 'contacts' ? { email: `a${Date.now()}-${n++}@example.com` } : type === 'companies' ? { name: `Co ${n++}` } : { dealname: `D ${n++}`, pipeline: 'default', dealstage: 'appointmentscheduled' };
    const res = await gw.emulator.api('POST', `/crm/v3/objects/${type}`, { properties });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  /** The association types HubSpot (the emulator) holds from one record to another. */
  const stored = async (from: string, fromId: string, to: string, toId: string): Promise<number[]> => {
    const res = await gw.emulator.api('GET', `/crm/v4/objects/${from}/${fromId}/associations/${to}`);
    const item = (res.body.results as Array<{ toObjectId: string | number; associationTypes: Type[] }>).find((r) => String(r.toObjectId) === toId);
    return item ? typeIds(item.associationTypes) : [];
  };
  const callsDuring = async <T>(run: () => Promise<T>) => {
    const before = gw.calls.length;
    const result = await run();
    return { result, calls: gw.calls.slice(before).map((c) => `${c.call.method} ${c.call.operation}`) };
  };
  const data = async (query: string, variables?: Record<string, unknown>) => {
    const res = await gw.query(query, variables);
    expect(res.body.errors).toBeUndefined();
    return res.body.data;
  };

  beforeAll(async () => {
    gw = await startGateway({ env: { UPSTREAM_TIMEOUT_MS: '1000', RATE_LIMIT_PER_WINDOW: '100000', RETRY_BASE_DELAY_MS: '1', RETRY_MAX_DELAY_MS: '5' } });
  });
  afterAll(() => gw.close());
  afterEach(() => gw.emulator.api('PUT', '/__emulator/faults', { faults: [] }));

  describe('one pair', () => {
    test('create by label: the payload shows the types after the write, and both directions agree', async () => {
      const [contact, company] = [await mk('contacts'), await mk('companies')];
      const res = await data(`mutation { associationCreate(input: { fromObjectType: "0-1", fromId: "${contact}", toObjectType: "companies", toId: "${company}", label: "Primary" }) {
        ${ASSOCIATION} ${ERRORS} } }`);
      const p = res.associationCreate;
      expect(p.userErrors).toEqual([]);
      expect(p.association).toMatchObject({ fromObjectType: 'contacts', fromId: contact, toObjectType: 'companies', toId: company });
      // A labelled association carries the pair's unlabeled type too.
      expect(typeIds(p.association.types)).toEqual([1, 279]);
      expect(p.association.types).toContainEqual({ category: 'HUBSPOT_DEFINED', typeId: 1, label: 'Primary' });
      expect(await stored('contacts', contact, 'companies', company)).toEqual([1, 279]);
      const read = await data(`{ company(id: "${company}") { contacts { edges { primary types { typeId } node { hs_object_id } } } } }`);
      expect(read.company.contacts.edges).toEqual([{ primary: true, types: expect.arrayContaining([{ typeId: 2 }, { typeId: 280 }]), node: { hs_object_id: contact } }]);
    });

    test('create with explicit types, or with neither types nor label (the default type); the payload reads both records', async () => {
      const [contact, company, deal] = [await mk('contacts'), await mk('companies'), await mk('deals')];
      const explicit = await data(`mutation { associationCreate(input: { fromObjectType: "deals", fromId: "${deal}", toObjectType: "companies", toId: "${company}", types: [{ category: HUBSPOT_DEFINED, typeId: 341 }] }) {
        association { types { typeId label } from { hs_object_id ... on Deal { dealname } } to { ... on Company { hs_object_id name } } } ${ERRORS} } }`);
      expect(explicit.associationCreate).toEqual({
        association: { types: [{ typeId: 341, label: null }], from: { hs_object_id: deal, dealname: expect.stringMatching(/^D /) }, to: { hs_object_id: company, name: expect.stringMatching(/^Co /) } },
        userErrors: [],
      });
      const byDefault = await data(`mutation { associationCreate(input: { fromObjectType: "contacts", fromId: "${contact}", toObjectType: "deals", toId: "${deal}" }) { ${ASSOCIATION} ${ERRORS} } }`);
      expect(byDefault.associationCreate.association.types).toEqual([{ category: 'HUBSPOT_DEFINED', typeId: 4, label: null }]);
      expect(await stored('deals', deal, 'contacts', contact)).toEqual([3]);
    });

    test('create default uses HubSpot default PUT', async () => {
      const [contact, company] = [await mk('contacts'), await mk('companies')];
      const { result, calls } = await callsDuring(() => data(`mutation { associationCreateDefault(input: { fromObjectType: "companies", fromId: "${company}", toObjectType: "contacts", toId: "${contact}" }) { ${ASSOCIATION} ${ERRORS} } }`));
      expect(calls).toEqual([
        'PUT /crm/v4/objects/{fromObjectType}/{fromObjectId}/associations/default/{toObjectType}/{toObjectId}',
        'POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/read',
      ]);
      expect(result.associationCreateDefault.association.types).toEqual([{ category: 'HUBSPOT_DEFINED', typeId: 280, label: null }]);
      expect(await stored('contacts', contact, 'companies', company)).toEqual([279]);
    });

    test('the payload sees the new state even when the request read the association before the write', async () => {
      const [contact, company] = [await mk('contacts'), await mk('companies')];
      const res = await data(`mutation {
        before: associationCreate(input: { fromObjectType: "contacts", fromId: "${contact}", toObjectType: "companies", toId: "${company}" }) { association { types { typeId } } }
        after: associationCreate(input: { fromObjectType: "contacts", fromId: "${contact}", toObjectType: "companies", toId: "${company}", label: "Primary" }) {
          association { types { typeId } to { ... on Company { contacts { edges { types { typeId } } } } } } } }`);
      expect(res.before.association.types).toEqual([{ typeId: 279 }]);
      expect(typeIds(res.after.association.types as Type[])).toEqual([1, 279]);
      expect(typeIds(res.after.association.to.contacts.edges[0].types)).toEqual([2, 280]);
    });

    test('removing one label keeps the association; delete removes every type', async () => {
      const [contact, company] = [await mk('contacts'), await mk('companies')];
      await data(`mutation { associationCreate(input: { fromObjectType: "contacts", fromId: "${contact}", toObjectType: "companies", toId: "${company}", label: "Primary" }) { ${ERRORS} } }`);
      const removed = await data(`mutation { associationLabelRemove(input: { fromObjectType: "companies", fromId: "${company}", toObjectType: "contacts", toId: "${contact}", label: "Primary" }) { ${ASSOCIATION} ${ERRORS} } }`);
      expect(removed.associationLabelRemove).toMatchObject({ association: { types: [{ category: 'HUBSPOT_DEFINED', typeId: 280, label: null }] }, userErrors: [] });
      expect(await stored('contacts', contact, 'companies', company)).toEqual([279]);

      await data(`mutation { associationCreate(input: { fromObjectType: "contacts", fromId: "${contact}", toObjectType: "companies", toId: "${company}", types: [{ category: HUBSPOT_DEFINED, typeId: 1 }] }) { ${ERRORS} } }`);
      const byTypes = await data(`mutation { associationLabelRemove(input: { fromObjectType: "contacts", fromId: "${contact}", toObjectType: "companies", toId: "${company}", types: [{ category: HUBSPOT_DEFINED, typeId: 1 }] }) { association { types { typeId } } ${ERRORS} } }`);
      expect(byTypes.associationLabelRemove).toEqual({ association: { types: [{ typeId: 279 }] }, userErrors: [] });

      const deleted = await data(`mutation { associationDelete(input: { fromObjectType: "contacts", fromId: "${contact}", toObjectType: "companies", toId: "${company}" }) { ${ASSOCIATION} ${ERRORS} } }`);
      expect(deleted.associationDelete).toMatchObject({ association: { fromId: contact, toId: company, types: [] }, userErrors: [] });
      expect(await stored('companies', company, 'contacts', contact)).toEqual([]);
      const read = await data(`{ contact(id: "${contact}") { companies { edges { node { hs_object_id } } } } }`);
      expect(read.contact.companies.edges).toEqual([]);
    });

    test('bad input is BAD_USER_INPUT before any HubSpot call', async () => {
      const [contact, company] = [await mk('contacts'), await mk('companies')];
      const pair = `fromObjectType: "contacts", fromId: "${contact}", toObjectType: "companies", toId: "${company}"`;
      for (const [mutation, message] of [
        [`associationCreate(input: { ${pair}, label: "Primary", types: [{ category: HUBSPOT_DEFINED, typeId: 1 }] })`, /either types or label/],
        [`associationLabelRemove(input: { ${pair} })`, /give the types or the label/],
        [`associationLabelRemove(input: { ${pair}, label: "Primary", types: [{ category: HUBSPOT_DEFINED, typeId: 1 }] })`, /either types or label/],
      ] as const) {
        const { result, calls } = await callsDuring(() => gw.query(`mutation { ${mutation} { ${ERRORS} } }`));
        expect(calls).toEqual([]);
        expect(result.body.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(message), extensions: { code: 'BAD_USER_INPUT' } })]);
      }
    });

    test('an unknown label is BAD_USER_INPUT, after reading the labels again in case the cache is stale', async () => {
      const [contact, company] = [await mk('contacts'), await mk('companies')];
      const { result, calls } = await callsDuring(() => gw.query(`mutation { associationCreate(input: { fromObjectType: "contacts", fromId: "${contact}", toObjectType: "companies", toId: "${company}", label: "No such label" }) { ${ERRORS} } }`));
      expect(result.body.errors[0]).toMatchObject({ message: expect.stringMatching(/No such label/), extensions: { code: 'BAD_USER_INPUT' } });
      expect(calls.filter((c) => c.startsWith('PUT'))).toEqual([]);
      expect(calls.filter((c) => c === 'GET /crm/associations/v4/{fromObjectType}/{toObjectType}/labels').length).toBeGreaterThanOrEqual(1);
    });

    test('HubSpot refusals are userErrors: a missing record is NOT_FOUND on its id, an unknown type INVALID on types', async () => {
      const [contact, company] = [await mk('contacts'), await mk('companies')];
      const missing = await data(`mutation { associationCreate(input: { fromObjectType: "contacts", fromId: "${contact}", toObjectType: "companies", toId: "999999999" }) { ${ASSOCIATION} ${ERRORS} } }`);
      expect(missing.associationCreate).toEqual({ association: null, userErrors: [{ field: ['input', 'toId'], message: expect.stringMatching(/999999999/), code: 'NOT_FOUND' }] });
      const missingFrom = await data(`mutation { associationDelete(input: { fromObjectType: "contacts", fromId: "999999998", toObjectType: "companies", toId: "${company}" }) { ${ERRORS} } }`);
      expect(missingFrom.associationDelete.userErrors).toEqual([{ field: ['input', 'fromId'], message: expect.any(String), code: 'NOT_FOUND' }]);
      const badType = await data(`mutation { associationCreate(input: { fromObjectType: "contacts", fromId: "${contact}", toObjectType: "companies", toId: "${company}", types: [{ category: USER_DEFINED, typeId: 987654 }] }) { ${ASSOCIATION} ${ERRORS} } }`);
      expect(badType.associationCreate).toEqual({ association: null, userErrors: [{ field: ['input', 'types'], message: expect.stringMatching(/987654/), code: 'INVALID' }] });
      expect(await stored('contacts', contact, 'companies', company)).toEqual([]);
    });

    test('a write HubSpot fails (5xx, after the retries) is an UPSTREAM_ERROR saying the outcome is unknown', async () => {
      const [contact, company] = [await mk('contacts'), await mk('companies')];
      await gw.emulator.api('PUT', '/__emulator/faults', { faults: [{ kind: '500', rate: 1, route: '^/crm/v4/objects/.*/associations/', method: 'PUT' }] });
      const res = await data(`mutation { associationCreateDefault(input: { fromObjectType: "contacts", fromId: "${contact}", toObjectType: "companies", toId: "${company}" }) { ${ASSOCIATION} ${ERRORS} } }`);
      expect(res.associationCreateDefault).toEqual({ association: null, userErrors: [{ field: ['input'], message: expect.stringMatching(/may or may not have been applied/), code: 'UPSTREAM_ERROR' }] });
    });
  });

  describe('batches', () => {
    test('a batch create of 150 pairs is two calls; a 207 item error lands on its input, the rest are written', async () => {
      const companies = [await mk('companies'), await mk('companies')];
      const contacts = await Promise.all(Array.from({ length: 75 }, () => mk('contacts')));
      const inputs = contacts.flatMap((contact) => companies.map((company) => ({ fromId: contact, toId: company })));
      inputs[120] = { fromId: inputs[120]!.fromId, toId: '999999999' };
      const { result, calls } = await callsDuring(() => gw.query(`mutation($inputs: [AssociationBatchCreateInput!]!) {
        associationsBatchCreate(fromObjectType: "contacts", toObjectType: "companies", inputs: $inputs) { associations { fromId toId } ${ERRORS} } }`, { inputs }));
      expect(calls).toEqual(Array(2).fill('POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/create'));
      const p = result.body.data.associationsBatchCreate;
      expect(p.userErrors).toEqual([{ field: ['inputs', '120', 'toId'], message: expect.stringMatching(/999999999/), code: 'NOT_FOUND' }]);
      expect(p.associations).toHaveLength(150);
      p.associations.forEach((a: { fromId: string; toId: string } | null, i: number) => (i === 120 ? expect(a).toBeNull() : expect(a).toEqual(inputs[i])));
      expect(await stored('companies', companies[1]!, 'contacts', contacts[0]!)).toEqual([280]);
      expect(await stored('contacts', contacts[59]!, 'companies', companies[1]!)).toEqual([279]);
    });

    test('batch create by label and by types; the payload reads the types back in one batch read', async () => {
      const [company, c1, c2] = [await mk('companies'), await mk('contacts'), await mk('contacts')];
      const { result, calls } = await callsDuring(() => data(`mutation { associationsBatchCreate(fromObjectType: "companies", toObjectType: "contacts", inputs: [
        { fromId: "${company}", toId: "${c1}", label: "Primary" },
        { fromId: "${company}", toId: "${c2}", types: [{ category: HUBSPOT_DEFINED, typeId: 280 }] }
      ]) { associations { toId types { typeId } } ${ERRORS} } }`));
      // (plus the pair's label definitions, unless an earlier request cached them)
      expect(calls.filter((c) => !c.endsWith('/labels'))).toEqual([
        'POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/create',
        'POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/read',
      ]);
      const [a, b] = result.associationsBatchCreate.associations;
      expect(typeIds(a.types)).toEqual([2, 280]);
      expect(b.types).toEqual([{ typeId: 280 }]);
      expect(await stored('contacts', c1, 'companies', company)).toEqual([1, 279]);
    });

    test('a batch with both types and label in one input is BAD_USER_INPUT naming it, before any write', async () => {
      const [company, contact] = [await mk('companies'), await mk('contacts')];
      const { result, calls } = await callsDuring(() => gw.query(`mutation { associationsBatchCreate(fromObjectType: "companies", toObjectType: "contacts", inputs: [
        { fromId: "${company}", toId: "${contact}" },
        { fromId: "${company}", toId: "${contact}", label: "Primary", types: [{ category: HUBSPOT_DEFINED, typeId: 280 }] }
      ]) { ${ERRORS} } }`));
      expect(result.body.errors[0]).toMatchObject({ message: expect.stringMatching(/^inputs\[1\]: give either types or label/), extensions: { code: 'BAD_USER_INPUT' } });
      expect(calls.filter((c) => c.includes('batch/create'))).toEqual([]);
      expect(await stored('companies', company, 'contacts', contact)).toEqual([]);
    });

    test('batch create default', async () => {
      const [deal, c1, c2] = [await mk('deals'), await mk('contacts'), await mk('contacts')];
      const res = await data(`mutation { associationsBatchCreateDefault(fromObjectType: "deals", toObjectType: "contacts", inputs: [{ fromId: "${deal}", toId: "${c1}" }, { fromId: "${deal}", toId: "999999999" }, { fromId: "${deal}", toId: "${c2}" }]) {
        associations { toId types { typeId } } ${ERRORS} } }`);
      const p = res.associationsBatchCreateDefault;
      expect(p.associations).toEqual([{ toId: c1, types: [{ typeId: 3 }] }, null, { toId: c2, types: [{ typeId: 3 }] }]);
      expect(p.userErrors).toEqual([{ field: ['inputs', '1', 'toId'], message: expect.any(String), code: 'NOT_FOUND' }]);
      expect(await stored('contacts', c2, 'deals', deal)).toEqual([4]);
    });

    test('batch label removal keeps the associations; an input HubSpot refuses fails alone and the others are sent again', async () => {
      const [company, c1, c2, c3] = [await mk('companies'), await mk('contacts'), await mk('contacts'), await mk('contacts')];
      for (const c of [c1, c2, c3]) await data(`mutation { associationCreate(input: { fromObjectType: "contacts", fromId: "${c}", toObjectType: "companies", toId: "${company}", label: "Primary" }) { ${ERRORS} } }`);
      const { result, calls } = await callsDuring(() => data(`mutation { associationsBatchLabelRemove(fromObjectType: "contacts", toObjectType: "companies", inputs: [
        { fromId: "${c1}", toId: "${company}", label: "Primary" },
        { fromId: "${c2}", toId: "${company}", types: [{ category: USER_DEFINED, typeId: 987654 }] },
        { fromId: "${c3}", toId: "${company}", types: [{ category: HUBSPOT_DEFINED, typeId: 1 }] }
      ]) { associations { fromId types { typeId } } ${ERRORS} } }`));
      const p = result.associationsBatchLabelRemove;
      expect(p.userErrors).toEqual([{ field: ['inputs', '1', 'types'], message: expect.stringMatching(/987654/), code: 'INVALID' }]);
      expect(p.associations).toEqual([{ fromId: c1, types: [{ typeId: 279 }] }, null, { fromId: c3, types: [{ typeId: 279 }] }]);
      expect(calls.filter((c) => c.endsWith('batch/labels/archive'))).toHaveLength(2);
      expect(await stored('contacts', c2, 'companies', company)).toEqual([1, 279]);
      expect(await stored('companies', company, 'contacts', c3)).toEqual([280]);
    });

    test('batch delete removes every type of each pair, splitting a record with many toIds over calls', async () => {
      const contact = await mk('contacts');
      const deals = await Promise.all(Array.from({ length: 102 }, () => mk('deals')));
      const company = await mk('companies');
      await data(`mutation($inputs: [AssociationBatchCreateInput!]!) { associationsBatchCreate(fromObjectType: "contacts", toObjectType: "deals", inputs: $inputs) { ${ERRORS} } }`,
        { inputs: deals.map((d) => ({ fromId: contact, toId: d })) });
      await data(`mutation { associationCreate(input: { fromObjectType: "contacts", fromId: "${contact}", toObjectType: "companies", toId: "${company}", label: "Primary" }) { ${ERRORS} } }`);
      const { result, calls } = await callsDuring(() => data(`mutation($deals: [ID!]!) {
        deals: associationsBatchDelete(fromObjectType: "contacts", toObjectType: "deals", inputs: [{ fromId: "${contact}", toIds: $deals }]) { associations { toId types { typeId } } ${ERRORS} }
        companies: associationsBatchDelete(fromObjectType: "companies", toObjectType: "contacts", inputs: [{ fromId: "${company}", toIds: ["${contact}"] }]) { associations { toId types { typeId } } ${ERRORS} } }`, { deals }));
      expect(calls.filter((c) => c.endsWith('batch/archive'))).toHaveLength(3);
      expect(result.deals.userErrors).toEqual([]);
      expect(result.deals.associations).toHaveLength(102);
      expect(result.deals.associations.every((a: { types: unknown[] }) => a.types.length === 0)).toBe(true);
      expect(result.companies).toEqual({ associations: [{ toId: contact, types: [] }], userErrors: [] });
      const read = await data(`{ contact(id: "${contact}") { deals(first: 5) { edges { cursor } } companies { edges { cursor } } } }`);
      expect(read.contact).toEqual({ deals: { edges: [] }, companies: { edges: [] } });
    });

    test('a batch whose calls fail upstream reports every input as outcome unknown', async () => {
      const [company, contact] = [await mk('companies'), await mk('contacts')];
      await gw.emulator.api('PUT', '/__emulator/faults', { faults: [{ kind: '500', rate: 1, route: 'batch/create$' }] });
      const res = await data(`mutation { associationsBatchCreate(fromObjectType: "companies", toObjectType: "contacts", inputs: [{ fromId: "${company}", toId: "${contact}" }, { fromId: "${company}", toId: "${contact}", label: "Primary" }]) { associations { toId } ${ERRORS} } }`);
      expect(res.associationsBatchCreate.associations).toEqual([null, null]);
      expect(res.associationsBatchCreate.userErrors.map((u: { field: string[]; code: string }) => [u.field, u.code])).toEqual([[['inputs', '0'], 'UPSTREAM_ERROR'], [['inputs', '1'], 'UPSTREAM_ERROR']]);
    });

    test('an empty batch makes no call', async () => {
      const { result, calls } = await callsDuring(() => data('mutation { associationsBatchCreate(fromObjectType: "contacts", toObjectType: "companies", inputs: []) { associations { toId } userErrors { code } } }'));
      expect(result.associationsBatchCreate).toEqual({ associations: [], userErrors: [] });
      expect(calls).toEqual([]);
    });
  });

  describe('label definitions', () => {
    const LABEL = 'typeId label category';
    const labels = async (from: string, to: string) => (await data(`{ associationLabels(fromObjectType: "${from}", toObjectType: "${to}") { ${LABEL} } }`)).associationLabels as Type[];

    test('create, use, rename and delete a label; associationLabels reflects every change at once, both directions', async () => {
      // Warm the cache of both directions first, so that a stale cache would show.
      expect((await labels('contacts', 'deals')).filter((l) => l.category === 'USER_DEFINED')).toEqual([]);
      expect((await labels('deals', 'contacts')).filter((l) => l.category === 'USER_DEFINED')).toEqual([]);

      const created = (await data(`mutation { associationLabelCreate(fromObjectType: "contacts", toObjectType: "0-3", input: { label: "Decision maker", name: "decision_maker", inverseLabel: "Decided by" }) {
        associationLabel { ${LABEL} } inverseAssociationLabel { ${LABEL} } ${ERRORS} } }`)).associationLabelCreate;
      expect(created).toEqual({
        associationLabel: { typeId: expect.any(Number), label: 'Decision maker', category: 'USER_DEFINED' },
        inverseAssociationLabel: { typeId: expect.any(Number), label: 'Decided by', category: 'USER_DEFINED' },
        userErrors: [],
      });
      const { typeId } = created.associationLabel;
      const inverseId = created.inverseAssociationLabel.typeId;
      expect(await labels('contacts', 'deals')).toContainEqual({ typeId, label: 'Decision maker', category: 'USER_DEFINED' });
      expect(await labels('deals', 'contacts')).toContainEqual({ typeId: inverseId, label: 'Decided by', category: 'USER_DEFINED' });

      const [contact, deal] = [await mk('contacts'), await mk('deals')];
      const used = await data(`mutation { associationCreate(input: { fromObjectType: "contacts", fromId: "${contact}", toObjectType: "deals", toId: "${deal}", label: "Decision maker" }) { association { types { typeId label } } ${ERRORS} } }`);
      expect(used.associationCreate.association.types).toEqual(expect.arrayContaining([{ typeId, label: 'Decision maker' }, { typeId: 4, label: null }]));
      const fromDeal = await data(`{ deal(id: "${deal}") { contacts(label: "Decided by") { edges { node { hs_object_id } } } } }`);
      expect(fromDeal.deal.contacts.edges).toEqual([{ node: { hs_object_id: contact } }]);

      const renamed = await data(`mutation { associationLabelUpdate(fromObjectType: "contacts", toObjectType: "deals", input: { typeId: ${typeId}, label: "Champion", inverseLabel: "Championed by" }) { associationLabel { ${LABEL} } ${ERRORS} } }`);
      expect(renamed.associationLabelUpdate).toEqual({ associationLabel: { typeId, label: 'Champion', category: 'USER_DEFINED' }, userErrors: [] });
      expect(await labels('contacts', 'deals')).toContainEqual({ typeId, label: 'Champion', category: 'USER_DEFINED' });
      expect(await labels('deals', 'contacts')).toContainEqual({ typeId: inverseId, label: 'Championed by', category: 'USER_DEFINED' });

      const deleted = await data(`mutation { associationLabelDelete(fromObjectType: "contacts", toObjectType: "deals", typeId: ${typeId}) { deletedTypeId ${ERRORS} } }`);
      expect(deleted.associationLabelDelete).toEqual({ deletedTypeId: typeId, userErrors: [] });
      expect((await labels('contacts', 'deals')).map((l) => l.typeId)).not.toContain(typeId);
      expect((await labels('deals', 'contacts')).map((l) => l.typeId)).not.toContain(inverseId);
      // The association stays, without the deleted type.
      expect(await stored('contacts', contact, 'deals', deal)).toEqual([4]);
    });

    test('a label within one object type without an inverse label is its own inverse', async () => {
      const res = await data(`mutation { associationLabelCreate(fromObjectType: "companies", toObjectType: "companies", input: { label: "Partner", name: "partner_${Date.now()}" }) {
        associationLabel { label category } inverseAssociationLabel { typeId } ${ERRORS} } }`);
      expect(res.associationLabelCreate).toEqual({ associationLabel: { label: 'Partner', category: 'USER_DEFINED' }, inverseAssociationLabel: null, userErrors: [] });
    });

    test('a duplicate name is a CONFLICT on the name', async () => {
      const create = `mutation { associationLabelCreate(fromObjectType: "tickets", toObjectType: "deals", input: { label: "Escalation", name: "escalation" }) { associationLabel { typeId } ${ERRORS} } }`;
      expect((await data(create)).associationLabelCreate.userErrors).toEqual([]);
      expect((await data(create)).associationLabelCreate).toEqual({ associationLabel: null, userErrors: [{ field: ['input', 'name'], message: expect.stringMatching(/escalation/), code: 'CONFLICT' }] });
    });

    test("HubSpot's own types cannot change (INVALID) and unknown type ids are NOT_FOUND, for update and delete", async () => {
      const update = (typeId: number) => data(`mutation { associationLabelUpdate(fromObjectType: "contacts", toObjectType: "companies", input: { typeId: ${typeId}, label: "X" }) { associationLabel { typeId } ${ERRORS} } }`);
      const del = (typeId: number) => data(`mutation { associationLabelDelete(fromObjectType: "contacts", toObjectType: "companies", typeId: ${typeId}) { deletedTypeId ${ERRORS} } }`);
      expect((await update(279)).associationLabelUpdate).toEqual({ associationLabel: null, userErrors: [{ field: ['input', 'typeId'], message: expect.stringMatching(/HUBSPOT_DEFINED/), code: 'INVALID' }] });
      expect((await update(987654)).associationLabelUpdate).toEqual({ associationLabel: null, userErrors: [{ field: ['input', 'typeId'], message: expect.stringMatching(/987654/), code: 'NOT_FOUND' }] });
      expect((await del(1)).associationLabelDelete).toEqual({ deletedTypeId: null, userErrors: [{ field: ['typeId'], message: expect.stringMatching(/HUBSPOT_DEFINED/), code: 'INVALID' }] });
      expect((await del(987654)).associationLabelDelete).toEqual({ deletedTypeId: null, userErrors: [{ field: ['typeId'], message: expect.stringMatching(/987654/), code: 'NOT_FOUND' }] });
      expect(await labels('contacts', 'companies')).toContainEqual({ typeId: 279, label: null, category: 'HUBSPOT_DEFINED' });
    });

    test('a label made outside the gateway is usable at once: an unknown label re-reads the cached definitions', async () => {
      await labels('tickets', 'companies'); // cached without the new label
      const made = await gw.emulator.api('POST', '/crm/associations/v4/tickets/companies/labels', { label: 'Reported by', name: 'reported_by' });
      expect(made.status).toBe(200);
      const [ticketRes, company] = [await gw.emulator.api('POST', '/crm/v3/objects/tickets', { properties: { subject: 'S', hs_pipeline_stage: '1' } }), await mk('companies')];
      const res = await data(`mutation { associationCreate(input: { fromObjectType: "tickets", fromId: "${ticketRes.body.id}", toObjectType: "companies", toId: "${company}", label: "Reported by" }) { association { types { label } } ${ERRORS} } }`);
      expect(res.associationCreate.userErrors).toEqual([]);
      expect(res.associationCreate.association.types).toContainEqual({ label: 'Reported by' });
    });
  });
});
