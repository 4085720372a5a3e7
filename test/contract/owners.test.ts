import type { Owner } from '../../src/emulator/store';
import { PORTAL_ID, READ_ONLY_TOKEN, startEmulator, type TestEmulator } from '../helpers/emulator';
import { describeWithSpecs } from '../helpers/openapi';

// Owners v3 against crm-owners-v3.json: paging, email filter, archived owners, lookup by id or userId.
describeWithSpecs('owners contract', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu.close());

  const at = '2024-01-02T03:04:05.000Z';
  const owner = (n: number, overrides: Partial<Owner> = {}): Owner => ({
    id: String(100 + n),
    email: `owner${n}@example.com`,
    firstName: `First${n}`,
    lastName: `Last${n}`,
    userId: 9000 + n,
    userIdIncludingInactive: 9000 + n,
    type: 'PERSON',
    teams: n % 2 ? [{ id: '77', name: 'Sales', primary: true }] : [],
    createdAt: at,
    updatedAt: at,
    archived: false,
    ...overrides,
  });

  // The test's own owners replace whatever the seed made, so counts and ids are known here.
  beforeEach(async () => {
    await emu.api('POST', '/__emulator/reset');
    const owners = emu.state.portal(PORTAL_ID).owners;
    owners.splice(0, owners.length);
    for (let n = 12; n >= 1; n--) owners.push(owner(n));
    owners.push(owner(13, { archived: true, email: 'gone@example.com', userId: 9999, userIdIncludingInactive: 9999 }));
    owners.push(owner(14, { type: 'QUEUE', email: 'queue@example.com', firstName: '', lastName: '' }));
  });

  test('lists active owners in id order with the spec shape', async () => {
    const res = await emu.checked('GET', '/crm/v3/owners');
    expect(res.status).toBe(200);
    expect(res.body.results.map((o: Owner) => o.id)).toEqual([...Array.from({ length: 12 }, (_, i) => String(101 + i)), '114']);
    expect(res.body.results[0]).toEqual(owner(1));
    expect(res.body.paging).toBeUndefined();
  });

  test('pages with limit and after until the end', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const res = await emu.checked('GET', `/crm/v3/owners?limit=5${after ? `&after=${after}` : ''}`);
      expect(res.body.results.length).toBeLessThanOrEqual(5);
      seen.push(...res.body.results.map((o: Owner) => o.id));
      after = res.body.paging?.next?.after;
      if (after) expect(res.body.paging.next.link).toContain(`after=${after}`);
      pages++;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(13);
    expect(new Set(seen).size).toBe(13);
  });

  test('a limit beyond the page cap is served, not refused; bad limits and cursors are 400', async () => {
    expect((await emu.checked('GET', '/crm/v3/owners?limit=1000')).body.results).toHaveLength(13);
    for (const query of ['limit=0', 'limit=-1', 'limit=ten', 'after=abc', 'archived=yes']) {
      const res = await emu.checked('GET', `/crm/v3/owners?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.category).toBe('VALIDATION_ERROR');
    }
  });

  test('filters by email, case-insensitively', async () => {
    const res = await emu.checked('GET', '/crm/v3/owners?email=OWNER7@example.com');
    expect(res.body.results.map((o: Owner) => o.id)).toEqual(['107']);
    expect((await emu.checked('GET', '/crm/v3/owners?email=nobody@example.com')).body.results).toEqual([]);
  });

  test('archived=true lists only archived owners', async () => {
    const res = await emu.checked('GET', '/crm/v3/owners?archived=true');
    expect(res.body.results.map((o: Owner) => o.id)).toEqual(['113']);
    expect(res.body.results[0].archived).toBe(true);
    expect((await emu.checked('GET', '/crm/v3/owners?email=gone@example.com')).body.results).toEqual([]);
  });

  test('reads one owner by id or by userId', async () => {
    const byId = await emu.checked('GET', '/crm/v3/owners/105');
    expect(byId.body).toEqual(owner(5));
    const byUserId = await emu.checked('GET', '/crm/v3/owners/9005?idProperty=userId');
    expect(byUserId.body.id).toBe('105');
    expect((await emu.checked('GET', '/crm/v3/owners/9005')).status).toBe(404);
    expect((await emu.checked('GET', '/crm/v3/owners/105?idProperty=id')).status).toBe(200);
  });

  test('archived owners are found only with archived=true', async () => {
    expect((await emu.checked('GET', '/crm/v3/owners/113')).status).toBe(404);
    const res = await emu.checked('GET', '/crm/v3/owners/113?archived=true');
    expect(res.body).toMatchObject({ id: '113', archived: true });
    expect((await emu.checked('GET', '/crm/v3/owners/9999?idProperty=userId&archived=true')).body.id).toBe('113');
  });

  test('unknown owners are 404; bad ids and idProperty values are 400', async () => {
    const missing = await emu.checked('GET', '/crm/v3/owners/424242');
    expect(missing.status).toBe(404);
    expect(missing.body.category).toBe('OBJECT_NOT_FOUND');
    expect((await emu.checked('GET', '/crm/v3/owners/abc')).status).toBe(400);
    expect((await emu.checked('GET', '/crm/v3/owners/105?idProperty=email')).status).toBe(400);
  });

  test('needs crm.objects.owners.read (or automation)', async () => {
    expect((await emu.checked('GET', '/crm/v3/owners', undefined, { token: READ_ONLY_TOKEN })).status).toBe(200);
    emu.state.tokens.set('contacts-only', { token: 'contacts-only', portalId: PORTAL_ID, scopes: ['crm.objects.contacts.read'] });
    const refused = await emu.checked('GET', '/crm/v3/owners/105', undefined, { token: 'contacts-only' });
    expect(refused.status).toBe(403);
    expect(refused.body.category).toBe('MISSING_SCOPES');
    emu.state.tokens.set('automation', { token: 'automation', portalId: PORTAL_ID, scopes: ['automation'] });
    expect((await emu.checked('GET', '/crm/v3/owners', undefined, { token: 'automation' })).status).toBe(200);
  });
});
