/**
 * Everything the page reads from one tracking table, answered in pages or down-sampled, never the
 * whole table: run lines, raw rows, metric series, histograms, tracked-call timings and system
 * readings. The report and the dashboard both read through it.
 */
import { formatMicros, parseTimestamp, type Filter, type MetricGoal, type Reader, type Row, type RunSummary } from '@xetrack/core';
import { downsample } from '../common/downsample.js';
import { searchRuns } from '../common/search.js';
import type { ColumnInfo, FunctionTiming, Histogram, RowsPage, RunInfo, RunsPage, Series, SystemSeries, TableMeta } from '../common/types.js';
import { toCell, toNumber } from './cells.js';
import { goalOf, isNumericType, KEY_COLUMNS, roleByName, STEP_COLUMNS } from './column-roles.js';

/** Rows read per query for the live page. */
const PAGE = 20_000;
/**
 * How far back each refresh looks again: another process may commit a row stamped a little before
 * the newest row already read (its clock ran first, its commit came later). Rows seen are skipped.
 */
const LATE_MICROS = 2_000_000;

export class TableSource {
  /** One line per run, from core's `runs()` (one GROUP BY in the database), by id. */
  private lines = new Map<string, RunInfo>();
  private columnList: ColumnInfo[] = [];
  private types: Record<string, string> = {};
  /** Metric columns and which way is better (`loss` min, `accuracy` max): what `runs()` summarizes. */
  private goals: Record<string, MetricGoal> = {};
  /** The newest timestamp read ('' before any row). */
  private indexed = '';
  private total = 0;
  /** Keys (track_id + timestamp) of the rows read within LATE_MICROS of the newest. */
  private recent = new Map<string, string>();

  private constructor(readonly reader: Reader) {}

  /** Reads the run lines (core's `runs()`) and where the table ends. */
  static async open(reader: Reader): Promise<TableSource> {
    const source = new TableSource(reader);
    await source.reload();
    const newest = await source.select({ columns: ['timestamp'], orderBy: [{ column: 'timestamp', desc: true }], limit: 1 });
    source.indexed = newest.length ? String(newest[0]!.timestamp) : '';
    if (source.indexed !== '') source.remember(await source.select({ columns: ['track_id', 'timestamp'], where: [{ column: 'timestamp', op: '>', value: source.horizon() }] }));
    return source;
  }

  get table(): string {
    return this.reader.table;
  }

  /** The newest timestamp read so far: where a live page's cursor starts. */
  get cursor(): string {
    return this.indexed;
  }

  private select(options: Parameters<Reader['engine']['select']>[1]): Promise<Row[]> {
    return this.reader.engine.select(this.reader.table, options);
  }

  /**
   * Every run line again: a first `runs()` finds each run's params (columns with one value on all
   * its rows); numeric columns that are not a param of every run are the metrics, which a second
   * `runs()` summarizes (last value and best).
   */
  private async reload(): Promise<void> {
    this.types = await this.reader.columnTypes();
    const first = await this.reader.runs();
    const everywhere = (name: string) => first.every((run) => name in run.params);
    this.goals = {};
    for (const [name, type] of Object.entries(this.types)) {
      const role = roleByName(name);
      if (isNumericType(type) && role !== 'key' && role !== 'call' && !everywhere(name)) this.goals[name] = goalOf(name);
    }
    if (this.types.function_time && !everywhere('function_time')) this.goals.function_time = 'min';
    const summaries = Object.keys(this.goals).length ? await this.reader.runs({ metrics: this.goals }) : first;
    this.lines = new Map(summaries.map((run) => [run.track_id, lineOf(run)]));
    this.total = summaries.reduce((n, run) => n + run.rows, 0);
    const paramNames = new Set(summaries.flatMap((run) => Object.keys(run.params)));
    const step = STEP_COLUMNS.map((s) => Object.keys(this.goals).find((name) => name.toLowerCase() === s)).find((n) => n !== undefined);
    this.columnList = Object.entries(this.types).map(([name, type]): ColumnInfo => {
      if (name === step) return { name, type, role: 'step' };
      const role = roleByName(name) ?? (name in this.goals ? 'metric' : paramNames.has(name) ? 'param' : 'other');
      return { name, type, role };
    });
  }

  /** Where the look-back for late rows starts. */
  private horizon(): string {
    return formatMicros(parseTimestamp(this.indexed) - LATE_MICROS);
  }

