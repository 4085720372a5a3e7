/**
 * Benchmarks (`npm run bench`): the HubSpot emulator (with HubSpot-like latency) and the gateway each run in their
 * own process; this process drives them. For every scenario of ./scenarios.ts it checks that the gateway makes
 * exactly the minimum number of HubSpot calls (the run fails otherwise) and returns the same records as a
 * hand-written REST script (./rest.ts), then measures both under load at several concurrencies (./load.ts) and
 * prints the tables (./report.ts), also written to bench/results/latest.json. Wall times are for reading, never a
 * gate: machines are shared and noisy.
 *
 * Settings: BENCH_LATENCY_MS (30), BENCH_DURATION_MS per concurrency level (3000), BENCH_CONCURRENCY (1,16,64),
 * BENCH_SEED_SIZES (the emulator's EMULATOR_SEED_SIZES), BENCH_OUTPUT (bench/results/latest.json), BENCH_ONLY (run only
 * the scenarios whose name contains it).
 */
import { join } from 'node:path';
import { Pool } from 'undici';
import { runLoad, type LoadResult } from './load';
import { ROOT, startEmulatorProcess, startGatewayProcess, type RunningProcess } from '../deploy/local/processes';
import { format, machine, writeJson, type BenchReport, type ScenarioResult } from './report';
import { RestApi } from './rest';
import { scenarios, type Scenario } from './scenarios';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 30);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3000);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,16,64').split(',').map(Number);
// Three times the demo's contacts and more of the rest. Not more contacts: the emulator finds a contact by email
// with a scan, so the 500-contact upsert's cost grows with them, and at concurrency 64 that would be all that is measured.
const SEED = process.env.BENCH_SEED_SIZES ?? 'contacts=1500,companies=500,deals=2000,tickets=500,products=50,owners=20,engagements=1000,cars=0';
const OUTPUT = process.env.BENCH_OUTPUT ?? join(ROOT, 'bench', 'results', 'latest.json');
const ONLY = process.env.BENCH_ONLY;
const TOKEN = 'bench-token-0001';
/** Enough connections that neither side queues on its pool at the highest concurrency. */
const CONNECTIONS = 256;

const log = (m: string) => process.stderr.write(`${m}\n`);

