import type { CliContext } from '../context.js';
import { diffTable } from '../format/comparison.js';
import { jsonValue } from '../format/json-rows.js';
import { UsageError } from '../usage-error.js';
import { tableOptions } from './options.js';
import { defineCommand } from './spec.js';
import { withReader, type TableArgs } from './table-args.js';

export interface DiffArgs extends TableArgs {
  runs: string[];
  all: boolean;
  json: boolean;
}

/**
 * `xt diff DB RUN_A RUN_B [RUN…]`: each run's last value of every column side by side, numeric
 * deltas against the first run; only the columns that differ unless `--all`.
 */
export async function diff(context: CliContext, args: DiffArgs): Promise<void> {
  const runs = args.runs.map(String);
  if (runs.length < 2) throw new UsageError(`Name at least two runs to diff, e.g. xt diff ${args.db} RUN_A RUN_B.`);
  if (new Set(runs).size !== runs.length) throw new UsageError('Each run may be named once.');
  await withReader(context, args, false, async (reader) => {
    const { diffRuns } = await import('@xetrack/core');
    const result = await diffRuns(reader, runs, { all: args.all });
    if (args.json) context.stdout.write(`${jsonValue(result)}\n`);
    else if (result.rows.length === 0) context.stderr.write(`The runs do not differ${args.all ? '' : ' (--all shows every column)'}.\n`);
    else context.stdout.write(`${diffTable(result)}\n`);
  });
}

export const spec = defineCommand<DiffArgs>({
  name: 'diff',
  description: "Runs side by side: each column's last value per run, numeric deltas against the first run; only what differs unless --all",
  signature: 'diff <db> <runs..> [--all]',
  options: (y) =>
    tableOptions(y)
      .positional('runs', { type: 'string', array: true, describe: 'Two or more run ids (track_id); the first is the reference', demandOption: true })
      .option('all', { type: 'boolean', default: false, describe: 'Also show the columns that are the same in every run' }),
  run: diff,
});
