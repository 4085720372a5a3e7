import { GraphQLError } from 'graphql';
import type { BudgetLimits, RateBudget } from './budget';

/** The portal's burst limit as GitHub's `rateLimit` shows one: the limit, what is left of it now, and when it is whole again. */
export interface RateLimitStatus {
  limit: number;
  remaining: number;
  resetAt: Date;
}

export interface LimiterOptions extends BudgetLimits {
  /** Calls in flight at once per portal and instance. */
  concurrency: number;
  /** Extra time added to the window, for clock differences between HubSpot (or other instances) and us. */
  marginMs: number;
}

/** A call could not be sent before the request's deadline without breaking HubSpot's limits. */
export class RateLimitedError extends GraphQLError {
  constructor(readonly retryAfterSeconds: number) {
    super(`HubSpot's rate limit for this portal is used up; retry after ${retryAfterSeconds} s`, {
      extensions: { code: 'RATE_LIMITED', retryAfter: retryAfterSeconds },
    });
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly max: number) {}
  async acquire(): Promise<() => void> {
    if (this.active >= this.max) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.waiting.shift()?.();
    };
  }
}

/**
 * HubSpot's limits, kept by the gateway so that HubSpot never has to refuse: calls wait for room in the
 * portal's budget (and for a free slot under the concurrency cap) instead of failing. When the wait would run
 * past the GraphQL request's deadline the call fails at once with RATE_LIMITED and a retryAfter.
 */
export class RateLimiter {
  private readonly slots = new Map<string, Semaphore>();
  /** Per portal: the burst limit HubSpot says it applies (X-HubSpot-RateLimit-Max), when lower than ours. */
  private readonly observedMax = new Map<string, number>();

  constructor(
    private readonly budget: RateBudget,
    readonly options: LimiterOptions,
  ) {}

  limitsFor(portalKey: string): BudgetLimits {
    const max = this.observedMax.get(portalKey);
    return {
      perWindow: max !== undefined ? Math.min(max, this.options.perWindow) : this.options.perWindow,
      windowMs: this.options.windowMs + this.options.marginMs,
      searchPerSecond: this.options.searchPerSecond,
    };
  }

  /**
   * Waits for a slot under the concurrency cap, then for room in the budget; resolves to a release function
   * to call when the HTTP exchange is over (the call then counts from that moment; see RateBudget).
   */
  async acquire(portalKey: string, search: boolean, deadline?: number, signal?: AbortSignal): Promise<() => void> {
    let slots = this.slots.get(portalKey);
    if (!slots) this.slots.set(portalKey, (slots = new Semaphore(this.options.concurrency)));
    const release = await slots.acquire();
    try {
      for (;;) {
        if (signal?.aborted) throw new GraphQLError('request cancelled', { extensions: { code: 'UPSTREAM_ERROR' } });
        const take = await this.budget.take(portalKey, search, this.limitsFor(portalKey));
        if ('ticket' in take) {
          let done = false;
          return () => {
            if (done) return;
            done = true;
            release();
            void this.budget.done(portalKey, take.ticket, search).catch(() => undefined);
          };
        }
        if (deadline !== undefined && Date.now() + take.waitMs > deadline) throw new RateLimitedError(Math.max(1, Math.ceil(take.waitMs / 1000)));
        await sleep(take.waitMs, signal);
      }
    } catch (e) {
      release();
      throw e;
    }
  }

  /**
   * Learns from HubSpot's answers: a lower X-HubSpot-RateLimit-Max than configured becomes the portal's limit;
   * a Remaining of 0 pauses the portal for one window slice; a 429 pauses it for Retry-After (or a second).
   */
  async observe(portalKey: string, headers: Record<string, string | undefined> | undefined, status: number, retryAfterSeconds?: number): Promise<void> {
    const max = Number(headers?.['x-hubspot-ratelimit-max']);
    if (Number.isInteger(max) && max > 0 && max < this.options.perWindow) this.observedMax.set(portalKey, max);
    const remaining = headers?.['x-hubspot-ratelimit-remaining'];
    if (status === 429) {
      await this.budget.pause(portalKey, Date.now() + (retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : 1000));
    } else if (remaining !== undefined && Number(remaining) <= 0) {
      await this.budget.pause(portalKey, Date.now() + Math.ceil(this.options.windowMs / Math.max(1, this.options.perWindow)));
    }
  }

  /** The portal's window now, read without taking from it. */
  async status(portalKey: string, now = Date.now()): Promise<RateLimitStatus> {
    const limits = this.limitsFor(portalKey);
    const { used, resetAt } = await this.budget.status(portalKey, limits, now);
    return { limit: limits.perWindow, remaining: Math.max(0, limits.perWindow - used), resetAt: new Date(resetAt) };
  }

  close(): Promise<void> {
    return this.budget.close();
  }
}
