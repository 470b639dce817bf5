/** uPlot charts sized to their box and coloured from the page's theme. */
import uPlot from 'uplot';
import { h } from '../dom.js';
import { colorOf, formatCell } from '../format.js';

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

export interface LineSpec {
  label: string;
  /** x values, then one y array per series (uPlot's aligned data). */
  data: uPlot.AlignedData;
  series: string[];
  xLabel: string;
  yLabel?: string;
  /** Points only (a scatter plot). */
  points?: boolean;
  /** Bars (histograms, timings). */
  bars?: boolean;
  height?: number;
  /** Time axis in seconds. */
  time?: boolean;
}

/**
 * Draws a chart into a new figure element and returns it; the figure carries `data-series` (the
 * number of series drawn) so tests and screen readers can tell what is there.
 */
export function chart(spec: LineSpec, width: number): HTMLElement {
  const figure = h('figure', { className: 'chart', 'data-series': spec.series.length, 'aria-label': spec.label }, h('figcaption', {}, spec.label));
  const fg = cssVar('--fg');
  const grid = cssVar('--grid');
  const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  const bars = spec.bars ? uPlot.paths.bars!({ size: [0.9, 80] }) : undefined;
  const options: uPlot.Options = {
    width: Math.max(260, width),
    height: spec.height ?? 260,
    // bars need half a bar of room on either side, or the first and last are cut in half
    scales: { x: spec.bars ? { time: false, range: barRange(spec.data[0] as number[]) } : { time: spec.time === true } },
    axes: [
      { ...axis, label: spec.xLabel },
      { ...axis, label: spec.yLabel ?? '', size: 72, values: (_u: uPlot, splits: number[]) => splits.map((v) => formatCell(v)) },
    ],
    legend: { show: true, live: !spec.bars },
    cursor: { drag: { x: !spec.bars, y: false } },
    series: [
      { label: spec.xLabel },
      ...spec.series.map((label, i) => ({
        label,
        stroke: colorOf(i),
        width: 1.5,
        spanGaps: true,
        ...(spec.points ? { paths: () => null, points: { show: true, size: 7, fill: colorOf(i) } } : {}),
        ...(bars ? { paths: bars, fill: `${colorOf(i)}99`, points: { show: false } } : {}),
      })),
    ],
  };
  new uPlot(options, spec.data, figure);
  return figure;
}

function barRange(xs: number[]): [number, number] {
  if (xs.length === 0) return [0, 1];
  let step = Infinity;
  for (let i = 1; i < xs.length; i++) step = Math.min(step, xs[i]! - xs[i - 1]!);
  const half = (Number.isFinite(step) && step > 0 ? step : 1) / 2;
  return [xs[0]! - half, xs[xs.length - 1]! + half];
}

/** Sorts (x, y) pairs by x, as uPlot's aligned data needs. */
export function sortedPairs(x: number[], y: (number | null)[]): [number[], (number | null)[]] {
  const order = x.map((_, i) => i).sort((a, b) => x[a]! - x[b]!);
  return [order.map((i) => x[i]!), order.map((i) => y[i] ?? null)];
}

/**
 * Several series with their own x values on one shared, sorted x axis (nulls where a series has no
 * point), which is what uPlot draws as overlaid lines.
 */
export function alignSeries(series: { x: number[]; y: (number | null)[] }[]): uPlot.AlignedData {
  const xs = [...new Set(series.flatMap((s) => s.x))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const ys = series.map((s) => {
    const column = new Array<number | null>(xs.length).fill(null);
    s.x.forEach((x, i) => (column[at.get(x)!] = s.y[i] ?? null));
    return column;
  });
  return [xs, ...ys] as uPlot.AlignedData;
}
