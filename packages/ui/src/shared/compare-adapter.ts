/**
 * A stand-in for core's `compare()` until it lands: params and last metric values side by side,
 * marked where they differ, with deltas against a baseline. Replace, do not grow.
 */
import type { Cell, CompareLine, Comparison, RunInfo } from './types.js';

export function compareRunLines(runs: RunInfo[], baseline: string | null): Comparison {
  const base = runs.find((r) => r.track_id === baseline) ?? null;
  const lines: CompareLine[] = [];
  const paramNames = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const metricNames = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  for (const name of paramNames) {
    const values = runs.map((r) => r.params[name] ?? null);
    lines.push({ kind: 'param', name, values, differs: !allEqual(values) });
  }
  for (const name of metricNames) {
    const values: Cell[] = runs.map((r) => r.metrics[name]?.last ?? null);
    const line: CompareLine = { kind: 'metric', name, values, differs: !allEqual(values) };
    const b = base?.metrics[name]?.last;
    if (typeof b === 'number') {
      line.delta = values.map((v) => (typeof v === 'number' ? v - b : null));
      line.relative = values.map((v) => (typeof v === 'number' && b !== 0 ? (v - b) / Math.abs(b) : null));
    }
    lines.push(line);
  }
  return { runs: runs.map((r) => r.track_id), baseline: base?.track_id ?? null, lines };
}

function allEqual(values: Cell[]): boolean {
  return values.every((v) => v === values[0]);
}
