import type { CliContext } from '../context.js';
import { printRows } from './print-rows.js';
import { withReader, type TableArgs } from './table-args.js';
import { defineCommand } from './spec.js';
import { rowCount, tableOptions } from './options.js';

export interface HeadTailArgs extends TableArgs {
  n: number;
  json: boolean;
}

/** `xt head` / `xt tail`: the first or last `n` rows by timestamp, oldest first either way. */
export async function headTail(context: CliContext, which: 'head' | 'tail', args: HeadTailArgs): Promise<void> {
  await withReader(context, args, false, async (reader) => {
    const columns = await reader.columns();
    const rows = await reader.toRows(which === 'head' ? { head: args.n } : { tail: args.n });
    printRows(context, columns, rows, args.json);
  });
}

function spec(which: 'head' | 'tail', description: string) {
  return defineCommand<HeadTailArgs>({
    name: which,
    description,
    signature: `${which} <db> [--n 5]`,
    options: (y) => rowCount(tableOptions(y)),
    run: (context, args) => headTail(context, which, args),
  });
}

export const headSpec = spec('head', 'The first rows (by timestamp)');
export const tailSpec = spec('tail', 'The last rows (oldest first)');
