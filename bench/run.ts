/**
 * Benchmarks (npm run bench): gateway + emulator in one process over real HTTP. Prints, per scenario, upstream
 * calls per query against the minimum HubSpot allows, latency percentiles, throughput and memory. Never gates
 * anything on wall time: these figures are for reading, machines here are shared and noisy.
 */
import { startGateway } from '../test/helpers/gateway';

interface Scenario {
  name: string;
  query: string;
  /** The fewest HubSpot calls that can answer the query, computed from its answer. */
  minimumCalls: (data: any) => number; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** What a one-call-per-record gateway (REST calls per object and per association list) would make. */
  naiveCalls: (data: any) => number; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const batches = (n: number, size: number) => Math.ceil(n / size);
const distinct = (ids: string[]) => new Set(ids).size;

const CONTACTS_COMPANIES_DEALS = `{
  contacts(first: 100) { nodes { hs_object_id firstname email
    companies(first: 10) { nodes { hs_object_id name domain
      deals(first: 20) { nodes { hs_object_id dealname amount stage { label probability } } } } } } }
}`;

const SCENARIOS: Scenario[] = [
  { name: 'account details', query: '{ account { portalId timeZone companyCurrency } }', minimumCalls: () => 1, naiveCalls: () => 1 },
  { name: 'account + daily usage', query: '{ account { portalId apiUsage { currentUsage usageLimit } } }', minimumCalls: () => 2, naiveCalls: () => 2 },
  {
    name: '100 contacts → companies → deals → stage',
    query: CONTACTS_COMPANIES_DEALS,
    minimumCalls: (d) => {
      const contacts = d.contacts.nodes;
      const companies = contacts.flatMap((c: any) => c.companies.nodes); // eslint-disable-line @typescript-eslint/no-explicit-any
      const deals = companies.flatMap((c: any) => c.deals.nodes); // eslint-disable-line @typescript-eslint/no-explicit-any
      const nCompanies = distinct(companies.map((c: { hs_object_id: string }) => c.hs_object_id));
      const nDeals = distinct(deals.map((x: { hs_object_id: string }) => x.hs_object_id));
      return 1 + (contacts.length ? 1 : 0) + batches(nCompanies, 100) + batches(nCompanies, 1000) + batches(nDeals, 100) + (nDeals ? 1 : 0);
    },
    naiveCalls: (d) => {
      const contacts = d.contacts.nodes;
      const companies = contacts.flatMap((c: any) => c.companies.nodes); // eslint-disable-line @typescript-eslint/no-explicit-any
      const deals = companies.flatMap((c: any) => c.deals.nodes); // eslint-disable-line @typescript-eslint/no-explicit-any
      // list + per contact association list + per company GET + per company association list + per deal GET + per deal pipeline GET
      return 1 + contacts.length + companies.length + companies.length + deals.length + deals.length;
    },
  },
];

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function main(): Promise<void> {
  // Default demo sizes (≈500 contacts, 100 companies, 300 deals); no emulated rate limit, so only the gateway is measured.
  const gw = await startGateway({
    emulator: {
      seed: { contacts: 500, companies: 100, deals: 300, tickets: 150, products: 40, owners: 12, engagements: 400 },
      rateLimit: { perWindow: 1e9, windowMs: 10_000, searchPerSecond: 1e9, daily: 1e9, disabled: true },
    },
    // The scenarios' trees are estimated far above what the demo data holds; the cost limit is not measured here.
    env: { MAX_QUERY_COST: '1000000' },
  });
  const rows: string[][] = [];
  try {
    for (const s of SCENARIOS) {
      // Calls per query, measured on one cold request (metadata caches are cold for the first scenario using them).
      const before = gw.calls.length;
      const probe = await gw.query(s.query);
      if (probe.body.errors) throw new Error(`${s.name}: ${JSON.stringify(probe.body.errors)}`);
      const calls = gw.calls.length - before;
      const minimum = s.minimumCalls(probe.body.data);
      const naive = s.naiveCalls(probe.body.data);
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
        `${calls} / ${minimum}`,
        String(naive),
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
  const header = ['scenario', 'upstream calls / minimum', 'naive calls', 'p50 ms', 'p95 ms', 'p99 ms', 'req/s', 'errors', 'RSS MiB'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  process.stdout.write(`\nGateway + emulator in one process, ${CONCURRENCY} concurrent clients, ${DURATION_MS} ms per scenario\n\n`);
  process.stdout.write(`${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${rows.map(line).join('\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
