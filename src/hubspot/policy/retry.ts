import type { CallOutcome, CallPolicy, HubSpotCall } from '../client';
import { HubSpotError } from '../errors';
import type { RateLimiter } from './limiter';

export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First backoff; doubles each attempt, with full jitter. */
  baseDelayMs: number;
  /** Longest single backoff. */
  maxDelayMs: number;
  /** Told before each retry (metrics, traces): the call, the failure that caused it, and the attempt that failed (1-based). Must not throw. */
  onRetry?: (call: HubSpotCall, error: HubSpotError, failedAttempt: number) => void;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * Whether a failed call may be sent again. A 429 (and 423 Locked) means HubSpot did not process the call, so
 * any call may be retried; a 5xx, a timeout, a reset or a cut-off answer may hide an applied write, so only
 * idempotent calls (reads, searches, upserts by unique property) are retried.
 */
export function isRetryable(call: HubSpotCall, e: HubSpotError): boolean {
  if (e.status === 429 || e.status === 423) return true;
  if (!call.idempotent) return false;
  return e.transport !== undefined || e.status >= 500;
}

/**
 * The call policy of one GraphQL request: every attempt waits for the portal's rate budget, failures are
 * retried per `isRetryable` with Retry-After or jittered exponential backoff, and nothing waits past the
 * request's deadline.
 */
export class ResilientPolicy implements CallPolicy {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly retry: RetryOptions,
    private readonly portalKey: string,
    private readonly deadline?: number,
    private readonly signal?: AbortSignal,
    private readonly random: () => number = Math.random,
  ) {}

  async execute<T>(call: HubSpotCall, attempt: () => Promise<T>): Promise<T> {
    for (let n = 1; ; n++) {
      const release = await this.limiter.acquire(this.portalKey, call.search === true, this.deadline, this.signal);
      try {
        return await attempt();
      } catch (e) {
        if (!(e instanceof HubSpotError) || !isRetryable(call, e) || n >= this.retry.maxAttempts || this.signal?.aborted) throw e;
        const delay = e.retryAfterSeconds !== undefined ? e.retryAfterSeconds * 1000 : this.backoff(n);
        if (this.deadline !== undefined && Date.now() + delay > this.deadline) throw e;
        release();
        try {
          this.retry.onRetry?.(call, e, n);
        } catch {
          // A listener's failure must never fail the call.
        }
        await sleep(delay, this.signal);
      } finally {
        release();
      }
    }
  }

  /** Full jitter: uniformly 0..min(max, base·2^(n-1)). */
  private backoff(n: number): number {
    return Math.floor(this.random() * Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (n - 1)));
  }

  observe(outcome: CallOutcome): void {
    void this.limiter.observe(this.portalKey, outcome.headers, outcome.status, outcome.error?.retryAfterSeconds).catch(() => undefined);
  }
}
