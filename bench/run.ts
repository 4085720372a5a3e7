/**
 * Benchmarks (npm run bench): gateway + emulator in one process over real HTTP. Prints, per scenario, upstream
 * calls per query against the minimum HubSpot allows, latency percentiles, throughput and memory. Never gates
 * anything on wall time: these figures are for reading, machines here are shared and noisy.
 */
import { startGateway } from '../test/helpers/gateway';

interface Scenario {
  name: string;
  query: string;
  /** The fewest HubSpot calls that can answer the query. */
  minimumCalls: number;
}

const SCENARIOS: Scenario[] = [
  { name: 'account details', query: '{ account { portalId timeZone companyCurrency } }', minimumCalls: 1 },
  { name: 'account + daily usage', query: '{ account { portalId apiUsage { currentUsage usageLimit } } }', minimumCalls: 2 },
];

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function main(): Promise<void> {
  const gw = await startGateway({ emulator: { rateLimit: { perWindow: 1e9, windowMs: 10_000, searchPerSecond: 1e9, daily: 1e9, disabled: true } } });
  const rows: string[][] = [];
  try {
    for (const s of SCENARIOS) {
      // Calls per query, measured on one cold request.
      const before = gw.calls.length;
      const probe = await gw.query(s.query);
      if (probe.body.errors) throw new Error(`${s.name}: ${JSON.stringify(probe.body.errors)}`);
      const calls = gw.calls.length - before;
      // Throughput and latency under concurrent load.
      const latencies: number[] = [];
      let errors = 0;
      const end = Date.now() + DURATION_MS;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (Date.now() < end) {
            const t0 = performance.now();
            const res = await gw.query(s.query);
            latencies.push(performance.now() - t0);
            if (res.status !== 200 || res.body.errors) errors++;
          }
        }),
      );
      latencies.sort((a, b) => a - b);
      gw.calls.length = 0;
      rows.push([
        s.name,
        `${calls} / ${s.minimumCalls}`,
        pct(latencies, 50).toFixed(1),
        pct(latencies, 95).toFixed(1),
        pct(latencies, 99).toFixed(1),
        (latencies.length / (DURATION_MS / 1000)).toFixed(0),
        String(errors),
        (process.memoryUsage().rss / 2 ** 20).toFixed(0),
      ]);
    }
  } finally {
    await gw.close();
  }
  const header = ['scenario', 'upstream calls / minimum', 'p50 ms', 'p95 ms', 'p99 ms', 'req/s', 'errors', 'RSS MiB'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  process.stdout.write(`\nGateway + emulator in one process, ${CONCURRENCY} concurrent clients, ${DURATION_MS} ms per scenario\n\n`);
  process.stdout.write(`${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${rows.map(line).join('\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
