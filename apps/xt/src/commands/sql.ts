import { isXetrackError, XetrackError } from '@xetrack/core';
import type { CliContext } from '../context.js';
import { UsageError } from '../usage-error.js';
import { printRows } from './print-rows.js';
import { db, ENGINE, JSON_FLAG } from './options.js';
import { defineCommand } from './spec.js';

export interface SqlArgs {
  db: string;
  query: string;
  engine?: string | undefined;
  json: boolean;
  /** Allow a statement that changes the database. */
  write: boolean;
}

/**
 * `xt sql`: one raw SQL statement through the engine (capability `rawSql`); rows it returns are
 * printed. The query runs exactly as typed: a failure that names a table unquoted (Python users
 * write `FROM default`, and `default` is an SQL keyword) gets a hint, never a rewrite. Without
 * `--write` the engine runs it read-only (SQLite's own read-only verdict on the statement, a
 * read-only transaction on DuckDB and PostgreSQL), and a statement that would write is refused.
 */
export async function sql(context: CliContext, args: SqlArgs): Promise<void> {
  const opened = await context.openEngine(args.db, { engine: args.engine, write: args.write });
  try {
    const { engine } = opened;
    if (!engine.sql) {
      throw new XetrackError('INVALID_ARGUMENT', `The ${engine.name} engine does not run raw SQL: use xt head, xt ls or xt stats instead.`);
    }
    if (!args.write && !engine.capabilities.readOnlySql) {
      throw new UsageError(`The ${engine.name} engine cannot run a statement read-only, so xt cannot tell whether it writes: add --write to run it.`);
    }
    let rows;
    try {
      rows = await engine.sql(args.query, [], { readOnly: !args.write });
    } catch (error) {
      if (!args.write && isXetrackError(error, 'READ_ONLY')) {
        throw new UsageError('The statement changes the database (or would): add --write to run it.');
      }
      throw await withTableHint(error, args.query, () => engine.tables());
    }
    // Without rows there are no column names to show (the engine contract returns rows only).
    if (rows.length === 0 && !args.json) context.stderr.write('The statement returned no rows.\n');
    else printRows(context, rows[0] ? Object.keys(rows[0]) : [], rows, args.json);
  } finally {
    await opened.close();
  }
}

/** Words SQLite, DuckDB and PostgreSQL reserve that make sense as table names. */
const KEYWORDS = new Set([
  'all', 'analyze', 'and', 'as', 'asc', 'between', 'by', 'case', 'check', 'column', 'create', 'cross', 'current', 'default',
  'delete', 'desc', 'distinct', 'drop', 'else', 'end', 'except', 'from', 'full', 'group', 'having', 'in', 'index', 'inner',
  'insert', 'intersect', 'into', 'is', 'join', 'key', 'left', 'limit', 'natural', 'not', 'null', 'offset', 'on', 'or',
  'order', 'outer', 'primary', 'references', 'right', 'select', 'set', 'table', 'then', 'to', 'transaction', 'union',
  'unique', 'update', 'user', 'using', 'values', 'view', 'when', 'where', 'window', 'with',
]);

/**
 * The error, with a hint added when the query names a table whose name is an SQL keyword
 * without quotes (e.g. `SELECT * FROM default`).
 */
async function withTableHint(error: unknown, query: string, tables: () => Promise<string[]>): Promise<unknown> {
  let names: string[];
  try {
    names = await tables();
  } catch {
    return error;
  }
  const unquoted = names.filter((t) => KEYWORDS.has(t.toLowerCase()) && new RegExp(`(?<![\\w"\`\\[.])${escape(t)}(?![\\w"\`\\]])`, 'i').test(query));
  const first = unquoted[0];
  if (first === undefined) return error;
  const message = error instanceof Error ? error.message : String(error);
  const hint = ` The table name ${first} is an SQL keyword: write it in double quotes, e.g. SELECT * FROM "${first}".`;
  return new XetrackError(isXetrackError(error) ? error.code : 'ENGINE_FAILURE', `${message.replace(/\.?$/, '.')}${hint}`, { cause: error });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export const spec = defineCommand<SqlArgs>({
  name: 'sql',
  description: 'Run one SQL statement and print the rows it returns',
  signature: 'sql <db> <query>',
  options: (y) =>
    db(y)
      .positional('query', { type: 'string', describe: 'The SQL statement; quote the table "default"', demandOption: true })
      .option('engine', ENGINE)
      .option('json', JSON_FLAG)
      .option('write', { type: 'boolean', default: false, describe: 'Allow a statement that changes the database (DROP, DELETE, UPDATE, INSERT, ALTER, CREATE, ATTACH, PRAGMA writes, VACUUM…)' }),
  run: sql,
});
