/**
 * Parallel coordinates on a canvas (uPlot has none): one vertical axis per param or metric, one
 * line per run; selected runs in colour on top, the others grey.
 */
import { h } from '../dom.js';
import { colorOf, formatCell } from '../format.js';
import type { Cell } from '../../common/types.js';

export interface ParallelLine {
  id: string;
  values: Cell[];
  selected: boolean;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

export function parallelCoordinates(allAxes: string[], allLines: ParallelLine[], width: number, height = 300): HTMLElement {
  // about 90 px per axis, so labels stay readable on a phone
  const axes = allAxes.slice(0, Math.max(2, Math.floor(width / 90)));
  const lines = allLines.map((l) => ({ ...l, values: l.values.slice(0, axes.length) }));
  const drawn = lines.filter((l) => l.selected).length;
  const figure = h(
    'figure',
    { className: 'chart', 'data-series': lines.length, 'data-axes': axes.length, 'aria-label': 'Parallel coordinates' },
    h(
      'figcaption',
      {},
      `Parallel coordinates: ${lines.length} runs over ${axes.length}${axes.length < allAxes.length ? ` of ${allAxes.length}` : ''} axes${drawn ? `, ${drawn} selected in colour` : ''}`,
    ),
  );
  const ratio = window.devicePixelRatio || 1;
  const canvas = h('canvas', { width: Math.round(width * ratio), height: Math.round(height * ratio), role: 'img', 'aria-label': `Parallel coordinates of ${axes.join(', ')}` });
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  figure.append(canvas);
  const ctx = canvas.getContext('2d');
  if (!ctx || axes.length === 0) return figure;
  ctx.scale(ratio, ratio);
  const top = 34;
  const bottom = height - 24;
  const left = 50;
  const right = width - 50;
  const spacing = axes.length === 1 ? right - left : (right - left) / (axes.length - 1);
  const fit = (text: string) => (text.length * 7 > spacing - 6 ? `${text.slice(0, Math.max(3, Math.floor((spacing - 6) / 7) - 1))}…` : text);
  const xOf = (i: number) => (axes.length === 1 ? (left + right) / 2 : left + ((right - left) * i) / (axes.length - 1));
  // each axis maps its numbers linearly; text values are spread evenly in sorted order
  const scales = axes.map((_, a) => {
    const values = lines.map((l) => l.values[a]).filter((v): v is Exclude<Cell, null> => v !== null && v !== undefined);
    const numeric = values.every((v) => typeof v === 'number' || typeof v === 'boolean');
    if (numeric) {
      const nums = values.map(Number);
      const min = Math.min(...nums);
      const max = Math.max(...nums);
      return { min, max, pos: (v: Cell) => (v === null ? null : max === min ? 0.5 : (Number(v) - min) / (max - min)), labels: [formatCell(max), formatCell(min)] };
    }
    const cats = [...new Set(values.map(String))].sort();
    return {
      min: 0,
      max: cats.length - 1,
      pos: (v: Cell) => (v === null ? null : cats.length === 1 ? 0.5 : cats.indexOf(String(v)) / (cats.length - 1)),
      labels: [cats[cats.length - 1] ?? '', cats[0] ?? ''],
    };
  });
  const fg = cssVar('--fg');
  const muted = cssVar('--muted-line');
  const draw = (line: ParallelLine, color: string, widthPx: number) => {
    ctx.strokeStyle = color;
    ctx.lineWidth = widthPx;
    ctx.beginPath();
    let started = false;
    line.values.forEach((v, a) => {
      const p = scales[a]!.pos(v);
      if (p === null) {
        started = false;
        return;
      }
      const x = xOf(a);
      const y = bottom - p * (bottom - top);
      if (started) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
      started = true;
    });
    ctx.stroke();
  };
  for (const line of lines) if (!line.selected) draw(line, muted, 1);
  lines.filter((l) => l.selected).forEach((line, i) => draw(line, colorOf(i), 2));
  ctx.fillStyle = fg;
  ctx.strokeStyle = fg;
  ctx.font = '12px system-ui, sans-serif';
  ctx.textAlign = 'center';
  axes.forEach((name, a) => {
    const x = xOf(a);
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, bottom);
    ctx.stroke();
    ctx.fillText(fit(name), x, 14);
    ctx.fillText(fit(scales[a]!.labels[0]!), x, 28);
    ctx.fillText(fit(scales[a]!.labels[1]!), x, height - 8);
  });
  return figure;
}
