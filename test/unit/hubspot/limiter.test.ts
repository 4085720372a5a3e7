import { MemoryBudget } from '../../../src/hubspot/policy/budget';
import { RateLimitedError, RateLimiter } from '../../../src/hubspot/policy/limiter';
import { isRetryable } from '../../../src/hubspot/policy/retry';
import { HubSpotError } from '../../../src/hubspot/errors';
import type { HubSpotCall } from '../../../src/hubspot/client';

const limiter = (perWindow = 5, windowMs = 1000) =>
  new RateLimiter(new MemoryBudget(), { perWindow, windowMs, searchPerSecond: 2, concurrency: 3, marginMs: 0 });

describe('rate limiter', () => {
  test('a lower X-HubSpot-RateLimit-Max becomes the portal’s limit; other portals keep theirs', async () => {
    const l = limiter(100);
    await l.observe('a', { 'x-hubspot-ratelimit-max': '40', 'x-hubspot-ratelimit-remaining': '39' }, 200);
    expect(l.limitsFor('a').perWindow).toBe(40);
    expect(l.limitsFor('b').perWindow).toBe(100);
    await l.observe('a', { 'x-hubspot-ratelimit-max': '400' }, 200);
    expect(l.limitsFor('a').perWindow).toBe(40);
  });

  test('a 429 pauses the portal for Retry-After: a call that cannot wait that long fails fast with retryAfter', async () => {
    const l = limiter();
    await l.observe('a', {}, 429, 3);
    await expect(l.acquire('a', false, Date.now() + 500)).rejects.toBeInstanceOf(RateLimitedError);
    await expect(l.acquire('a', false, Date.now() + 500)).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED', retryAfter: 3 } });
    const release = await l.acquire('b', false, Date.now() + 500);
    release();
  });

  test('Remaining 0 pauses the portal briefly', async () => {
    const l = limiter(10, 1000);
    await l.observe('a', { 'x-hubspot-ratelimit-remaining': '0' }, 200);
    await expect(l.acquire('a', false, Date.now() + 20)).rejects.toBeInstanceOf(RateLimitedError);
  });

  test('the window holds: the sixth call of five per window waits, calls in flight count until answered', async () => {
    const l = limiter(5, 300);
    const releases = [];
    for (let i = 0; i < 3; i++) releases.push(await l.acquire('a', false));
    // Three in flight (the concurrency cap): the fourth waits for a slot, not for the window.
    let fourth = false;
    const p = l.acquire('a', false).then((r) => ((fourth = true), r));
    await new Promise((r) => setTimeout(r, 20));
    expect(fourth).toBe(false);
    releases.shift()!();
    releases.push(await p);
    for (const r of releases.splice(0)) r();
    (await l.acquire('a', true))();
    // Five counted in the last 300 ms: the sixth would wait past a 50 ms deadline.
    await expect(l.acquire('a', false, Date.now() + 50)).rejects.toBeInstanceOf(RateLimitedError);
    // Without a deadline it queues instead, and gets its turn once the window moves on.
    (await l.acquire('a', false))();
  });

  test('searches have their own per-second budget', async () => {
    const l = limiter(100);
    (await l.acquire('a', true))();
    (await l.acquire('a', true))();
    await expect(l.acquire('a', true, Date.now() + 50)).rejects.toBeInstanceOf(RateLimitedError);
    (await l.acquire('a', false, Date.now() + 50))();
  });
});

describe('what may be retried', () => {
  const call = (idempotent: boolean): HubSpotCall => ({ method: idempotent ? 'GET' : 'POST', operation: '/x', idempotent });
  const error = (status: number, transport?: 'TIMEOUT' | 'CONNECTION' | 'BAD_RESPONSE') =>
    new HubSpotError({ status, category: 'X', message: 'x', operation: '/x', ...(transport ? { transport } : {}) });
  test.each([
    [true, 429, undefined, true], [false, 429, undefined, true], [false, 423, undefined, true],
    [true, 500, undefined, true], [false, 500, undefined, false], [true, 503, undefined, true], [false, 502, undefined, false],
    [true, 0, 'TIMEOUT', true], [false, 0, 'TIMEOUT', false], [true, 0, 'CONNECTION', true], [false, 0, 'BAD_RESPONSE', false],
    [true, 400, undefined, false], [true, 404, undefined, false], [true, 401, undefined, false],
  ] as const)('idempotent=%s status=%s transport=%s → %s', (idempotent, status, transport, expected) => {
    expect(isRetryable(call(idempotent), error(status, transport))).toBe(expected);
  });
});
