import { KEY_COLUMNS, type ColumnSpec, type Measure, type Row, type Where } from '../engine/contract.js';
import { compareCells } from '../engine/aggregate.js';
import { XetrackError } from '../errors.js';
import { decodeValue, type Value } from '../schema/values.js';
import type { TrackingTable } from '../table/tracking-table.js';

/** Which value of a metric is its best: the greatest (`max`, e.g. accuracy) or the least (`min`, e.g. loss). */
export type MetricGoal = 'max' | 'min';

export interface RunsOptions {
  /** Metrics to report per run, each with its goal: `{ accuracy: 'max', loss: 'min' }`. */
  metrics?: Record<string, MetricGoal>;
  /**
   * Find each run's params (default true). It reads every column of every row; `false` skips it,
   * and then only the (track_id, timestamp) index and the metrics' columns are read.
   */
  params?: boolean;
  /** Only runs with rows matching these conditions (the contract's form; counts and values then cover those rows). */
  where?: Where[];
}

/** A metric of one run: its last non-null value (by timestamp) and its best one. */
export interface MetricSummary {
  last: Value;
  best: Value;
}

/** One run in a table: id, row count, first and last timestamps, params, chosen metrics. */
export interface RunSummary {
  track_id: string;
  rows: number;
  first: string;
  last: string;
  /** The columns with one value on every row of the run (never NULL there), metrics excluded. */
  params: Record<string, Value>;
  /** Each metric asked for in `metrics`, by the name given. */
  metrics: Record<string, MetricSummary>;
}

/**
 * Every run's summary from one aggregate grouped by `track_id`, computed in the database: per
 * column its count, min and max (a column is a param of a run when its count is the run's row
 * count and its min equals its max), and per metric its `last` and its best. Columns that are a
 * param of no run are left out of that aggregate first (see `possibleParams`). Oldest run first.
 */
export async function runSummaries(store: TrackingTable, options: RunsOptions = {}): Promise<RunSummary[]> {
  const metrics = await Promise.all(
    Object.entries(options.metrics ?? {}).map(async ([key, goal]) => {
      if (goal !== 'max' && goal !== 'min') {
        throw new XetrackError('INVALID_ARGUMENT', `The goal of metric ${JSON.stringify(key)} is ${JSON.stringify(goal)}: use 'max' (higher is better) or 'min'.`);
      }
      return { key, goal, spec: await store.existingColumn(key) };
    }),
  );
  const metricColumns = new Set(metrics.map((m) => m.spec.name));
  const keys = new Set<string>(KEY_COLUMNS);
  const columns = options.params === false ? [] : (await store.columns()).filter((c) => !keys.has(c.name.toLowerCase()) && !metricColumns.has(c.name));
  const candidates = await possibleParams(store, columns, options.where);
  // result keys by position: column names can be anything, these cannot clash
  const measures: Measure[] = [
    { fn: 'count', as: 'rows' },
    { fn: 'min', column: 'timestamp', as: 'first' },
    { fn: 'max', column: 'timestamp', as: 'last' },
  ];
  candidates.forEach((c, i) => {
    measures.push({ fn: 'count', column: c.name, as: `p${i}n` }, { fn: 'min', column: c.name, as: `p${i}min` }, { fn: 'max', column: c.name, as: `p${i}max` });
  });
  metrics.forEach((m, i) => {
    measures.push({ fn: 'last', column: m.spec.name, as: `m${i}last` }, { fn: m.goal, column: m.spec.name, as: `m${i}best` });
  });
  await store.flush();
  const groups = await store.engine.aggregate!(store.name, { where: options.where, groupBy: ['track_id'], measures });
  const runs = groups.map((g: Row): RunSummary => {
    const rows = Number(g.rows);
    const params: Record<string, Value> = {};
    candidates.forEach((c, i) => {
      const min = g[`p${i}min`] ?? null;
      if (Number(g[`p${i}n`]) === rows && min !== null && compareCells(min, g[`p${i}max`] ?? null) === 0) params[c.name] = decodeValue(min, c.type);
    });
    const summary: Record<string, MetricSummary> = {};
    metrics.forEach((m, i) => {
      summary[m.key] = { last: decodeValue(g[`m${i}last`] ?? null, m.spec.type), best: decodeValue(g[`m${i}best`] ?? null, m.spec.type) };
    });
    return { track_id: String(g.track_id), rows, first: String(g.first), last: String(g.last), params, metrics: summary };
  });
  return runs.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
}

/** Runs whose first and last values decide which columns are worth checking on every run. */
const PILOT_RUNS = 20;

/**
 * `columns` less those that are a param of no run. Checking a column on every row costs three
 * aggregates per row; reading its first and last non-null value in each run (two reads per run
 * through the (track_id, timestamp) key) is enough to rule it out where the two differ or the run
 * has no value, and a column ruled out in every run is no run's param: the result stays exact.
 * That check pays for columns that vary within runs, so it covers only those that vary in most of
 * a few pilot runs: tables of one-row runs or of constant columns skip it.
 */
async function possibleParams(store: TrackingTable, columns: ColumnSpec[], where: Where[] = []): Promise<ColumnSpec[]> {
  if (columns.length === 0) return columns;
  const firstRows = await store.engine.select(store.name, { where, columns: ['track_id'], limit: PILOT_RUNS * 5 });
  const pilotRuns = [...new Set(firstRows.map((r) => r.track_id ?? null))].slice(0, PILOT_RUNS);
  if (pilotRuns.length === 0) return columns;
  const pilot = await variesInEachRun(store, columns, [...where, { column: 'track_id', op: 'in', value: pilotRuns }]);
  const varying = columns.filter((_, i) => pilot.filter((runVaries) => runVaries[i]).length * 2 > pilot.length);
  if (varying.length === 0) return columns;
  const everyRun = await variesInEachRun(store, varying, where);
  const never = new Set(varying.filter((_, i) => everyRun.every((runVaries) => runVaries[i])).map((c) => c.name));
  return columns.filter((c) => !never.has(c.name));
}

/** Per run, per column: true when the column's first and last non-null values differ or it has none. */
async function variesInEachRun(store: TrackingTable, columns: ColumnSpec[], where: Where[]): Promise<boolean[][]> {
  const measures = columns.flatMap((c, i): Measure[] => [
    { fn: 'first', column: c.name, as: `f${i}` },
    { fn: 'last', column: c.name, as: `l${i}` },
  ]);
  const groups = await store.engine.aggregate!(store.name, { where, groupBy: ['track_id'], measures });
  return groups.map((g) =>
    columns.map((_, i) => {
      const first = g[`f${i}`] ?? null;
      return first === null || compareCells(first, g[`l${i}`] ?? null) !== 0;
    }),
  );
}
