/**
 * `npm run deploy:local`: deploy/compose.yaml's topology without containers — the emulator, two gateway
 * instances sharing Redis, the loyalty subgraph, a load balancer and a supergraph router — on this machine.
 * Prints the URLs; Ctrl-C stops everything. Settings: REDIS_URL (default redis://127.0.0.1:6379), LB_PORT
 * (default 4080), ROUTER_PORT (default 4000), INSTANCES (default 2); any gateway setting (e.g. API_KEY_HASHES)
 * in the environment reaches the instances.
 */
import { startTopology } from './topology';

async function main(): Promise<void> {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const topology = await startTopology({
    redisUrl,
    instances: Number(process.env.INSTANCES ?? 2),
    lbPort: Number(process.env.LB_PORT ?? 4080),
    routerPort: Number(process.env.ROUTER_PORT ?? 4000),
    gatewayEnv: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' },
  });
  const lines = [
    `HubSpot emulator      ${topology.emulator.url}`,
    ...topology.gateways.map((g) => `${g.name.padEnd(21)} ${g.url}`),
    `load balancer         ${topology.lb.url}/graphql   (subscriptions: ${topology.lb.url.replace(/^http/, 'ws')}/graphql)`,
    `loyalty subgraph      ${topology.loyalty!.url}`,
    `supergraph router     ${topology.routerUrl}   (try: { topMembers { email loyaltyPoints tier } })`,
    `Redis                 ${redisUrl}`,
    `caller API key        ${topology.apiKey}   (send it as X-API-Key)`,
  ];
  process.stdout.write(`\nLocal deployment ready:\n  ${lines.join('\n  ')}\n\nCtrl-C stops everything.\n`);
  topology.lb.events.on('event', (e: { type: string; backend: string; reason: string }) => {
    if (e.type !== 'retry') process.stdout.write(`load balancer: ${e.backend} ${e.type} (${e.reason})\n`);
  });
  let stopping = false;
  const bye = () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('stopping…\n');
    void topology.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', bye);
  process.once('SIGTERM', bye);
}

main().catch((e: unknown) => {
  process.stderr.write(`deploy:local failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
