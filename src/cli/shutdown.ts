/**
 * Graceful stop on SIGTERM/SIGINT, shared by the long-running commands: `stop` gets `graceMs` to let in-flight
 * requests finish (a load balancer has stopped sending new ones by then), then the process exits regardless.
 */
export function onShutdown(graceMs: number, log: (msg: string) => void, stop: () => Promise<void>): void {
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
