import { createClient } from '@redis/client';
import { randomUUID } from 'node:crypto';
import { createEventBus, eventStream, isCrmEvent, MemoryEventBus, RedisEventBus } from '../../../src/events/bus';
import type { CrmEvent } from '../../../src/events/types';

let seq = 0;
const event = (partial: Partial<CrmEvent> = {}): CrmEvent => ({
  eventId: String(++seq),
  portalId: 111,
  objectType: 'contacts',
  objectId: '51',
  kind: 'creation',
  subscriptionType: 'contact.creation',
  occurredAt: 1_760_000_000_000,
  ...partial,
});

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('MemoryEventBus', () => {
  test('delivers every event to every handler, in publish order, until unsubscribed', async () => {
    const bus = new MemoryEventBus();
    const a: string[] = [];
    const b: string[] = [];
    const offA = bus.subscribe((e) => a.push(e.eventId));
    bus.subscribe((e) => b.push(e.eventId));
    const [e1, e2, e3] = [event(), event(), event()];
    await bus.publish([e1!, e2!]);
    offA();
    await bus.publish([e3!]);
    expect(a).toEqual([e1!.eventId, e2!.eventId]);
    expect(b).toEqual([e1!.eventId, e2!.eventId, e3!.eventId]);
    expect(bus.handlerCount).toBe(1);
  });

  test('a throwing handler is isolated: the others still get the event', async () => {
    const bus = new MemoryEventBus();
    const got: string[] = [];
    bus.subscribe(() => {
      throw new Error('boom');
    });
    bus.subscribe((e) => got.push(e.eventId));
    const e = event();
    await expect(bus.publish([e])).resolves.toBeUndefined();
    expect(got).toEqual([e.eventId]);
  });

  test('createEventBus without a Redis URL is in-process', async () => {
    const bus = createEventBus();
    expect(bus).toBeInstanceOf(MemoryEventBus);
    await bus.close();
  });
});

describe('eventStream', () => {
  test('yields the accepted events in order and unsubscribes when returned, answering a pending next() at once', async () => {
    const bus = new MemoryEventBus();
    const stream = eventStream(bus, (e) => e.objectType === 'deals');
    const wanted = [event({ objectType: 'deals' }), event({ objectType: 'deals' })];
    await bus.publish([event(), wanted[0]!, event(), wanted[1]!]);
    expect((await stream.next()).value).toBe(wanted[0]);
    expect((await stream.next()).value).toBe(wanted[1]);
    const pending = stream.next();
    expect(bus.handlerCount).toBe(1);
    await stream.return();
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
    expect(bus.handlerCount).toBe(0);
    await bus.publish([event({ objectType: 'deals' })]);
    await expect(stream.next()).resolves.toMatchObject({ done: true });
  });

  test('asynchronous verdicts keep the events in order', async () => {
    const bus = new MemoryEventBus();
    // The first event's verdict takes longest; the second is decided synchronously.
    const stream = eventStream(bus, (e) => (e.objectId === 'slow' ? new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 30)) : true));
    const slow = event({ objectId: 'slow' });
    const fast = event({ objectId: 'fast' });
    await bus.publish([slow, fast]);
    expect((await stream.next()).value).toBe(slow);
    expect((await stream.next()).value).toBe(fast);
    await stream.return();
  });

  test('a verdict that fails ends the stream with its error, after the events before it', async () => {
    const bus = new MemoryEventBus();
    const stream = eventStream(bus, (e) => (e.objectId === 'bad' ? Promise.reject(new Error('lookup failed')) : true));
    const ok = event();
    await bus.publish([ok, event({ objectId: 'bad' }), event()]);
    await tick();
    expect((await stream.next()).value).toBe(ok);
    await expect(stream.next()).rejects.toThrow('lookup failed');
    await expect(stream.next()).resolves.toMatchObject({ done: true });
    expect(bus.handlerCount).toBe(0);
  });

  test('a consumer too far behind gets RATE_LIMITED after the queued events, not unbounded memory', async () => {
    const bus = new MemoryEventBus();
    const stream = eventStream(bus, () => true, 2);
    await bus.publish([event(), event(), event()]);
    await stream.next();
    await stream.next();
    await expect(stream.next()).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    expect(bus.handlerCount).toBe(0);
  });
});

