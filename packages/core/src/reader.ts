import type { CellValue, ColumnSpec, ColumnType, Engine } from './engine/contract.js';
import { guardEngine } from './engine/guard-engine.js';
import { openEngine, type EngineChoice } from './engine/load-engine.js';
import { XetrackError } from './errors.js';
import type { TrackedRow, UntypedRow } from './rows.js';
import { TrackingTable } from './table/tracking-table.js';
import { readJsonl, readLogs, type LogRow, type ReadLogsOptions } from './logging/read-logs.js';
import { checkTableName } from './schema/identifiers.js';
import { exportFormatFor, type ExportFormat } from './export/export-table.js';
import { runSql } from './query/raw-sql.js';
import { runSummaries, type RunsOptions, type RunSummary } from './query/run-summaries.js';
import type { ColumnOf, PickedRow, RowQuery } from './query/row-query.js';
import { TableReads, type EditQuery } from './query/table-reads.js';

export interface ReaderOptions {
  /** Table to read (default `default`). It must exist: a reader never creates a file or table. */
  table?: string;
  /** An engine, an engine plugin, or an engine name; by default the one the path implies (SQLite). */
  engine?: EngineChoice;
  /** Options merged into the engine's own when core creates it. */
  engineOptions?: Record<string, unknown>;
}

/**
 * Reads (and edits) a tracking table that already exists, e.g. one written by another process or
 * by Python xetrack. Opening never creates a file or table: a missing one is a clear error.
 */
export class Reader<R = Record<string, unknown>> {
  readonly path: string;
  readonly table: string;
  private readonly store: TrackingTable;
  private readonly reads: TableReads<R>;
  private readonly ownedEngine: Engine | undefined;
  private closed = false;

  private constructor(path: string, store: TrackingTable, ownedEngine: Engine | undefined) {
    this.path = path;
    this.store = store;
    this.table = store.name;
    this.reads = new TableReads<R>(store);
    this.ownedEngine = ownedEngine;
  }

