#!/usr/bin/env node
/**
 * Command line (public API): `serve` (default) runs the gateway, against HubSpot with HUBSPOT_TOKEN or else
 * against the embedded emulator; `emulator` runs the HubSpot emulator alone. Settings: src/config.ts.
 */
import { ConfigError, loadConfig, settingsHelp, type Config } from './config';
import { createEmulator, type RunningEmulator } from './emulator/app';
import { createGateway } from './server/gateway';
import { createAuth } from './auth';
import { installUrl } from './auth/oauthRoutes';
import { createLogger } from './server/logger';
import { Transport } from './hubspot/transport';

const USAGE = `Usage: hubspot-graphql [serve|emulator] [--setting value ...]

  serve      Run the GraphQL gateway (default). Without HUBSPOT_TOKEN it starts the embedded HubSpot
             emulator with demo data and needs no network.
  emulator   Run the HubSpot emulator alone (default port 4010), e.g. for your own tests.

Settings (flag, environment variable, meaning, default):
${settingsHelp()}
`;

async function startEmulator(config: Config, port: number): Promise<RunningEmulator> {
  const { listen } = createEmulator(config.emulator);
  return listen(port, config.emulator.host);
}

/** Stops on SIGTERM/SIGINT: in-flight requests get `shutdownGraceMs`, then the process exits regardless. */
function onShutdown(graceMs: number, log: (msg: string) => void, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received, shutting down`);
    const force = setTimeout(() => process.exit(1), graceMs);
    force.unref();
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => handler('SIGTERM'));
  process.once('SIGINT', () => handler('SIGINT'));
}

async function serve(config: Config): Promise<void> {
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

async function emulatorOnly(config: Config): Promise<void> {
  const emulator = await startEmulator(config, config.emulator.port);
  const tokens = config.emulator.tokens.map((t) => `${t.token} → portal ${t.portalId}`).join(', ');
  process.stdout.write(`HubSpot emulator listening at ${emulator.url}\nTokens: ${tokens}\nAdmin: ${emulator.url}/__emulator/config\n`);
  onShutdown(config.shutdownGraceMs, (m) => process.stdout.write(`${m}\n`), () => emulator.close());
}

async function main(argv: string[]): Promise<void> {
  const [first, ...rest] = argv;
  const command = first === undefined || first.startsWith('--') ? 'serve' : first;
  const args = command === first ? rest : argv;
  if (args.includes('--help') || args.includes('-h') || command === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (command !== 'serve' && command !== 'emulator') throw new ConfigError(`unknown command '${command}' (commands: serve, emulator; see --help)`);
  const config = loadConfig(process.env, args, command);
  if (command === 'serve') await serve(config);
  else await emulatorOnly(config);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof ConfigError) {
    process.stderr.write(`hubspot-graphql: ${e.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`hubspot-graphql: failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
