/** The command line's table: which command an argv names, and each command's help (usage and exactly the settings it reads). */
import { COMMANDS, commandHelp, findCommand, overallHelp } from '../../src/cli/commands';
import { ConfigError, flagOf, loadConfig, SETTINGS } from '../../src/config';

const named = (name: string) => COMMANDS.find((c) => c.name === name)!;

describe('finding the command', () => {
  test.each([
    [[], 'serve', []],
    [['--port', '4001'], 'serve', ['--port', '4001']],
    [['serve', '--port', '4001'], 'serve', ['--port', '4001']],
    [['emulator'], 'emulator', []],
    [['schema', 'pull', 'out'], 'schema pull', ['out']],
    [['print-subgraph', 'x.graphql'], 'print-subgraph', ['x.graphql']],
    [['api-key', '--portal-id', '5'], 'api-key', ['--portal-id', '5']],
  ])('%j → %s with %j', (argv, name, args) => {
    const found = findCommand(argv);
    expect(found?.command.name).toBe(name);
    expect(found?.args).toEqual(args);
  });

  test('an unknown command is not found; a group without its subcommand says which exist', () => {
    expect(findCommand(['deploy'])).toBeUndefined();
    expect(() => findCommand(['schema'])).toThrow(ConfigError);
    expect(() => findCommand(['schema', 'push'])).toThrow(/'schema' needs a subcommand: schema pull/);
  });
});

describe('help', () => {
  test('the overall help lists every command with its summary', () => {
    const help = overallHelp();
    for (const c of COMMANDS) expect(help).toContain(`  ${c.name.padEnd(Math.max(...COMMANDS.map((x) => x.name.length)))}  ${c.summary}`);
  });

  test('each command prints its usage and exactly the settings it reads, with their defaults', () => {
    for (const c of COMMANDS) {
      const help = commandHelp(c);
      expect(help.startsWith(`Usage: ${c.usage}\n`)).toBe(true);
      for (const s of SETTINGS) {
        const listed = new RegExp(`^  ${flagOf(s.env)}  +${s.env}  `, 'm').test(help);
        expect([c.name, s.env, listed]).toEqual([c.name, s.env, c.reads(s.env)]);
      }
    }
    expect(commandHelp(named('serve'))).toContain('Default: 4000.');
    expect(commandHelp(named('print-subgraph'))).toContain('It reads no settings.');
  });

  test('the emulator reads its own settings only; serve reads them all', () => {
    expect(SETTINGS.filter((s) => named('emulator').reads(s.env)).every((s) => s.env.startsWith('EMULATOR_') || s.env === 'SHUTDOWN_GRACE_MS')).toBe(true);
    expect(SETTINGS.every((s) => named('serve').reads(s.env))).toBe(true);
  });
});

describe('which commands refuse an open gateway', () => {
  test('only serve: the emulator and schema pull serve no GraphQL, so they need no caller authentication', () => {
    expect(() => loadConfig({ HUBSPOT_TOKEN: 'pat-12345678' }, [], 'serve')).toThrow(/refusing to start/);
    expect(() => loadConfig({ HOST: '0.0.0.0' }, [], 'serve')).toThrow(/refusing to start/);
    expect(loadConfig({ HOST: '0.0.0.0', EMULATOR_HOST: '0.0.0.0' }, [], 'emulator').emulator.host).toBe('0.0.0.0');
    expect(loadConfig({ HUBSPOT_TOKEN: 'pat-12345678' }, [], 'schema pull').hubspotToken).toBe('pat-12345678');
    expect(loadConfig({}, [], 'schema pull').emulator.port).toBe(0);
  });
});
