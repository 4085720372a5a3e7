/**
 * The command line's commands (public API): each with its usage, what it does and the settings it reads, which
 * `hubspot-graphql <command> --help` prints. Settings come from src/config.ts (flag or environment variable).
 */
import { resolve } from 'node:path';
import { ConfigError, flagOf, loadConfig, SETTINGS } from '../config';
import { generateApiKey } from '../auth/apiKeys';
import { pullSchema } from '../portalSchema/pull';
import { printSubgraph } from '../printSubgraph';
import { emulatorOnly, serve } from './serve';

export interface Command {
  /** How it is typed: one or two words. */
  name: string;
  usage: string;
  /** One line for the command list. */
  summary: string;
  /** What it does, for its own --help. */
  description: string;
  /** Which settings (environment variables) it reads; none for commands that read no configuration. */
  reads: (env: string) => boolean;
  run(args: string[]): Promise<void>;
}

const EMULATOR_SETTING = (env: string) => env.startsWith('EMULATOR_');

/** A leading positional argument (a file or folder), before the --setting flags. */
function positional(args: string[]): [string | undefined, string[]] {
  return args[0] !== undefined && !args[0].startsWith('-') ? [args[0], args.slice(1)] : [undefined, args];
}

export const COMMANDS: Command[] = [
  {
    name: 'serve',
    usage: 'hubspot-graphql serve [--setting value ...]',
    summary: 'Run the GraphQL gateway (the default command).',
    description: `Runs the GraphQL gateway on PORT (POST/GET /graphql, WebSocket subscriptions on the same path, /healthz,
/readyz, POST /webhooks/hubspot). With HUBSPOT_TOKEN (or an OAuth app, or
PASS_THROUGH_AUTH) it calls HubSpot at HUBSPOT_BASE_URL; without any credential it starts the embedded HubSpot
emulator with demo data and needs no network. Prints "GraphQL gateway ready at <url>" once it listens; stops
gracefully on SIGTERM/SIGINT (in-flight requests get SHUTDOWN_GRACE_MS).`,
    reads: () => true,
    async run(args) {
      await serve(loadConfig(process.env, args, 'serve'));
    },
  },
  {
    name: 'emulator',
    usage: 'hubspot-graphql emulator [--emulator-port 4010] [--setting value ...]',
    summary: 'Run the HubSpot emulator alone (default port 4010), e.g. to test your frontends offline in CI.',
    description: `Runs the HubSpot emulator alone: HubSpot's CRM, properties, pipelines, owners, files, webhooks and OAuth
routes with deterministic demo data, HubSpot's rate limits and optional latency and faults. Point a gateway at it
with HUBSPOT_BASE_URL=<its url> HUBSPOT_TOKEN=<one of EMULATOR_TOKENS>. --emulator-port 0 picks a free port.
Prints "HubSpot emulator listening at <url>" once it listens; drive it at run time through <url>/__emulator/*.`,
    reads: (env) => EMULATOR_SETTING(env) || env === 'SHUTDOWN_GRACE_MS',
    async run(args) {
      await emulatorOnly(loadConfig(process.env, args, 'emulator'));
    },
  },
  {
    name: 'schema pull',
    usage: 'hubspot-graphql schema pull [DIR] [--setting value ...]',
    summary: "Write the portal's custom properties and objects as GraphQL SDL (for codegen and client tools).",
    description: `Reads the configured portal's custom properties and custom objects (Properties and Schemas APIs) and writes
the SDL the gateway serves for them into DIR (default ./schema/portal) as .graphql files; files of an earlier
pull that are no longer generated are removed. Without a credential it pulls the embedded emulator's demo portal.
In pass-through or OAuth mode it needs PORTAL_SCHEMA_TOKEN.`,
    reads: (env) => ['HUBSPOT_TOKEN', 'HUBSPOT_BASE_URL', 'PORTAL_SCHEMA_TOKEN', 'UPSTREAM_TIMEOUT_MS', 'EMULATOR_TOKENS', 'EMULATOR_SEED', 'EMULATOR_SEED_SIZES'].includes(env),
    async run(args) {
      const [dir, flags] = positional(args);
      const files = await pullSchema(loadConfig(process.env, flags, 'schema pull'), resolve(dir ?? 'schema/portal'));
      process.stdout.write(files.length ? files.map((f) => `wrote ${f}\n`).join('') : 'the portal defines no custom properties or objects: nothing to write\n');
    },
  },
  {
    name: 'print-subgraph',
    usage: 'hubspot-graphql print-subgraph [FILE]',
    summary: "Print the gateway's Apollo Federation 2 subgraph SDL (for rover / Apollo Router).",
    description: `Prints the Federation 2 subgraph SDL that a gateway with FEDERATION=true serves as { _service { sdl } }, or
writes it to FILE — for \`rover supergraph compose\` and Apollo Router set-ups that read subgraph schemas from
files. Needs neither HubSpot nor a running gateway.`,
    reads: () => false,
    async run(args) {
      try {
        printSubgraph(args);
      } catch (e) {
        throw new ConfigError(e instanceof Error ? e.message : String(e));
      }
    },
  },
  {
    name: 'api-key',
    usage: 'hubspot-graphql api-key [--portal-id ID]',
    summary: 'Make a new caller API key and the hash to add to API_KEY_HASHES.',
    description: `Prints a new random API key (give it to the caller, who sends it as X-API-Key) and its hash entry
sha256:<hex>[@<portalId>] to append to API_KEY_HASHES (comma-separated) on every instance. The gateway stores
only the hash. --portal-id binds the key to one portal. Nothing is written anywhere: keep the key, it is shown once.`,
    reads: () => false,
    async run(args) {
      let portalId: number | undefined;
      const [flag, value, ...rest] = args;
      if (flag !== undefined) {
        const id = Number(value);
        if (flag !== '--portal-id' || rest.length > 0 || !Number.isSafeInteger(id) || id <= 0) throw new ConfigError('usage: hubspot-graphql api-key [--portal-id ID] (ID: a HubSpot portal id)');
        portalId = id;
      }
      const { key, hash } = generateApiKey(portalId);
      process.stdout.write(`API key (give it to the caller; shown once):  ${key}\nAdd to API_KEY_HASHES:                        ${hash}\n`);
    },
  },
];

