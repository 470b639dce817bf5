import type { CellValue, Engine, Filter, Row } from '../engine/contract.js';
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
 * The query for `engine`: SQL run inside the database where the dialect is known (SQLite, DuckDB,
 * PostgreSQL: every built-in engine), so only per-run values leave it; a scan of the matching rows
 * through `select` for any other engine.
 */
export function sideQuery(engine: Engine, table: string): SideQuery {
  const dialect = engine.sql && (engine.name === 'sqlite' || engine.name === 'duckdb' || engine.name === 'postgres') ? engine.name : undefined;
  return dialect ? new SqlSideQuery(engine, table, dialect) : new ScanSideQuery(engine, table);
}

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

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
  if (typeof value === 'string' && value.trim() !== '') return Number(value); // PostgreSQL's numeric as text
  return undefined;
}

/** Runs per group in SQL that SQLite, DuckDB and PostgreSQL all run (double-quoted names, window functions). */
class SqlSideQuery implements SideQuery {
  constructor(
    private readonly engine: Engine,
    private readonly table: string,
    private readonly dialect: 'sqlite' | 'duckdb' | 'postgres',
  ) {}

  async runs(where: Condition[], groupBy: string[]): Promise<GroupRun[]> {
    return (await this.aggregate(where, groupBy, [])).map(({ values: _values, ...run }) => run);
  }

  /**
   * One GROUP BY per side: row count, newest timestamp and AVG/MIN/MAX per run; for `last`/`first`
   * the newest/oldest timestamp holding a value, whose rows are then read by primary key. Medians
   * and samples need each run's rows, so they are queries of their own.
   */
  async aggregate(where: Condition[], groupBy: string[], metrics: MetricRequest[]): Promise<RunAggregate[]> {
    const params: CellValue[] = [];
    const keys = [...groupBy.map(q), q('track_id')].join(', ');
    const columns = [`COUNT(*) AS "__rows"`, `MAX(${q('timestamp')}) AS "__last"`];
    metrics.forEach((m, i) => {
      const value = `CAST(${q(m.column)} AS DOUBLE PRECISION)`;
      const at = `CASE WHEN ${q(m.column)} IS NOT NULL THEN ${q('timestamp')} END`;
      const expression = { mean: `AVG(${value})`, min: `MIN(${value})`, max: `MAX(${value})`, last: `MAX(${at})`, first: `MIN(${at})` }[m.aggregate as string];
      if (expression) columns.push(`${expression} AS "__m${i}"`);
    });
    const rows = await this.run(`SELECT ${keys}, ${columns.join(', ')} FROM ${q(this.table)} ${this.whereSql(where, params)} GROUP BY ${keys}`, params);
    const runs = new Map<string, RunAggregate>();
    for (const row of rows) {
      const group = groupBy.map((g) => row[g] ?? null);
      const run: RunAggregate = { group, trackId: String(row.track_id), last: String(row.__last), rows: Number(row.__rows), values: metrics.map(() => undefined) };
      metrics.forEach((m, i) => {
        if (m.aggregate !== 'mean' && m.aggregate !== 'min' && m.aggregate !== 'max') return;
        const v = toNumber(row[`__m${i}`]);
        if (v !== undefined) run.values[i] = [v];
      });
      runs.set(runKey(group, run.trackId), run);
    }
    await this.pointValues(rows, groupBy, metrics, runs);
    for (const [i, m] of metrics.entries()) {
      if (m.aggregate !== 'median' && m.aggregate !== 'samples') continue;
      for (const row of await this.perRowValues(where, groupBy, m)) {
        const run = runs.get(runKey(groupBy.map((g) => row[g] ?? null), String(row.track_id)));
        const v = toNumber(row.__v);
        if (run && v !== undefined) (run.values[i] ??= []).push(v);
      }
    }
    return [...runs.values()];
  }

