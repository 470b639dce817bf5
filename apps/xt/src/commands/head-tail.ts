import type { CliContext } from '../context.js';
import { printRows } from './print-rows.js';
import { withReader, type TableArgs } from './table-args.js';

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
