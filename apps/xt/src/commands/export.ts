import type { ExportFormat } from '@xetrack/core';
import type { CliContext } from '../context.js';
import { withReader, type TableArgs } from './table-args.js';
import { tableOptions, TRACK_ID } from './options.js';
import { defineCommand } from './spec.js';

export interface ExportArgs extends TableArgs {
  output: string;
  trackId?: string | undefined;
  format?: ExportFormat | undefined;
}

/**
 * `xt export DB OUT`: writes a table (or one run) to CSV, JSONL or Parquet, chosen by OUT's
 * extension or `--format`. Rows are streamed, so any size exports in bounded memory. Parquet needs
 * `@xetrack/engine-duckdb`.
 */
export async function exportCommand(context: CliContext, args: ExportArgs): Promise<void> {
  await withReader(context, args, false, async (reader) => {
    const count = await reader.exportTo(args.output, { trackId: args.trackId }, args.format);
    context.stdout.write(`Exported ${count} ${count === 1 ? 'row' : 'rows'} of table ${JSON.stringify(reader.table)} to ${args.output}.\n`);
  });
}

export const spec = defineCommand<ExportArgs>({
  name: 'export',
  description: 'Write a table (or one run) to .csv, .jsonl or .parquet',
  signature: 'export <db> <output>',
  options: (y) =>
    tableOptions(y, false)
      .positional('output', { type: 'string', describe: 'File to write: .csv, .jsonl or .parquet', demandOption: true })
      .option('track-id', TRACK_ID)
      .option('format', { type: 'string', choices: ['csv', 'jsonl', 'parquet'], describe: 'Format (default: from the extension)' }),
  run: exportCommand,
});
