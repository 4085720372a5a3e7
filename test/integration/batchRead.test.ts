import { startGateway, type TestGateway } from '../helpers/gateway';

describe('batch reads as queries (<plural>ByIds)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  const operations = (from: number) => gw.calls.slice(from).map((c) => c.call.operation);

  test('by id: input order, one null with NOT_FOUND for a missing id, one batch read', async () => {
    const list = await gw.query('{ contacts(first: 3) { nodes { hs_object_id email } } }');
    const [a, b, c] = list.body.data.contacts.nodes;
    const before = gw.calls.length;
    const res = await gw.query(`query($ids: [ID!]!) { contactsByIds(ids: $ids) { hs_object_id email } }`, { ids: [c.hs_object_id, '99999999', a.hs_object_id, b.hs_object_id] });
    expect(res.body.data.contactsByIds).toEqual([c, null, a, b]);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0]).toMatchObject({ path: ['contactsByIds', 1], extensions: { code: 'NOT_FOUND' } });
    expect(operations(before)).toEqual(['/crm/v3/objects/{objectType}/batch/read']);
  });

  test('by unique property: matched by value, case-insensitively', async () => {
    const list = await gw.query('{ contacts(first: 2) { nodes { hs_object_id email } } }');
    const [a, b] = list.body.data.contacts.nodes;
    const res = await gw.query(`query($ids: [ID!]!) { contactsByIds(ids: $ids, idProperty: "email") { hs_object_id email } }`, { ids: [b.email.toUpperCase(), 'nobody@example.com', a.email] });
    expect(res.body.data.contactsByIds).toEqual([b, null, a]);
    expect(res.body.errors[0].extensions.code).toBe('NOT_FOUND');
  });

  test('250 ids are 3 batch reads; more than 1000 ids are refused before any call', async () => {
    const ids = Array.from({ length: 250 }, (_, i) => String(i + 1));
    const before = gw.calls.length;
    const res = await gw.query(`query($ids: [ID!]!) { dealsByIds(ids: $ids) { hs_object_id } }`, { ids });
    expect(res.body.data.dealsByIds).toHaveLength(250);
    expect(operations(before)).toEqual(Array(3).fill('/crm/v3/objects/{objectType}/batch/read'));
    const tooMany = Array.from({ length: 1001 }, (_, i) => String(i + 1));
    const mid = gw.calls.length;
    const refused = await gw.query(`query($ids: [ID!]!) { dealsByIds(ids: $ids) { hs_object_id } }`, { ids: tooMany });
    expect(refused.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(gw.calls.length).toBe(mid);
  });
});