/** POSTs GraphQL to the gateway; rejects on a non-200 answer or any error in it. */
function graphqlClient(url: string) {
  const u = new URL(url);
  const pool = new Pool(u.origin, { connections: CONNECTIONS });
  return {
    async send(body: Scenario['graphql']): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
      const res = await pool.request({ method: 'POST', path: u.pathname, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await res.body.text();
      const json = JSON.parse(text);
      if (res.statusCode !== 200 || json.errors) throw new Error(`gateway ${res.statusCode}: ${text.slice(0, 300)}`);
      return json.data;
    },
    close: () => pool.close(),
  };
}

/** HubSpot calls the emulator has logged so far; `callsSince` counts those after a mark. */
function emulatorLog(api: RestApi) {
  const mark = async () => (await api.call<{ lastSeq: number }>('GET', '/__emulator/requests?since=999999999')).lastSeq;
  return {
    mark,
    async callsSince(seq: number): Promise<number> {
      const { results } = await api.call<{ results: Array<{ path: string }> }>('GET', `/__emulator/requests?since=${seq}`);
      return results.filter((r) => !r.path.startsWith('/__emulator')).length;
    },
  };
}

async function gatewayRssMiB(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const m = /^hubspot_graphql_process_resident_memory_bytes (\S+)$/m.exec(text);
  return m ? Number(m[1]) / 2 ** 20 : NaN;
}

const sortedLevels = (levels: string[][]) => JSON.stringify(levels.map((l) => [...l].sort()));

async function main(): Promise<void> {
  const children: RunningProcess[] = [];
  const stopAll = () => Promise.all(children.map((c) => c.stop()));
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  const t0 = Date.now();
  try {
    log(`starting the emulator (latency ${LATENCY_MS} ms, seed ${SEED}) and the gateway …`);
    const emulator = await startEmulatorProcess(
      { EMULATOR_LATENCY_MS: String(LATENCY_MS), EMULATOR_SEED_SIZES: SEED, EMULATOR_RATE_LIMITS_OFF: 'true', EMULATOR_TOKENS: `${TOKEN}:12345678` },
    );
    children.push(emulator);
    const gateway = await startGatewayProcess(
      'gateway',
      {
        HUBSPOT_TOKEN: TOKEN,
        HUBSPOT_BASE_URL: emulator.url,
        HOST: '127.0.0.1',
        // The benchmark calls without caller credentials (see Security); the gateway is on loopback.
        ALLOW_UNAUTHENTICATED_CALLERS: 'true',
        FEDERATION: 'true',
        MAX_QUERY_COST: '1000000',
        // The gateway's own HubSpot budget must not be what is measured: limits off in effect, as in the emulator.
        RATE_LIMIT_PER_WINDOW: '100000',
        RATE_LIMIT_WINDOW_MS: '1000',
        SEARCH_RATE_PER_SECOND: '100000',
        UPSTREAM_CONCURRENCY: '1000',
        UPSTREAM_CONNECTIONS: String(CONNECTIONS),
        LOG_LEVEL: 'warn',
        // As deployed: graphql-js and Express skip their development-time checks.
        NODE_ENV: 'production',
        REDIS_URL: '',
      },
    );
    children.push(gateway);
    log(`emulator pid ${emulator.child.pid} at ${emulator.url}, gateway pid ${gateway.child.pid} at ${gateway.url}`);
    const metricsUrl = gateway.url.replace(/\/graphql$/, '/metrics');
    const rest = new RestApi(emulator.url, TOKEN, CONNECTIONS);
    const gql = graphqlClient(gateway.url);
    const upstream = emulatorLog(rest);

    // Fixtures: contact ids to reference (read page by page; not part of any measurement).
    const contactIds: string[] = [];
    for (let after: string | undefined; contactIds.length < 500; ) {
      const page = await rest.call<{ results: Array<{ id: string }>; paging?: { next?: { after: string } } }>('GET', `/crm/v3/objects/contacts?limit=100${after ? `&after=${after}` : ''}`);
      contactIds.push(...page.results.map((r) => r.id));
      after = page.paging?.next?.after;
      if (!after) break;
    }
    if (contactIds.length < 500) throw new Error(`the seed has ${contactIds.length} contacts; the federation scenario needs 500`);

    const results: ScenarioResult[] = [];
    for (const s of scenarios({ contactIds }).filter((x) => !ONLY || x.name.includes(ONLY))) {
      log(`${s.name} …`);
      // Warm: the first request of a kind pays for schema caches, JIT, connections (and creates the upserted records).
      await gql.send(s.graphql);
      await s.rest(rest);
      let seq = await upstream.mark();
      const answer = await gql.send(s.graphql);
      const actual = await upstream.callsSince(seq);
      seq = await upstream.mark();
      const restAnswer = await s.rest(rest);
      const restCalls = await upstream.callsSince(seq);
      const levels = s.levels(answer);
      const sameData = sortedLevels(levels) === sortedLevels(s.levels(restAnswer));
      const calls = { actual, minimum: s.minimum(levels), naive: s.naive(levels), rest: restCalls };

      const gatewayLoad: LoadResult[] = [];
      const restLoad: LoadResult[] = [];
      for (const c of CONCURRENCY) {
        gatewayLoad.push(await runLoad(async () => void (await gql.send(s.graphql)), c, DURATION_MS));
        restLoad.push(await runLoad(async () => void (await s.rest(rest)), c, DURATION_MS));
      }
      const p50 = (r: LoadResult[]) => r.find((x) => x.concurrency === CONCURRENCY[0])?.p50 ?? NaN;
      const errors = gatewayLoad.reduce((n, x) => n + x.errors, 0) + restLoad.reduce((n, x) => n + x.errors, 0);
      for (const r of [...gatewayLoad, ...restLoad]) if (r.firstError) log(`  error at concurrency ${r.concurrency}: ${r.firstError}`);
      results.push({
        name: s.name,
        calls,
        sameData,
        gateway: gatewayLoad,
        rest: restLoad,
        overheadP50: p50(gatewayLoad) / p50(restLoad),
        throughputRatio: Object.fromEntries(CONCURRENCY.map((c, i) => [String(c), gatewayLoad[i]!.qps / restLoad[i]!.qps])),
        gatewayRssMiB: await gatewayRssMiB(metricsUrl),
        ok: actual === calls.minimum && restCalls === calls.minimum && sameData && errors === 0,
      });
    }
    await gql.close();
    await rest.close();

    const report: BenchReport = {
      at: new Date().toISOString(),
      machine: machine(),
      settings: { latencyMs: LATENCY_MS, durationMs: DURATION_MS, concurrency: CONCURRENCY, seed: SEED },
      scenarios: results,
    };
    process.stdout.write(`\n${format(report)}`);
    writeJson(OUTPUT, report);
    const failed = results.filter((r) => !r.ok);
    process.stdout.write(`Results: ${OUTPUT} (${((Date.now() - t0) / 1000).toFixed(0)} s in all)\n`);
    if (failed.length) {
      for (const r of failed) {
        process.stderr.write(
          `FAILED ${r.name}: gateway ${r.calls.actual} calls, REST ${r.calls.rest}, minimum ${r.calls.minimum}; same data: ${r.sameData}; errors: ${[...r.gateway, ...r.rest].reduce((n, x) => n + x.errors, 0)}\n`,
        );
      }
      process.exitCode = 1;
    }
  } finally {
    await stopAll();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
