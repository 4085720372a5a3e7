import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { CrmEvent, EventBus } from '../events/types';
import { MalformedDeliveryError, parseDelivery } from './events';
import type { ReplayGuard } from './replayGuard';
import { verifySignature, type SignatureRejection, type SignatureVersion } from './signature';

/**
 * POST /webhooks/hubspot: HubSpot's webhook deliveries. The raw body is kept for the signature, checked before
 * anything else (401 when it fails), then parsed (400 when it is not an array of events). The answer (204) goes
 * out at once — HubSpot wants one within seconds and retries otherwise — and the events are published to the
 * event bus afterwards, each eventId once (replays and HubSpot's retries are dropped by the ReplayGuard).
 */

export const WEBHOOK_PATH = '/webhooks/hubspot';

export interface WebhookReceiverOptions {
  events: EventBus;
  /** The app's client secret; without it every delivery is refused with 503 (nothing can be verified). */
  clientSecret?: string;
  /** Signature versions accepted. */
  signatureVersions: readonly SignatureVersion[];
  /** Public base URL HubSpot calls (behind a proxy); default: the request's own protocol and Host. */
  urlBase?: string;
  /** Largest body accepted; larger is 413. */
  maxBodyBytes: number;
  replays: ReplayGuard;
  logger: Logger;
  now?: () => number;
}

export interface WebhookReceiver {
  router: Router;
  /** Waits for the events already accepted to be published, then closes the replay guard. */
  close(): Promise<void>;
}

const MESSAGES: Record<SignatureRejection, string> = {
  'missing-signature': 'the request carries no HubSpot signature of an accepted version',
  'missing-timestamp': 'X-HubSpot-Signature-v3 needs X-HubSpot-Request-Timestamp',
  'stale-timestamp': 'X-HubSpot-Request-Timestamp is more than 5 minutes away from now',
  'bad-signature': 'the signature does not match (wrong client secret, altered body, or another URL)',
};

const refuse = (res: Response, status: number, code: string, message: string) => res.status(status).json({ error: { code, message } });

/** The full URL HubSpot requested, as signatures v2 and v3 cover it. */
function requestedUri(req: Request, urlBase: string | undefined): string {
  const base = urlBase ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  return `${base.replace(/\/+$/, '')}${req.originalUrl}`;
}

export function createWebhookReceiver(options: WebhookReceiverOptions): WebhookReceiver {
  const { events, replays, logger } = options;
  const now = options.now ?? Date.now;
  const publishing = new Set<Promise<void>>();
  const logOf = (res: Response) => (res.locals.log as Logger | undefined) ?? logger;

  /** Publishes the events not seen before. Runs after the answer; it never throws. */
  async function publishFresh(delivered: CrmEvent[], log: Logger): Promise<void> {
    const firsts = await Promise.all(
      delivered.map((event) =>
        replays.firstSeen(`${event.portalId}:${event.eventId}`).catch((err: unknown) => {
          log.warn({ err: (err as Error).message, eventId: event.eventId }, 'webhook replay check failed; processing the event anyway');
          return true;
        }),
      ),
    );
    const fresh = delivered.filter((_, i) => firsts[i]);
    if (delivered.length > fresh.length) log.info({ replayed: delivered.length - fresh.length }, 'webhook events already processed were dropped');
    if (!fresh.length) return;
    try {
      await events.publish(fresh);
    } catch (err) {
      log.error({ err: (err as Error).message, events: fresh.length }, 'publishing webhook events failed');
    }
  }

  const router = Router();
  router.post(
    WEBHOOK_PATH,
    // Every content type is read raw: the signature covers the bytes exactly as sent.
    express.raw({ type: () => true, limit: options.maxBodyBytes }),
    (req: Request, res: Response) => {
      const log = logOf(res);
      if (options.clientSecret === undefined) {
        log.warn('webhook delivery refused: no client secret to verify it with (set HUBSPOT_CLIENT_SECRET)');
        return void refuse(res, 503, 'NOT_CONFIGURED', 'This gateway cannot verify HubSpot webhooks: HUBSPOT_CLIENT_SECRET is not set.');
      }
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const check = verifySignature(
        { method: req.method, uri: requestedUri(req, options.urlBase), body, header: (name) => req.get(name) },
        options.clientSecret,
        options.signatureVersions,
        now(),
      );
      if (!check.ok) {
        // Neither the body nor any header value: only why, and from where.
        log.warn({ reason: check.reason, remoteAddress: req.socket.remoteAddress }, 'webhook delivery refused');
        return void refuse(res, 401, 'UNAUTHENTICATED', `Invalid HubSpot webhook signature: ${MESSAGES[check.reason]}.`);
      }
      let parsed: ReturnType<typeof parseDelivery>;
      try {
        parsed = parseDelivery(body);
      } catch (err) {
        if (!(err instanceof MalformedDeliveryError)) throw err;
        log.warn({ reason: err.message }, 'webhook delivery is malformed');
        return void refuse(res, 400, 'BAD_REQUEST', `Malformed webhook delivery: ${err.message}.`);
      }
      res.status(204).end();
      log.debug({ events: parsed.events.length, ignored: parsed.ignored, signature: check.version }, 'webhook delivery accepted');
      const job = publishFresh(parsed.events, log).finally(() => publishing.delete(job));
      publishing.add(job);
    },
  );
  router.use(WEBHOOK_PATH, (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const type = (err as { type?: string } | undefined)?.type;
    if (type === 'entity.too.large') return void refuse(res, 413, 'PAYLOAD_TOO_LARGE', `The delivery exceeds ${options.maxBodyBytes} bytes.`);
    if (typeof type === 'string') return void refuse(res, 400, 'BAD_REQUEST', 'The delivery body could not be read.');
    next(err);
  });

  return {
    router,
    async close() {
      await Promise.all([...publishing]);
      await replays.close();
    },
  };
}
