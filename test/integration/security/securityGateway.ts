import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { createAuth } from '../../../src/auth';
import type { CredentialProvider } from '../../../src/auth/credentials';
import { loadConfig } from '../../../src/config';
import { Transport } from '../../../src/hubspot/transport';
import { createGateway, type Gateway } from '../../../src/server/gateway';
import { createLogger } from '../../../src/server/logger';
import type { TestEmulator } from '../../helpers/emulator';

/** A gateway configured from settings, as `npm start` makes it, logging at trace level into `logs`. */
export interface SecureGateway {
  url: string;
  wsUrl: string;
  base: string;
  gateway: Gateway;
  logs: string[];
  post(body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Waits until `count` GraphQL subscriptions listen on the gateway's bus (beyond its own cache invalidation). */
  untilSubscribed(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSecureGateway(emu: TestEmulator, env: Record<string, string>, credentials?: CredentialProvider): Promise<SecureGateway> {
  const config = loadConfig({ LOG_LEVEL: 'trace', HUBSPOT_BASE_URL: emu.url, RATE_LIMIT_PER_WINDOW: '100000', SEARCH_RATE_PER_SECOND: '100000', PORTAL_SCHEMA: 'false', ...env });
  const logs: string[] = [];
  const logger = createLogger('trace', new Writable({ write: (chunk, _enc, done) => (logs.push(String(chunk)), done()) }));
  const transport = new Transport({ baseUrl: emu.url, connections: 8, timeoutMs: config.upstreamTimeoutMs });
  const auth = createAuth(config, transport, logger);
  const gateway = await createGateway({ config, logger, transport, credentials: credentials ?? auth.credentials, ...(auth.routes ? { oauthRoutes: auth.routes } : {}) });
  const { url } = await gateway.listen(0, '127.0.0.1');
  const handlers = () => (gateway.events as { handlerCount?: number }).handlerCount ?? 0;
  const own = handlers();
  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    base: url.replace(/\/graphql$/, ''),
    gateway,
    logs,
    async post(body, headers = {}) {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // kept as text for the assertion to show
      }
      return { status: res.status, body: parsed };
    },
    async untilSubscribed(count) {
      const until = Date.now() + 5_000;
      while (handlers() - own < count) {
        if (Date.now() > until) throw new Error(`expected ${count} subscriptions, have ${handlers() - own}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async close() {
      await gateway.stop();
      await auth.close();
      await transport.close();
    },
  };
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** An HS256 JWT as an identity provider would issue it. */
export function hs256(claims: Record<string, unknown>, secret: string): string {
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ exp: Math.floor(Date.now() / 1000) + 3600, ...claims })}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}
