import { loadConfig, type Config } from '../../src/config';
import type { CallOutcome } from '../../src/hubspot/client';
import { Transport } from '../../src/hubspot/transport';
import { createGateway, type Gateway } from '../../src/server/gateway';
import { createLogger } from '../../src/server/logger';
import { startEmulator, TOKEN, type TestEmulator } from './emulator';
import type { EmulatorOptions } from '../../src/emulator/options';

export interface TestGateway {
  url: string;
  emulator: TestEmulator;
  gateway: Gateway;
  /** Every upstream call the gateway made, in order. */
  calls: CallOutcome[];
  /** POSTs a GraphQL operation; returns status and parsed body. */
  query(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

/** A real gateway over real HTTP, talking to a real emulator on a free port. */
export async function startGateway(opts: { emulator?: Partial<EmulatorOptions>; env?: Record<string, string>; token?: string; baseUrl?: string } = {}): Promise<TestGateway> {
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
      ...(opts.env ?? {}),
    }),
    hubspotBaseUrl: upstream,
  };
  const transport = new Transport({ baseUrl: upstream, connections: 8, timeoutMs: config.upstreamTimeoutMs });
  const calls: CallOutcome[] = [];
  const gateway = await createGateway({ config, logger: createLogger('silent'), transport, credential: () => opts.token ?? TOKEN, onUpstreamCall: (o) => calls.push(o) });
  const { url } = await gateway.listen(0, '127.0.0.1');
  return {
    url,
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
