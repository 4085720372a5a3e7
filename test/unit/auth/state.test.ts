import Keyv from 'keyv';
import { createHmac } from 'node:crypto';
import { KeyvUsedNonces, StateSigner } from '../../../src/auth/state';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const REDIRECT = 'http://127.0.0.1:4000/oauth/callback';

describe('OAuth state', () => {
  let now: number;
  const clock = () => now;
  const signer = (secret = SECRET, ttlMs = 60_000, used = new KeyvUsedNonces(new Keyv<number>(), clock)) => new StateSigner(secret, ttlMs, used, clock);
  beforeEach(() => {
    now = 1_700_000_000_000;
  });

  test('a state it issued is accepted once and carries the redirect URI', async () => {
    const s = signer();
    const state = s.issue(REDIRECT);
    expect(state).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const check = await s.consume(state);
    expect(check).toEqual({ ok: true, state: { nonce: expect.any(String), expiresAt: now + 60_000, redirectUri: REDIRECT } });
  });

  test('each state is different', () => {
    const s = signer();
    expect(s.issue(REDIRECT)).not.toBe(s.issue(REDIRECT));
  });

  test('a replayed state is refused', async () => {
    const s = signer();
    const state = s.issue(REDIRECT);
    expect((await s.consume(state)).ok).toBe(true);
    expect(await s.consume(state)).toMatchObject({ ok: false, reason: 'replayed', message: expect.stringContaining('already used') });
  });

  test('two callbacks racing with one state: exactly one wins', async () => {
    const s = signer();
    const state = s.issue(REDIRECT);
    const results = await Promise.all([s.consume(state), s.consume(state), s.consume(state)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  test('a replay is refused by another instance sharing the used-nonce store', async () => {
    const shared = new Keyv<number>();
    const a = signer(SECRET, 60_000, new KeyvUsedNonces(shared, clock));
    const b = signer(SECRET, 60_000, new KeyvUsedNonces(shared, clock));
    const state = a.issue(REDIRECT);
    expect((await a.consume(state)).ok).toBe(true);
    expect(await b.consume(state)).toMatchObject({ ok: false, reason: 'replayed' });
  });

  test('an expired state is refused, and does not use up its nonce', async () => {
    const s = signer(SECRET, 60_000);
    const state = s.issue(REDIRECT);
    now += 60_000;
    expect(await s.consume(state)).toMatchObject({ ok: false, reason: 'expired', message: expect.stringContaining('expired') });
    now -= 1;
    expect((await s.consume(state)).ok).toBe(true);
  });

  test('a state signed with another secret, or altered, is refused as forged', async () => {
    const state = signer('another-secret-that-is-long-enough-0123456789').issue(REDIRECT);
    expect(await signer().consume(state)).toMatchObject({ ok: false, reason: 'forged' });

    const genuine = signer().issue(REDIRECT);
    const [v, payload, sig] = genuine.split('.') as [string, string, string];
    const altered = JSON.parse(Buffer.from(payload, 'base64url').toString());
    altered.e += 3_600_000;
    altered.r = 'https://evil.example.com/callback';
    const forged = `${v}.${Buffer.from(JSON.stringify(altered)).toString('base64url')}.${sig}`;
    expect(await signer().consume(forged)).toMatchObject({ ok: false, reason: 'forged', message: expect.stringContaining('signature') });
    const flipped = `${v}.${payload}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(await signer().consume(flipped)).toMatchObject({ ok: false, reason: 'forged' });
  });

  test.each([
    [undefined, 'missing'],
    ['', 'missing'],
    ['random-state', 'malformed'],
    ['v2.abc.def', 'malformed'],
    ['v1.abc', 'malformed'],
    ['v1.a.b.c', 'malformed'],
  ])('%j is refused as %s', async (state, reason) => {
    expect(await signer().consume(state)).toMatchObject({ ok: false, reason });
  });

  test('a signed payload that is not a state is refused as malformed', async () => {
    // Signed with the right key but not JSON of the right shape: only reachable with the key, still refused.
    const payload = Buffer.from('{"n":1}').toString('base64url');
    const sig = createHmac('sha256', SECRET).update(`v1.${payload}`).digest('base64url');
    expect(await signer().consume(`v1.${payload}.${sig}`)).toMatchObject({ ok: false, reason: 'malformed' });
  });
});
