import { randomUUID } from 'node:crypto';
import { MemoryReplayGuard, RedisReplayGuard } from '../../../src/webhooks/replayGuard';

describe('MemoryReplayGuard', () => {
  test('a key is new once, until its TTL has passed', async () => {
    let now = 1_000;
    const guard = new MemoryReplayGuard(60_000, 100, () => now);
    expect(await guard.firstSeen('111:1')).toBe(true);
    expect(await guard.firstSeen('111:1')).toBe(false);
    expect(await guard.firstSeen('222:1')).toBe(true);
    now += 59_999;
    expect(await guard.firstSeen('111:1')).toBe(false);
    now += 1;
    expect(await guard.firstSeen('111:1')).toBe(true);
  });

  test('bounded: past maxKeys the oldest keys are forgotten first', async () => {
    const guard = new MemoryReplayGuard(60_000, 3);
    for (const k of ['a', 'b', 'c', 'd']) expect(await guard.firstSeen(k)).toBe(true);
    expect(await guard.firstSeen('a')).toBe(true);
    expect(await guard.firstSeen('d')).toBe(false);
  });
});

const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL) console.warn('RedisReplayGuard tests skipped: REDIS_URL is not set (CI sets redis://127.0.0.1:6379).');
(REDIS_URL ? describe : describe.skip)('RedisReplayGuard', () => {
  test('SET NX: of two guards on one Redis, exactly one sees a key first; the key expires', async () => {
    const prefix = `test:webhook-event:${randomUUID()}`;
    const a = new RedisReplayGuard(REDIS_URL!, 300, prefix);
    const b = new RedisReplayGuard(REDIS_URL!, 300, prefix);
    try {
      const results = await Promise.all([a.firstSeen('111:9'), b.firstSeen('111:9'), a.firstSeen('111:9')]);
      expect(results.filter(Boolean)).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await b.firstSeen('111:9')).toBe(true);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('an unreachable Redis rejects (the receiver then processes the event) instead of hanging', async () => {
    const guard = new RedisReplayGuard('redis://127.0.0.1:1', 1000);
    try {
      await expect(guard.firstSeen('x')).rejects.toThrow();
    } finally {
      await guard.close();
    }
  });
});
