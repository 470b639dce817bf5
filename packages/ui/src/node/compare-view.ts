/**
 * The Compare view's data from core's comparison API: `diffRuns()` for the values side by side and
 * `compare()` for each run's verdict against the baseline, exactly as `xt diff` and `xt check`.
 */
import { compare, diffRuns, isXetrackError, VERDICT_ORDER, type Reader } from '@xetrack/core';
import type { CompareLine, Comparison } from '../common/types.js';
import { toCell } from './cells.js';
import { goalOf, STEP_COLUMNS } from './column-roles.js';

/** `xt check --metric` specs for these metrics (direction guessed from the name, the page lets a person edit it): `loss:lower`, `accuracy:higher`. */
export function defaultChecks(metrics: string[]): string[] {
  return metrics.filter((m) => !STEP_COLUMNS.includes(m.toLowerCase())).map((m) => `${m}:${goalOf(m) === 'min' ? 'lower' : 'higher'}`);
}

/**
 * `runs` side by side (the baseline first), every column (`lines[].differs` marks what differs),
 * and with a baseline, each other run checked against it on `checks` (default: every metric that
 * changes within a run, direction guessed from its name).
 */
export async function compareView(reader: Reader, runs: string[], baseline: string | null, checks?: string[]): Promise<Comparison> {
  const ordered = baseline && runs.includes(baseline) ? [baseline, ...runs.filter((r) => r !== baseline)] : runs;
  const base: Comparison = { runs: ordered, baseline: baseline && runs.includes(baseline) ? baseline : null, lines: [], checks: [] };
  if (ordered.length < 2) return { ...base, problem: 'Select two or more runs to compare them.' };
  const diff = await diffRuns(reader, ordered, { all: true });
  const lines: CompareLine[] = diff.rows.map((row) => ({
    kind: row.constant ? 'param' : 'metric',
    name: row.column,
    values: row.values.map(toCell),
    differs: row.differs,
    ...(base.baseline ? { delta: row.deltas.map((d) => d?.absolute ?? null), relative: row.deltas.map((d) => d?.relative ?? null) } : {}),
  }));
  if (!base.baseline) return { ...base, lines };
  const numeric = lines.filter((l) => l.kind === 'metric' && l.values.some((v) => typeof v === 'number')).map((l) => l.name);
  const specs = checks ?? defaultChecks(numeric);
  if (specs.length === 0) return { ...base, lines, checks: specs };
  const worst: string[] = [];
  try {
    for (let i = 1; i < ordered.length; i++) {
      const result = await compare(reader, { baseline: { runs: [base.baseline] }, candidate: { runs: [ordered[i]!] }, metrics: specs });
      worst.push(result.verdict);
      for (const m of result.groups.flatMap((g) => g.metrics)) {
        const line = lines.find((l) => l.name === m.metric);
        if (!line) continue;
        line.verdict ??= ordered.map(() => null);
        line.verdict[i] = m.verdict;
      }
    }
  } catch (error) {
    if (!isXetrackError(error)) throw error;
    return { ...base, lines, checks: specs, problem: error.message };
  }
  const verdict = VERDICT_ORDER.find((v) => worst.includes(v));
  return { ...base, lines, checks: specs, ...(verdict ? { verdict } : {}) };
}
