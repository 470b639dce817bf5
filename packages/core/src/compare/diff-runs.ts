import type { CellValue } from '../engine/contract.js';
import { XetrackError } from '../errors.js';
import type { ComparisonSource, JsonNumber } from './compare.js';
import { keyPart } from './side-query.js';

export interface DiffOptions {
  /** Keep columns whose value is the same in every run (default: only what differs). */
  all?: boolean;
}

/** One column across the runs. */
export interface DiffRow {
  column: string;
  /** Each run's value: its last non-null value of the column (null when it has none). */
  values: CellValue[];
  /** The value is the same on every row of each run (a param), not one that changes per step. */
  constant: boolean;
  differs: boolean;
  /** For numbers: each run's value minus the first run's, and that change relative to |first|. */
  deltas: ({ absolute: number; relative: JsonNumber } | null)[];
}

export interface DiffResult {
  table: string;
  runs: string[];
  rows: DiffRow[];
}

/**
 * The columns of two or more runs side by side (each run's last value of each column), with
 * numeric deltas against the first run; only the columns that differ unless `all`. A run that is
 * not in the table is EMPTY_SELECTION.
 */
export async function diffRuns(source: ComparisonSource, runs: string[], options: DiffOptions = {}): Promise<DiffResult> {
  if (runs.length < 2) throw new XetrackError('INVALID_ARGUMENT', `Name at least two runs to diff (got ${runs.length}).`);
  const columns = (await source.engine.describe(source.table)).map((c) => c.name).filter((c) => c !== 'track_id' && c !== 'timestamp');
  const perRun: { last: Map<string, CellValue>; constant: Map<string, boolean> }[] = [];
  for (const run of runs) {
    const rows = await source.engine.select(source.table, { where: [{ column: 'track_id', op: '=', value: run }], orderBy: [{ column: 'timestamp' }] });
    if (rows.length === 0) throw new XetrackError('EMPTY_SELECTION', `No run ${JSON.stringify(run)} in table "${source.table}": list the runs with \`xt runs\`.`);
    const last = new Map<string, CellValue>();
    const constant = new Map<string, boolean>();
    for (const row of rows) {
      for (const column of columns) {
        const value = row[column] ?? null;
        if (value === null) continue;
        const before = last.get(column);
        if (before !== undefined && !same(before, value)) constant.set(column, false);
        else if (!constant.has(column)) constant.set(column, true);
        last.set(column, value);
      }
    }
    perRun.push({ last, constant });
  }
  const rows: DiffRow[] = [];
  for (const column of columns) {
    const values = perRun.map((r) => r.last.get(column) ?? null);
    if (values.every((v) => v === null)) continue;
    const differs = values.some((v) => !same(v, values[0]!));
    if (!differs && !options.all) continue;
    const first = values[0];
    const deltas = values.map((v) => {
      if (typeof v !== 'number' || typeof first !== 'number') return null;
      return { absolute: v - first, relative: first === 0 ? null : (v - first) / Math.abs(first) };
    });
    rows.push({ column, values, constant: perRun.every((r) => r.constant.get(column) !== false), differs, deltas });
  }
  return { table: source.table, runs, rows };
}

function same(a: CellValue, b: CellValue): boolean {
  return a === b || JSON.stringify(keyPart(a)) === JSON.stringify(keyPart(b));
}
