import { createClient, type RedisClientType } from '@redis/client';

/** HubSpot's two limits as the gateway enforces them for one portal: a rolling burst window and searches per second. */
export interface BudgetLimits {
  /** Calls per window (HubSpot: 100, 110, 190 or 250 per 10 s). */
  perWindow: number;
  windowMs: number;
  /** Search calls per second (HubSpot: 4). */
  searchPerSecond: number;
}

/** Either a grant (with a ticket to hand back when the call is over) or how long to wait before asking again. */
export type Take = { ticket: string } | { waitMs: number };

/**
 * Where the calls of a portal are counted.
 *
 * HubSpot counts a call when it arrives, which is somewhere between the moment we send it and the moment its
 * answer comes back. So a call in flight counts as arriving "now" for as long as it is in flight, and a
 * finished call counts from the moment its answer came back (`done`). Counting this way never undercounts,
 * however late a busy event loop or the network delivers the call.
 */
export interface RateBudget {
  take(portalKey: string, search: boolean, limits: BudgetLimits, now?: number): Promise<Take>;
  /** The call with this ticket is over: it counts from `now` until it leaves the window. */
  done(portalKey: string, ticket: string, search: boolean, now?: number): Promise<void>;
  /** Stops every call of the portal until a time (after a 429). */
  pause(portalKey: string, untilMs: number): Promise<void>;
  /** Reads, without taking anything, how much of the portal's window is used now (for `rateLimit`). */
  status(portalKey: string, limits: BudgetLimits, now?: number): Promise<BudgetStatus>;
  close(): Promise<void>;
}

/**
 * The window as it stands: calls counted in it (in flight included) and when it is empty again, i.e. when every
 * call counted now has left it (epoch ms; `now` when nothing is counted). While the portal is paused after a 429
 * the whole limit counts as used, until the pause ends at the earliest.
 */
export interface BudgetStatus {
  used: number;
  resetAt: number;
}

/** Status from the window's entries: their count and the latest (in-flight ones count as arriving now). */
function statusOf(count: number, latest: number | undefined, pausedUntil: number, limits: BudgetLimits, now: number): BudgetStatus {
  const resetAt = count > 0 ? Math.min(latest!, now) + limits.windowMs : now;
  if (pausedUntil > now) return { used: limits.perWindow, resetAt: Math.max(resetAt, pausedUntil) };
  return { used: count, resetAt };
}

/** How long to wait when the window is full of calls still in flight: until one is likely to be done. */
const IN_FLIGHT_POLL_MS = 10;

/** Sliding windows in process memory. */
export class MemoryBudget implements RateBudget {
  /** portal → ticket → time it counts from (Infinity while in flight). */
  private readonly calls = new Map<string, Map<string, number>>();
  private readonly searches = new Map<string, Map<string, number>>();
  private readonly paused = new Map<string, number>();
  private seq = 0;

  async take(portalKey: string, search: boolean, limits: BudgetLimits, now = Date.now()): Promise<Take> {
    const until = this.paused.get(portalKey) ?? 0;
    if (until > now) return { waitMs: until - now };
    const calls = window(this.calls, portalKey, now - limits.windowMs);
    const searches = window(this.searches, portalKey, now - 1000);
    const wait = Math.max(waitFor(calls, limits.perWindow, limits.windowMs, now), search ? waitFor(searches, limits.searchPerSecond, 1000, now) : 0);
    if (wait > 0) return { waitMs: wait };
    const ticket = String(++this.seq);
    this.calls.get(portalKey)!.set(ticket, Infinity);
    if (search) this.searches.get(portalKey)!.set(ticket, Infinity);
    return { ticket };
  }

  async done(portalKey: string, ticket: string, search: boolean, now = Date.now()): Promise<void> {
    const calls = this.calls.get(portalKey);
    if (calls?.has(ticket)) calls.set(ticket, now);
    const searches = this.searches.get(portalKey);
    if (search && searches?.has(ticket)) searches.set(ticket, now);
  }

  async pause(portalKey: string, untilMs: number): Promise<void> {
    this.paused.set(portalKey, Math.max(untilMs, this.paused.get(portalKey) ?? 0));
  }

  async status(portalKey: string, limits: BudgetLimits, now = Date.now()): Promise<BudgetStatus> {
    // Read-only: entries that have left the window are skipped here, and dropped by the next `take`.
    const times = [...(this.calls.get(portalKey)?.values() ?? [])].filter((t) => t > now - limits.windowMs);
    return statusOf(times.length, times.length ? Math.max(...times) : undefined, this.paused.get(portalKey) ?? 0, limits, now);
  }

  async close(): Promise<void> {}
}

/** The portal's entries still in the window (older ones dropped), as a map. */
function window(map: Map<string, Map<string, number>>, key: string, cutoff: number): number[] {
  let entries = map.get(key);
  if (!entries) map.set(key, (entries = new Map()));
  for (const [ticket, t] of entries) if (t <= cutoff) entries.delete(ticket);
  return [...entries.values()].sort((a, b) => a - b);
}

