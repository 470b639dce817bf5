import type { MetricGoal, RunSummary } from '@xetrack/core';
import type { CliContext } from '../context.js';
import { UsageError } from '../usage-error.js';
import { printRows } from './print-rows.js';
import { withReader, type TableArgs } from './table-args.js';
import { tableOptions } from './options.js';
import { defineCommand } from './spec.js';

export interface RunsArgs extends TableArgs {
  json: boolean;
  metric?: string[];
}

/** `--metric accuracy:max --metric loss:min` (a bare name means max) as runs()'s `metrics`. */
function parseMetrics(flags: readonly string[] = []): Record<string, MetricGoal> {
  const metrics: Record<string, MetricGoal> = {};
  for (const flag of flags) {
    const at = flag.lastIndexOf(':');
    const name = at < 0 ? flag : flag.slice(0, at);
    const goal = at < 0 ? 'max' : flag.slice(at + 1);
    if (name === '' || (goal !== 'max' && goal !== 'min')) {
      throw new UsageError(`--metric takes NAME, NAME:max or NAME:min (the goal: higher or lower is better), not ${JSON.stringify(flag)}.`);
    }
    metrics[name] = goal;
  }
  return metrics;
}

/** One flat line per run: id, rows, timestamps, every param (union over runs), then `metric last`/`metric best`. */
function flatten(summaries: readonly RunSummary[], metrics: Record<string, MetricGoal>): { columns: string[]; rows: Record<string, unknown>[] } {
  const params = [...new Set(summaries.flatMap((s) => Object.keys(s.params)))];
  const columns = ['track_id', 'rows', 'first', 'last', ...params];
  for (const [name, goal] of Object.entries(metrics)) columns.push(`${name} last`, `${name} ${goal}`);
  const rows = summaries.map((s) => {
    const row: Record<string, unknown> = { track_id: s.track_id, rows: s.rows, first: s.first, last: s.last, ...s.params };
    for (const [name, goal] of Object.entries(metrics)) {
      row[`${name} last`] = s.metrics[name]?.last ?? null;
      row[`${name} ${goal}`] = s.metrics[name]?.best ?? null;
    }
    return row;
  });
  return { columns, rows };
}

/** `xt runs`: one line per run (id, rows, first and last timestamp, params, chosen metrics), oldest run first. */
export async function runs(context: CliContext, args: RunsArgs): Promise<void> {
  const metrics = parseMetrics(args.metric);
  await withReader(context, args, false, async (reader) => {
    const summaries = await reader.runs({ metrics });
    if (args.json) {
      context.stdout.write(`${JSON.stringify(summaries, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
      return;
    }
    const { columns, rows } = flatten(summaries, metrics);
    printRows(context, columns, rows, false);
  });
}

export const spec = defineCommand<RunsArgs>({
  name: 'runs',
  description: 'One line per run: track_id, rows, first and last timestamp, params, and the last and best value of each --metric',
  signature: 'runs <db> [--metric accuracy:max]',
  options: (y) =>
    tableOptions(y).option('metric', {
      type: 'string',
      array: true,
      requiresArg: true,
      describe: 'A metric to show, NAME:max or NAME:min (its goal); repeat for several',
    }),
  run: runs,
});
