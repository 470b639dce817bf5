import type { ColumnSpec, Reader } from '@xetrack/core';
import type { CliContext } from '../context.js';
import { ColumnStats } from '../format/column-stats.js';
import { describeSummaries } from '../format/stats.js';
import { UsageError } from '../usage-error.js';
import { resolveColumn } from './columns-of.js';
import { printRows } from './print-rows.js';
import { withReader, type TableArgs } from './table-args.js';
import { tableOptions, TRACK_ID } from './options.js';
import { defineCommand, defineGroup } from './spec.js';

export interface DescribeArgs extends TableArgs {
  /** Comma-separated column names; default: every column but track_id and timestamp. */
  columns?: string | undefined;
  trackId?: string | undefined;
  json: boolean;
}

export interface ExtremeArgs extends TableArgs {
  column: string;
  trackId?: string | undefined;
  json: boolean;
}

/**
 * `xt stats describe`: count, mean, std, min, quartiles, max per numeric column; count, unique, top,
 * freq per other column. Columns declared numeric are read in storage order, not sorted by
 * timestamp (their statistics do not depend on the order, and the sort of a large table costs more
 * than the read); a category's `top` breaks ties by the value seen first, so a table with other
 * columns, or a numeric column found holding text, is read in timestamp order.
 */
export async function describe(context: CliContext, args: DescribeArgs): Promise<void> {
  await withReader(context, args, false, async (reader) => {
    const specs = await selectedColumns(reader, args.columns);
    const numeric = specs.every((s) => s.type === 'integer' || s.type === 'float');
    let columns = await summarize(reader, specs, args.trackId, numeric);
    if (numeric && columns.some((c) => c.categorical)) columns = await summarize(reader, specs, args.trackId, false);
    const table = describeSummaries(columns.map((c) => c.result()));
    printRows(context, table.columns, table.rows, args.json);
  });
}

/** `specs` read once into `ColumnStats`, as arrays of values in batches (no object per row). */
async function summarize(reader: Reader, specs: readonly ColumnSpec[], trackId: string | undefined, anyOrder: boolean): Promise<ColumnStats[]> {
  const columns = specs.map((s) => new ColumnStats(s.name, s.type));
  for await (const batch of reader.iterateArrays({ trackId, columns: specs.map((s) => s.name), anyOrder })) {
    for (let c = 0; c < columns.length; c++) {
      const column = columns[c] as ColumnStats;
      for (const values of batch) column.add(values[c]);
    }
  }
  return columns;
}

async function selectedColumns(reader: Reader, list: string | undefined): Promise<ColumnSpec[]> {
  if (list === undefined) {
    const types = await reader.columnTypes();
    return (await reader.columns()).filter((c) => c !== 'track_id' && c !== 'timestamp').map((name) => ({ name, type: types[name] ?? 'text' }));
  }
  const names = list
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n.length > 0);
  if (names.length === 0) throw new UsageError('--columns needs at least one column name (comma-separated).');
  return Promise.all(names.map((n) => resolveColumn(reader, n)));
}

/**
 * `xt stats top` / `xt stats bottom`: every row whose COLUMN equals its largest (smallest) value,
 * ties included, in timestamp order. Numbers are compared when the column has any (other values
 * are skipped); a column without numbers is compared as text.
 */
export async function extreme(context: CliContext, which: 'top' | 'bottom', args: ExtremeArgs): Promise<void> {
  await withReader(context, args, false, async (reader) => {
    const { name } = await resolveColumn(reader, args.column);
    const columns = await reader.columns();
    const sign = which === 'top' ? 1 : -1;
    const numeric = new Best(sign);
    const text = new Best(sign);
    for await (const row of reader.iterate({ trackId: args.trackId })) {
      const value = row[name];
      if (typeof value === 'number' && !Number.isNaN(value)) numeric.offer(value, row);
      else if (typeof value === 'bigint') numeric.offer(value, row);
      else if (typeof value === 'string') text.offer(value, row);
    }
    const best = numeric.rows.length > 0 ? numeric : text;
    printRows(context, columns, best.rows, args.json);
  });
}

/** The rows holding the best value seen so far (largest for sign 1, smallest for -1). */
class Best {
  value: number | bigint | string | undefined;
  rows: Record<string, unknown>[] = [];
  constructor(private readonly sign: 1 | -1) {}

  offer(value: number | bigint | string, row: Record<string, unknown>): void {
    if (this.value === undefined || compare(value, this.value) * this.sign > 0) {
      this.value = value;
      this.rows = [row];
    } else if (compare(value, this.value) === 0) this.rows.push(row);
  }
}

function compare(a: number | bigint | string, b: number | bigint | string): number {
  if (typeof a === 'string' || typeof b === 'string') return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  return a < b ? -1 : a > b ? 1 : 0;
}

export const spec = defineGroup({
  name: 'stats',
  description: 'Statistics of columns: describe, top, bottom',
  commands: [
    defineCommand<DescribeArgs>({
      name: 'describe',
      description: 'count, mean, std, min, quartiles, max (numbers); count, unique, top, freq (other values)',
      signature: 'describe <db>',
      options: (y) => tableOptions(y).option('columns', { type: 'string', requiresArg: true, describe: 'Comma-separated columns (default: all but track_id, timestamp)' }).option('track-id', TRACK_ID),
      run: describe,
    }),
    extremeSpec('top', 'largest'),
    extremeSpec('bottom', 'smallest'),
  ],
});

function extremeSpec(which: 'top' | 'bottom', word: string) {
  return defineCommand<ExtremeArgs>({
    name: which,
    description: `The rows holding the ${word} value of a column`,
    signature: `${which} <db> <column>`,
    options: (y) => tableOptions(y).positional('column', { type: 'string', demandOption: true }).option('track-id', TRACK_ID),
    run: (context, args) => extreme(context, which, args),
  });
}
