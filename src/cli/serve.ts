/**
 * `hubspot-graphql serve`: the gateway, against HubSpot with a credential, else against the embedded emulator
 * with demo data (offline). Prints its URL on stdout once it listens — process launchers wait for that line.
 */
import type { Config } from '../config';
import { createEmulator, type RunningEmulator } from '../emulator/app';
import { createGateway } from '../server/gateway';
import { createAuth } from '../auth';
import { installUrl } from '../auth/oauthRoutes';
import { createLogger } from '../server/logger';
import { Transport } from '../hubspot/transport';
import { onShutdown } from './shutdown';

export async function startEmulator(config: Config, port: number): Promise<RunningEmulator> {
  const { listen } = createEmulator(config.emulator);
  return listen(port, config.emulator.host);
}

export async function serve(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel);
  let emulator: RunningEmulator | undefined;
  let baseUrl = config.hubspotBaseUrl;
  let token = config.hubspotToken;
  if (config.useEmbeddedEmulator) {
    emulator = await startEmulator(config, config.emulator.port);
    baseUrl = emulator.url;
    token = config.emulator.tokens[0]!.token;
    logger.info({ emulator: emulator.url, portalId: config.emulator.tokens[0]!.portalId }, 'no HUBSPOT_TOKEN: using the embedded HubSpot emulator with demo data');
  }
  const transport = new Transport({ baseUrl, connections: config.upstreamConnections, timeoutMs: config.upstreamTimeoutMs });
  // The credential mode: the private-app token, OAuth installs per portal, or each caller's own token.
  const auth = createAuth(config, transport, logger, () => token!);
  const gateway = await createGateway({ config, logger, transport, credentials: auth.credentials, ...(auth.routes ? { oauthRoutes: auth.routes } : {}) });
  const { url } = await gateway.listen(config.port, config.host);
  logger.info({ url, upstream: config.useEmbeddedEmulator ? 'embedded emulator' : baseUrl, authMode: config.authMode }, 'gateway ready');
  process.stdout.write(`\nGraphQL gateway ready at ${url}${config.graphiql ? ' (open it in a browser for GraphiQL)' : ''}\n`);
  if (config.authMode === 'oauth') process.stdout.write(`Install the HubSpot app into a portal: ${installUrl(url)}\n`);
  if (config.authMode === 'pass-through') process.stdout.write('Pass-through: send your HubSpot token with each request (Authorization: Bearer …)\n');
  if (emulator) process.stdout.write(`HubSpot emulator at ${emulator.url} (token: ${token})\n\n`);
  onShutdown(config.shutdownGraceMs, (m) => logger.info(m), async () => {
    await gateway.stop();
    await auth.close();
    await transport.close();
    await emulator?.close();
  });
}

/** `hubspot-graphql emulator`: the HubSpot emulator alone, e.g. for the offline tests of users' frontends in CI. */
export async function emulatorOnly(config: Config): Promise<void> {
  const emulator = await startEmulator(config, config.emulator.port);
  const tokens = config.emulator.tokens.map((t) => `${t.token} → portal ${t.portalId}`).join(', ');
  process.stdout.write(`HubSpot emulator listening at ${emulator.url}\nTokens: ${tokens}\nAdmin: ${emulator.url}/__emulator/config\n`);
  onShutdown(config.shutdownGraceMs, (m) => process.stdout.write(`${m}\n`), () => emulator.close());
}
