import type { CliContext } from '../context.js';
import { printRows } from './print-rows.js';
import { withReader, type TableArgs } from './table-args.js';
import { tableOptions } from './options.js';
import { defineCommand } from './spec.js';

export interface RunsArgs extends TableArgs {
  json: boolean;
}

/** `xt runs`: one line per run (track_id, row count, first and last timestamp), oldest run first. */
export async function runs(context: CliContext, args: RunsArgs): Promise<void> {
  await withReader(context, args, false, async (reader) => {
    const summaries = await reader.runs();
    printRows(context, ['track_id', 'rows', 'first', 'last'], summaries as unknown as Record<string, unknown>[], args.json);
  });
}

export const spec = defineCommand<RunsArgs>({
  name: 'runs',
  description: 'One line per run: track_id, rows, first and last timestamp',
  signature: 'runs <db>',
  options: (y) => tableOptions(y),
  run: runs,
});