/** Wait until fewer than `limit` calls are in the window; 0 when there is room now. */
function waitFor(times: number[], limit: number, windowMs: number, now: number): number {
  if (times.length < limit) return 0;
  const freeing = times[times.length - limit]!;
  return freeing === Infinity ? IN_FLIGHT_POLL_MS : Math.max(1, freeing + windowMs - now);
}

/**
 * The same windows in Redis, checked and recorded atomically by one script, so every gateway instance
 * draws on one budget per portal. A call in flight is scored far in the future (bounded, so that a crashed
 * instance's calls still age out) and re-scored with its end time when done.
 */
const TAKE = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local search = ARGV[4] == '1'
local searchLimit = tonumber(ARGV[5])
local member = ARGV[6]
local inFlight = tonumber(ARGV[7])
local poll = tonumber(ARGV[8])
local paused = tonumber(redis.call('GET', KEYS[3]) or '0')
if paused > now then return paused - now end
local function waitIn(key, lim, win)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - win)
  local n = redis.call('ZCARD', key)
  if n < lim then return 0 end
  local freeing = tonumber(redis.call('ZRANGE', key, n - lim, n - lim, 'WITHSCORES')[2])
  if freeing > now then return poll end
  return math.max(1, freeing + win - now)
end
local wait = waitIn(KEYS[1], limit, window)
if search then wait = math.max(wait, waitIn(KEYS[2], searchLimit, 1000)) end
if wait > 0 then return wait end
redis.call('ZADD', KEYS[1], now + inFlight, member)
redis.call('PEXPIRE', KEYS[1], inFlight + window)
if search then
  redis.call('ZADD', KEYS[2], now + inFlight, member)
  redis.call('PEXPIRE', KEYS[2], inFlight + 1000)
end
return 0
`;

/** Longest time a call is counted as in flight in Redis (longer than any upstream timeout). */
const REDIS_IN_FLIGHT_MS = 10 * 60_000;

export class RedisBudget implements RateBudget {
  private readonly client: RedisClientType;
  private readonly ready: Promise<unknown>;
  private seq = 0;
  private readonly instance = Math.random().toString(36).slice(2);

  constructor(url: string, private readonly prefix = 'hubspot-graphql:rate') {
    this.client = createClient({ url });
    // Errors surface on the calls that need Redis; the listener only keeps node-redis from crashing the process.
    this.client.on('error', () => undefined);
    this.ready = this.client.connect();
  }

  private keys(portalKey: string) {
    const k = `${this.prefix}:${portalKey}`;
    return { calls: `${k}:calls`, searches: `${k}:searches`, paused: `${k}:paused` };
  }

  async take(portalKey: string, search: boolean, limits: BudgetLimits, now = Date.now()): Promise<Take> {
    await this.ready;
    const k = this.keys(portalKey);
    const ticket = `${this.instance}:${++this.seq}`;
    const wait = Number(
      await this.client.eval(TAKE, {
        keys: [k.calls, k.searches, k.paused],
        arguments: [String(now), String(limits.windowMs), String(limits.perWindow), search ? '1' : '0', String(limits.searchPerSecond), ticket, String(REDIS_IN_FLIGHT_MS), String(IN_FLIGHT_POLL_MS)],
      }),
    );
    return wait > 0 ? { waitMs: wait } : { ticket };
  }

  async done(portalKey: string, ticket: string, search: boolean, now = Date.now()): Promise<void> {
    await this.ready;
    const k = this.keys(portalKey);
    // XX: only re-score a ticket still there (a late answer must not add a call back).
    await this.client.zAdd(k.calls, { score: now, value: ticket }, { condition: 'XX' });
    if (search) await this.client.zAdd(k.searches, { score: now, value: ticket }, { condition: 'XX' });
  }

  async pause(portalKey: string, untilMs: number): Promise<void> {
    await this.ready;
    await this.client.set(this.keys(portalKey).paused, String(untilMs), { PX: Math.max(1, untilMs - Date.now()) });
  }

  async status(portalKey: string, limits: BudgetLimits, now = Date.now()): Promise<BudgetStatus> {
    await this.ready;
    const k = this.keys(portalKey);
    // In-flight calls are scored in the future (see TAKE); statusOf counts them as arriving now.
    const [count, latest, paused] = await Promise.all([
      this.client.zCount(k.calls, `(${now - limits.windowMs}`, '+inf'),
      this.client.zRangeWithScores(k.calls, -1, -1),
      this.client.get(k.paused),
    ]);
    return statusOf(Number(count), latest[0]?.score, Number(paused ?? 0), limits, now);
  }

  async close(): Promise<void> {
    await this.ready.catch(() => undefined);
    await this.client.quit().catch(() => undefined);
  }
}
