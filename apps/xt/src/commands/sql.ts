import { isXetrackError, XetrackError } from '@xetrack/core';
import type { CliContext } from '../context.js';
import { printRows } from './print-rows.js';
import { db, ENGINE, JSON_FLAG } from './options.js';
import { defineCommand } from './spec.js';

export interface SqlArgs {
  db: string;
  query: string;
  engine?: string | undefined;
  json: boolean;
}

/** Statements that cannot write, so the file can be opened read-only for them. */
const READ_ONLY = /^\s*(select|values|explain)\b/i;

/**
 * `xt sql`: one raw SQL statement through the engine (capability `rawSql`); rows it returns are
 * printed. The query runs exactly as typed: a failure that names a table unquoted (Python users
 * write `FROM default`, and `default` is an SQL keyword) gets a hint, never a rewrite.
 */
export async function sql(context: CliContext, args: SqlArgs): Promise<void> {
  const opened = await context.openEngine(args.db, { engine: args.engine, write: !READ_ONLY.test(args.query) });
  try {
    const { engine } = opened;
    if (!engine.sql) {
      throw new XetrackError('INVALID_ARGUMENT', `The ${engine.name} engine does not run raw SQL: use xt head, xt ls or xt stats instead.`);
    }
    let rows;
    try {
      rows = await engine.sql(args.query);
    } catch (error) {
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
      .option('json', JSON_FLAG),
  run: sql,
});
