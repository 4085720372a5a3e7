/**
 * Starts the deployment's processes on this machine (no container engine): each is a child process whose
 * readiness is the URL line it prints on stdout, and which is stopped (SIGTERM, then SIGKILL) by `stop()` — also
 * when the parent exits. Used by `npm run deploy:local` and the scale-out test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');

export interface RunningProcess {
  name: string;
  /** The URL the process printed when it became ready. */
  url: string;
  child: ChildProcess;
  /** The last lines it wrote (stdout and stderr), for diagnostics. */
  output(): string;
  /** SIGKILL: the process dies at once, like a crashed machine. */
  kill(): void;
  /** SIGTERM (a graceful stop), SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** How to run a TypeScript entry point of this repository: from source, in a single process (`node --import tsx`, so that a signal reaches the program itself). */
export function nodeArgs(source: string): string[] {
  return ['--import', 'tsx', join(ROOT, source)];
}

export function startProcess(opts: {
  name: string;
  /** The program; default this Node.js. */
  command?: string;
  args: string[];
  /** Default the repository's root. */
  cwd?: string;
  env: Record<string, string>;
  /** The stdout line announcing readiness; its first group is the URL. */
  ready: RegExp;
  timeoutMs?: number;
}): Promise<RunningProcess> {
  const child = spawn(opts.command ?? process.execPath, opts.args, { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const lines: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => running.delete(child));
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stderr!.on('data', keep);
  const output = () => lines.join('\n');
  const stop = async (graceMs = 5000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return new Promise<RunningProcess>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      void stop(0);
      reject(new Error(`${opts.name} did not become ready in ${opts.timeoutMs ?? 30_000} ms; its output:\n${output()}`));
    }, opts.timeoutMs ?? 30_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${opts.name} exited (${signal ?? code}) before it was ready; its output:\n${output()}`));
    });
    const untilReady = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const m = opts.ready.exec(buffered);
      if (!m) return;
      clearTimeout(timer);
      // From here on only the bounded tail of its output is kept.
      child.stdout!.off('data', untilReady);
      buffered = '';
      resolve({ name: opts.name, url: m[1]!, child, output, kill: () => void child.kill('SIGKILL'), stop });
    };
    child.stdout!.on('data', keep);
    child.stdout!.on('data', untilReady);
  });
}

export const GATEWAY_READY = /GraphQL gateway ready at (\S+)/;
export const EMULATOR_READY = /HubSpot emulator listening at (\S+)/;
export const SUBGRAPH_READY = /subgraph ready at (\S+)/;

/** `hubspot-graphql serve` with these settings (PORT 0: any free port). */
export function startGatewayProcess(name: string, env: Record<string, string>): Promise<RunningProcess> {
  return startProcess({ name, args: [...nodeArgs('src/main.ts'), 'serve'], env: { PORT: '0', ...env }, ready: GATEWAY_READY });
}

/** `hubspot-graphql emulator` with these settings (EMULATOR_PORT 0: any free port). */
export function startEmulatorProcess(env: Record<string, string>): Promise<RunningProcess> {
  return startProcess({ name: 'emulator', args: [...nodeArgs('src/main.ts'), 'emulator'], env: { EMULATOR_PORT: '0', ...env }, ready: EMULATOR_READY });
}

/** The sample "loyalty" subgraph (deploy/sample-subgraph). */
export function startLoyaltyProcess(env: Record<string, string> = {}): Promise<RunningProcess> {
  return startProcess({ name: 'loyalty', args: nodeArgs('deploy/sample-subgraph/loyalty.ts'), env: { PORT: '0', ...env }, ready: SUBGRAPH_READY });
}
