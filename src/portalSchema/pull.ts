/**
 * `npm run schema:pull` (and `hubspot-graphql schema pull`): writes the configured portal's generated SDL into
 * schema/portal/, so that codegen and client tools see the types the gateway serves for that portal. Without a
 * token it pulls the embedded emulator's demo portal (what `npm start` serves): that is the committed schema/portal/.
 * The output depends only on the portal's definitions: sorted, deterministically named, no timestamps.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, type Config } from '../config';
import { createEmulator } from '../emulator/app';
import { SCHEMA_DIR } from '../graphql/schema';
import { HubSpotClient } from '../hubspot/client';
import { Transport } from '../hubspot/transport';
import { extensionOf } from './build';
import { readPortalModel } from './model';

/** Where the pulled SDL goes: a folder of its own, so the gateway's own codegen (schema/*.graphql) never mixes it in. */
export const PORTAL_SCHEMA_DIR = join(SCHEMA_DIR, 'portal');

/** The token the pull reads with: the schema token, else the private-app token. */
function pullToken(config: Config): string {
  const token = config.portalSchema.token ?? (config.authMode === 'private-app' ? config.hubspotToken : undefined);
  if (!token) throw new ConfigError(`schema pull in ${config.authMode} mode needs PORTAL_SCHEMA_TOKEN: a token of the portal whose schema to pull`);
  return token;
}

/** Pulls the portal's SDL into `outDir`; returns the files written, sorted. Files of an earlier pull that this one has not written are removed. */
export async function pullSchema(config: Config, outDir: string = PORTAL_SCHEMA_DIR): Promise<string[]> {
  const emulator = config.useEmbeddedEmulator ? await createEmulator(config.emulator).listen(0, '127.0.0.1') : undefined;
  const baseUrl = emulator?.url ?? config.hubspotBaseUrl;
  const token = emulator ? config.emulator.tokens[0]!.token : pullToken(config);
  const transport = new Transport({ baseUrl, connections: 8, timeoutMs: config.upstreamTimeoutMs });
  try {
    const model = await readPortalModel(new HubSpotClient({ transport, credential: () => token }));
    const { sdl } = extensionOf(model);
    mkdirSync(outDir, { recursive: true });
    const written = Object.entries(sdl).filter((e): e is [string, string] => e[1] !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [file, text] of written) writeFileSync(join(outDir, file), text);
    const names = new Set(written.map(([f]) => f));
    for (const stale of readdirSync(outDir).filter((f) => f.endsWith('.graphql') && !names.has(f))) rmSync(join(outDir, stale));
    return written.map(([file]) => join(outDir, file));
  } finally {
    await transport.close();
    await emulator?.close();
  }
}

if (require.main === module) {
  pullSchema(loadConfig(process.env, process.argv.slice(2)))
    .then((files) => process.stdout.write(files.length ? files.map((f) => `wrote ${f}\n`).join('') : 'the portal defines no custom properties or objects: nothing to write\n'))
    .catch((e: unknown) => {
      process.stderr.write(`schema pull failed: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    });
}
