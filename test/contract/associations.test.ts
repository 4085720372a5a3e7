import { objectTypeOf } from '../../src/emulator/objectTypes';
import type { Portal } from '../../src/emulator/store';
import { PORTAL_ID, READ_ONLY_TOKEN, startEmulator, type TestEmulator } from '../helpers/emulator';
import { describeWithSpecs, requestProblems } from '../helpers/openapi';

// Associations v4 and association labels, through real HTTP, every answer checked against HubSpot's specs.
// Records are created directly in the store: the objects routes are not what is under test here.

type TypeSpec = { category: string; typeId: number; label?: string };

describeWithSpecs('associations v4 contract', () => {
  let emu: TestEmulator;
  let portal: Portal;
  beforeAll(async () => {
    emu = await startEmulator();
    portal = emu.state.portal(PORTAL_ID);
  });
  afterAll(() => emu.close());

  /** A fresh live record of a type, straight in the store. */
  function createRecord(typeName: string, properties: Record<string, string> = {}): string {
    const type = objectTypeOf(typeName)!;
    const id = portal.allocateRecordId();
    const now = new Date().toISOString();
    portal.recordsOf(type).set(id, { id, properties: { hs_object_id: id, ...properties }, history: {}, createdAt: now, updatedAt: now, archived: false });
    return id;
  }

  /** Calls a route after checking the request body against the spec too. */
  async function send(method: string, path: string, body?: unknown, opts?: { token?: string | null }) {
    expect(requestProblems(method, path, body)).toEqual([]);
    return emu.checked(method, path, body, opts);
  }

  const typesOf = (body: { results: Array<{ toObjectId: string; associationTypes: TypeSpec[] }> }, toId: string) =>
    body.results.find((r) => r.toObjectId === toId)?.associationTypes.map((t) => t.typeId).sort((a, b) => a - b);

  async function listAll(from: string, id: string, to: string): Promise<string[]> {
    const ids: string[] = [];
    let after: string | undefined;
    do {
      const res = await emu.checked('GET', `/crm/v4/objects/${from}/${id}/associations/${to}${after ? `?after=${after}` : ''}`);
      expect(res.status).toBe(200);
      ids.push(...res.body.results.map((r: { toObjectId: string }) => r.toObjectId));
      after = res.body.paging?.next?.after;
    } while (after);
    return ids;
  }

  /** A company with `count` contacts, associated through the store. */
  function companyWithContacts(count: number): { companyId: string; contactIds: string[] } {
    const companyId = createRecord('companies');
    const contactIds = Array.from({ length: count }, () => createRecord('contacts'));
    for (const id of contactIds) portal.associations.add('0-1', id, '0-2', companyId, 279);
    return { companyId, contactIds };
  }

  describe('GET /crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}', () => {
    test('lists associated records with their types, from both sides, by name, singular or type id', async () => {
      const [contact, company] = [createRecord('contacts'), createRecord('companies')];
      const put = await send('PUT', `/crm/v4/objects/contacts/${contact}/associations/companies/${company}`, [
        { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 },
      ]);
      expect(put.status).toBe(201);

      for (const path of [`contacts/${contact}/associations/companies`, `0-1/${contact}/associations/0-2`, `contact/${contact}/associations/company`]) {
        const res = await emu.checked('GET', `/crm/v4/objects/${path}`);
        expect(res.status).toBe(200);
        expect(res.body.results).toEqual([
          { toObjectId: company, associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 1, label: 'Primary' }, { category: 'HUBSPOT_DEFINED', typeId: 279 }] },
        ]);
        expect(res.body.paging).toBeUndefined();
      }
      const back = await emu.checked('GET', `/crm/v4/objects/companies/${company}/associations/contacts`);
      expect(typesOf(back.body, contact)).toEqual([2, 280]);
      expect(back.body.results[0].associationTypes).toContainEqual({ category: 'HUBSPOT_DEFINED', typeId: 2, label: 'Primary' });
    });

    test('pages a record with more than 500 associations, 500 per page by default', async () => {
      const { companyId, contactIds } = companyWithContacts(1_201);
      const first = await emu.checked('GET', `/crm/v4/objects/companies/${companyId}/associations/contacts`);
      expect(first.body.results).toHaveLength(500);
      expect(first.body.paging.next.after).toEqual(expect.any(String));
      expect(await listAll('companies', companyId, 'contacts')).toEqual(contactIds);

      const small = await emu.checked('GET', `/crm/v4/objects/companies/${companyId}/associations/contacts?limit=100&after=${first.body.paging.next.after}`);
      expect(small.body.results).toHaveLength(100);
      expect(small.body.results[0].toObjectId).toBe(contactIds[500]);
    });

    test('rejects bad limits, cursors, ids and object types', async () => {
      const contact = createRecord('contacts');
      for (const query of ['limit=501', 'limit=0', 'limit=ten', 'after=not-a-cursor']) {
        const res = await emu.checked('GET', `/crm/v4/objects/contacts/${contact}/associations/companies?${query}`);
        expect(res.status).toBe(400);
        expect(res.body.category).toBe('VALIDATION_ERROR');
      }
      expect((await emu.checked('GET', '/crm/v4/objects/contacts/abc/associations/companies')).status).toBe(400);
      expect((await emu.checked('GET', `/crm/v4/objects/unicorns/${contact}/associations/companies`)).status).toBe(400);
      const missing = await emu.checked('GET', '/crm/v4/objects/contacts/987654321/associations/companies');
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
    });

    test('archived records are not found, and are hidden as far ends', async () => {
      const { companyId, contactIds } = companyWithContacts(2);
      portal.recordsOf(objectTypeOf('contacts')!).get(contactIds[0]!)!.archived = true;
      expect((await emu.checked('GET', `/crm/v4/objects/contacts/${contactIds[0]}/associations/companies`)).status).toBe(404);
      expect(await listAll('companies', companyId, 'contacts')).toEqual([contactIds[1]]);
    });

    test('a merged-away id answers with the surviving record', async () => {
      const { companyId, contactIds } = companyWithContacts(1);
      const absorbed = createRecord('contacts');
      portal.recordsOf(objectTypeOf('contacts')!).delete(absorbed);
      portal.mergedInto.set(`0-1:${absorbed}`, contactIds[0]!);
      const res = await emu.checked('GET', `/crm/v4/objects/contacts/${absorbed}/associations/companies`);
      expect(res.status).toBe(200);
      expect(res.body.results.map((r: { toObjectId: string }) => r.toObjectId)).toEqual([companyId]);
    });

    test('needs the read scope of both object types', async () => {
      const contact = createRecord('contacts');
      expect((await emu.checked('GET', `/crm/v4/objects/contacts/${contact}/associations/companies`, undefined, { token: READ_ONLY_TOKEN })).status).toBe(200);
      const denied = await emu.checked('GET', `/crm/v4/objects/contacts/${contact}/associations/tickets`, undefined, { token: READ_ONLY_TOKEN });
      expect(denied.status).toBe(403);
      expect(denied.body.category).toBe('MISSING_SCOPES');
    });
  });

  describe('PUT and DELETE /crm/v4/objects/{objectType}/{objectId}/associations/…', () => {
    test('a labelled PUT answers 201 with the pair and the labels, and adds the unlabeled type', async () => {
      const [deal, company] = [createRecord('deals'), createRecord('companies')];
      const res = await send('PUT', `/crm/v4/objects/deals/${deal}/associations/companies/${company}`, [
        { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 5 },
      ]);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ fromObjectTypeId: '0-3', fromObjectId: deal, toObjectTypeId: '0-2', toObjectId: company, labels: ['Primary'] });
      expect(typesOf((await emu.checked('GET', `/crm/v4/objects/deals/${deal}/associations/companies`)).body, company)).toEqual([5, 341]);
    });

    test('a new primary company takes the primary label from the old one', async () => {
      const [contact, first, second] = [createRecord('contacts'), createRecord('companies'), createRecord('companies')];
      const primary = [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }];
      await send('PUT', `/crm/v4/objects/contacts/${contact}/associations/companies/${first}`, primary);
      await send('PUT', `/crm/v4/objects/contacts/${contact}/associations/companies/${second}`, primary);
      const res = await emu.checked('GET', `/crm/v4/objects/contacts/${contact}/associations/companies`);
      expect(typesOf(res.body, first)).toEqual([279]);
      expect(typesOf(res.body, second)).toEqual([1, 279]);
      const fromOldCompany = await emu.checked('GET', `/crm/v4/objects/companies/${first}/associations/contacts`);
      expect(typesOf(fromOldCompany.body, contact)).toEqual([280]);
    });

    test('a labelled PUT refuses unknown types, wrong categories, bad bodies, missing records and self-links', async () => {
      const [contact, company] = [createRecord('contacts'), createRecord('companies')];
      const path = `/crm/v4/objects/contacts/${contact}/associations/companies/${company}`;
      const unknown = await emu.checked('PUT', path, [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 9999 }]);
      expect(unknown.status).toBe(400);
      expect(unknown.body.category).toBe('VALIDATION_ERROR');
      expect((await emu.checked('PUT', path, [{ associationCategory: 'USER_DEFINED', associationTypeId: 279 }])).status).toBe(400);
      expect((await emu.checked('PUT', path, [])).status).toBe(400);
      expect((await emu.checked('PUT', path, [{ associationCategory: 'NOPE', associationTypeId: 279 }])).status).toBe(400);
      expect((await emu.checked('PUT', path, { associationTypeId: 279 })).status).toBe(400);
      const missing = await emu.checked('PUT', `/crm/v4/objects/contacts/${contact}/associations/companies/987654321`, [
        { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 },
      ]);
      expect(missing.status).toBe(404);
      const self = await emu.checked('PUT', `/crm/v4/objects/contacts/${contact}/associations/contacts/${contact}`, [
        { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 449 },
      ]);
      expect(self.status).toBe(400);
      expect(typesOf((await emu.checked('GET', `/crm/v4/objects/contacts/${contact}/associations/companies`)).body, company)).toBeUndefined();
    });

    test('PUT default creates the unlabeled type and answers with both directions', async () => {
      const [contact, company] = [createRecord('contacts'), createRecord('companies')];
      const res = await send('PUT', `/crm/v4/objects/contacts/${contact}/associations/default/companies/${company}`);
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('COMPLETE');
      expect(res.body.results).toEqual([
        { from: { id: contact }, to: { id: company }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 } },
        { from: { id: company }, to: { id: contact }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 280 } },
      ]);
      expect(typesOf((await emu.checked('GET', `/crm/v4/objects/companies/${company}/associations/contacts`)).body, contact)).toEqual([280]);

      const note = createRecord('notes');
      const noteRes = await send('PUT', `/crm/v4/objects/note/${note}/associations/default/contact/${contact}`);
      expect(noteRes.body.results[0].associationSpec.associationTypeId).toBe(202);
    });

    test('PUT default refuses pairs without a default type and missing records', async () => {
      const [product, contact] = [createRecord('products'), createRecord('contacts')];
      expect((await emu.checked('PUT', `/crm/v4/objects/products/${product}/associations/default/contacts/${contact}`)).status).toBe(400);
      expect((await emu.checked('PUT', `/crm/v4/objects/contacts/${contact}/associations/default/companies/987654321`)).status).toBe(404);
      expect((await emu.checked('PUT', `/crm/v4/objects/contacts/x1/associations/default/companies/1`)).status).toBe(400);
    });

    test('DELETE removes every type between the two records, in both directions', async () => {
      const [contact, company] = [createRecord('contacts'), createRecord('companies')];
      await send('PUT', `/crm/v4/objects/contacts/${contact}/associations/companies/${company}`, [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }]);
      const res = await send('DELETE', `/crm/v4/objects/contacts/${contact}/associations/companies/${company}`);
      expect(res.status).toBe(204);
      expect(await listAll('contacts', contact, 'companies')).toEqual([]);
      expect(await listAll('companies', company, 'contacts')).toEqual([]);
      expect((await emu.checked('DELETE', `/crm/v4/objects/contacts/${contact}/associations/companies/987654321`)).status).toBe(404);
    });

    test('writes need the write scope', async () => {
      const [contact, company] = [createRecord('contacts'), createRecord('companies')];
      const res = await emu.checked('PUT', `/crm/v4/objects/contacts/${contact}/associations/default/companies/${company}`, undefined, { token: READ_ONLY_TOKEN });
      expect(res.status).toBe(403);
      expect((await emu.checked('DELETE', `/crm/v4/objects/contacts/${contact}/associations/companies/${company}`, undefined, { token: READ_ONLY_TOKEN })).status).toBe(403);
    });
  });

  describe('POST /crm/v4/associations/{from}/{to}/batch/read', () => {
    test('answers 200 with results matched by from.id when every record has associations', async () => {
      const a = companyWithContacts(2);
      const b = companyWithContacts(1);
      const res = await send('POST', '/crm/v4/associations/companies/contacts/batch/read', { inputs: [{ id: b.companyId }, { id: a.companyId }] });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'COMPLETE' });
      const byId = new Map(res.body.results.map((r: { from: { id: string }; to: Array<{ toObjectId: string }> }) => [r.from.id, r.to.map((t) => t.toObjectId)]));
      expect(byId).toEqual(new Map([[b.companyId, b.contactIds], [a.companyId, a.contactIds]]));
      expect(res.body.results[0].to[0].associationTypes).toEqual([{ category: 'HUBSPOT_DEFINED', typeId: 280 }]);
    });

    test('answers 207 with a per-item error for unknown ids and records without associations', async () => {
      const { companyId } = companyWithContacts(1);
      const lonely = createRecord('companies');
      const res = await send('POST', '/crm/v4/associations/companies/contacts/batch/read', {
        inputs: [{ id: companyId }, { id: '987654321' }, { id: lonely }, { id: 'abc' }],
      });
      expect(res.status).toBe(207);
      expect(res.body.results.map((r: { from: { id: string } }) => r.from.id)).toEqual([companyId]);
      expect(res.body.numErrors).toBe(3);
      expect(res.body.errors.map((e: { context: { fromObjectId: string[] } }) => e.context.fromObjectId[0])).toEqual(['987654321', lonely, 'abc']);
      expect(res.body.errors[0]).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND', message: 'No contact is associated with company 987654321.' });
    });

    test('pages each record separately: 500 per record, continued with the returned after', async () => {
      const big = companyWithContacts(1_100);
      const small = companyWithContacts(3);
      const path = '/crm/v4/associations/companies/contacts/batch/read';
      const first = await send('POST', path, { inputs: [{ id: big.companyId }, { id: small.companyId }] });
      const bigResult = first.body.results.find((r: { from: { id: string } }) => r.from.id === big.companyId);
      const smallResult = first.body.results.find((r: { from: { id: string } }) => r.from.id === small.companyId);
      expect(bigResult.to).toHaveLength(500);
      expect(smallResult.to).toHaveLength(3);
      expect(smallResult.paging).toBeUndefined();

      const seen = bigResult.to.map((t: { toObjectId: string }) => t.toObjectId);
      let after: string | undefined = bigResult.paging.next.after;
      while (after) {
        const next = await send('POST', path, { inputs: [{ id: big.companyId, after }] });
        expect(next.status).toBe(200);
        seen.push(...next.body.results[0].to.map((t: { toObjectId: string }) => t.toObjectId));
        after = next.body.results[0].paging?.next?.after;
      }
      expect(seen).toEqual(big.contactIds);
    });

    test('takes at most 1000 inputs and needs a body with inputs', async () => {
      const path = '/crm/v4/associations/contacts/companies/batch/read';
      const ok = await emu.checked('POST', path, { inputs: Array.from({ length: 1000 }, (_, i) => ({ id: String(900_000_000 + i) })) });
      expect(ok.status).toBe(207);
      const tooMany = await emu.checked('POST', path, { inputs: Array.from({ length: 1001 }, (_, i) => ({ id: String(i + 1) })) });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.category).toBe('VALIDATION_ERROR');
      expect((await emu.checked('POST', path, {})).status).toBe(400);
      expect((await emu.checked('POST', path, { inputs: [{ after: '5' }] })).status).toBe(400);
      expect((await emu.checked('POST', '/crm/v4/associations/contacts/unicorns/batch/read', { inputs: [] })).status).toBe(400);
    });

    test('a merged-away id is answered under the id asked for, with the survivor associations', async () => {
      const { companyId, contactIds } = companyWithContacts(1);
      const absorbed = createRecord('contacts');
      portal.recordsOf(objectTypeOf('contacts')!).delete(absorbed);
      portal.mergedInto.set(`0-1:${absorbed}`, contactIds[0]!);
      const res = await send('POST', '/crm/v4/associations/contacts/companies/batch/read', { inputs: [{ id: absorbed }] });
      expect(res.status).toBe(200);
      expect(res.body.results).toEqual([{ from: { id: absorbed }, to: [{ toObjectId: companyId, associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 279 }] }] }]);
    });
  });

  describe('batch create, associate/default, archive and labels/archive', () => {
    test('batch/create answers 201 with one LabelsBetweenObjectPair per input; both sides see the association', async () => {
      const [deal, c1, c2] = [createRecord('deals'), createRecord('contacts'), createRecord('contacts')];
      const res = await send('POST', '/crm/v4/associations/deals/contacts/batch/create', {
        inputs: [c1, c2].map((c) => ({ from: { id: deal }, to: { id: c }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] })),
      });
      expect(res.status).toBe(201);
      expect(res.body.results).toEqual([
        { fromObjectTypeId: '0-3', fromObjectId: deal, toObjectTypeId: '0-1', toObjectId: c1, labels: [] },
        { fromObjectTypeId: '0-3', fromObjectId: deal, toObjectTypeId: '0-1', toObjectId: c2, labels: [] },
      ]);
      expect(await listAll('deals', deal, 'contacts')).toEqual([c1, c2]);
      expect(typesOf((await emu.checked('GET', `/crm/v4/objects/contacts/${c2}/associations/deals`)).body, deal)).toEqual([4]);
    });

    test('batch/create answers 207 with per-item errors and keeps the good inputs', async () => {
      const [contact, company] = [createRecord('contacts'), createRecord('companies')];
      const type = (associationTypeId: number) => [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId }];
      const res = await send('POST', '/crm/v4/associations/contacts/companies/batch/create', {
        inputs: [
          { from: { id: contact }, to: { id: company }, types: type(279) },
          { from: { id: contact }, to: { id: '987654321' }, types: type(279) },
          { from: { id: contact }, to: { id: company }, types: type(4242) },
        ],
      });
      expect(res.status).toBe(207);
      expect(res.body.results).toHaveLength(1);
      expect(res.body.numErrors).toBe(2);
      expect(res.body.errors.map((e: { category: string }) => e.category)).toEqual(['OBJECT_NOT_FOUND', 'VALIDATION_ERROR']);
      expect(res.body.errors[0].context.toObjectId).toEqual(['987654321']);
      expect(await listAll('contacts', contact, 'companies')).toEqual([company]);
    });

    test('batch/create rejects malformed bodies as a whole', async () => {
      const path = '/crm/v4/associations/contacts/companies/batch/create';
      expect((await emu.checked('POST', path, { inputs: [{ from: { id: '1' }, to: { id: '2' }, types: 'x' }] })).status).toBe(400);
      expect((await emu.checked('POST', path, { inputs: [{ from: {}, to: { id: '2' }, types: [] }] })).status).toBe(400);
      expect((await emu.checked('POST', path, [])).status).toBe(400);
    });

    test('batch/associate/default answers 200 with both directions per input, failures listed in errors', async () => {
      const [ticket, contact] = [createRecord('tickets'), createRecord('contacts')];
      const path = '/crm/v4/associations/tickets/contacts/batch/associate/default';
      const res = await send('POST', path, { inputs: [{ from: { id: ticket }, to: { id: contact } }, { from: { id: ticket }, to: { id: '987654321' } }] });
      expect(res.status).toBe(200);
      expect(res.body.results).toEqual([
        { from: { id: ticket }, to: { id: contact }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 16 } },
        { from: { id: contact }, to: { id: ticket }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 15 } },
      ]);
      expect(res.body.numErrors).toBe(1);
      expect(res.body.errors[0].category).toBe('OBJECT_NOT_FOUND');
      expect((await emu.checked('POST', '/crm/v4/associations/products/contacts/batch/associate/default', { inputs: [] })).status).toBe(400);
    });

    test('batch/archive removes every type of each pair, ignores missing records, answers 204', async () => {
      const { companyId, contactIds } = companyWithContacts(3);
      portal.associations.add('0-2', companyId, '0-1', contactIds[0]!, 2);
      const res = await send('POST', '/crm/v4/associations/companies/contacts/batch/archive', {
        inputs: [{ from: { id: companyId }, to: [{ id: contactIds[0]! }, { id: contactIds[1]! }, { id: '987654321' }] }, { from: { id: '987654321' }, to: [] }],
      });
      expect(res.status).toBe(204);
      expect(await listAll('companies', companyId, 'contacts')).toEqual([contactIds[2]]);
      expect(await listAll('contacts', contactIds[0]!, 'companies')).toEqual([]);
      expect((await emu.checked('POST', '/crm/v4/associations/companies/contacts/batch/archive', { inputs: [{ from: { id: '1' }, to: { id: '2' } }] })).status).toBe(400);
    });

    test('batch/labels/archive removes one label, and removing the unlabeled type removes them all', async () => {
      const [contact, company] = [createRecord('contacts'), createRecord('companies')];
      const label = await send('POST', '/crm/associations/v4/contacts/companies/labels', { label: 'Billing contact', name: `billing_${contact}` });
      const billing = label.body.results[0].typeId as number;
      await send('PUT', `/crm/v4/objects/contacts/${contact}/associations/companies/${company}`, [
        { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 },
        { associationCategory: 'USER_DEFINED', associationTypeId: billing },
      ]);
      const path = '/crm/v4/associations/contacts/companies/batch/labels/archive';
      const input = (category: string, typeId: number) => ({ inputs: [{ from: { id: contact }, to: { id: company }, types: [{ associationCategory: category, associationTypeId: typeId }] }] });

      expect((await send('POST', path, input('HUBSPOT_DEFINED', 1))).status).toBe(204);
      const after = await emu.checked('GET', `/crm/v4/objects/contacts/${contact}/associations/companies`);
      expect(typesOf(after.body, company)).toEqual([279, billing].sort((a, b) => a - b));

      expect((await send('POST', path, input('HUBSPOT_DEFINED', 279))).status).toBe(204);
      expect(await listAll('contacts', contact, 'companies')).toEqual([]);
      expect(await listAll('companies', company, 'contacts')).toEqual([]);

      expect((await emu.checked('POST', path, input('HUBSPOT_DEFINED', 4242))).status).toBe(400);
    });
  });

  describe('association labels (crm-associations-schema-v4)', () => {
    const labelsPath = (from: string, to: string) => `/crm/associations/v4/${from}/${to}/labels`;

    test('GET lists the HubSpot-defined types of a pair, the unlabeled one without a label', async () => {
      const res = await send('GET', labelsPath('contacts', 'companies'));
      expect(res.status).toBe(200);
      expect(res.body.results).toEqual(
        expect.arrayContaining([
          { category: 'HUBSPOT_DEFINED', typeId: 1, label: 'Primary', fromObjectTypeId: '0-1', toObjectTypeId: '0-2' },
          { category: 'HUBSPOT_DEFINED', typeId: 279, fromObjectTypeId: '0-1', toObjectTypeId: '0-2' },
        ]),
      );
      const companies = await send('GET', labelsPath('companies', 'companies'));
      expect(companies.body.results.map((r: TypeSpec) => r.typeId)).toEqual(expect.arrayContaining([13, 14, 450]));
    });

    test('POST with an inverse label creates a type per direction, usable at once from both sides', async () => {
      const created = await send('POST', labelsPath('deals', 'contacts'), { label: 'Decision maker', name: 'decision_maker', inverseLabel: 'Decides on' });
      expect(created.status).toBe(200);
      const [forward, inverse] = created.body.results as Array<TypeSpec & { fromObjectTypeId: string }>;
      expect(forward).toMatchObject({ category: 'USER_DEFINED', label: 'Decision maker', fromObjectTypeId: '0-3', toObjectTypeId: '0-1' });
      expect(inverse).toMatchObject({ category: 'USER_DEFINED', label: 'Decides on', fromObjectTypeId: '0-1', toObjectTypeId: '0-3' });
      expect(forward!.typeId).not.toBe(inverse!.typeId);

      expect((await send('GET', labelsPath('contacts', 'deals'))).body.results).toContainEqual(inverse);
      const [deal, contact] = [createRecord('deals'), createRecord('contacts')];
      const put = await send('PUT', `/crm/v4/objects/deals/${deal}/associations/contacts/${contact}`, [{ associationCategory: 'USER_DEFINED', associationTypeId: forward!.typeId }]);
      expect(put.body.labels).toEqual(['Decision maker']);
      const back = await emu.checked('GET', `/crm/v4/objects/contacts/${contact}/associations/deals`);
      expect(back.body.results[0].associationTypes).toEqual([
        { category: 'HUBSPOT_DEFINED', typeId: 4 },
        { category: 'USER_DEFINED', typeId: inverse!.typeId, label: 'Decides on' },
      ]);
    });

    test('POST without an inverse label within one object type creates a single symmetric type', async () => {
      const created = await send('POST', labelsPath('contacts', 'contacts'), { label: 'Colleague', name: 'colleague' });
      expect(created.body.results).toHaveLength(1);
      const typeId = created.body.results[0].typeId as number;
      const [a, b] = [createRecord('contacts'), createRecord('contacts')];
      await send('PUT', `/crm/v4/objects/contacts/${a}/associations/contacts/${b}`, [{ associationCategory: 'USER_DEFINED', associationTypeId: typeId }]);
      expect(typesOf((await emu.checked('GET', `/crm/v4/objects/contacts/${b}/associations/contacts`)).body, a)).toEqual([449, typeId]);
    });

    test('PUT renames a user label and its inverse; HubSpot-defined and unknown types are refused', async () => {
      const created = await send('POST', labelsPath('companies', 'deals'), { label: 'Sponsor', name: 'sponsor', inverseLabel: 'Sponsored by' });
      const [forward, inverse] = created.body.results as TypeSpec[];
      const res = await send('PUT', labelsPath('companies', 'deals'), { associationTypeId: forward!.typeId, label: 'Main sponsor', inverseLabel: 'Mainly sponsored by' });
      expect(res.status).toBe(204);
      expect((await send('GET', labelsPath('companies', 'deals'))).body.results).toContainEqual(expect.objectContaining({ typeId: forward!.typeId, label: 'Main sponsor' }));
      expect((await send('GET', labelsPath('deals', 'companies'))).body.results).toContainEqual(expect.objectContaining({ typeId: inverse!.typeId, label: 'Mainly sponsored by' }));

      // Renaming one direction only leaves a paired inverse label alone.
      await send('PUT', labelsPath('companies', 'deals'), { associationTypeId: forward!.typeId, label: 'Sponsor again' });
      expect((await send('GET', labelsPath('deals', 'companies'))).body.results).toContainEqual(expect.objectContaining({ typeId: inverse!.typeId, label: 'Mainly sponsored by' }));
      const unpaired = (await send('POST', labelsPath('companies', 'deals'), { label: 'Reseller', name: 'reseller' })).body.results as TypeSpec[];
      await send('PUT', labelsPath('companies', 'deals'), { associationTypeId: unpaired[0]!.typeId, label: 'Distributor' });
      expect((await send('GET', labelsPath('deals', 'companies'))).body.results).toContainEqual(expect.objectContaining({ typeId: unpaired[1]!.typeId, label: 'Distributor' }));

      const builtIn = await emu.checked('PUT', labelsPath('companies', 'deals'), { associationTypeId: 6, label: 'Main' });
      expect(builtIn.status).toBe(400);
      expect(builtIn.body.message).toMatch(/HUBSPOT_DEFINED/);
      expect((await emu.checked('PUT', labelsPath('companies', 'deals'), { associationTypeId: 99999, label: 'X' })).status).toBe(400);
      expect((await emu.checked('PUT', labelsPath('companies', 'deals'), { associationTypeId: forward!.typeId })).status).toBe(400);
    });

    test('DELETE removes a user label (and its inverse) from definitions and associations', async () => {
      const created = await send('POST', labelsPath('tickets', 'contacts'), { label: 'Reporter', name: 'reporter', inverseLabel: 'Reported' });
      const [forward, inverse] = created.body.results as TypeSpec[];
      const [ticket, contact] = [createRecord('tickets'), createRecord('contacts')];
      await send('PUT', `/crm/v4/objects/tickets/${ticket}/associations/contacts/${contact}`, [{ associationCategory: 'USER_DEFINED', associationTypeId: forward!.typeId }]);

      expect((await send('DELETE', `${labelsPath('tickets', 'contacts')}/${forward!.typeId}`)).status).toBe(204);
      const ids = (await send('GET', labelsPath('tickets', 'contacts'))).body.results.map((r: TypeSpec) => r.typeId);
      expect(ids).not.toContain(forward!.typeId);
      expect((await send('GET', labelsPath('contacts', 'tickets'))).body.results.map((r: TypeSpec) => r.typeId)).not.toContain(inverse!.typeId);
      expect(typesOf((await emu.checked('GET', `/crm/v4/objects/tickets/${ticket}/associations/contacts`)).body, contact)).toEqual([16]);
      expect(typesOf((await emu.checked('GET', `/crm/v4/objects/contacts/${contact}/associations/tickets`)).body, ticket)).toEqual([15]);

      expect((await emu.checked('DELETE', `${labelsPath('tickets', 'contacts')}/16`)).status).toBe(400);
      expect((await emu.checked('DELETE', `${labelsPath('tickets', 'contacts')}/${forward!.typeId}`)).status).toBe(404);
      expect((await emu.checked('DELETE', `${labelsPath('tickets', 'contacts')}/abc`)).status).toBe(400);
    });

    test('POST refuses bad bodies, duplicate names and more than 10 labels per pair', async () => {
      const path = labelsPath('line_items', 'deals');
      expect((await emu.checked('POST', path, { label: 'No name' })).status).toBe(400);
      expect((await emu.checked('POST', path, { name: 'no_label', label: '' })).status).toBe(400);
      for (let i = 0; i < 10; i++) expect((await send('POST', path, { label: `Label ${i}`, name: `label_${i}` })).status).toBe(200);
      const duplicate = await emu.checked('POST', labelsPath('deals', 'line_items'), { label: 'Again', name: 'label_3' });
      expect(duplicate.status).toBe(409);
      const eleventh = await emu.checked('POST', path, { label: 'Label 10', name: 'label_10' });
      expect(eleventh.status).toBe(400);
      expect(eleventh.body.message).toMatch(/10 association labels/);
      expect((await emu.checked('GET', '/crm/associations/v4/unicorns/deals/labels')).status).toBe(400);
    });

    test('the older /crm/v4/associations/{from}/{to}/labels path serves the same definitions', async () => {
      const res = await emu.api('GET', '/crm/v4/associations/contacts/companies/labels');
      expect(res.status).toBe(200);
      expect(res.body).toEqual((await send('GET', labelsPath('contacts', 'companies'))).body);
    });
  });

  test('POST /crm/v4/associations/usage/high-usage-report/{userId} queues a report for a portal user', async () => {
    const owner = portal.owners[0]!;
    const res = await send('POST', `/crm/v4/associations/usage/high-usage-report/${owner.userId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ userId: owner.userId, userEmail: owner.email, enqueueTime: { dateOnly: false } });
    expect((await emu.checked('POST', '/crm/v4/associations/usage/high-usage-report/1')).status).toBe(404);
  });
});
