/**
 * The npm package: `npm pack` (its prepack builds dist/) gives a tarball with the compiled command, the SDL and
 * the README, and nothing of the tests or sources; what the compiled code requires is in `dependencies`; and,
 * unpacked into a clean directory as `npm install` would lay it out, its `hubspot-graphql` command prints help,
 * runs `emulator` (which answers HubSpot routes) and `serve` (which answers GraphQL), and stops on SIGTERM.
 *
 * The package's dependencies are linked from this checkout's node_modules rather than installed from the registry:
 * a real `npm install <tarball>` builds better-sqlite3 and takes minutes. README "Deployment" records a real install.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startProcess, EMULATOR_READY, GATEWAY_READY, type RunningProcess } from '../../deploy/local/processes';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; bin: Record<string, string>; dependencies: Record<string, string> };

let dir: string;
let files: string[];
let bin: string;
let app: string;
const started: RunningProcess[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hubspot-graphql-pack-'));
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  // prepack's own output precedes the JSON on stdout.
  const [packed] = JSON.parse(out.slice(out.indexOf('\n[') + 1)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  files = packed!.files.map((f) => f.path);
  // A clean directory with the package where `npm install` puts it, and its command where npm links it.
  app = join(dir, 'app');
  const installed = join(app, 'node_modules', pkg.name);
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, packed!.filename), '-C', installed, '--strip-components=1']);
  symlinkSync(join(ROOT, 'node_modules'), join(installed, 'node_modules'), 'dir');
  mkdirSync(join(app, 'node_modules', '.bin'));
  bin = join(app, 'node_modules', '.bin', 'hubspot-graphql');
  symlinkSync(join(installed, pkg.bin['hubspot-graphql']!), bin);
  chmodSync(join(installed, pkg.bin['hubspot-graphql']!), 0o755); // npm install does this for bins
}, 90_000);

afterAll(async () => {
  await Promise.all(started.map((p) => p.stop(5_000)));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm pack', () => {
  test('the tarball holds the compiled command, the SDL and the README, and no tests or TypeScript sources', () => {
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/src/main.js', 'dist/src/config.js', 'schema/crm.graphql']));
    expect(files.filter((f) => f.startsWith('test/') || f.startsWith('dist/test/') || f.startsWith('bench/') || f.startsWith('deploy/') || f.startsWith('dist/deploy/'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.some((f) => /(^|\/)\.env|\.sqlite$/.test(f))).toBe(false);
    expect(readFileSync(join(app, 'node_modules', pkg.name, pkg.bin['hubspot-graphql']!), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  test('every module the compiled code requires is a runtime dependency (dev dependencies are not installed for users)', () => {
    const root = join(app, 'node_modules', pkg.name, 'dist');
    const required = new Set<string>();
    const walk = (d: string) => {
      for (const name of readdirSync(d)) {
        const p = join(d, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.js')) for (const m of readFileSync(p, 'utf8').matchAll(/require\("([^".][^"]*)"\)/g)) required.add(m[1]!);
      }
    };
    walk(root);
    const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    const missing = [...required].map(packageOf).filter((p) => !p.startsWith('node:') && !builtinModules.includes(p) && !(p in pkg.dependencies));
    expect([...new Set(missing)]).toEqual([]);
    expect(required.size).toBeGreaterThan(5);
  });
});

describe('the installed hubspot-graphql command, run from a clean directory', () => {
  const run = (args: string[]) => execFileSync(bin, args, { cwd: app, encoding: 'utf8', env: { ...process.env, NODE_ENV: '' } });

  test('--help lists the commands; each command has its own help', () => {
    const help = run(['--help']);
    for (const command of ['serve', 'emulator', 'schema pull', 'print-subgraph', 'api-key']) expect(help).toContain(`  ${command} `);
    expect(run(['serve', '--help'])).toMatch(/^Usage: hubspot-graphql serve[\s\S]*--port +PORT/);
    expect(run(['emulator', '--help'])).toMatch(/--emulator-port +EMULATOR_PORT/);
    expect(run(['emulator', '--help'])).not.toContain('--hubspot-token');
  });

  test('`emulator` listens and answers HubSpot routes', async () => {
    const emulator = await startProcess({ name: 'packaged emulator', command: bin, args: ['emulator', '--emulator-port', '0'], cwd: app, env: {}, ready: EMULATOR_READY });
    started.push(emulator);
    const res = await fetch(`${emulator.url}/crm/v3/objects/contacts?limit=2`, { headers: { authorization: 'Bearer demo-token' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { results: unknown[] }).results).toHaveLength(2);
    await emulator.stop();
    expect(emulator.child.exitCode).toBe(0); // SIGTERM is a graceful stop
  }, 30_000);

  test('`serve` answers GraphQL (embedded emulator, offline) and stops gracefully on SIGTERM', async () => {
    const gateway = await startProcess({ name: 'packaged gateway', command: bin, args: ['serve', '--port', '0', '--log-level', 'warn'], cwd: app, env: {}, ready: GATEWAY_READY });
    started.push(gateway);
    const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ account { portalId } contacts(first: 1) { nodes { email } } }' }) });
    const body = (await res.json()) as { data?: { account: { portalId: string }; contacts: { nodes: unknown[] } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data?.account.portalId).toBe('12345678');
    expect(body.data?.contacts.nodes).toHaveLength(1);
    expect((await fetch(new URL('/healthz', gateway.url))).status).toBe(200);
    await gateway.stop();
    expect(gateway.child.exitCode).toBe(0);
    expect(existsSync(join(app, 'data'))).toBe(false); // the private-app demo writes nothing to the user's directory
  }, 30_000);
});
