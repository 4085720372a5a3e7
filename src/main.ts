#!/usr/bin/env node
/**
 * Command line (public API): `hubspot-graphql <command> [--setting value ...]`. The commands, their help and
 * the settings each reads are in src/cli/commands.ts; the settings themselves in src/config.ts.
 */
import { ConfigError } from './config';
import { commandHelp, findCommand, overallHelp } from './cli/commands';

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(overallHelp());
    return;
  }
  const found = findCommand(argv);
  if (!found) throw new ConfigError(`unknown command '${argv[0]}' (see hubspot-graphql --help)`);
  if (found.args.includes('--help') || found.args.includes('-h')) {
    process.stdout.write(commandHelp(found.command));
    return;
  }
  await found.command.run(found.args);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof ConfigError) {
    process.stderr.write(`hubspot-graphql: ${e.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`hubspot-graphql: failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
