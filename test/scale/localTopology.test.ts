/**
 * `npm run deploy:local`'s topology (deploy/local/topology.ts): emulator, two gateway processes sharing Redis,
 * the loyalty subgraph, the load balancer and the supergraph router. A query across both subgraphs through the
 * router, with the caller's API key passed on; without it, the gateway refuses; stop() ends every process.
 */
import { randomUUID } from 'node:crypto';
import { pointsOf } from '../../deploy/sample-subgraph/loyalty';
import { startTopology, type Topology } from '../../deploy/local/topology';

const REDIS_URL = process.env.REDIS_URL;
const withRedis = REDIS_URL ? describe : describe.skip;
if (!REDIS_URL) console.warn('local topology test: skipped, REDIS_URL is not set (e.g. REDIS_URL=redis://127.0.0.1:6379)');

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

async function post(url: string, query: string, headers: Record<string, string> = {}): Promise<Json> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  return res.json();
}

withRedis('the local deployment topology', () => {
  let topology: Topology | undefined;
  afterAll(() => topology?.stop());

  test('serves the supergraph through the router, authenticates callers, and stops every process', async () => {
    topology = await startTopology({ redisUrl: REDIS_URL!, gatewayEnv: { EVENTS_CHANNEL: `hubspot-graphql:topology-test:${randomUUID()}` } });
    const query = '{ topMembers(first: 3) { id email loyaltyPoints tier } }';

    const answer = await post(topology.routerUrl!, query, { 'x-api-key': topology.apiKey });
    expect(answer.errors).toEqual(undefined);
    const members = answer.data.topMembers as Array<{ id: string; email: string | null; loyaltyPoints: number; tier: string }>;
    expect(members).toHaveLength(3);
    for (const m of members) {
      expect(m.email).toMatch(/@/); // resolved by the gateway, through the balancer
      expect(m.loyaltyPoints).toBe(pointsOf(m.id)); // resolved by the loyalty subgraph
    }
    // Both instances are behind the balancer and healthy. One slow health check (this machine is shared) takes an
    // instance out until the next passes, so this waits for a round in which both answer, within 10 s.
    for (let until = Date.now() + 10_000; Date.now() < until && !topology.lb.backends.every((b) => b.healthy); ) await new Promise((r) => setTimeout(r, 100));
    expect(topology.lb.backends.map((b) => b.healthy)).toEqual([true, true]);

    // Without a key the loyalty subgraph (which has no caller authentication) still answers its part; the gateway's is refused.
    const refused = await post(topology.routerUrl!, query);
    expect((refused.data.topMembers as Array<{ email: string | null }>).map((m) => m.email)).toEqual([null, null, null]);
    expect(JSON.stringify(refused.errors)).toContain('UNAUTHENTICATED');

    const processes = [topology.emulator, ...topology.gateways, topology.loyalty!];
    await topology.stop();
    topology = undefined;
    for (const p of processes) expect([p.name, p.child.exitCode !== null || p.child.signalCode !== null]).toEqual([p.name, true]);
  }, 60_000);
});
