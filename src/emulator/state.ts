import { seedAccountActivity } from './accountActivity';
import { installDefaultPipelines } from './defaultPipelines';
import { OAuthServer } from './oauthApps';
import type { EmulatorOptions, EmulatorToken } from './options';
import { Random } from './random';
import { RateLimiter } from './rateLimit';
import { RequestLog } from './requestLog';
import { seedPortal } from './seed';
import { Portal } from './store';
import { WebhookApps } from './webhookApps';
import { WebhookDeliveries } from './webhookDelivery';

/** Everything the emulator holds: its portals, the tokens that reach them, the request log and the limits. */
export class EmulatorState {
  readonly portals = new Map<number, Portal>();
  readonly tokens = new Map<string, EmulatorToken>();
  readonly log: RequestLog;
  readonly limiter: RateLimiter;
  /** Apps of the developer APIs, with their webhook settings and subscriptions. */
  readonly webhookApps: WebhookApps;
  /** Sends the CRM changes made through the API to the apps' subscriptions (their target URLs). */
  readonly webhookDeliveries: WebhookDeliveries;
  /** OAuth codes and tokens issued to apps (their access tokens authenticate like `tokens`, until they expire). */
  readonly oauth: OAuthServer;
  /** Drives fault decisions; seeded so a fault pattern can be replayed. */
  faultRandom: Random;

  constructor(public options: EmulatorOptions) {
    for (const t of options.tokens) this.tokens.set(t.token, t);
    this.log = new RequestLog(options.requestLogSize);
    this.limiter = new RateLimiter(options.rateLimit);
    this.webhookApps = new WebhookApps(options.webhookApps);
    this.webhookDeliveries = new WebhookDeliveries(this.webhookApps, options.webhookDelivery);
    this.oauth = new OAuthServer(options);
    this.faultRandom = new Random(options.seedValue);
  }

  /** The portal with this id, created and seeded on first use. */
  portal(portalId: number): Portal {
    let portal = this.portals.get(portalId);
    if (!portal) {
      portal = new Portal(portalId);
      installDefaultPipelines(portal);
      seedPortal(portal, this.options.seed, this.options.seedValue + portalId);
      seedAccountActivity(portal, this.options.seedValue + portalId);
      this.portals.set(portalId, portal);
    }
    return portal;
  }

  /** Back to a freshly seeded state: portals rebuilt on next use, log and limits cleared. */
  reset(): void {
    this.portals.clear();
    this.log.clear();
    this.limiter.reset();
    this.webhookApps.reset();
    this.webhookDeliveries.reset();
    this.faultRandom = new Random(this.options.seedValue);
  }
}
