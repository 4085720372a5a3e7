import { randomUUID } from 'node:crypto';
import { createKeyv } from '../../src/cache/keyvStore';
import { MetadataCache } from '../../src/cache/metadata';
import { loadConfig } from '../../src/config';
import { CrmMetadata } from '../../src/crm/metadata';
import { HubSpotClient, type CallOutcome } from '../../src/hubspot/client';
import { Transport } from '../../src/hubspot/transport';
import { createGateway } from '../../src/server/gateway';
import { createLogger } from '../../src/server/logger';
import { OTHER_PORTAL_ID, OTHER_PORTAL_TOKEN, PORTAL_ID, startEmulator, TOKEN, type TestEmulator } from '../helpers/emulator';

/**
 * The per-portal metadata cache: what is cached, for how long, for whom. Several gateways here share one
 * emulator (so two portals live in the same HubSpot), which the startGateway helper cannot do: `gatewayOn`
 * starts a gateway on a given emulator with a credential that can change between requests.
 */

interface Gw {
  calls: CallOutcome[];
  query(query: string): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Upstream operations `run` made. */
  upstreamOf(run: () => Promise<unknown>): Promise<string[]>;
  close(): Promise<void>;
}

async function gatewayOn(emulator: TestEmulator, credential: () => string, env: Record<string, string> = {}): Promise<Gw> {
  const config = { ...loadConfig({ LOG_LEVEL: 'silent', ...env }), hubspotBaseUrl: emulator.url };
  const transport = new Transport({ baseUrl: emulator.url, connections: 4, timeoutMs: 10_000 });
  const calls: CallOutcome[] = [];
  const gateway = await createGateway({ config, logger: createLogger('silent'), transport, credential, onUpstreamCall: (o) => calls.push(o) });
  const { url } = await gateway.listen(0, '127.0.0.1');
  const query = async (q: string) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: q }) });
    const body = await res.json();
    expect(body.errors).toBeUndefined();
    return body.data;
  };
  return {
    calls,
    query,
    async upstreamOf(run) {
      const before = calls.length;
      await run();
      return calls.slice(before).map((c) => c.call.operation);
    },
    async close() {
      await gateway.stop();
      await transport.close();
    },
  };
}

const PIPELINES = '{ pipelines(objectType: DEALS) { id label } }';
const labelsOf = (data: { pipelines: Array<{ label: string }> }) => data.pipelines.map((p) => p.label);

/** A deal pipeline created directly in HubSpot (the emulator), not through the gateway. */
async function createDealPipeline(emulator: TestEmulator, label: string, token: string) {
  const res = await emulator.api('POST', '/crm/v3/pipelines/deals', { label, displayOrder: 5, stages: [{ label: 'Open', displayOrder: 0, metadata: { probability: '0.5' } }] }, { token });
  expect(res.status).toBe(201);
  return res.body as { id: string; stages: Array<{ id: string }> };
}