  static async open<R = Record<string, unknown>>(path = 'track.db', options: ReaderOptions = {}): Promise<Reader<R>> {
    checkTableName(options.table ?? 'default');
    const { engine, owned } = await openEngine(path, options.engine, { mustExist: true, options: options.engineOptions });
    const guarded = guardEngine(engine);
    try {
      const store = await TrackingTable.open(guarded, options.table ?? 'default', { create: false });
      return new Reader<R>(path, store, owned ? guarded : undefined);
    } catch (error) {
      if (owned) await guarded.close().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Structured entries of log files written with `logsPath` (or by Python xetrack): one file, or a
   * directory's `*.log` files. Each row is the entry's JSON plus its `level`.
   */
  static readLogs(path: string, options: ReadLogsOptions = {}): Promise<LogRow[]> {
    return readLogs(path, options);
  }

  /** The rows of a JSONL file written with `jsonl` (or by Python xetrack). */
  static readJsonl(path: string): Promise<LogRow[]> {
    return readJsonl(path);
  }

  /** The engine this reader reads through. */
  get engine(): Engine {
    return this.store.engine;
  }

  private check(): void {
    if (this.closed) throw new XetrackError('CLOSED', `The reader for ${this.path} is closed: open a new one with Reader.open().`);
  }

  /**
   * Rows matching `query`, in timestamp order unless it says `orderBy`: all rows, one run's
   * (`trackId`), those matching `where`, paged with `limit`/`offset`, the first `head` or the last
   * `tail`. E.g. `toRows({ where: { model: 'gpt', accuracy: { gte: 0.9 } }, orderBy: [['accuracy', 'desc']], limit: 10 })`.
   */
  async toRows<const C extends ColumnOf<R>>(query: RowQuery<R> & { columns: readonly C[] }): Promise<PickedRow<R, C>[]>;
  async toRows(query?: RowQuery<R>): Promise<TrackedRow<R>[]>;
  async toRows(query: RowQuery<R> = {}): Promise<unknown[]> {
    this.check();
    return this.reads.rows(query);
  }

  /**
   * Rows matching `query` one at a time, read in pages, so a table bigger than memory can be
   * walked. Other calls on this reader may run between rows.
   */
  async *iterate(query: Omit<RowQuery<R>, 'tail'> = {}): AsyncIterable<TrackedRow<R>> {
    this.check();
    yield* this.reads.iterate(query) as AsyncIterable<TrackedRow<R>>;
  }

  /**
   * Like `iterate`, each row as the array of its values, in `query.columns` order (table order
   * without it), yielded in batches of rows: no object per row, for reading many rows quickly.
   * `anyOrder` (without `orderBy`): rows in the order the engine reads them fastest, not sorted by
   * timestamp, for results that do not depend on the order (a sort of a large table costs a lot).
   */
  async *iterateArrays(query: Omit<RowQuery<R>, 'tail'> & { anyOrder?: boolean } = {}): AsyncIterable<unknown[][]> {
    this.check();
    yield* this.reads.iterateArrays(query);
  }

  /** Writes the rows `query` selects to a CSV file (streamed); resolves the row count. */
  async toCsv(file: string, query: RowQuery<R> = {}): Promise<number> {
    return this.exportTo(file, query, 'csv');
  }

  /** Writes the rows `query` selects to a JSONL file, one object per line (streamed). */
  async toJsonl(file: string, query: RowQuery<R> = {}): Promise<number> {
    return this.exportTo(file, query, 'jsonl');
  }

  /** Writes the rows `query` selects to a Parquet file (needs `@xetrack/engine-duckdb`). */
  async toParquet(file: string, query: RowQuery<R> = {}): Promise<number> {
    return this.exportTo(file, query, 'parquet');
  }

  /** Writes the rows `query` selects to `file`, in the format its extension names. */
  async exportTo(file: string, query: RowQuery<R> = {}, format: ExportFormat = exportFormatFor(file)): Promise<number> {
    this.check();
    return this.reads.exportTo(file, query, format);
  }

  /** The table's column names, in table order. */
  async columns(): Promise<string[]> {
    this.check();
    return this.reads.columnNames();
  }

  /** Each column's type. */
  async columnTypes(): Promise<Record<string, ColumnType>> {
    this.check();
    return this.reads.columnTypes();
  }

  /** The spec of the column `name` names (case-insensitive); UNKNOWN_COLUMN when there is none. */
  async column(name: string): Promise<ColumnSpec> {
    this.check();
    return this.reads.column(name);
  }

  /** Rows in the table, in one run, or matching `where`. */
  async count(query: EditQuery<R> = {}): Promise<number> {
    this.check();
    return this.reads.count(query);
  }

  /** The tracking tables in this database. */
  async tables(): Promise<string[]> {
    this.check();
    return this.store.engine.tables();
  }

  /** The rows of the most recent run: the run with the newest timestamp. `[]` for an empty table. */
  async latest(): Promise<TrackedRow<R>[]> {
    this.check();
    const newest = await this.store.select({ columns: ['track_id'], orderBy: [{ column: 'timestamp', desc: true }], limit: 1 });
    const trackId = newest[0]?.track_id;
    return typeof trackId === 'string' ? this.toRows({ trackId }) : [];
  }

  /**
   * One summary per run, oldest first: id, row count, first and last timestamp, its params (the
   * columns with one value on all its rows) and, for each metric in `metrics`, its last and best
   * value, so "which run won" is one call: `runs({ metrics: { accuracy: 'max' } })`. Computed in
   * the database (one GROUP BY track_id).
   */
  async runs(options: RunsOptions = {}): Promise<RunSummary[]> {
    this.check();
    return runSummaries(this.store, options);
  }

  /** Deletes every row of a run; resolves the count deleted. */
  async deleteRun(trackId: string): Promise<number> {
    this.check();
    return this.store.delete([{ column: 'track_id', op: '=', value: trackId }]);
  }

  /** Sets `key` to `value` on every row, or on one run's rows; adds the column when needed. */
  async setValue(key: string, value: unknown, query: EditQuery<R> = {}): Promise<number> {
    this.check();
    return this.reads.setValue(key, value, query);
  }

  /** Sets `key` to `value` where `whereKey` equals `whereValue` (and, optionally, in one run). */
  async setWhere(key: string, value: unknown, whereKey: string, whereValue: unknown, query: Pick<RowQuery<R>, 'trackId'> = {}): Promise<number> {
    this.check();
    return this.reads.setWhere(key, value, whereKey, whereValue, query);
  }

  /**
   * Runs one raw SQL statement (engines with `capabilities.rawSql`) with positional parameters,
   * exactly as written; rows typed as `T` (unchecked). A failure gets the hints `xt sql` gives: quote
   * a table named like an SQL keyword (`FROM "default"`), the columns there are for an unknown one.
   */
  async sql<T extends object = UntypedRow>(query: string, params: CellValue[] = []): Promise<T[]> {
    this.check();
    return (await runSql(this.store.engine, query, params)) as unknown as T[];
  }

  /** Closes the engine if this reader opened it. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ownedEngine?.close();
  }
}