  /** `last`/`first`: reads the rows at the timestamps the GROUP BY found, by primary key, in chunks. */
  private async pointValues(rows: Row[], groupBy: string[], metrics: MetricRequest[], runs: Map<string, RunAggregate>): Promise<void> {
    const point = [...metrics.entries()].filter(([, m]) => m.aggregate === 'last' || m.aggregate === 'first');
    if (point.length === 0) return;
    const wanted = new Map<string, Set<string>>(); // track_id -> timestamps
    for (const row of rows) for (const [i] of point) {
      const ts = row[`__m${i}`];
      if (typeof ts !== 'string') continue;
      const set = wanted.get(String(row.track_id)) ?? new Set<string>();
      wanted.set(String(row.track_id), set.add(ts));
    }
    const found = new Map<string, Row>(); // track_id + timestamp -> row
    const ids = [...wanted.keys()];
    const columns = [...new Set(point.map(([, m]) => m.column))];
    for (let start = 0; start < ids.length; start += 200) {
      const chunk = ids.slice(start, start + 200);
      const stamps = [...new Set(chunk.flatMap((id) => [...wanted.get(id)!]))];
      const params: CellValue[] = [];
      const where = this.whereSql([{ column: 'track_id', op: 'in', value: chunk }, { column: 'timestamp', op: 'in', value: stamps }], params);
      const text = `SELECT ${q('track_id')}, ${q('timestamp')}, ${columns.map((c) => `CAST(${q(c)} AS DOUBLE PRECISION) AS ${q(c)}`).join(', ')} FROM ${q(this.table)} ${where}`;
      for (const row of await this.run(text, params)) found.set(`${String(row.track_id)}\u0000${String(row.timestamp)}`, row);
    }
    for (const row of rows) {
      const run = runs.get(runKey(groupBy.map((g) => row[g] ?? null), String(row.track_id)))!;
      for (const [i, m] of point) {
        const ts = row[`__m${i}`];
        const v = typeof ts === 'string' ? toNumber(found.get(`${run.trackId}\u0000${ts}`)?.[m.column]) : undefined;
        if (v !== undefined) run.values[i] = [v];
      }
    }
  }

  /** Each run's median (the middle row, or the mean of the two middle rows), or every row with `samples`. */
  private async perRowValues(where: Condition[], groupBy: string[], metric: MetricRequest): Promise<Row[]> {
    const params: CellValue[] = [];
    const filter = this.whereSql([...where, { column: metric.column, op: 'is not null' }], params);
    const keys = [...groupBy.map(q), q('track_id')].join(', ');
    const value = `CAST(${q(metric.column)} AS DOUBLE PRECISION)`;
    const from = `FROM ${q(this.table)} ${filter}`;
    const text =
      metric.aggregate === 'samples'
        ? `SELECT ${keys}, ${value} AS "__v" ${from} ORDER BY ${q('timestamp')}`
        : `SELECT ${keys}, AVG("__v") AS "__v" FROM (SELECT ${keys}, ${value} AS "__v", ROW_NUMBER() OVER (PARTITION BY ${keys} ORDER BY ${value}) AS "__rn", ` +
          `COUNT(*) OVER (PARTITION BY ${keys}) AS "__n" ${from}) AS "__runs" WHERE "__rn" * 2 >= "__n" AND "__rn" * 2 <= "__n" + 2 GROUP BY ${keys}`;
    return this.run(text, params);
  }

  private async run(text: string, params: CellValue[]): Promise<Row[]> {
    return (this.engine.sql as NonNullable<Engine['sql']>)(text, params);
  }

  private placeholder(params: CellValue[], value: CellValue): string {
    params.push(value);
    return this.dialect === 'postgres' ? `$${params.length}` : '?';
  }