test('isCrmEvent checks the fields consumers rely on', () => {
  expect(isCrmEvent(event())).toBe(true);
  expect(isCrmEvent({ ...event(), portalId: '111' })).toBe(false);
  expect(isCrmEvent({ ...event(), kind: 'explosion' })).toBe(false);
  expect(isCrmEvent(null)).toBe(false);
});

const REDIS_URL = process.env.REDIS_URL;
const withRedis = REDIS_URL ? describe : describe.skip;
if (!REDIS_URL) console.warn('RedisEventBus tests: skipped, REDIS_URL is not set (e.g. REDIS_URL=redis://127.0.0.1:6379)');

withRedis('RedisEventBus', () => {
  /** Waits until `check` holds, at most 5 s. */
  async function until(check: () => boolean): Promise<void> {
    const end = Date.now() + 5_000;
    while (!check()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  test('an event published on one instance reaches every instance exactly once, the publisher included', async () => {
    const channel = `hubspot-graphql:test:${randomUUID()}`;
    const a = new RedisEventBus(REDIS_URL!, channel);
    const b = new RedisEventBus(REDIS_URL!, channel);
    try {
      await Promise.all([a.ready, b.ready]);
      const onA: string[] = [];
      const onB: string[] = [];
      a.subscribe((e) => onA.push(e.eventId));
      b.subscribe((e) => onB.push(e.eventId));
      const first = event();
      await a.publish([first]);
      expect(onA).toEqual([first.eventId]); // delivered locally by the time publish resolves
      const second = event();
      await b.publish([second]);
      await until(() => onA.length === 2 && onB.length === 2);
      // Sentinels from each side: a copy of anything published before them on the channel would have come first.
      const [sentinelA, sentinelB] = [event(), event()];
      await a.publish([sentinelA]);
      await b.publish([sentinelB]);
      await until(() => [sentinelA, sentinelB].every((s) => onA.includes(s.eventId) && onB.includes(s.eventId)));
      // Each instance delivers its own events at once and the others' as they arrive: the order may differ, never the count.
      const all = [first, second, sentinelA, sentinelB].map((e) => e.eventId).sort();
      expect([...onA].sort()).toEqual(all);
      expect([...onB].sort()).toEqual(all);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('malformed messages on the channel are ignored; malformed events in a message are dropped', async () => {
    const channel = `hubspot-graphql:test:${randomUUID()}`;
    const bus = new RedisEventBus(REDIS_URL!, channel);
    const raw = createClient({ url: REDIS_URL! });
    try {
      await bus.ready;
      const got: CrmEvent[] = [];
      bus.subscribe((e) => got.push(e));
      await raw.connect();
      const good = event();
      await raw.publish(channel, 'not json');
      await raw.publish(channel, JSON.stringify({ hello: 'world' }));
      await raw.publish(channel, JSON.stringify({ origin: 'elsewhere', events: [{ eventId: 'x' }, good] }));
      await until(() => got.length === 1);
      expect(got).toEqual([good]);
    } finally {
      if (raw.isOpen) await raw.close();
      await bus.close();
    }
  });

  test("when Redis cannot be reached, this instance's handlers still get the events and publish then fails soon; close does not hang", async () => {
    const bus = new RedisEventBus('redis://127.0.0.1:1', `hubspot-graphql:test:${randomUUID()}`);
    const got: string[] = [];
    bus.subscribe((e) => got.push(e.eventId));
    const started = Date.now();
    const e = event();
    await expect(bus.publish([e])).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(got).toEqual([e.eventId]);
    await bus.close();
    // node-redis sleeps between reconnect attempts (at most about 0.5 s) in a timer close cannot cancel: let it end.
    await new Promise((r) => setTimeout(r, 700));
  });
});
