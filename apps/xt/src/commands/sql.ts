import type { CliContext } from '../context.js';
import { UsageError } from '../usage-error.js';
import { guardedSql } from './guarded-sql.js';
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
    const rows = await guardedSql(opened.engine, args.query, [], {
      write: args.write,
      otherwise: 'use xt head, xt ls or xt stats instead',
      refuse: (why) => new UsageError(`${why}: add --write to run it.`),
    });
    // Without rows there are no column names to show (the engine contract returns rows only).
    if (rows.length === 0 && !args.json) context.stderr.write('The statement returned no rows.\n');
    else printRows(context, rows[0] ? Object.keys(rows[0]) : [], rows, args.json);
  } finally {
    await opened.close();
  }
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
