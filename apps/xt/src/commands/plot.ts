import { XetrackError } from '@xetrack/core';
import type { CliContext } from '../context.js';
import { histogram, scatterPlot } from '../format/plot.js';
import { numbersOf } from '../format/stats.js';
import { resolveColumn, rowsWith } from './columns-of.js';
import { withReader, type TableArgs } from './table-args.js';
import type { Argv } from 'yargs';
import { UsageError } from '../usage-error.js';
import { tableOptions, TRACK_ID, wholeNumber } from './options.js';
import { defineCommand, defineGroup } from './spec.js';

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

/** The flags every plot takes: where it reads, and how big it draws. */
function drawOptions(y: Argv, width: number, height: number): Argv {
  return tableOptions(y, false)
    .option('track-id', TRACK_ID)
    .option('width', { type: 'string', requiresArg: true, default: String(width), coerce: wholeNumber('width', 2, 1000), describe: 'Drawing width in characters' })
    .option('height', { type: 'string', requiresArg: true, default: String(height), coerce: wholeNumber('height', 2, 500), describe: 'Drawing height in lines' })
    .option('pch', { type: 'string', requiresArg: true, describe: 'The character to draw with', coerce: oneCharacter })
    .option('title', { type: 'string', requiresArg: true, describe: 'Title above the plot' });
}

function oneCharacter(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || [...value].length !== 1) throw new UsageError(`--pch must be one character, not ${JSON.stringify(value)}.`);
  return value;
}

export const spec = defineGroup({
  name: 'plot',
  description: 'Plots drawn in the terminal: hist, scatter',
  commands: [
    defineCommand<HistArgs>({
      name: 'hist',
      description: 'Histogram of a numeric column',
      signature: 'hist <db> <column>',
      options: (y) =>
        drawOptions(y, 60, 15)
          .positional('column', { type: 'string', demandOption: true })
          .option('bins', { type: 'string', requiresArg: true, coerce: wholeNumber('bins', 1, 1000), describe: 'Number of bars (default 10; one per value for small whole numbers)' })
          .option('summary', { type: 'boolean', default: true, describe: 'Print n, min, mean, std, max under the plot (--no-summary: do not)' })
          .check((args) => {
            if (typeof args.bins === 'number' && typeof args.width === 'number' && args.bins > args.width) {
              throw new UsageError(`--bins (${args.bins}) cannot exceed --width (${args.width}): each bar needs a column.`);
            }
            return true;
          }),
      run: hist,
    }),
    defineCommand<ScatterArgs>({
      name: 'scatter',
      description: 'Scatter plot of two numeric columns',
      signature: 'scatter <db> <x> <y>',
      options: (y) =>
        drawOptions(y, 60, 20)
          .positional('x', { type: 'string', demandOption: true, describe: 'Column on the x axis' })
          .positional('y', { type: 'string', demandOption: true, describe: 'Column on the y axis' }),
      run: scatter,
    }),
  ],
});
