import type { Reader } from '@xetrack/core';
import type { CliContext } from '../context.js';

/** The arguments of every command that reads one table. */
export interface TableArgs {
  db: string;
  engine?: string | undefined;
  table?: string | undefined;
}

/** Runs `use` with a reader of the table `args` names, and closes the reader whatever happens. */
export async function withReader<T>(context: CliContext, args: TableArgs, write: boolean, use: (reader: Reader) => Promise<T>): Promise<T> {
  const reader = await context.openReader(args.db, { engine: args.engine, table: args.table, write });
  try {
    return await use(reader);
  } finally {
    await reader.close();
  }
}
