/**
 * Readiness = HubSpot (or the emulator) answers. The probe is cached for a few seconds so that frequent
 * orchestrator probes do not spend the portal's rate limit.
 */
export class Readiness {
  private last?: { at: number; ready: boolean; reason?: string };
  private inflight?: Promise<{ ready: boolean; reason?: string }>;

  constructor(
    private readonly probe: () => Promise<unknown>,
    private readonly cacheMs = 5_000,
  ) {}

  async check(now = Date.now()): Promise<{ ready: boolean; reason?: string }> {
    if (this.last && now - this.last.at < this.cacheMs) return this.last;
    this.inflight ??= this.probe()
      .then(() => ({ ready: true }))
      .catch((e: unknown) => ({ ready: false, reason: e instanceof Error ? e.message : 'upstream check failed' }))
      .then((r) => {
        this.last = { at: Date.now(), ...r };
        this.inflight = undefined;
        return r;
      });
    return this.inflight;
  }
}
