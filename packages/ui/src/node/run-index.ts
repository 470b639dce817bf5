/**
 * One line per run (params and metric summaries), built from rows in timestamp order and kept up to
 * date by feeding it the rows that arrive later, so a live page never re-reads the whole table.
 */
import type { Cell, MetricSummary, RunInfo } from '../shared/types.js';
import { toCell, toNumber } from './cells.js';
import { KEY_COLUMNS } from './column-roles.js';

interface ColumnState {
  first: Cell;
  /** Every non-null value so far equals `first`. */
  constant: boolean;
  last: number | null;
  min: number | null;
  max: number | null;
}

interface RunState {
  track_id: string;
  rows: number;
  first: string;
  last: string;
  columns: Map<string, ColumnState>;
}

export class RunIndex {
  private readonly runs = new Map<string, RunState>();

  /** Adds rows (each with `track_id` and `timestamp`), oldest first. */
  add(rows: Iterable<Record<string, unknown>>): void {
    for (const row of rows) {
      const id = String(row.track_id);
      const ts = String(row.timestamp);
      let run = this.runs.get(id);
      if (!run) {
        run = { track_id: id, rows: 0, first: ts, last: ts, columns: new Map() };
        this.runs.set(id, run);
      }
      run.rows++;
      if (ts < run.first) run.first = ts;
      if (ts > run.last) run.last = ts;
      for (const key in row) {
        if (KEY_COLUMNS.includes(key)) continue;
        const raw = row[key];
        if (raw === null || raw === undefined) continue;
        const cell = toCell(raw);
        const n = toNumber(raw);
        const state = run.columns.get(key);
        if (!state) {
          run.columns.set(key, { first: cell, constant: true, last: n, min: n, max: n });
          continue;
        }
        if (state.constant && state.first !== cell) state.constant = false;
        if (n !== null) {
          state.last = n;
          state.min = state.min === null || n < state.min ? n : state.min;
          state.max = state.max === null || n > state.max ? n : state.max;
        }
      }
    }
  }

  get size(): number {
    return this.runs.size;
  }

  /** Columns that change within at least one run (the others are params). */
  varyingColumns(): Set<string> {
    const varying = new Set<string>();
    for (const run of this.runs.values()) for (const [name, state] of run.columns) if (!state.constant) varying.add(name);
    return varying;
  }

  /**
   * Every run, oldest first: `params` holds the columns in `paramColumns` (the run's value), `metrics`
   * the numeric columns in `metricColumns` (last, min, max).
   */
  list(paramColumns: Set<string>, metricColumns: Set<string>): RunInfo[] {
    const out: RunInfo[] = [];
    for (const run of this.runs.values()) {
      const params: Record<string, Cell> = {};
      const metrics: Record<string, MetricSummary> = {};
      for (const [name, state] of run.columns) {
        if (paramColumns.has(name)) params[name] = state.first;
        if (metricColumns.has(name) && state.last !== null) metrics[name] = { last: state.last, min: state.min, max: state.max };
      }
      out.push({ track_id: run.track_id, rows: run.rows, first: run.first, last: run.last, params, metrics });
    }
    return out.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  }
}
