import type { RateLimitOptions } from './options';

export interface RateDecision {
  allowed: boolean;
  /** HubSpot's policy name when refused: TEN_SECONDLY_ROLLING, SECONDLY or DAILY. */
  policyName?: string;
  /** ms until the oldest call in the window leaves it, when refused. */
  retryAfterMs?: number;
  headers: Record<string, string>;
}

/**
 * HubSpot's limits, emulated: a rolling window per token (default 100 per 10 s), a per-second search limit
 * per token, and a daily counter per portal. Refused calls are not counted, as at HubSpot.
 */
export class RateLimiter {
  private readonly windows = new Map<string, number[]>();
  private readonly searches = new Map<string, number[]>();
  private readonly daily = new Map<number, { day: string; count: number }>();

  constructor(public options: RateLimitOptions) {}

  check(token: string, portalId: number, isSearch: boolean, now = Date.now()): RateDecision {
    const o = this.options;
    const window = prune(this.windows, token, now - o.windowMs);
    const day = new Date(now).toISOString().slice(0, 10);
    const d = this.daily.get(portalId);
    const dailyCount = d && d.day === day ? d.count : 0;
    const headers = (used: number, usedDaily: number): Record<string, string> => ({
      'X-HubSpot-RateLimit-Max': String(o.perWindow),
      'X-HubSpot-RateLimit-Remaining': String(Math.max(0, o.perWindow - used)),
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(o.windowMs),
      'X-HubSpot-RateLimit-Secondly': String(Math.ceil(o.perWindow / (o.windowMs / 1000))),
      'X-HubSpot-RateLimit-Secondly-Remaining': String(Math.max(0, Math.ceil(o.perWindow / (o.windowMs / 1000)) - countSince(window, now - 1000))),
      'X-HubSpot-RateLimit-Daily': String(o.daily),
      'X-HubSpot-RateLimit-Daily-Remaining': String(Math.max(0, o.daily - usedDaily)),
    });
    if (o.disabled) return { allowed: true, headers: {} };
    if (dailyCount >= o.daily) {
      return { allowed: false, policyName: 'DAILY', retryAfterMs: msUntilMidnight(now), headers: headers(window.length, dailyCount) };
    }
    if (window.length >= o.perWindow) {
      return { allowed: false, policyName: 'TEN_SECONDLY_ROLLING', retryAfterMs: window[0]! + o.windowMs - now, headers: headers(window.length, dailyCount) };
    }
    if (isSearch) {
      const s = prune(this.searches, token, now - 1000);
      if (s.length >= o.searchPerSecond) {
        return { allowed: false, policyName: 'SECONDLY', retryAfterMs: s[0]! + 1000 - now, headers: headers(window.length, dailyCount) };
      }
      s.push(now);
    }
    window.push(now);
    this.daily.set(portalId, { day, count: dailyCount + 1 });
    return { allowed: true, headers: headers(window.length, dailyCount + 1) };
  }

  /** Calls counted today for a portal (for the daily usage endpoint). */
  dailyUsage(portalId: number, now = Date.now()): number {
    const d = this.daily.get(portalId);
    return d && d.day === new Date(now).toISOString().slice(0, 10) ? d.count : 0;
  }

  reset(): void {
    this.windows.clear();
    this.searches.clear();
    this.daily.clear();
  }
}

function prune(map: Map<string, number[]>, key: string, cutoff: number): number[] {
  const list = map.get(key) ?? [];
  let i = 0;
  while (i < list.length && list[i]! <= cutoff) i++;
  const kept = i ? list.slice(i) : list;
  map.set(key, kept);
  return kept;
}

const countSince = (list: number[], since: number) => list.filter((t) => t > since).length;

const msUntilMidnight = (now: number) => {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1) - now;
};
