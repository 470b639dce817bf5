import type { CellValue, Engine, Filter, Row } from '../engine/contract.js';
import { XetrackError } from '../errors.js';
import type { Aggregate } from './metric-spec.js';
import type { Condition } from './side-selector.js';
import { mean, median } from './statistics.js';

/** One run's rows within one group of a side. */
export interface GroupRun {
  group: CellValue[];
  trackId: string;
  /** Its newest timestamp, which orders runs for `latest` and `previous`. */
  last: string;
  rows: number;
}

/** One run's value(s) of a metric within one group: one value, or every row's with `samples`. */
export interface RunValues {
  group: CellValue[];
  trackId: string;
  values: number[];
}

/**
 * How a comparison reads a side: the runs (per group) its rows belong to, and each run's aggregate
 * of a metric. Column names are the table's own; conditions are already typed for their columns.
 */
export interface SideQuery {
  runs(where: Condition[], groupBy: string[]): Promise<GroupRun[]>;
  values(where: Condition[], groupBy: string[], metric: string, aggregate: Aggregate): Promise<RunValues[]>;
}

/**
 * The query for `engine`: SQL run inside the database where the dialect is known (SQLite, DuckDB,
 * PostgreSQL: every built-in engine), so only one value per run and metric leaves it; a scan of the
 * matching rows through `select` for any other engine.
 */
export function sideQuery(engine: Engine, table: string): SideQuery {
  const dialect = engine.sql && (engine.name === 'sqlite' || engine.name === 'duckdb' || engine.name === 'postgres') ? engine.name : undefined;
  return dialect ? new SqlSideQuery(engine, table, dialect) : new ScanSideQuery(engine, table);
}

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Aggregation in SQL that SQLite, DuckDB and PostgreSQL all run (window functions, double quotes). */
class SqlSideQuery implements SideQuery {
  constructor(
    private readonly engine: Engine,
    private readonly table: string,
    private readonly dialect: 'sqlite' | 'duckdb' | 'postgres',
  ) {}

  async runs(where: Condition[], groupBy: string[]): Promise<GroupRun[]> {
    const params: CellValue[] = [];
    const keys = [...groupBy.map(q), q('track_id')].join(', ');
    const text = `SELECT ${keys}, MAX(${q('timestamp')}) AS "__last", COUNT(*) AS "__rows" FROM ${q(this.table)} ${this.whereSql(where, params)} GROUP BY ${keys}`;
    const rows = await this.run(text, params);
    return rows.map((row) => ({ group: groupBy.map((g) => row[g] ?? null), trackId: String(row.track_id), last: String(row.__last), rows: Number(row.__rows) }));
  }

  async values(where: Condition[], groupBy: string[], metric: string, aggregate: Aggregate): Promise<RunValues[]> {
    const params: CellValue[] = [];
    const filter = this.whereSql([...where, { column: metric, op: 'is not null' }], params);
    const keys = [...groupBy.map(q), q('track_id')].join(', ');
    const value = `CAST(${q(metric)} AS DOUBLE PRECISION)`;
    const from = `FROM ${q(this.table)} ${filter}`;
    let text: string;
    switch (aggregate) {
      case 'mean':
      case 'min':
      case 'max': {
        const fn = aggregate === 'mean' ? 'AVG' : aggregate.toUpperCase();
        text = `SELECT ${keys}, ${fn}(${value}) AS "__v" ${from} GROUP BY ${keys}`;
        break;
      }
      case 'last':
      case 'first': {
        const order = aggregate === 'last' ? 'DESC' : 'ASC';
        text = `SELECT ${keys}, "__v" FROM (SELECT ${keys}, ${value} AS "__v", ROW_NUMBER() OVER (PARTITION BY ${keys} ORDER BY ${q('timestamp')} ${order}) AS "__rn" ${from}) AS "__runs" WHERE "__rn" = 1`;
        break;
      }
      case 'median':
        // the middle row, or the mean of the two middle rows, of each run sorted by value
        text =
          `SELECT ${keys}, AVG("__v") AS "__v" FROM (SELECT ${keys}, ${value} AS "__v", ROW_NUMBER() OVER (PARTITION BY ${keys} ORDER BY ${value}) AS "__rn", ` +
          `COUNT(*) OVER (PARTITION BY ${keys}) AS "__n" ${from}) AS "__runs" WHERE "__rn" * 2 >= "__n" AND "__rn" * 2 <= "__n" + 2 GROUP BY ${keys}`;
        break;
      case 'samples':
        text = `SELECT ${keys}, ${value} AS "__v" ${from} ORDER BY ${q('timestamp')}`;
        break;
    }
    return collectValues(await this.run(text, params), groupBy);
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

/** Rows of (group..., track_id, __v) as values per run, in the order they came. */
function collectValues(rows: Row[], groupBy: string[]): RunValues[] {
  const byRun = new Map<string, RunValues>();
  for (const row of rows) {
    const v = row.__v;
    const value = typeof v === 'bigint' ? Number(v) : typeof v === 'string' ? Number(v) : (v as number | null);
    if (value === null || Number.isNaN(value)) continue;
    const group = groupBy.map((g) => row[g] ?? null);
    const trackId = String(row.track_id);
    const key = JSON.stringify([group.map(keyPart), trackId]);
    const run = byRun.get(key);
    if (run) run.values.push(value);
    else byRun.set(key, { group, trackId, values: [value] });
  }
  return [...byRun.values()];
}

/** A group value as a JSON-safe key part (bigint and bytes included). */
export function keyPart(value: CellValue): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}

/**
 * For engines whose SQL dialect is unknown: reads the matching rows through `select` (conditions
 * the contract can express are passed down, `like` is applied here) and aggregates in JavaScript.
 */
class ScanSideQuery implements SideQuery {
  constructor(
    private readonly engine: Engine,
    private readonly table: string,
  ) {}

