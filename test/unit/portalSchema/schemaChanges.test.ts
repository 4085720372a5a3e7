import { randomUUID } from 'node:crypto';
import { createSchemaChangeChannel } from '../../../src/events/schemaChanges';

describe('schema change channel', () => {
  test('without REDIS_URL it is a no-op channel', async () => {
    const channel = createSchemaChangeChannel(undefined, 'x');
    expect('ready' in channel).toBe(false);
    await expect(channel.publish({ objectTypes: ['contacts'] })).resolves.toBeUndefined();
    await channel.close();
  });

  test('when Redis cannot be reached, a publish fails within about 2 s instead of waiting for it; close does not hang', async () => {
    const channel = createSchemaChangeChannel('redis://127.0.0.1:1', `hubspot-graphql:test:${randomUUID()}`);
    const started = Date.now();
    await expect(channel.publish({ objectTypes: ['contacts'] })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(4_000);
    await channel.close();
    // node-redis sleeps between reconnect attempts (at most about 0.6 s) in a timer close cannot cancel: let it end.
    await new Promise((r) => setTimeout(r, 700));
  }, 10_000);
});
