import { importOptional } from '@xetrack/core';
import type * as Ui from '@xetrack/ui';
import type { CliContext } from '../context.js';
import { ENGINE, db, wholeNumber } from './options.js';
import { defineCommand } from './spec.js';

export interface ReportArgs {
  db: string;
  engine?: string | undefined;
  output: string;
  table?: string[] | undefined;
  runs?: string[] | undefined;
  search?: string | undefined;
  metrics?: string[] | undefined;
  maxRuns?: number | undefined;
  maxRows?: number | undefined;
  maxPoints?: number | undefined;
  baseline?: string | undefined;
  check?: string[] | undefined;
  title?: string | undefined;
}

/** Comma-separated or repeated values, as one list. */
export function listOf(values: unknown): string[] | undefined {
  if (values === undefined) return undefined;
  const list = (Array.isArray(values) ? values : [values])
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  return list.length ? list : undefined;
}

/** A database location fit to show in a page: a URL's password cut out. */
export function shownLocation(location: string): string {
  return location.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1@');
}

/** `xt report DB -o report.html`: one self-contained HTML page of the database (@xetrack/ui). */
export async function report(context: CliContext, args: ReportArgs): Promise<void> {
  const ui = await importOptional<typeof Ui>('@xetrack/ui', 'xt report');
  const tables = listOf(args.table) ?? ['default'];
  const reader = await context.openReader(args.db, { engine: args.engine, table: tables[0] });
  try {
    const bytes = await ui.writeReport(reader, args.output, {
      tables,
      runs: listOf(args.runs),
      search: args.search,
      metrics: listOf(args.metrics),
      maxRuns: args.maxRuns,
      maxRows: args.maxRows,
      maxPoints: args.maxPoints,
      baseline: args.baseline,
      checks: listOf(args.check),
      title: args.title,
      source: shownLocation(args.db),
    });
    context.stdout.write(`Wrote ${args.output} (${(bytes / 1024).toFixed(0)} KB). Open it in a browser: no server or network needed.\n`);
  } finally {
    await reader.close();
  }
}

export const spec = defineCommand<ReportArgs>({
  name: 'report',
  description: 'Write one self-contained HTML report (runs, compare, charts, rows) that opens from file://',
  signature: 'report <db> [--output report.html]',
  options: (y) =>
    db(y)
      .option('output', { alias: 'o', type: 'string', requiresArg: true, default: 'report.html', describe: 'The HTML file to write' })
      .option('engine', ENGINE)
      .option('table', { type: 'string', array: true, requiresArg: true, describe: 'Tables to include (repeatable or comma-separated; default: default)' })
      .option('runs', { type: 'string', array: true, requiresArg: true, describe: 'Only these runs (track ids, repeatable or comma-separated)' })
      .option('search', { type: 'string', requiresArg: true, describe: 'Only runs matching this search, e.g. \'model = "mlp" and lr < 0.05\'' })
      .option('metrics', { type: 'string', array: true, requiresArg: true, describe: 'Only these metrics (repeatable or comma-separated)' })
      .option('max-runs', { type: 'string', requiresArg: true, coerce: wholeNumber('max-runs', 1, 1e7), describe: 'Runs kept per table, oldest first (default 2000)' })
      .option('max-rows', { type: 'string', requiresArg: true, coerce: wholeNumber('max-rows', 0, 1e7), describe: 'Raw rows kept per table for the Rows view (default 1000)' })
      .option('max-points', { type: 'string', requiresArg: true, coerce: wholeNumber('max-points', 4, 1e6), describe: 'Points per chart line; longer lines are down-sampled (default 200)' })
      .option('baseline', { type: 'string', requiresArg: true, describe: 'A run the Compare view checks the others against (as xt check)' })
      .option('check', {
        type: 'string',
        array: true,
        requiresArg: true,
        describe: 'Metrics for those verdicts, NAME:higher|lower[:tolerance] (default: every metric, direction guessed from its name)',
      })
      .option('title', { type: 'string', requiresArg: true, describe: 'The page title' }),
  run: report,
});
