import yargs, { type Argv, type Options } from 'yargs';
import type { CliContext } from './context.js';
import { UsageError } from './usage-error.js';
import { VERSION } from './version.js';

/** Exit codes: 0 done, 1 the command failed (bad file, table, column, SQL…), 2 `xt` was called wrongly. */
export const EXIT = { ok: 0, error: 1, usage: 2 } as const;

type Handler = (args: any) => Promise<void>;

/**
 * Parses `argv` (without `node` and the script), runs the command against `context` and returns
 * the exit code. Errors become one line on stderr (`xt: …`), with the stack only when
 * XT_DEBUG=1. Command modules are imported only when their command runs, to start fast.
 */
export async function runCli(argv: readonly string[], context: CliContext, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parser = buildParser(context, [...argv]);
  try {
    await parser.parseAsync();
    return EXIT.ok;
  } catch (error) {
    return report(error, [...argv], context, env);
  }
}

/** Each command's call shape, for usage messages. */
const SIGNATURES: Record<string, string> = {
  head: 'xt head <db> [--n 5]',
  tail: 'xt tail <db> [--n 5]',
  columns: 'xt columns <db>',
  ls: 'xt ls <db> [column]',
  sql: 'xt sql <db> <query>',
  set: 'xt set <db> <key> <value>',
  delete: 'xt delete <db> <track_id>',
  runs: 'xt runs <db>',
  'stats describe': 'xt stats describe <db>',
  'stats top': 'xt stats top <db> <column>',
  'stats bottom': 'xt stats bottom <db> <column>',
  'plot hist': 'xt plot hist <db> <column>',
  'plot scatter': 'xt plot scatter <db> <x> <y>',
  copy: 'xt copy <source> <target> [--table T]',
  merge: 'xt merge <target> <source...> [--provenance COLUMN]',
  export: 'xt export <db> <output>',
  'cache ls': 'xt cache ls <dir>',
  'cache delete': 'xt cache delete <dir> <track_id>',
  'assets ls': 'xt assets ls <db>',
  'assets export': 'xt assets export <db> <asset> <output>',
  'assets delete': 'xt assets delete <db> <hash> [--column C]',
  'assets gc': 'xt assets gc <db> [--grace-ms N]',
};
const GROUPS = ['stats', 'plot', 'cache', 'assets'];

/** The command the arguments name (`head`, `stats top`), if any. */
function commandOf(argv: readonly string[]): string | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  const [first, second] = words;
  if (first === undefined) return undefined;
  if (GROUPS.includes(first)) return second !== undefined && SIGNATURES[`${first} ${second}`] ? `${first} ${second}` : first;
  return SIGNATURES[first] ? first : undefined;
}

/** yargs' messages, said in terms of this tool. */
function usageMessage(message: string, argv: readonly string[]): string {
  const command = commandOf(argv);
  const first = argv.find((a) => !a.startsWith('-'));
  if (command === undefined && first !== undefined && /^Unknown argument/.test(message)) {
    return `Unknown command ${JSON.stringify(first)}. Commands: ${[...Object.keys(SIGNATURES).filter((c) => !c.includes(' ')), ...GROUPS].join(', ')}.`;
  }
  const signature = command === undefined ? undefined : SIGNATURES[command];
  if (signature && /^Not enough non-option arguments/.test(message)) return `Missing arguments: ${signature}.`;
  return message;
}

function report(error: unknown, argv: readonly string[], context: CliContext, env: NodeJS.ProcessEnv): number {
  const usage = error instanceof UsageError || (error instanceof Error && error.name === 'YError');
  const raw = error instanceof Error ? error.message : String(error);
  const message = usage ? usageMessage(raw, argv) : raw;
  const command = commandOf(argv);
  const hint = usage ? ` (see xt ${command === undefined ? '' : `${command} `}--help)` : '';
  context.stderr.write(`xt: ${message}${hint}\n`);
  if (env.XT_DEBUG === '1' && error instanceof Error) context.stderr.write(`${debugText(error)}\n`);
  return usage ? EXIT.usage : EXIT.error;
}