  private whereSql(where: Condition[], params: CellValue[]): string {
    if (where.length === 0) return '';
    const parts = where.map((c) => {
      const column = q(c.column);
      switch (c.op) {
        case 'is null':
          return `${column} IS NULL`;
        case 'is not null':
          return `${column} IS NOT NULL`;
        case 'in': {
          const values = c.value as CellValue[];
          return values.length === 0 ? '1 = 0' : `${column} IN (${values.map((v) => this.placeholder(params, v)).join(', ')})`;
        }
        case 'like':
          return `${column} LIKE ${this.placeholder(params, c.value as CellValue)}`;
        default:
          return `${column} ${c.op} ${this.placeholder(params, c.value as CellValue)}`;
      }
    });
    return `WHERE ${parts.join(' AND ')}`;
  }
}

/**
 * For engines whose SQL dialect is unknown: reads the matching rows through `select` in timestamp
 * order (conditions the contract can express are passed down, `like` is applied here) and
 * aggregates them in one pass.
 */
class ScanSideQuery implements SideQuery {
  constructor(
    private readonly engine: Engine,
    private readonly table: string,
  ) {}

  async runs(where: Condition[], groupBy: string[]): Promise<GroupRun[]> {
    return (await this.aggregate(where, groupBy, [])).map(({ values: _values, ...run }) => run);
  }

  async aggregate(where: Condition[], groupBy: string[], metrics: MetricRequest[]): Promise<RunAggregate[]> {
    const columns = [...new Set([...groupBy, 'track_id', 'timestamp', ...metrics.map((m) => m.column)])];
    const runs = new Map<string, RunAggregate & { all: number[][] }>();
    for (const row of await this.rows(where, columns)) {
      const group = groupBy.map((g) => row[g] ?? null);
      const trackId = String(row.track_id);
      const key = runKey(group, trackId);
      let run = runs.get(key);
      if (!run) runs.set(key, (run = { group, trackId, last: '', rows: 0, values: metrics.map(() => undefined), all: metrics.map(() => []) }));
      run.rows++;
      const ts = String(row.timestamp);
      if (ts > run.last) run.last = ts;
      metrics.forEach((m, i) => {
        const raw = row[m.column];
        const v = typeof raw === 'boolean' ? Number(raw) : toNumber(raw ?? undefined);
        if (v !== undefined && typeof raw !== 'string') run.all[i]!.push(v);
      });
    }
    return [...runs.values()].map(({ all, ...run }) => ({ ...run, values: metrics.map((m, i) => (all[i]!.length === 0 ? undefined : reduce(all[i]!, m.aggregate))) }));
  }

  private async rows(where: Condition[], columns: string[]): Promise<Row[]> {
    const pushed = where.filter((c) => c.op !== 'like') as Filter[];
    const patterns = where.filter((c) => c.op === 'like').map((c) => ({ column: c.column, regex: likeRegex(String(c.value)) }));
    const rows = await this.engine.select(this.table, { where: pushed, columns, orderBy: [{ column: 'timestamp' }] });
    return patterns.length === 0 ? rows : rows.filter((row) => patterns.every((p) => typeof row[p.column] === 'string' && p.regex.test(row[p.column] as string)));
  }
}

/** One run's values of a metric (in timestamp order) as its value(s). */
function reduce(values: number[], aggregate: Aggregate): number[] {
  switch (aggregate) {
    case 'samples':
      return values;
    case 'last':
      return [values[values.length - 1]!];
    case 'first':
      return [values[0]!];
    case 'mean':
      return [values.reduce((a, b) => a + b, 0) / values.length];
    case 'min':
      return [values.reduce((a, b) => Math.min(a, b))];
    case 'max':
      return [values.reduce((a, b) => Math.max(a, b))];
    case 'median':
      return [median(values)];
  }
}

/** A SQL LIKE pattern as a regular expression (`%` any text, `_` one character). */
function likeRegex(pattern: string): RegExp {
  const body = [...pattern].map((ch) => (ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 's');
}

/** UNKNOWN_COLUMN naming what exists, for a column a comparison needs. */
export function unknownColumn(name: string, table: string, columns: string[], what: string): XetrackError {
  return new XetrackError('UNKNOWN_COLUMN', `No column ${JSON.stringify(name)} (${what}) in table "${table}". Columns: ${columns.join(', ')}.`);
}
