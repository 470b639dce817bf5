import type { CliContext } from '../context.js';
import { printRows } from './print-rows.js';
import { withReader, type TableArgs } from './table-args.js';
import { tableOptions } from './options.js';
import { defineCommand } from './spec.js';

export interface ColumnsArgs extends TableArgs {
  json: boolean;
}

/** `xt columns`: each column of the table with its type, in table order. */
export async function columns(context: CliContext, args: ColumnsArgs): Promise<void> {
  await withReader(context, args, false, async (reader) => {
    const types = await reader.columnTypes();
    const rows = (await reader.columns()).map((column) => ({ column, type: types[column] ?? null }));
    printRows(context, ['column', 'type'], rows, args.json);
  });
}

export const spec = defineCommand<ColumnsArgs>({
  name: 'columns',
  description: 'The columns of the table and their types',
  signature: 'columns <db>',
  options: (y) => tableOptions(y),
  run: columns,
});
