import { formatG } from './number-format.js';

/** Drawing options shared by both plots. `width` and `height` are the drawing area's, in characters. */
export interface PlotOptions {
  width: number;
  height: number;
  /** The character that draws a bar or a point. */
  pch: string;
  title: string;
  /** Wrap bars and points in ANSI colour (only when printing to a terminal without NO_COLOR). */
  color: boolean;
}

export interface HistogramOptions extends PlotOptions {
  /** Bin count; by default 10, or one bin per value for whole numbers spanning fewer than 10. */
  bins?: number;
  /** Print n, min, mean, std and max under the plot. */
  summary: boolean;
}

const CYAN = '\x1b[36m';
const RESET = '\x1b[39m';

/**
 * A histogram drawn with characters: vertical bars over `height` rows, `bins` bars spread over
 * `width` columns, counts on the y axis and the value range under the x axis.
 */
export function histogram(values: readonly number[], options: HistogramOptions): string {
  const { edges, counts, wholeNumbers } = binValues(values, options.bins, options.width);
  const bins = counts.length;
  const columnWidth = Math.floor(options.width / bins);
  const barWidth = columnWidth >= 3 ? columnWidth - 1 : columnWidth;
  const most = Math.max(...counts);
  const heights = counts.map((c) => (c === 0 ? 0 : Math.max(1, Math.round((c / most) * options.height))));
  const labels = new Map<number, string>([[0, String(most)]]);
  const middle = Math.floor(options.height / 2);
  const middleCount = Math.round((most * (options.height - middle)) / options.height);
  if (options.height >= 5 && middleCount > 0 && middleCount < most) labels.set(middle, String(middleCount));
  const labelWidth = Math.max(1, ...[...labels.values()].map((l) => l.length));
  const lines: string[] = [];
  const drawnWidth = columnWidth * bins;
  if (options.title) lines.push(center(options.title, labelWidth + 2 + drawnWidth));
  for (let row = 0; row < options.height; row++) {
    const level = options.height - row;
    let area = '';
    for (const h of heights) area += (h >= level ? options.pch : ' ').repeat(barWidth) + ' '.repeat(columnWidth - barWidth);
    const label = labels.get(row);
    lines.push(`${(label ?? '').padStart(labelWidth)} ${label === undefined ? '│' : '┤'}${paint(area.trimEnd(), options)}`);
  }
  lines.push(`${'0'.padStart(labelWidth)} └${'─'.repeat(drawnWidth)}`);
  lines.push(' '.repeat(labelWidth + 2) + xLabels(edges, wholeNumbers, columnWidth, drawnWidth));
  if (options.summary) lines.push(summaryLine(values));
  return lines.map((l) => l.trimEnd()).join('\n');
}

/**
 * A scatter plot drawn with characters: each (x, y) pair marks one cell of a `width` × `height`
 * grid, the y range on the left and the x range under the axis.
 */
export function scatterPlot(xs: readonly number[], ys: readonly number[], options: PlotOptions): string {
  const [xMin, xMax] = range(xs);
  const [yMin, yMax] = range(ys);
  const { width, height } = options;
  const grid = Array.from({ length: height }, () => Array<string>(width).fill(' '));
  for (let i = 0; i < xs.length; i++) {
    const column = scale(xs[i] ?? 0, xMin, xMax, width);
    const row = height - 1 - scale(ys[i] ?? 0, yMin, yMax, height);
    grid[row]![column] = options.pch;
  }
  const top = formatG(yMax);
  const bottom = formatG(yMin);
  const labelWidth = Math.max(top.length, bottom.length);
  const lines: string[] = [];
  if (options.title) lines.push(center(options.title, labelWidth + 2 + width));
  grid.forEach((cells, row) => {
    const label = row === 0 ? top : row === height - 1 ? bottom : undefined;
    lines.push(`${(label ?? '').padStart(labelWidth)} ${label === undefined ? '│' : '┤'}${paint(cells.join('').trimEnd(), options)}`);
  });
  lines.push(`${' '.repeat(labelWidth)} └${'─'.repeat(width)}`);
  lines.push(' '.repeat(labelWidth + 2) + spread(formatG(xMin), formatG(xMax), width));
  lines.push(`n=${xs.length}`);
  return lines.map((l) => l.trimEnd()).join('\n');
}

interface Binned {
  edges: number[];
  counts: number[];
  /** One bin per whole number (labels go under each bar). */
  wholeNumbers: boolean;
}

function binValues(values: readonly number[], requested: number | undefined, width: number): Binned {
  const [min, max] = range(values);
  const span = max - min;
  const whole = values.every(Number.isInteger) && span + 1 <= Math.min(10, width) && requested === undefined;
  let bins = requested ?? 10;
  let low = min;
  let high = max;
  if (whole) {
    bins = span + 1;
    low = min - 0.5;
    high = max + 0.5;
  } else if (span === 0) {
    low = min - 0.5;
    high = max + 0.5;
  }
  bins = Math.min(bins, width);
  const step = (high - low) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? high : low + i * step));
  const counts = Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.floor((v - low) / step)))]!++;
  return { edges, counts, wholeNumbers: whole };
}

function xLabels(edges: readonly number[], wholeNumbers: boolean, columnWidth: number, drawnWidth: number): string {
  if (wholeNumbers) {
    const centers = edges.slice(0, -1).map((e) => formatG(e + 0.5));
    if (centers.every((c) => c.length < columnWidth)) return centers.map((c) => c.padEnd(columnWidth)).join('');
  }
  return spread(formatG(edges[0] ?? 0), formatG(edges[edges.length - 1] ?? 0), drawnWidth);
}

/** `left` at the start and `right` ending at `width`, or only `left` when both do not fit. */
function spread(left: string, right: string, width: number): string {
  return left.length + 1 + right.length <= width ? left + right.padStart(width - left.length) : left;
}

function summaryLine(values: readonly number[]): string {
  const n = values.length;
  const [min, max] = range(values);
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : NaN;
  return `n=${n}  min=${formatG(min)}  mean=${formatG(mean)}  std=${formatG(std)}  max=${formatG(max)}`;
}

function range(values: readonly number[]): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

/** The cell (0 … cells-1) a value falls in; the middle one when all values are equal. */
function scale(value: number, min: number, max: number, cells: number): number {
  if (max === min) return Math.floor((cells - 1) / 2);
  return Math.round(((value - min) / (max - min)) * (cells - 1));
}

function center(text: string, width: number): string {
  return text.length >= width ? text : ' '.repeat(Math.floor((width - text.length) / 2)) + text;
}

function paint(area: string, options: PlotOptions): string {
  if (!options.color || area.length === 0) return area;
  const escaped = options.pch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return area.replace(new RegExp(`(${escaped})+`, 'g'), (run) => CYAN + run + RESET);
}