  /**
   * Reads the rows newer than what was read (looking LATE_MICROS back for rows committed late),
   * updates the lines of the runs they belong to (one `runs()` for those runs only), and resolves
   * those rows, oldest first. The dashboard calls it on every tick: a table being written costs
   * two small queries.
   */
  async refresh(): Promise<Row[]> {
    const fresh: Row[] = [];
    let from = this.indexed === '' ? '' : this.horizon();
    for (;;) {
      const where: Filter[] = from === '' ? [] : [{ column: 'timestamp', op: '>', value: from }];
      const page = await this.select({ where, orderBy: [{ column: 'timestamp' }], limit: PAGE });
      for (const row of page) if (!this.recent.has(keyOf(row))) fresh.push(row);
      if (page.length > 0 && String(page[page.length - 1]!.timestamp) > this.indexed) this.indexed = String(page[page.length - 1]!.timestamp);
      if (page.length < PAGE) break;
      from = String(page[page.length - 1]!.timestamp);
    }
    if (fresh.length === 0) return fresh;
    this.remember(fresh);
    const types = await this.reader.columnTypes();
    if (Object.keys(types).length !== Object.keys(this.types).length) {
      await this.reload(); // a new column: its role comes from every run
      return fresh;
    }
    const ids = [...new Set(fresh.map((row) => String(row.track_id)))];
    const updated = await this.reader.runs({ metrics: this.goals, where: [{ column: 'track_id', op: 'in', value: ids }] });
    for (const run of updated) this.lines.set(run.track_id, lineOf(run));
    this.total += fresh.length;
    return fresh;
  }

  /** Keeps the keys of rows near the newest, forgetting those now older than the look-back. */
  private remember(rows: Row[]): void {
    const horizon = this.horizon();
    for (const row of rows) {
      const ts = String(row.timestamp);
      if (ts > horizon) this.recent.set(keyOf(row), ts);
    }
    for (const [key, ts] of this.recent) if (ts <= horizon) this.recent.delete(key);
  }

  /** Rows newer than `cursor` (oldest first, at most `limit`): what a page that has `cursor` lacks. */
  async rowsAfter(cursor: string, limit: number): Promise<Row[]> {
    return this.select({ where: cursor === '' ? [] : [{ column: 'timestamp', op: '>', value: cursor }], orderBy: [{ column: 'timestamp' }], limit });
  }

  /** Rows as the page carries them: the table's columns in order, cells as JSON. */
  cellsOf(rows: Row[]): { columns: string[]; rows: (string | number | boolean | null)[][] } {
    const columns = this.columnList.map((c) => c.name);
    return { columns, rows: rows.map((r) => columns.map((c) => toCell(r[c]))) };
  }

  /** The column that orders a run's rows on a chart's x axis (`step`, `epoch`…), if the table has one. */
  private stepColumn(): string | null {
    return this.columnList.find((c) => c.role === 'step')?.name ?? null;
  }

  meta(): TableMeta {
    return { table: this.table, columns: this.columnList, stepColumn: this.stepColumn(), totalRows: this.total, totalRuns: this.lines.size, cursor: this.indexed };
  }

  /** Every run line, oldest run first. */
  runs(): RunInfo[] {
    return [...this.lines.values()].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  }

  /** Runs matching a search (the query API's where-tree, as JSON or text), sorted and paged. */
  runsPage(query: string, options: { sort?: string; desc?: boolean; offset?: number; limit?: number } = {}): RunsPage {
    const sort = options.sort ? { column: options.sort, desc: options.desc === true } : undefined;
    const matched = searchRuns(this.runs(), query, sort);
    const offset = options.offset ?? 0;
    return { runs: matched.slice(offset, offset + (options.limit ?? matched.length)), total: matched.length };
  }

  private runFilter(trackIds: string[] | undefined): Filter[] {
    return trackIds === undefined ? [] : [{ column: 'track_id', op: 'in', value: trackIds }];
  }

  /** Raw rows in timestamp order, one page (optionally only some runs'). */
  async rowsPage(offset: number, limit: number, trackIds?: string[]): Promise<RowsPage> {
    const where = this.runFilter(trackIds);
    const [rows, total] = await Promise.all([this.select({ where, orderBy: [{ column: 'timestamp' }], limit, offset }), this.reader.engine.count(this.table, where)]);
    return { ...this.cellsOf(rows), offset, total };
  }

  /** `metric` over steps for each run in `trackIds` (or every run), each down-sampled to `maxPoints`. */
  async series(metric: string, trackIds: string[] | undefined, maxPoints: number): Promise<Series[]> {
    const column = this.columnList.find((c) => c.name === metric);
    if (!column) return [];
    const step = this.stepColumn();
    const columns = ['track_id', ...(step && step !== metric ? [step] : []), metric];
    const rows = await this.select({ columns, where: [...this.runFilter(trackIds), { column: metric, op: 'is not null' }], orderBy: [{ column: 'timestamp' }] });
    const byRun = new Map<string, { x: number[]; y: (number | null)[] }>();
    for (const id of trackIds ?? []) byRun.set(id, { x: [], y: [] });
    for (const row of rows) {
      const id = String(row.track_id);
      let s = byRun.get(id);
      if (!s) byRun.set(id, (s = { x: [], y: [] }));
      const x = step && step !== metric ? toNumber(row[step]) : s.x.length;
      if (x === null) continue;
      s.x.push(x);
      s.y.push(toNumber(row[metric]));
    }
    return [...byRun].map(([track_id, s]) => ({ track_id, metric, points: s.x.length, ...downsample(s.x, s.y, maxPoints) }));
  }

