import { sqliteEngine } from '@xetrack/engine-sqlite';
import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { COMMANDS } from '../src/commands/index.js';
import { isGroup, yargsCommand, type CommandSpec } from '../src/commands/spec.js';
import { simpleArgs } from '../src/simple-args.js';
import { writeDatabase } from './support/databases.js';
import { memoryXt } from './support/memory-context.js';
import { runXt } from './support/run-xt.js';
import { useTempDir } from './support/temp-dir.js';

/** What yargs hands the command's handler for `argv` (as `runCli` registers it), or the error it fails with. */
async function yargsArgs(argv: readonly string[], spec: CommandSpec): Promise<unknown> {
  let parsed: unknown;
  try {
    await yargs([...argv])
      .scriptName('xt')
      .strict()
      .exitProcess(false)
      .fail((message: string | undefined, error: Error | undefined) => {
        throw error ?? new Error(message);
      })
      .command(
        yargsCommand(spec),
        spec.description,
        (y) => spec.options(y),
        (args) => {
          parsed = args;
        },
      )
      .parseAsync();
  } catch (error) {
    return { error: (error as Error).message };
  }
  return parsed;
}

function simpleOrError(argv: readonly string[], spec: CommandSpec): unknown {
  try {
    return simpleArgs(argv, spec);
  } catch (error) {
    return { error: (error as Error).message };
  }
}

async function commandSpecs(): Promise<CommandSpec[]> {
  const specs = await Promise.all(COMMANDS.map((c) => c.load()));
  return specs.filter((s): s is CommandSpec => !isGroup(s));
}

const HEAD_LINES: string[][] = [
  ['head', 't.db'],
  ['head', 't.db', '--n', '3'],
  ['head', '--n', '3', 't.db'],
  ['head', 't.db', '--n=0'],
  ['head', 't.db', '--n', 'many'],
  ['head', 't.db', '--n', '1.5'],
  ['head', 't.db', '--n', '1e3'],
  ['head', 't.db', '--json'],
  ['head', '--json', 't.db'],
  ['head', 't.db', '--table', 'runs', '--engine', 'sqlite', '--json', '--n', '7'],
  ['head', 't.db', '--table=a=b'],
  ['head', '123'],
  ['head', 'true'],
  ['head', 'my db.db', '--table', 'true'],
  ['tail', 't.db', '--n', '2'],
  ['columns', 't.db', '--json'],
];

/** Lines `simpleArgs` must leave to yargs: yargs reads them differently or reports a usage error. */
const YARGS_LINES: string[][] = [
  ['head'],
  ['head', 't.db', 'extra'],
  ['head', 't.db', '--help'],
  ['head', 't.db', '-h'],
  ['head', 't.db', '--version'],
  ['head', 't.db', '--nope'],
  ['head', 't.db', '--n'],
  ['head', 't.db', '--n', '-2'],
  ['head', 't.db', '--n='],
  ['head', 't.db', '-n', '2'],
  ['head', 't.db', '--n', '1', '--n', '2'],
  ['head', 't.db', '--json', 'false'],
  ['head', 't.db', '--json=false'],
  ['head', 't.db', '--no-json'],
  ['head', 't.db', '--'],
  ['head', '--', 't.db'],
  ['head', '-'],
  ['head', 't.db', '--table'],
  ['head', 't.db', '--N', '2'],
];

describe('simpleArgs (xt without yargs for simple lines)', () => {
  it('reads a simple head/tail/columns line exactly as yargs does (values, defaults, checks and their errors)', async () => {
    const specs = await commandSpecs();
    for (const argv of HEAD_LINES) {
      const spec = specs.find((s) => s.name === argv[0]) as CommandSpec;
      const simple = simpleOrError(argv, spec);
      expect(simple, argv.join(' ')).toBeDefined();
      expect(simple, argv.join(' ')).toEqual(await yargsArgs(argv, spec));
    }
  });

  it('leaves help, unknown or repeated flags, missing values and odd positionals to yargs', async () => {
    const head = (await commandSpecs()).find((s) => s.name === 'head') as CommandSpec;
    for (const argv of YARGS_LINES) expect(simpleArgs(argv, head), argv.join(' ')).toBeUndefined();
  });

  it('agrees with yargs on every command it accepts, for lines built from common flags', async () => {
    const suffixes = [[], ['--json'], ['--n', '2'], ['--table', 't'], ['--engine', 'sqlite'], ['--track-id', 'r1'], ['--write'], ['--all'], ['--port', '9'], ['--remove']];
    let accepted = 0;
    for (const spec of await commandSpecs()) {
      for (let count = 0; count <= 3; count++) {
        const positionals = ['a.db', 'b', 'c'].slice(0, count);
        for (const suffix of suffixes) {
          const argv = [spec.name, ...positionals, ...suffix];
          const simple = simpleOrError(argv, spec);
          if (simple === undefined) continue;
          accepted++;
          expect(simple, argv.join(' ')).toEqual(await yargsArgs(argv, spec));
        }
      }
    }
    expect(accepted).toBeGreaterThan(10);
  });

  it('takes no part for a spec that declares more than strings and booleans (groups, variadics, other checks)', async () => {
    const diff = (await commandSpecs()).find((s) => s.name === 'diff') as CommandSpec; // `diff <db> <runs..>`
    expect(simpleArgs(['diff', 'a.db', 'r1'], diff)).toBeUndefined();
    const fake: CommandSpec = { name: 'x', description: '', signature: 'x <db>', options: (y) => y.positional('db', { type: 'string' }).option('k', { type: 'number' }), run: async () => {} };
    expect(simpleArgs(['x', 'a.db'], fake)).toBeUndefined();
    const checked: CommandSpec = { name: 'x', description: '', signature: 'x <db>', options: (y) => y.positional('db', { type: 'string' }).check(() => true), run: async () => {} };
    expect(simpleArgs(['x', 'a.db'], checked)).toBeUndefined();
  });
});

describe('xt head without yargs: the same output and errors', () => {
  const tempDir = useTempDir();

  it('prints rows, and reports a missing database, a bad --n and an unknown flag as before', async () => {
    const db = await writeDatabase(sqliteEngine, tempDir());
    const xt = memoryXt(sqliteEngine);
    const rows = await xt(['head', db, '--n', '2', '--json']);
    expect(rows.code).toBe(0);
    expect(JSON.parse(rows.stdout)).toHaveLength(2);
    expect(await xt(['head', db, '--n', 'many'])).toEqual({ code: 2, stdout: '', stderr: 'xt: --n must be a whole number from 0 to 1000000000, not "many". (see xt head --help)\n' });
    expect(await xt(['head', db, '--nope'])).toEqual({ code: 2, stdout: '', stderr: 'xt: Unknown argument: nope (see xt head --help)\n' });
    const missing = await xt(['head', `${db}.missing`]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^xt: No database at .*\.missing/);
    const help = runXt(['head', db, '--help']); // the built binary: yargs prints help on the process's stdout
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--json');
  });
});
