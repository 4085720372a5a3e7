/** Latencies (ms, sorted) and throughput of a closed loop: `concurrency` workers each sending again as soon as answered. */
export interface LoadResult {
  concurrency: number;
  requests: number;
  errors: number;
  /** Requests per second over the run. */
  qps: number;
  p50: number;
  p99: number;
  /** The first error's message, to show why a run failed. */
  firstError?: string;
}

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** Runs `send` from `concurrency` loops for `durationMs` (each loop finishes its request in flight). */
export async function runLoad(send: () => Promise<void>, concurrency: number, durationMs: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const end = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          await send();
          latencies.push(performance.now() - t0);
        } catch (e) {
          errors++;
          firstError ??= e instanceof Error ? e.message : String(e);
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { concurrency, requests: latencies.length, errors, qps: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), ...(firstError ? { firstError } : {}) };
}