/** The settings a command reads, as `--flag  VARIABLE  meaning Default: …` lines. */
function settingsOf(command: Command): string {
  const settings = SETTINGS.filter((s) => command.reads(s.env));
  if (!settings.length) return 'It reads no settings.\n';
  const width = Math.max(...settings.map((s) => flagOf(s.env).length + s.env.length + 2));
  const lines = settings.map((s) => `  ${`${flagOf(s.env)}  ${s.env}`.padEnd(width)}  ${s.description} Default: ${s.default}.`);
  return `Settings (flag, environment variable, meaning, default; a flag wins over its variable):\n${lines.join('\n')}\n`;
}

export function commandHelp(command: Command): string {
  return `Usage: ${command.usage}\n\n${command.description}\n\n${settingsOf(command)}`;
}

export function overallHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: hubspot-graphql <command> [--setting value ...]

A GraphQL gateway over HubSpot's REST APIs, with an embedded HubSpot emulator for offline use.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Without a command it runs \`serve\`. \`hubspot-graphql <command> --help\` describes a command and the settings it
reads; every setting is a flag (--port 4001) or the environment variable of the same name (PORT=4001).
`;
}

/** Finds the command that `argv` starts with; returns it with the remaining arguments. Unknown words are errors. */
export function findCommand(argv: string[]): { command: Command; args: string[] } | undefined {
  const [first, second] = argv;
  if (first === undefined || first.startsWith('-')) return { command: COMMANDS[0]!, args: argv };
  const two = COMMANDS.find((c) => c.name === `${first} ${second ?? ''}`);
  if (two) return { command: two, args: argv.slice(2) };
  const one = COMMANDS.find((c) => c.name === first);
  if (one) return { command: one, args: argv.slice(1) };
  if (COMMANDS.some((c) => c.name.startsWith(`${first} `))) {
    throw new ConfigError(`'${first}' needs a subcommand: ${COMMANDS.filter((c) => c.name.startsWith(`${first} `)).map((c) => c.name).join(', ')}`);
  }
  return undefined;
}
