import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Test files for the Files API: a PNG header with a real size (what the emulator measures) plus random bytes. */
export function png(width: number, height: number, extraBytes = 64): Buffer {
  const header = Buffer.alloc(24);
  Buffer.from('89504e470d0a1a0a', 'hex').copy(header, 0);
  header.writeUInt32BE(13, 8);
  header.write('IHDR', 12, 'latin1');
  header.writeUInt32BE(width, 16);
  header.writeUInt32BE(height, 20);
  return Buffer.concat([header, randomBytes(extraBytes)]);
}

/** A multipart form: text fields, and a `file` part (or another name) when given. */
export function form(fields: Record<string, string>, file?: { bytes: Buffer | string; name: string; type?: string; field?: string }): FormData {
  const f = new FormData();
  if (file) f.append(file.field ?? 'file', new Blob([typeof file.bytes === 'string' ? file.bytes : new Uint8Array(file.bytes)], { type: file.type ?? 'application/octet-stream' }), file.name);
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
}

/**
 * A local HTTP server standing in for "a URL on the internet" (the network here is loopback only). Routes are
 * set per test; `hold()` makes every answer wait until `release()`, to watch an import while it runs.
 */
export interface SourceServer {
  url: string;
  set(path: string, handler: (req: IncomingMessage, res: ServerResponse) => void): void;
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

export async function startSourceServer(): Promise<SourceServer> {
  const routes = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  const server = createServer(async (req, res) => {
    if (gate) await gate;
    const handler = routes.get(req.url ?? '');
    if (handler) handler(req, res);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    set: (path, handler) => routes.set(path, handler),
    hold: () => {
      gate = new Promise((resolve) => (open = resolve));
    },
    release: () => {
      open?.();
      gate = undefined;
    },
    close: () =>
      new Promise((resolve) => {
        open?.();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