describe('metadata cache in process memory', () => {
  let emulator: TestEmulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.close());

  test('one gateway serving two portals: neither ever reads the other\'s cached metadata', async () => {
    let token = TOKEN;
    const gw = await gatewayOn(emulator, () => token);
    try {
      await createDealPipeline(emulator, 'Partner deals', TOKEN);
      // Owner ids are the same in both seeded portals; the people behind them are not.
      const firstOwner = async (t: string) => (await emulator.api('GET', '/crm/v3/owners?limit=1', undefined, { token: t })).body.results[0] as { id: string; email: string };
      const [ownerOfA, ownerOfB] = [await firstOwner(TOKEN), await firstOwner(OTHER_PORTAL_TOKEN)];
      expect(ownerOfA.id).toBe(ownerOfB.id);
      expect(ownerOfA.email).not.toBe(ownerOfB.email);
      const ask = `{ pipelines(objectType: DEALS) { label } owner(id: "${ownerOfA.id}") { email } }`;
      const portalA = { pipelines: [{ label: 'Sales Pipeline' }, { label: 'Partner deals' }], owner: { email: ownerOfA.email } };
      const portalB = { pipelines: [{ label: 'Sales Pipeline' }], owner: { email: ownerOfB.email } };

      expect((await gw.upstreamOf(async () => expect(await gw.query(ask)).toEqual(portalA))).sort()).toEqual(['/crm/v3/owners', '/crm/v3/pipelines/{objectType}']);
      token = OTHER_PORTAL_TOKEN;
      expect((await gw.upstreamOf(async () => expect(await gw.query(ask)).toEqual(portalB))).sort()).toEqual(['/crm/v3/owners', '/crm/v3/pipelines/{objectType}']);

      // Both portals are cached now, each with its own data.
      token = TOKEN;
      expect(await gw.upstreamOf(async () => expect(await gw.query(ask)).toEqual(portalA))).toEqual([]);
      token = OTHER_PORTAL_TOKEN;
      expect(await gw.upstreamOf(async () => expect(await gw.query(ask)).toEqual(portalB))).toEqual([]);
      expect(new Set(gw.calls.map((c) => c.status))).toEqual(new Set([200]));
    } finally {
      await gw.close();
    }
  });

  test('concurrent requests for the same metadata share one upstream call', async () => {
    const gw = await gatewayOn(emulator, () => TOKEN);
    try {
      const calls = await gw.upstreamOf(() => Promise.all(Array.from({ length: 5 }, () => gw.query('{ propertyGroups(objectType: "deals") { name } }'))));
      expect(calls).toEqual(['/crm/v3/properties/{objectType}/groups']);
    } finally {
      await gw.close();
    }
  });

  test('entries expire after METADATA_TTL_SECONDS', async () => {
    const gw = await gatewayOn(emulator, () => TOKEN, { METADATA_TTL_SECONDS: '1' });
    try {
      expect(await gw.upstreamOf(() => gw.query(PIPELINES))).toHaveLength(1);
      expect(await gw.upstreamOf(() => gw.query(PIPELINES))).toHaveLength(0);
      await new Promise((r) => setTimeout(r, 1_200));
      expect(await gw.upstreamOf(() => gw.query(PIPELINES))).toHaveLength(1);
    } finally {
      await gw.close();
    }
  });

  test('METADATA_TTL_SECONDS=0 turns the shared cache off; one request still asks once', async () => {
    const gw = await gatewayOn(emulator, () => TOKEN, { METADATA_TTL_SECONDS: '0' });
    try {
      const twice = '{ a: pipelines(objectType: DEALS) { id } b: pipelines(objectType: DEALS) { stages { pipeline { id } } } }';
      expect(await gw.upstreamOf(() => gw.query(twice))).toHaveLength(1);
      expect(await gw.upstreamOf(() => gw.query(twice))).toHaveLength(1);
    } finally {
      await gw.close();
    }
  });

  test('invalidatePipelines drops the pipelines and the property definitions listing them, by name or type id', async () => {
    const transport = new Transport({ baseUrl: emulator.url, connections: 2, timeoutMs: 10_000 });
    const cache = new MetadataCache(createKeyv('metadata-cache-test'), 60_000);
    const calls: string[] = [];
    const metadata = () => new CrmMetadata(new HubSpotClient({ transport, credential: () => OTHER_PORTAL_TOKEN, onCall: (o) => calls.push(o.call.operation) }), cache, 'portal-b');
    const stageOptions = async (m: CrmMetadata) => (await m.propertyDefinition('deals', 'dealstage'))!.options.map((o) => o.value);
    try {
      const before = metadata();
      const pipelineCount = (await before.pipelines('deals')).length;
      const optionCount = (await stageOptions(before)).length;
      const created = await createDealPipeline(emulator, 'Renewals', OTHER_PORTAL_TOKEN);

      const stale = metadata();
      expect(await stale.pipelines('0-3')).toHaveLength(pipelineCount);
      expect(await stageOptions(stale)).toHaveLength(optionCount);
      const callsBefore = calls.length;
      await stale.invalidatePipelines('0-3');

      const fresh = metadata();
      expect((await fresh.pipelines('deals')).map((p) => p.id)).toContain(created.id);
      expect(await stageOptions(fresh)).toContain(created.stages[0]!.id);
      expect(calls.slice(callsBefore)).toEqual(['/crm/v3/pipelines/{objectType}', '/crm/v3/properties/{objectType}']);
    } finally {
      await cache.disconnect();
      await transport.close();
    }
  });
});

const REDIS_URL = process.env.REDIS_URL;
const describeWithRedis = REDIS_URL ? describe : describe.skip;
// eslint-disable-next-line no-console
if (!REDIS_URL) console.warn('Redis metadata cache tests skipped: REDIS_URL is not set (CI sets redis://127.0.0.1:6379).');

describeWithRedis('metadata cache shared through Redis', () => {
  // Tokens unique to this run: cache keys are scoped by a hash of the token, so no other run (or earlier run)
  // shares an entry with these tests, and the short TTL lets the keys expire on their own.
  const tokenA = `redis-test-a-${randomUUID()}`;
  const tokenB = `redis-test-b-${randomUUID()}`;
  const env = { REDIS_URL: REDIS_URL!, METADATA_TTL_SECONDS: '30' };
  let emulator: TestEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({
      tokens: [
        { token: tokenA, portalId: PORTAL_ID, scopes: '*' },
        { token: tokenB, portalId: OTHER_PORTAL_ID, scopes: '*' },
      ],
    });
    await createDealPipeline(emulator, 'Only in portal A', tokenA);
  });
  afterAll(() => emulator.close());

  test('a second gateway instance answers from the first one\'s cache with no upstream call', async () => {
    const first = await gatewayOn(emulator, () => tokenA, env);
    const second = await gatewayOn(emulator, () => tokenA, env);
    try {
      const query = '{ pipelines(objectType: DEALS) { id label stages { id probability } } propertyDefinitions(objectType: "0-1") { name options { value } } }';
      let answer: unknown;
      expect((await first.upstreamOf(async () => (answer = await first.query(query)))).sort()).toEqual(['/crm/v3/pipelines/{objectType}', '/crm/v3/properties/{objectType}']);
      expect(await second.upstreamOf(async () => expect(await second.query(query)).toEqual(answer))).toEqual([]);
      expect(await second.upstreamOf(() => second.query('{ propertyDefinitions(objectType: "contacts") { name } }'))).toEqual([]);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  test('two portals over the same Redis never see each other\'s metadata', async () => {
    const a = await gatewayOn(emulator, () => tokenA, env);
    const b = await gatewayOn(emulator, () => tokenB, env);
    try {
      expect(labelsOf(await a.query(PIPELINES))).toEqual(['Sales Pipeline', 'Only in portal A']);
      const bCalls = await b.upstreamOf(async () => expect(labelsOf(await b.query(PIPELINES))).toEqual(['Sales Pipeline']));
      expect(bCalls).toEqual(['/crm/v3/pipelines/{objectType}']);
      expect(await b.upstreamOf(async () => expect(labelsOf(await b.query(PIPELINES))).toEqual(['Sales Pipeline']))).toEqual([]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
