import type { CliContext } from '../context.js';
import { printRows } from './print-rows.js';
import { withReader, type TableArgs } from './table-args.js';

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