function debugText(error: Error): string {
  let text = error.stack ?? String(error);
  let cause: unknown = error.cause;
  while (cause instanceof Error) {
    text += `\nCaused by: ${cause.stack ?? cause.message}`;
    cause = cause.cause;
  }
  return text;
}

/** A flag value that must be a whole number in [min, max]. */
function wholeNumber(flag: string, min: number, max: number): (value: unknown) => number | undefined {
  return (value) => {
    if (value === undefined) return undefined;
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}.`);
    }
    return n;
  };
}

const ENGINE: Options = {
  type: 'string',
  requiresArg: true,
  describe: 'Engine: sqlite (default; duckdb for .duckdb files), duckdb, postgres, or an installed package exporting an engine plugin',
};
const TABLE: Options = { type: 'string', requiresArg: true, default: 'default', describe: 'Table to read' };
const JSON_FLAG: Options = { type: 'boolean', default: false, describe: 'Print rows as a JSON array instead of a Markdown table' };
const TRACK_ID: Options = { type: 'string', requiresArg: true, describe: 'Only the rows of this run' };

function db(y: Argv): Argv {
  return y.positional('db', { type: 'string', describe: 'Database file (or URL)', demandOption: true });
}

function tableOptions(y: Argv, json = true): Argv {
  const withDb = db(y).option('engine', ENGINE).option('table', TABLE);
  return json ? withDb.option('json', JSON_FLAG) : withDb;
}

function drawOptions(y: Argv, width: number, height: number): Argv {
  return tableOptions(y, false)
    .option('track-id', TRACK_ID)
    .option('width', { type: 'string', requiresArg: true, default: String(width), coerce: wholeNumber('width', 2, 1000), describe: 'Drawing width in characters' })
    .option('height', { type: 'string', requiresArg: true, default: String(height), coerce: wholeNumber('height', 2, 500), describe: 'Drawing height in lines' })
    .option('pch', { type: 'string', requiresArg: true, describe: 'The character to draw with', coerce: oneCharacter })
    .option('title', { type: 'string', requiresArg: true, describe: 'Title above the plot' });
}

function oneCharacter(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || [...value].length !== 1) throw new UsageError(`--pch must be one character, not ${JSON.stringify(value)}.`);
  return value;
}

function buildParser(context: CliContext, argv: string[]): Argv {
  /** Imports the command module only now, and runs it with the context. */
  const run =
    <M>(load: () => Promise<M>, call: (module: M, args: any) => Promise<void>): Handler =>
    async (args) =>
      call(await load(), args);

  const headTail = (which: 'head' | 'tail') =>
    run(() => import('./commands/head-tail.js'), (m, args) => m.headTail(context, which, args));

  const parser = yargs(argv)
    .scriptName('xt')
    .usage('$0 <command> DB [options]\n\nInspect and edit xetrack experiment databases (also those written by Python xetrack).')
    .version(VERSION)
    .locale('en')
    .strict()
    .demandCommand(1, 'Name a command: head, tail, columns, ls, sql, set, delete, runs, stats, plot, copy, merge, export, cache, assets.')
    .exitProcess(false)
    .fail((message: string | undefined, error: Error | undefined) => {
      throw error ?? new UsageError(message ?? 'Invalid command line.');
    })
    .epilogue('Tables print as Markdown on stdout (--json: JSON); messages go to stderr.\nExit codes: 0 ok, 1 error, 2 usage error. NO_COLOR turns colour off; XT_DEBUG=1 prints stack traces.')
    .help()
    .alias('help', 'h')
    .wrap(Math.min(110, process.stdout.columns || 100));

  const commands: [string, (y: Argv) => Argv][] = [
    ['head', (p) =>
      p.command('head <db>', 'The first rows (by timestamp)', (y) =>
        tableOptions(y).option('n', { type: 'string', requiresArg: true, default: '5', coerce: wholeNumber('n', 0, 1e9), describe: 'How many rows' }),
        headTail('head'))],
    ['tail', (p) =>
      p.command('tail <db>', 'The last rows (oldest first)', (y) =>
        tableOptions(y).option('n', { type: 'string', requiresArg: true, default: '5', coerce: wholeNumber('n', 0, 1e9), describe: 'How many rows' }),
        headTail('tail'))],
    ['columns', (p) =>
      p.command('columns <db>', 'The columns of the table and their types', (y) => tableOptions(y),
        run(() => import('./commands/columns.js'), (m, args) => m.columns(context, args)))],
    ['ls', (p) =>
      p.command('ls <db> [column]', 'Column names; or one column\'s values', (y) =>
        tableOptions(y)
          .positional('column', { type: 'string', describe: 'A column: list its values' })
          .option('unique', { type: 'boolean', default: false, describe: 'Each value once (in order of appearance)' })
          .option('track-id', TRACK_ID)
          .check((args) => {
            if (args.column === undefined && (args.unique === true || args.trackId !== undefined)) {
              throw new UsageError('--unique and --track-id list a column\'s values: name the column, e.g. xt ls DB model --unique.');
            }
            return true;
          }),
        run(() => import('./commands/ls.js'), (m, args) => m.ls(context, args)))],
    ['sql', (p) =>
      p.command('sql <db> <query>', 'Run one SQL statement and print the rows it returns', (y) =>
        db(y).positional('query', { type: 'string', describe: 'The SQL statement; quote the table "default"', demandOption: true })
          .option('engine', ENGINE)
          .option('json', JSON_FLAG),
        run(() => import('./commands/sql.js'), (m, args) => m.sql(context, args)))],
    ['set', (p) =>
      p.command('set <db> <key> <value>', 'Set a value on every row, one run\'s rows, or rows matching a condition (VALUE is read as JSON when it parses)', (y) =>
        tableOptions(y, false)
          .positional('key', { type: 'string', describe: 'Column to set (created when new)', demandOption: true })
          .positional('value', { type: 'string', describe: 'Value: JSON (0.5, true, null, "text") or plain text', demandOption: true })
          .option('track-id', { ...TRACK_ID, describe: 'Only this run\'s rows' })
          .option('where-key', { type: 'string', requiresArg: true, describe: 'Only rows where this column…' })
          .option('where-value', { type: 'string', requiresArg: true, describe: '…equals this value (read like VALUE)' })
          .check((args) => {
            if ((args.whereKey === undefined) !== (args.whereValue === undefined)) {
              throw new UsageError('--where-key and --where-value go together: give both, e.g. --where-key epoch --where-value 2.');
            }
            return true;
          }),
        run(() => import('./commands/set.js'), (m, args) => m.set(context, args)))],
    ['delete', (p) =>
      p.command('delete <db> <track_id>', 'Delete every row of a run', (y) =>
        tableOptions(y, false).positional('track_id', { type: 'string', describe: 'The run to delete', demandOption: true }),
        run(() => import('./commands/delete.js'), (m, args) => m.deleteRun(context, { ...args, trackId: String(args.track_id) })))],
    ['runs', (p) =>
      p.command('runs <db>', 'One line per run: track_id, rows, first and last timestamp', (y) => tableOptions(y),
        run(() => import('./commands/runs.js'), (m, args) => m.runs(context, args)))],
    ['stats', (p) =>
      p.command('stats', 'Statistics of columns: describe, top, bottom', (stats) =>
        stats
          .command('describe <db>', 'count, mean, std, min, quartiles, max (numbers); count, unique, top, freq (other values)', (y) =>
            tableOptions(y)
              .option('columns', { type: 'string', requiresArg: true, describe: 'Comma-separated columns (default: all but track_id, timestamp)' })
              .option('track-id', TRACK_ID),
            run(() => import('./commands/stats.js'), (m, args) => m.describe(context, args)))
          .command('top <db> <column>', 'The rows holding the largest value of a column', (y) =>
            tableOptions(y).positional('column', { type: 'string', demandOption: true }).option('track-id', TRACK_ID),
            run(() => import('./commands/stats.js'), (m, args) => m.extreme(context, 'top', args)))
          .command('bottom <db> <column>', 'The rows holding the smallest value of a column', (y) =>
            tableOptions(y).positional('column', { type: 'string', demandOption: true }).option('track-id', TRACK_ID),
            run(() => import('./commands/stats.js'), (m, args) => m.extreme(context, 'bottom', args)))
          .demandCommand(1, 'Name a stats command: describe, top or bottom.'))],
    ['plot', (p) =>
      p.command('plot', 'Plots drawn in the terminal: hist, scatter', (plot) =>
        plot
          .command('hist <db> <column>', 'Histogram of a numeric column', (y) =>
            drawOptions(y, 60, 15)
              .positional('column', { type: 'string', demandOption: true })
              .option('bins', { type: 'string', requiresArg: true, coerce: wholeNumber('bins', 1, 1000), describe: 'Number of bars (default 10; one per value for small whole numbers)' })
              .option('summary', { type: 'boolean', default: true, describe: 'Print n, min, mean, std, max under the plot (--no-summary: do not)' })
              .check((args) => {
                if (typeof args.bins === 'number' && typeof args.width === 'number' && args.bins > args.width) {
                  throw new UsageError(`--bins (${args.bins}) cannot exceed --width (${args.width}): each bar needs a column.`);
                }
                return true;
              }),
            run(() => import('./commands/plot.js'), (m, args) => m.hist(context, args)))
          .command('scatter <db> <x> <y>', 'Scatter plot of two numeric columns', (y) =>
            drawOptions(y, 60, 20)
              .positional('x', { type: 'string', demandOption: true, describe: 'Column on the x axis' })
              .positional('y', { type: 'string', demandOption: true, describe: 'Column on the y axis' }),
            run(() => import('./commands/plot.js'), (m, args) => m.scatter(context, args)))
          .demandCommand(1, 'Name a plot: hist or scatter.'))],
    ['copy', (p) =>
      p.command('copy <source> <target>', 'Copy tables between databases, any engines; rows the target has are skipped', (y) =>
        y.positional('source', { type: 'string', describe: 'Database to read', demandOption: true })
          .positional('target', { type: 'string', describe: 'Database to write (created when missing)', demandOption: true })
          .option('table', { type: 'string', array: true, requiresArg: true, describe: 'A table to copy (repeatable; default: every table)' })
          .option('engine', { ...ENGINE, describe: 'Engine of both sides (default: what each location implies)' })
          .option('source-engine', { ...ENGINE, describe: 'Engine of the source' })
          .option('target-engine', { ...ENGINE, describe: 'Engine of the target' })
          .option('assets', { type: 'boolean', default: true, describe: 'Also copy @xetrack/assets between SQLite files (--no-assets: do not)' })
          .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' }),
        run(() => import('./commands/copy.js'), (m, args) => m.copyCommand(context, args)))],
    ['merge', (p) =>
      p.command('merge <target> <source..>', 'Merge many stores, any engines, into one; a row is there once, conflicts are listed and kept', (y) =>
        y.positional('target', { type: 'string', describe: 'Database to write (created when missing)', demandOption: true })
          .positional('source', { type: 'string', array: true, describe: 'Databases to read', demandOption: true })
          .option('table', { type: 'string', array: true, requiresArg: true, describe: 'A table to merge (repeatable; default: every table)' })
          .option('engine', { ...ENGINE, describe: 'Engine of every store (default: what each location implies)' })
          .option('source-engine', { ...ENGINE, describe: 'Engine of the sources' })
          .option('target-engine', { ...ENGINE, describe: 'Engine of the target' })
          .option('provenance', { type: 'string', describe: 'Add a text column (default name source_store) naming the store each row came from' })
          .option('assets', { type: 'boolean', default: true, describe: 'Also carry @xetrack/assets from SQLite sources into a SQLite target (--no-assets: do not)' })
          .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' }),
        run(() => import('./commands/merge.js'), (m, args) => m.mergeCommand(context, args)))],
    ['export', (p) =>
      p.command('export <db> <output>', 'Write a table (or one run) to .csv, .jsonl or .parquet', (y) =>
        tableOptions(y, false)
          .positional('output', { type: 'string', describe: 'File to write: .csv, .jsonl or .parquet', demandOption: true })
          .option('track-id', TRACK_ID)
          .option('format', { type: 'string', choices: ['csv', 'jsonl', 'parquet'], describe: 'Format (default: from the extension)' }),
        run(() => import('./commands/export.js'), (m, args) => m.exportCommand(context, args)))],
    ['cache', (p) =>
      p.command('cache', 'A function-result cache directory (@xetrack/cache): ls, delete', (cache) =>
        cache
          .command('ls <dir>', 'One line per cached call: track_id, function, created, bytes, key', (y) =>
            y.positional('dir', { type: 'string', describe: 'The cache directory (Tracker.open(db, { cache: DIR }))', demandOption: true })
              .option('json', JSON_FLAG),
            run(() => import('./commands/cache.js'), (m, args) => m.cacheLs(context, args)))
          .command('delete <dir> <track_id>', 'Delete the entries one run computed', (y) =>
            y.positional('dir', { type: 'string', describe: 'The cache directory', demandOption: true })
              .positional('track_id', { type: 'string', describe: 'The run whose entries go', demandOption: true }),
            run(() => import('./commands/cache.js'), (m, args) => m.cacheDelete(context, { dir: String(args.dir), trackId: String(args.track_id) })))
          .demandCommand(1, 'Name a cache command: ls or delete.'))],
    ['assets', (p) =>
      p.command('assets', 'Assets stored in a SQLite file (@xetrack/assets): ls, export, delete, gc', (assets) =>
        assets
          .command('ls <db>', 'Every asset: hash, serializer, sizes, references, columns', (y) =>
            db(y).option('engine', ENGINE).option('json', JSON_FLAG),
            run(() => import('./commands/assets.js'), (m, args) => m.assetsLs(context, args)))
          .command('export <db> <asset> <output>', 'Write an asset\'s serialized bytes (a logged Uint8Array: its own bytes) to a file', (y) =>
            db(y).option('engine', ENGINE)
              .positional('asset', { type: 'string', describe: 'A hash, or a column name (its last asset)', demandOption: true })
              .positional('output', { type: 'string', describe: 'File to write', demandOption: true }),
            run(() => import('./commands/assets.js'), (m, args) => m.assetsExport(context, args)))
          .command('delete <db> <hash>', 'Delete an asset, whatever its reference count', (y) =>
            db(y).option('engine', ENGINE)
              .positional('hash', { type: 'string', describe: 'The asset hash (16 hex characters)', demandOption: true })
              .option('column', { type: 'string', requiresArg: true, describe: 'Also set this column to NULL where it held the hash' }),
            run(() => import('./commands/assets.js'), (m, args) => m.assetsDelete(context, args)))
          .command('gc <db>', 'Delete the assets no row of any table references', (y) =>
            db(y).option('engine', ENGINE)
              .option('grace-ms', { type: 'string', requiresArg: true, coerce: wholeNumber('grace-ms', 0, 2 ** 31 - 1), describe: 'Keep unreferenced assets put less than this many ms ago (default 60000)' })
              .option('json', JSON_FLAG),
            run(() => import('./commands/assets.js'), (m, args) => m.assetsGc(context, args)))
          .demandCommand(1, 'Name an assets command: ls, export, delete or gc.'))],
  ];
  return commands.reduce((y, [, register]) => register(y), parser);
}
