import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** The repository root (bench/ lives in it). */
export const ROOT = join(__dirname, '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

export interface Child {
  /** The URL the process printed when it was ready. */
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Runs `tsx src/main.ts <command>` in its own process (so what is measured is the gateway, not the load generator
 * sharing its event loop) and resolves with the URL it prints once listening. Output is kept only for errors.
 */
export function startChild(command: 'serve' | 'emulator', env: Record<string, string>, ready: RegExp, timeoutMs = 60_000): Promise<Child> {
  const child: ChildProcess = spawn(TSX, ['src/main.ts', command], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${command} did not start within ${timeoutMs} ms:\n${output.slice(-2000)}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = ready.exec(output);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        // Keep draining so a chatty child never blocks on a full pipe.
        child.stdout!.resume();
        resolve({ url: m[1]!, pid: child.pid!, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${code} before it was ready:\n${output.slice(-2000)}`));
    });
  });
}
