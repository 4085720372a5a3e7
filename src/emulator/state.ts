import { installDefaultPipelines } from './defaultPipelines';
import type { EmulatorOptions, EmulatorToken } from './options';
import { Random } from './random';
import { RateLimiter } from './rateLimit';
import { RequestLog } from './requestLog';
import { seedPortal } from './seed';
import { Portal } from './store';

/** Everything the emulator holds: its portals, the tokens that reach them, the request log and the limits. */
export class EmulatorState {
  readonly portals = new Map<number, Portal>();
  readonly tokens = new Map<string, EmulatorToken>();
  readonly log: RequestLog;
  readonly limiter: RateLimiter;
  /** Drives fault decisions; seeded so a fault pattern can be replayed. */
  faultRandom: Random;

  constructor(public options: EmulatorOptions) {
    for (const t of options.tokens) this.tokens.set(t.token, t);
    this.log = new RequestLog(options.requestLogSize);
    this.limiter = new RateLimiter(options.rateLimit);
    this.faultRandom = new Random(options.seedValue);
  }

  /** The portal with this id, created and seeded on first use. */
  portal(portalId: number): Portal {
    let portal = this.portals.get(portalId);
    if (!portal) {
      portal = new Portal(portalId);
      installDefaultPipelines(portal);
      seedPortal(portal, this.options.seed, this.options.seedValue + portalId);
      this.portals.set(portalId, portal);
    }
    return portal;
  }

  /** Back to a freshly seeded state: portals rebuilt on next use, log and limits cleared. */
  reset(): void {
    this.portals.clear();
    this.log.clear();
    this.limiter.reset();
    this.faultRandom = new Random(this.options.seedValue);
  }
}
