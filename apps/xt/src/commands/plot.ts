import { XetrackError } from '@xetrack/core';
import type { CliContext } from '../context.js';
import { histogram, scatterPlot } from '../format/plot.js';
import { numbersOf } from '../format/stats.js';
import { resolveColumn, rowsWith } from './columns-of.js';
import { withReader, type TableArgs } from './table-args.js';

interface DrawArgs extends TableArgs {
  trackId?: string | undefined;
  width: number;
  height: number;
  pch?: string | undefined;
  title?: string | undefined;
}

export interface HistArgs extends DrawArgs {
  column: string;
  bins?: number | undefined;
  summary: boolean;
}

export interface ScatterArgs extends DrawArgs {
  x: string;
  y: string;
}

/** `xt plot hist`: a histogram of a numeric column (integers too) drawn in the terminal. */
export async function hist(context: CliContext, args: HistArgs): Promise<void> {
  await withReader(context, args, false, async (reader) => {
    const { name } = await resolveColumn(reader, args.column);
    const values: unknown[] = [];
    for await (const row of rowsWith(reader, [name], args.trackId)) values.push(row[name]);
    const numbers = numbersOf(values);
    if (numbers.length === 0) throw noNumbers(name, reader.table);
    const text = histogram(numbers, {
      bins: args.bins,
      width: args.width,
      height: args.height,
      pch: args.pch ?? '█',
      title: args.title ?? `${name} histogram`,
      color: context.color,
      summary: args.summary,
    });
    context.stdout.write(`${text}\n`);
  });
}

/** `xt plot scatter`: one point per row where both columns hold numbers, drawn in the terminal. */
export async function scatter(context: CliContext, args: ScatterArgs): Promise<void> {
  await withReader(context, args, false, async (reader) => {
    const x = (await resolveColumn(reader, args.x)).name;
    const y = (await resolveColumn(reader, args.y)).name;
    const xs: number[] = [];
    const ys: number[] = [];
    for await (const row of rowsWith(reader, [x, y], args.trackId)) {
      const [a] = numbersOf([row[x]]);
      const [b] = numbersOf([row[y]]);
      if (a !== undefined && b !== undefined) {
        xs.push(a);
        ys.push(b);
      }
    }
    if (xs.length === 0) {
      throw new XetrackError('INVALID_ARGUMENT', `No row of table ${JSON.stringify(reader.table)} has numbers in both ${x} and ${y}: pick numeric columns (see xt columns ${args.db}).`);
    }
    const text = scatterPlot(xs, ys, {
      width: args.width,
      height: args.height,
      pch: args.pch ?? '•',
      title: args.title ?? `${x} vs ${y}`,
      color: context.color,
    });
    context.stdout.write(`${text}\n`);
  });
}

function noNumbers(column: string, table: string): XetrackError {
  return new XetrackError('INVALID_ARGUMENT', `The column ${column} of table ${JSON.stringify(table)} holds no numbers to plot: pick a numeric column (see xt columns).`);
}
