import { aggregateRows } from '../engine/aggregate.js';
import type { AggregateFn, CellValue, Engine, Measure, Where } from '../engine/contract.js';
import { XetrackError } from '../errors.js';
import type { Aggregate } from './metric-spec.js';
import type { Condition } from './side-selector.js';
import { median } from './statistics.js';

/** One run's rows within one group of a side. */
export interface GroupRun {
  group: CellValue[];
  trackId: string;
  /** Its newest timestamp, which orders runs for `latest` and `previous`. */
  last: string;
  rows: number;
}

/** A metric column and how each run's rows of it become the run's value(s). */
export interface MetricRequest {
  column: string;
  aggregate: Aggregate;
}

/** A run within a group, with its value(s) of each requested metric (in request order). */
export interface RunAggregate extends GroupRun {
  /** One value per run, every row's with `samples`; undefined when the run has none. */
  values: (number[] | undefined)[];
}

/**
 * How a comparison reads a side. Column names are the table's own; conditions are already typed
 * for their columns.
 */
export interface SideQuery {
  /** The runs (per group) the matching rows belong to. */
  runs(where: Condition[], groupBy: string[]): Promise<GroupRun[]>;
  /** The same runs with each metric aggregated per run: one pass over the matching rows. */
  aggregate(where: Condition[], groupBy: string[], metrics: MetricRequest[]): Promise<RunAggregate[]>;
}

/**
 * The query for `engine`, through the engine contract's `aggregate()`: SQLite, DuckDB and
 * PostgreSQL run it as one GROUP BY in the database (a guarded engine without the capability
 * computes it in core from `select`), so only per-run values leave the database. Medians and
 * samples need each run's rows, read with `select`.
 */
export function sideQuery(engine: Engine, table: string): SideQuery {
  return new AggregateSideQuery(engine, table);
}

/** A group value as a JSON-safe key part (bigint and bytes included). */
export function keyPart(value: CellValue): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}

/** The key of a run within a group. */
const runKey = (group: CellValue[], trackId: string) => JSON.stringify([group.map(keyPart), trackId]);

function toNumber(value: CellValue | undefined): number | undefined {
  if (typeof value === 'number') return Number.isNaN(value) ? undefined : value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return Number(value);
  return undefined;
}

const MEASURE: Partial<Record<Aggregate, AggregateFn>> = { mean: 'avg', min: 'min', max: 'max', last: 'last', first: 'first' };

class AggregateSideQuery implements SideQuery {
  constructor(
    private readonly engine: Engine,
    private readonly table: string,
  ) {}

  async runs(where: Condition[], groupBy: string[]): Promise<GroupRun[]> {
    return (await this.aggregate(where, groupBy, [])).map(({ values: _values, ...run }) => run);
  }

  async aggregate(where: Condition[], groupBy: string[], metrics: MetricRequest[]): Promise<RunAggregate[]> {
    const measures: Measure[] = [
      { fn: 'count', as: '__rows' },
      { fn: 'max', column: 'timestamp', as: '__last' },
    ];
    metrics.forEach((m, i) => {
      const fn = MEASURE[m.aggregate];
      if (fn) measures.push({ fn, column: m.column, as: `__m${i}` });
    });
    const options = { where: where as Where[], groupBy: [...groupBy, 'track_id'], measures };
    const rows = this.engine.aggregate ? await this.engine.aggregate(this.table, options) : await aggregateRows(this.engine, this.table, options);
    const runs = new Map<string, RunAggregate>();
    for (const row of rows) {
      const group = groupBy.map((g) => row[g] ?? null);
      const run: RunAggregate = { group, trackId: String(row.track_id), last: String(row.__last), rows: Number(row.__rows), values: metrics.map(() => undefined) };
      metrics.forEach((_, i) => {
        const v = toNumber(row[`__m${i}`]);
        if (v !== undefined) run.values[i] = [v];
      });
      runs.set(runKey(group, run.trackId), run);
    }
    for (const [i, m] of metrics.entries()) {
      if (m.aggregate !== 'median' && m.aggregate !== 'samples') continue;
      const perRun = new Map<string, number[]>();
      const select = {
        where: [...(where as Where[]), { column: m.column, op: 'is not null' as const }],
        columns: [...new Set([...groupBy, 'track_id', 'timestamp', m.column])],
        orderBy: [{ column: 'timestamp' }],
      };
      for (const row of await this.engine.select(this.table, select)) {
        const v = toNumber(row[m.column]);
        if (v === undefined) continue;
        const key = runKey(
          groupBy.map((g) => row[g] ?? null),
          String(row.track_id),
        );
        const list = perRun.get(key);
        if (list) list.push(v);
        else perRun.set(key, [v]);
      }
      for (const [key, values] of perRun) {
        const run = runs.get(key);
        if (run) run.values[i] = m.aggregate === 'samples' ? values : [median(values)];
      }
    }
    return [...runs.values()];
  }
}

/** UNKNOWN_COLUMN naming what exists, for a column a comparison needs. */
export function unknownColumn(name: string, table: string, columns: string[], what: string): XetrackError {
  return new XetrackError('UNKNOWN_COLUMN', `No column ${JSON.stringify(name)} (${what}) in table "${table}". Columns: ${columns.join(', ')}.`);
}