  async runs(where: Condition[], groupBy: string[]): Promise<GroupRun[]> {
    const byRun = new Map<string, GroupRun>();
    for (const row of await this.rows(where, [...groupBy, 'track_id', 'timestamp'])) {
      const group = groupBy.map((g) => row[g] ?? null);
      const trackId = String(row.track_id);
      const key = JSON.stringify([group.map(keyPart), trackId]);
      const run = byRun.get(key);
      const ts = String(row.timestamp);
      if (!run) byRun.set(key, { group, trackId, last: ts, rows: 1 });
      else {
        run.rows++;
        if (ts > run.last) run.last = ts;
      }
    }
    return [...byRun.values()];
  }

  async values(where: Condition[], groupBy: string[], metric: string, aggregate: Aggregate): Promise<RunValues[]> {
    const rows = await this.rows([...where, { column: metric, op: 'is not null' }], [...groupBy, 'track_id', 'timestamp', metric]);
    const samples = collectValues(rows.map((row) => ({ ...row, __v: toNumber(row[metric] ?? null) })), groupBy);
    if (aggregate === 'samples') return samples;
    return samples.map((run) => ({ ...run, values: [reduce(run.values, aggregate)] }));
  }

  private async rows(where: Condition[], columns: string[]): Promise<Row[]> {
    const pushed = where.filter((c) => c.op !== 'like') as Filter[];
    const patterns = where.filter((c) => c.op === 'like').map((c) => ({ column: c.column, regex: likeRegex(String(c.value)) }));
    const rows = await this.engine.select(this.table, { where: pushed, columns: [...new Set(columns)], orderBy: [{ column: 'timestamp' }] });
    return patterns.length === 0 ? rows : rows.filter((row) => patterns.every((p) => typeof row[p.column] === 'string' && p.regex.test(row[p.column] as string)));
  }
}

function toNumber(value: CellValue): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return null;
}

/** One run's rows (in timestamp order) reduced to its value. */
function reduce(values: number[], aggregate: Exclude<Aggregate, 'samples'>): number {
  switch (aggregate) {
    case 'last':
      return values[values.length - 1]!;
    case 'first':
      return values[0]!;
    case 'mean':
      return mean(values);
    case 'min':
      return values.reduce((a, b) => Math.min(a, b));
    case 'max':
      return values.reduce((a, b) => Math.max(a, b));
    case 'median':
      return median(values);
  }
}

/** A SQL LIKE pattern as a regular expression (`%` any text, `_` one character). */
function likeRegex(pattern: string): RegExp {
  const body = [...pattern].map((ch) => (ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 's');
}

/** Throws UNKNOWN_COLUMN naming what exists, for a column a comparison needs. */
export function unknownColumn(name: string, table: string, columns: string[], what: string): XetrackError {
  return new XetrackError('UNKNOWN_COLUMN', `No column ${JSON.stringify(name)} (${what}) in table "${table}". Columns: ${columns.join(', ')}.`);
}
