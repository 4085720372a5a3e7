import { loadConfig, type Config } from '../../src/config';
import type { CallOutcome } from '../../src/hubspot/client';
import { Transport } from '../../src/hubspot/transport';
import { createGateway, type Gateway } from '../../src/server/gateway';
import { createLogger } from '../../src/server/logger';
import { startEmulator, TOKEN, type TestEmulator } from './emulator';
import type { EmulatorOptions } from '../../src/emulator/options';
import type { EventBus } from '../../src/events/types';
import type { CredentialProvider } from '../../src/auth/credentials';

export interface TestGateway {
  url: string;
  /** The GraphQL endpoint as a WebSocket URL (ws://…/graphql), for graphql-ws subscriptions. */
  wsUrl: string;
  /** The bus subscriptions read: publish CrmEvents on it as the webhook receiver would. */
  events: EventBus;
  /** Waits (up to 5 s) until `count` GraphQL subscriptions listen on this gateway's bus, so that events published next reach them. */
  untilSubscribed(count: number): Promise<void>;
  emulator: TestEmulator;
  gateway: Gateway;
  /** Every upstream call the gateway made, in order. */
  calls: CallOutcome[];
  /** POSTs a GraphQL operation; returns status and parsed body. */
  query(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

/** A real gateway over real HTTP, talking to a real emulator on a free port. */
export async function startGateway(opts: { emulator?: Partial<EmulatorOptions>; env?: Record<string, string>; token?: string; baseUrl?: string; credentials?: CredentialProvider; events?: EventBus } = {}): Promise<TestGateway> {
  const emulator = await startEmulator(opts.emulator);
  // `baseUrl` points this gateway at another (already running) emulator, e.g. a second instance of one setup.
  const upstream = opts.baseUrl ?? emulator.url;
  // The gateway keeps the same limits as the emulator it talks to, unless a test says otherwise.
  const limits = emulator.state.options.rateLimit;
  const config: Config = {
    ...loadConfig({
      LOG_LEVEL: 'silent',
      RATE_LIMIT_PER_WINDOW: String(Math.min(limits.perWindow, 100_000)),
      RATE_LIMIT_WINDOW_MS: String(limits.windowMs),
      SEARCH_RATE_PER_SECOND: String(Math.min(limits.searchPerSecond, 100_000)),
      // Tests that hold a token (HUBSPOT_TOKEN) call without caller authentication unless they configure it.
      ALLOW_UNAUTHENTICATED_CALLERS: 'true',
      ...(opts.env ?? {}),
    }),
    hubspotBaseUrl: upstream,
  };
  const transport = new Transport({ baseUrl: upstream, connections: 8, timeoutMs: config.upstreamTimeoutMs });
  const calls: CallOutcome[] = [];
  // `credentials` replaces the private-app token, e.g. with pass-through credentials; `events` mounts the webhook receiver.
  const gateway = await createGateway({
    config, logger: createLogger('silent'), transport, credential: () => opts.token ?? TOKEN, onUpstreamCall: (o) => calls.push(o),
    ...(opts.credentials ? { credentials: opts.credentials } : {}), ...(opts.events ? { events: opts.events } : {}),
  });
  const { url } = await gateway.listen(0, '127.0.0.1');
  // With Redis, subscribers on this instance hear other instances' events once the bus has subscribed.
  await (gateway.events as { ready?: Promise<void> }).ready;
  const handlers = () => (gateway.events as { handlerCount?: number }).handlerCount ?? 0;
  const ownHandlers = handlers(); // the gateway's own (cache invalidation)
  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    events: gateway.events,
    async untilSubscribed(count) {
      const until = Date.now() + 5_000;
      while (handlers() - ownHandlers < count) {
        if (Date.now() > until) throw new Error(`expected ${count} subscriptions on the bus, have ${handlers() - ownHandlers}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    emulator,
    gateway,
    calls,
    async query(query, variables, headers = {}) {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // leave the text for the assertion to show
      }
      return { status: res.status, body };
    },
    async close() {
      await gateway.stop();
      await transport.close();
      await emulator.close();
    },
  };
}