  /** A histogram of a numeric column over every row (or some runs'). */
  async histogram(column: string, bins: number, trackIds?: string[]): Promise<Histogram> {
    const rows = await this.select({ columns: [column], where: [...this.runFilter(trackIds), { column, op: 'is not null' }] });
    const values = rows.map((r) => toNumber(r[column])).filter((v): v is number => v !== null);
    return histogramOf(column, values, bins);
  }

  /** Timings of each tracked function: calls, errors, mean/min/max/total of `function_time` (seconds). */
  async timings(): Promise<FunctionTiming[]> {
    if (!this.types.function_name || !this.types.function_time) return [];
    const columns = ['function_name', 'function_time', ...(this.types.error ? ['error'] : [])];
    const rows = await this.select({ columns, where: [{ column: 'function_name', op: 'is not null' }] });
    const byName = new Map<string, FunctionTiming>();
    for (const row of rows) {
      const name = String(row.function_name);
      const time = toNumber(row.function_time) ?? 0;
      let t = byName.get(name);
      if (!t) byName.set(name, (t = { function_name: name, calls: 0, errors: 0, mean: 0, min: time, max: time, total: 0 }));
      t.calls++;
      t.total += time;
      t.min = Math.min(t.min, time);
      t.max = Math.max(t.max, time);
      if (row.error !== null && row.error !== undefined && row.error !== '') t.errors++;
    }
    return [...byName.values()].map((t) => ({ ...t, mean: t.total / t.calls })).sort((a, b) => b.total - a.total);
  }

  /** System readings of tracked calls over time (seconds since the first reading), at most `maxPoints` of them. */
  async system(maxPoints: number): Promise<SystemSeries> {
    const columns = this.columnList.filter((c) => c.role === 'system' && isNumericType(c.type)).map((c) => c.name);
    if (columns.length === 0) return { columns, x: [], values: [], points: 0 };
    const marker = this.types.function_name ? 'function_name' : columns[0]!;
    const rows = await this.select({ columns: ['timestamp', ...columns], where: [{ column: marker, op: 'is not null' }], orderBy: [{ column: 'timestamp' }] });
    const picked = evenly(rows, maxPoints);
    const t0 = picked.length ? secondsOf(String(picked[0]!.timestamp)) : 0;
    return {
      columns,
      x: picked.map((r) => Math.round((secondsOf(String(r.timestamp)) - t0) * 1000) / 1000),
      values: columns.map((c) => picked.map((r) => toNumber(r[c]))),
      points: rows.length,
    };
  }
}

/** At most `max` items spread evenly, first and last included. */
function evenly<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const step = (items.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => items[Math.round(i * step)]!);
}

function keyOf(row: Row): string {
  return `${String(row.track_id)}\u0000${String(row.timestamp)}`;
}

/** A run line as the page shows it: values made JSON, metrics as numbers. */
function lineOf(run: RunSummary): RunInfo {
  const params: RunInfo['params'] = {};
  for (const [name, value] of Object.entries(run.params)) if (!KEY_COLUMNS.includes(name)) params[name] = toCell(value);
  const metrics: RunInfo['metrics'] = {};
  for (const [name, m] of Object.entries(run.metrics)) {
    const last = toNumber(m.last);
    if (last !== null) metrics[name] = { last, best: toNumber(m.best) };
  }
  return { track_id: run.track_id, rows: run.rows, first: run.first, last: run.last, params, metrics };
}

/** A row timestamp (local time, `YYYY-MM-DD HH:MM:SS.ffffff`) as seconds, for time axes. */
export function secondsOf(timestamp: string): number {
  const ms = Date.parse(timestamp.replace(' ', 'T').slice(0, 23));
  const micros = Number(timestamp.slice(23, 26)) || 0;
  return Number.isNaN(ms) ? 0 : ms / 1000 + micros / 1e6;
}

/** Equal-width bins; whole numbers with few distinct values get one bin per value. */
export function histogramOf(column: string, values: number[], bins: number): Histogram {
  if (values.length === 0) return { column, edges: [], counts: [] };
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const whole = values.every(Number.isInteger) && max - min < bins;
  const count = whole ? max - min + 1 : min === max ? 1 : bins;
  const width = whole ? 1 : min === max ? 1 : (max - min) / count;
  const start = whole ? min - 0.5 : min === max ? min - 0.5 : min;
  const counts = new Array<number>(count).fill(0);
  for (const v of values) counts[Math.min(count - 1, Math.floor((v - start) / width))]!++;
  return { column, edges: Array.from({ length: count + 1 }, (_, i) => start + i * width), counts };
}
