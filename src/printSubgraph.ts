/**
 * `npm run print-subgraph [-- FILE]`: prints the gateway's Federation 2 subgraph SDL (what `{ _service { sdl } }`
 * serves with FEDERATION=true) to stdout, or writes it to FILE — for `rover supergraph compose` and Apollo Router
 * set-ups that take subgraph schemas from files. Needs no HubSpot and no running gateway.
 */
import { writeFileSync } from 'node:fs';
import { subgraphSdl } from './graphql/federation';

export function printSubgraph(args: string[], out: (text: string) => void = (t) => process.stdout.write(t)): void {
  const [file, ...rest] = args;
  if (rest.length > 0 || file?.startsWith('-')) throw new Error('usage: print-subgraph [FILE]');
  const sdl = `${subgraphSdl().trimEnd()}\n`;
  if (file === undefined) out(sdl);
  else writeFileSync(file, sdl);
}

if (require.main === module) {
  try {
    printSubgraph(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`print-subgraph: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
