import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { dirname } from 'node:path';
import type { LoadResult } from './load';

export interface ScenarioResult {
  name: string;
  calls: { actual: number; minimum: number; naive: number; rest: number };
  /** The gateway's answer and the REST baseline's hold the same records at every level. */
  sameData: boolean;
  gateway: LoadResult[];
  rest: LoadResult[];
  /** Gateway p50 / REST p50 at concurrency 1: the latency the gateway adds, as a factor. */
  overheadP50: number;
  /** Gateway qps / REST qps at each concurrency. */
  throughputRatio: Record<string, number>;
  /** The gateway process's resident memory after the scenario's load, MiB. */
  gatewayRssMiB: number;
  ok: boolean;
}

export interface BenchReport {
  at: string;
  machine: { cpu: string; cores: number; memoryGiB: number; os: string; node: string };
  settings: { latencyMs: number; durationMs: number; concurrency: number[]; seed: string };
  scenarios: ScenarioResult[];
}

export function machine(): BenchReport['machine'] {
  const cpu = cpus();
  return { cpu: cpu[0]?.model.trim() ?? 'unknown', cores: cpu.length, memoryGiB: Math.round(totalmem() / 2 ** 30), os: `${platform()} ${release()}`, node: process.version };
}

const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The two tables (Markdown, so the README can show them as printed) and the machine line. */
export function format(report: BenchReport): string {
  const { machine: m, settings: s } = report;
  const at = (r: LoadResult[], c: number) => r.find((x) => x.concurrency === c);
  const [c1, cMid, cMax] = s.concurrency as [number, number, number];
  const gateway = table(
    ['scenario', 'upstream calls: actual / minimum / naive', `p50 ms (c=${c1})`, `p99 ms (c=${c1})`, `qps c=${c1}`, `qps c=${cMid}`, `qps c=${cMax}`, `p99 ms (c=${cMax})`, 'errors', 'gateway RSS MiB'],
    report.scenarios.map((r) => [
      r.name,
      `${r.calls.actual} / ${r.calls.minimum} / ${r.calls.naive}${r.calls.actual === r.calls.minimum ? '' : ' ✗'}`,
      f1(at(r.gateway, c1)?.p50 ?? NaN),
      f1(at(r.gateway, c1)?.p99 ?? NaN),
      f0(at(r.gateway, c1)?.qps ?? NaN),
      f0(at(r.gateway, cMid)?.qps ?? NaN),
      f0(at(r.gateway, cMax)?.qps ?? NaN),
      f1(at(r.gateway, cMax)?.p99 ?? NaN),
      String(r.gateway.reduce((n, x) => n + x.errors, 0)),
      f0(r.gatewayRssMiB),
    ]),
  );
  const rest = table(
    ['scenario', 'REST calls', 'same data', `REST p50 ms (c=${c1})`, `overhead p50 (gateway / REST)`, `qps ratio c=${c1}`, `qps ratio c=${cMid}`, `qps ratio c=${cMax}`],
    report.scenarios.map((r) => [
      r.name,
      String(r.calls.rest),
      r.sameData ? 'yes' : 'NO',
      f1(at(r.rest, c1)?.p50 ?? NaN),
      `${f2(r.overheadP50)}×`,
      f2(r.throughputRatio[c1] ?? NaN),
      f2(r.throughputRatio[cMid] ?? NaN),
      f2(r.throughputRatio[cMax] ?? NaN),
    ]),
  );
  return [
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}`,
    `Emulator latency ${s.latencyMs} ms per HubSpot call, seed ${s.seed}; ${s.durationMs} ms per concurrency level; ${report.at}`,
    '',
    gateway,
    '',
    rest,
    '',
  ].join('\n');
}

export function writeJson(path: string, report: BenchReport): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}
