import { runSql } from '@xetrack/core';
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
    const rows = await runSql(opened.engine, args.query, [], 'use xt head, xt ls or xt stats instead');
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
      .option('json', JSON_FLAG),
  run: sql,
});
