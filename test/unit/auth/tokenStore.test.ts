import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { sqlitePathOf, TokenStore, tokenStoreKind, type PortalTokens } from '../../../src/auth/tokenStore';

const tokens = (portalId: number, accessToken = `at-${portalId}`): PortalTokens => ({
  portalId,
  accessToken,
  refreshToken: `rt-${portalId}`,
  expiresAt: 1_700_000_000_000,
  expiresIn: 1800,
  scopes: ['oauth', 'crm.objects.contacts.read'],
  installedAt: '2024-01-01T00:00:00.000Z',
  refreshedAt: '2024-01-01T00:00:00.000Z',
});

/** The behaviour every kind of store must have. */
function behavesAsATokenStore(open: () => TokenStore) {
  let store: TokenStore;
  beforeEach(() => {
    store = open();
  });
  afterEach(async () => {
    await store.clear();
    await store.close();
  });

  test('put, get, list and delete portals', async () => {
    expect(await store.portalIds()).toEqual([]);
    expect(await store.get(111)).toBeUndefined();
    await store.put(tokens(222));
    await store.put(tokens(111));
    expect(await store.get(111)).toEqual(tokens(111));
    expect(await store.portalIds()).toEqual([111, 222]);
    await store.put(tokens(111, 'at-refreshed'));
    expect((await store.get(111))?.accessToken).toBe('at-refreshed');
    expect(await store.portalIds()).toEqual([111, 222]);
    await store.delete(222);
    expect(await store.get(222)).toBeUndefined();
    expect(await store.portalIds()).toEqual([111]);
  });

  test('installs at the same moment are all listed', async () => {
    await Promise.all([1, 2, 3, 4, 5].map((id) => store.put(tokens(id))));
    expect(await store.portalIds()).toEqual([1, 2, 3, 4, 5]);
  });
}

describe('token store URLs', () => {
  test.each([
    ['./data/tokens.sqlite', 'sqlite'],
    ['sqlite:///var/lib/gw/tokens.sqlite', 'sqlite'],
    ['redis://127.0.0.1:6379', 'redis'],
    ['rediss://cache.example.com', 'redis'],
    ['postgres://postgres@127.0.0.1:5432/test', 'postgres'],
    ['postgresql://u:p@db/x', 'postgres'],
  ])('%s is %s', (url, kind) => expect(tokenStoreKind(url)).toBe(kind));

  test('sqlite paths', () => {
    expect(sqlitePathOf('./data/tokens.sqlite')).toBe('./data/tokens.sqlite');
    expect(sqlitePathOf('sqlite:///var/lib/tokens.sqlite')).toBe('/var/lib/tokens.sqlite');
    expect(sqlitePathOf('sqlite://data/tokens.sqlite')).toBe('data/tokens.sqlite');
    expect(sqlitePathOf('file:///var/lib/tokens.sqlite')).toBe('/var/lib/tokens.sqlite');
  });
});

describe('token store in a SQLite file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tokens-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  behavesAsATokenStore(() => TokenStore.open(join(dir, 'store.sqlite')));

  test('tokens survive closing and reopening the file, which only its owner may read', async () => {
    const file = join(dir, 'nested', 'dir', 'tokens.sqlite');
    const first = TokenStore.open(`sqlite://${file}`);
    await first.put(tokens(333));
    await first.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = TokenStore.open(file);
    expect(await second.get(333)).toEqual(tokens(333));
    expect(await second.portalIds()).toEqual([333]);
    await second.close();
  });

  test('two stores on one file (a restarted gateway while the old one drains) see each other', async () => {
    const file = join(dir, 'shared.sqlite');
    const a = TokenStore.open(file);
    const b = TokenStore.open(file);
    await a.put(tokens(444));
    expect(await b.get(444)).toEqual(tokens(444));
    await a.close();
    await b.close();
  });
});

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) console.warn('REDIS_URL is not set: the Redis token store tests are skipped (CI sets it).');
(redisUrl ? describe : describe.skip)('token store in Redis (REDIS_URL)', () => {
  behavesAsATokenStore(() => TokenStore.open(redisUrl!, `test-oauth-tokens-${process.pid}-${Date.now()}`));
});

const POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';
/** Whether PostgreSQL listens (checked synchronously, so that the block can be skipped with a reason). */
function postgresListens(): boolean {
  const probe = `require('net').connect(5432, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1)).setTimeout(2000, () => process.exit(1))`;
  return spawnSync(process.execPath, ['-e', probe], { timeout: 5_000 }).status === 0;
}
const postgresUp = postgresListens();
if (!postgresUp) console.warn(`PostgreSQL at ${POSTGRES_URL} is unreachable: the PostgreSQL token store tests are skipped.`);
(postgresUp ? describe : describe.skip)('token store in PostgreSQL', () => {
  const namespace = `test-oauth-tokens-${process.pid}-${Date.now()}`;
  describe('behaviour', () => behavesAsATokenStore(() => TokenStore.open(POSTGRES_URL, namespace)));

  // (@keyv/postgres shares one pool per process, which close() ends: this test opens one store at a time.)
  test('tokens survive closing and reopening the store', async () => {
    const first = TokenStore.open(POSTGRES_URL, `${namespace}-reopen`);
    await first.put(tokens(555));
    await first.close();
    const again = TokenStore.open(POSTGRES_URL, `${namespace}-reopen`);
    expect(await again.get(555)).toEqual(tokens(555));
    expect(await again.portalIds()).toEqual([555]);
    await again.clear();
    await again.close();
  });
});
