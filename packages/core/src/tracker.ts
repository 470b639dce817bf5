import type { ColumnType, Engine, Filter, Row } from './engine/contract.js';
import { guardEngine } from './engine/guard-engine.js';
import { logOnlyEngine } from './engine/log-only-engine.js';
import { openEngine, type EngineChoice } from './engine/load-engine.js';
import { describeValue } from './describe-value.js';
import { XetrackError } from './errors.js';
import type { ExportFormat } from './export/export-table.js';
import { changesRows, closeAddOns, logToSinks, openAddOns, withAddOns, type AddOns } from './extensions/add-ons.js';
import type { AssetStore } from './extensions/asset-store.js';
import type { FunctionCache } from './extensions/function-cache.js';
import type { Monitor } from './extensions/monitor.js';
import type { TrackLogger } from './logging/track-logger.js';
import { loadGit } from './optional-packages.js';
import type { ColumnOf, PickedRow, RowQuery } from './query/row-query.js';
import { TableReads } from './query/table-reads.js';
import type { DeclaredKeysOnly, LogData, LoggedRow, PlainRow, TrackedRow } from './rows.js';
import { checkTableName, columnNameFor } from './schema/identifiers.js';
import { formatMicros, nextTimestamp, reserveMicros } from './schema/timestamp.js';
import { generateTrackId } from './schema/track-id.js';
import { ingest } from './spool/ingest.js';
import { spoolEngine, type SpoolOptions } from './spool/spool-engine.js';
import type { BuiltRow } from './table/row-builder.js';
import { TrackingTable } from './table/tracking-table.js';
import { throwIfFailed, type WriteFailures, type WriteTicket } from './table/write-queue.js';
import { isPlainObject } from './tracking/function-call.js';
import { TrackedCalls, type TrackOptions } from './tracking/tracked-calls.js';
import { createWarn, type Warn } from './warnings.js';

export type { TrackOptions } from './tracking/tracked-calls.js';

export interface TrackerOptions {
  /** Table to log into (default `default`); one file holds any number of tables. */
  table?: string;
  /** Values logged on every row; logged data wins a key clash. */
  params?: Record<string, unknown>;
  /**
   * Column types to declare now, before any value decides them: `{ temperature: 'float' }` keeps
   * `temperature: 0` from making an integer column. An existing integer column declared `float` is
   * widened (its values kept). Keys are named as `log()` names them.
   */
  columns?: Record<string, ColumnType>;
  /** This run's id; generated (`adjective-animal-1234`) when omitted or empty. */
  trackId?: string;
  /** Delete every row of the table before logging (columns stay). */
  reset?: boolean;
  /** An engine, an engine plugin, or an engine name; by default the one the path implies (SQLite). */
  engine?: EngineChoice;
  /** Options merged into the engine's own when core creates it, e.g. `{ synchronous: 'full' }`. */
  engineOptions?: Record<string, unknown>;
  /** Re-throw errors of tracked functions after logging them (default true). */
  raiseOnError?: boolean;
  /** Print the library's warnings to stderr (default true). */
  warnings?: boolean;
  /** Function-result cache for `track()`: a store, or a directory for `@xetrack/cache`'s default store. */
  cache?: FunctionCache | string;
  /**
   * Put the tracker's params in the cache key of every `track()` call (default false, as in Python:
   * only the function's name, `version`, arguments and per-call `params` are). Set it when cached
   * functions read the params from outer scope; `false` also silences the warning about it.
   */
  cacheKeyParams?: boolean;
  /** Store non-plain values (models, tensors, class instances) as assets: a store, or `true` for `@xetrack/assets`' default store in this database file. */
  assets?: AssetStore | boolean;
  /** System monitor sampled during `track()` (e.g. `systemMonitor()` from `@xetrack/sysmon`). */
  monitor?: Monitor;
  /** Stamp every row with `git_commit_hash`, the HEAD commit of this repository (needs `@xetrack/git`). */
  gitRoot?: string;
  /** Print every logged row to stdout in the Python xetrack line format. */
  logsStdout?: boolean;
  /** Directory of daily log files in the Python xetrack line format. */
  logsPath?: string;
  /** File name pattern in `logsPath`; `{date}` is the day (default `{date}.log`). */
  logsFileFormat?: string;
  /** A JSONL file receiving one object per logged row. */
  jsonl?: string;
  /** Log only: write the log sinks and no database (Python's `SKIP_INSERT`). */
  skipInsert?: boolean;
  /**
   * Spool mode, for shared filesystems and clusters: rows are appended to this process's own file in
   * the spool directory instead of the database, and `ingest()` (`xt ingest SPOOL DB`) loads them
   * into the database (the tracker's path) later, exactly once. A directory, or `{ dir, fsync, ingestOnClose }`.
   */
  spool?: string | SpoolOptions;
}

/**
 * Logs a run's records as rows of a wide table: one column per key, added the first time the key
 * appears. Every method that touches storage returns a Promise; calls made without awaiting each
 * other are committed together in call order (group commit).
 */
export class Tracker<R = Record<string, unknown>> {
  readonly trackId: string;
  /** Where the data lives (the path given, or the engine's location). */
  readonly path: string;
  readonly table: string;
  readonly raiseOnError: boolean;
  private readonly store: TrackingTable;
  private readonly reads: TableReads<R>;
  private readonly calls: TrackedCalls;
  private readonly ownedEngine: Engine | undefined;
  private readonly currentParams: Record<string, unknown>;
  private readonly warn: Warn;
  private readonly addOns: AddOns;
  private last: TrackedRow<R> | undefined;
  private closed = false;
  /** Runs once the engine is closed (spool mode's `ingestOnClose`). */
  private afterClose: (() => Promise<void>) | undefined;
  /** The params' cells, encoded once; cleared when they change. */
  private paramCells: { cells: Row; json: Record<string, unknown> | undefined } | undefined;
  /** JSON values as given, for rows that have any (reads return them parsed, so log() returns them so too). */
  private readonly jsonValues = new WeakMap<Row, Record<string, unknown>>();

  private constructor(path: string, store: TrackingTable, ownedEngine: Engine | undefined, options: TrackerOptions, warn: Warn, addOns: AddOns) {
    this.path = path;
    this.store = store;
    this.table = store.name;
    this.ownedEngine = ownedEngine;
    this.trackId = options.trackId || generateTrackId();
    this.currentParams = { ...options.params };
    this.raiseOnError = options.raiseOnError ?? true;
    this.warn = warn;
    this.addOns = addOns;
    this.reads = new TableReads<R>(store);
    this.calls = new TrackedCalls({
      trackId: this.trackId,
      raiseOnError: this.raiseOnError,
      cacheKeyParams: options.cacheKeyParams,
      params: () => this.currentParams,
      cache: addOns.cache,
      monitor: addOns.monitor,
      warn,
      log: (data) => this.log(data as never), // a call's keys are its columns, not the tracker's declared ones
    });
  }

  /**
   * Opens (creating when needed) the database at `path` and its table. With no `engine`, the
   * engine the path implies is loaded lazily: `@xetrack/engine-sqlite` for a file path.
   */
  static async open<R = Record<string, unknown>>(path = 'track.db', options: TrackerOptions = {}): Promise<Tracker<R>> {
    const warn = createWarn(options.warnings ?? true);
    checkTableName(options.table ?? 'default'); // before anything is created
    const spool = typeof options.spool === 'string' ? { dir: options.spool } : options.spool;
    if (spool && options.assets === true) {
      throw new XetrackError(
        'INVALID_ARGUMENT',
        "`assets: true` keeps assets in the tracker's SQLite file, which a spool-mode tracker does not open: pass an asset store (assetStore({ path })) instead.",
      );
    }
    const { engine, owned } = options.skipInsert
      ? { engine: logOnlyEngine(path), owned: true }
      : spool
        ? { engine: spoolEngine(spool), owned: true }
        : await openEngine(path, options.engine, { options: options.engineOptions });
    const guarded = guardEngine(engine);
    try {
      const store = await TrackingTable.open(guarded, options.table ?? 'default', { create: true });
      if (options.columns !== undefined) await store.declareColumns(options.columns);
      const addOns = await openAddOns(options, path, guarded, store.name);
      const tracker = new Tracker<R>(path, store, owned ? guarded : undefined, options, warn, addOns);
      if (spool?.ingestOnClose) tracker.afterClose = async () => void (await ingest(spool.dir, path, { targetEngine: options.engine }));
      if (options.gitRoot !== undefined) await tracker.stampGitCommit(options.gitRoot);
      if (options.reset) await guarded.delete(store.name, []);
      await store.addColumnsFor(tracker.currentParams);
      return tracker;
    } catch (error) {
      if (owned) await guarded.close().catch(() => undefined);
      throw error;
    }
  }

  private async stampGitCommit(root: string): Promise<void> {
    const hash = await (await loadGit('The gitRoot option')).gitCommitHash(root);
    if (hash) {
      this.currentParams.git_commit_hash = hash;
      this.paramCells = undefined;
    } else this.warn(`gitRoot ${JSON.stringify(root)} is not inside a git repository with a commit: rows get no git_commit_hash.`);
  }

  /** The asset store, when the tracker was opened with `assets`. */
  get assets(): AssetStore | undefined {
    return this.addOns.assets;
  }

  /** The function-result cache, when the tracker was opened with `cache`. */
  get cache(): FunctionCache | undefined {
    return this.addOns.cache;
  }

  /** The tracker's log sinks, when any was asked for: `logger.monitor(rows)`, `logger.experiment(obj)`. */
  get logger(): TrackLogger | undefined {
    return this.addOns.logger;
  }

  /** The engine this tracker writes through. */
  get engine(): Engine {
    return this.store.engine;
  }

  /** The values logged on every row (a copy). */
  get params(): Record<string, unknown> {
    return { ...this.currentParams };
  }

  /** The last row this tracker logged, as it was stored. */
  get latest(): TrackedRow<R> | undefined {
    return this.last;
  }

  private check(): void {
    if (this.closed) throw new XetrackError('CLOSED', `The tracker for ${this.path} is closed: open a new one with Tracker.open().`);
  }

  /**
   * The row for `data`: key columns, then the params (encoded once, until they change), then the
   * data. JSON values as given are remembered beside the row, so `stored()` can return them parsed.
   */
  private row(data: Record<string, unknown>, timestamp: string): BuiltRow {
    if (!isPlainObject(data)) {
      throw new XetrackError('INVALID_ARGUMENT', `log() and logBatch() take plain objects of key/value pairs ({ key: value }), not ${describeValue(data)}.`);
    }
    const params = this.encodedParams();
    const built = this.store.buildRow(this.trackId, timestamp, params.cells, data, this.onKeyColumn);
    if (built.json !== undefined || params.json !== undefined) this.jsonValues.set(built.row, { ...params.json, ...built.json });
    return built;
  }

  private encodedParams(): { cells: Row; json: Record<string, unknown> | undefined } {
    if (this.paramCells === undefined) {
      const cells: Row = {};
      const json = this.store.encode(cells, this.currentParams, this.onKeyColumn);
      this.paramCells = { cells, json };
    }
    return this.paramCells;
  }

  private readonly onKeyColumn = (key: string): void => this.warn(`The key "${key}" is set by the tracker and was ignored in logged data.`);

  /** A committed row as the caller gets it back: JSON columns hold the values given, not their text. */
  private stored(row: Row): TrackedRow<R> {
    const json = this.jsonValues.get(row);
    return (json ? { ...row, ...json } : row) as unknown as TrackedRow<R>;
  }

  /**
   * Logs one row (this run's params, then `data`, a plain object); resolves with the row once it is
   * committed, typed with the keys given.
   */
  log<D extends LogData<R>>(data: D & PlainRow<D> & DeclaredKeysOnly<D, R>): Promise<LoggedRow<R, D>> {
    // Not an async function: a burst of un-awaited calls keeps one `then` per call alive until its
    // group commits, not a suspended frame (about half the memory the garbage collector copies).
    try {
      this.check();
      if (changesRows(this.addOns)) return this.logWithAddOns(data as Record<string, unknown>) as Promise<LoggedRow<R, D>>;
      const input = data as Record<string, unknown>;
      const { row } = this.row(input, nextTimestamp());
      const ticket = this.store.enqueue(row);
      // `done` is shared by every call of the group: no promise of our own per call
      return ticket.done.then((failures) => this.logged(ticket, failures, row, input)) as Promise<LoggedRow<R, D>>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** `log()` when add-ons (assets, a monitor's snapshot) change the row first. */
  private async logWithAddOns(data: Record<string, unknown>): Promise<TrackedRow<R>> {
    const input = await withAddOns(this.addOns, data);
    const { row } = this.row(input, nextTimestamp());
    const ticket = this.store.enqueue(row);
    return this.logged(ticket, await ticket.done, row, input);
  }

  /** A logged row once its group settled: its call's error thrown, or the row as stored. */
  private logged(ticket: WriteTicket, failures: WriteFailures, row: Row, input: Record<string, unknown>): TrackedRow<R> {
    throwIfFailed(ticket, failures);
    const stored = this.stored(row);
    if (this.addOns.logger) logToSinks(this.addOns.logger, [stored], [input], this.warn);
    this.last = stored;
    return stored;
  }

  /** Logs many rows (plain objects) in one transaction: all are committed or none. Resolves every row, typed with the keys given. */
  async logBatch<D extends LogData<R>>(rows: readonly (D & PlainRow<D> & DeclaredKeysOnly<D, R>)[]): Promise<LoggedRow<R, D>[]> {
    this.check();
    if (!Array.isArray(rows)) throw new XetrackError('INVALID_ARGUMENT', `logBatch() takes an array of rows, not ${describeValue(rows)}.`);
    if (rows.length === 0) return [];
    const inputs = changesRows(this.addOns) ? await Promise.all(rows.map((r) => withAddOns(this.addOns, r as Record<string, unknown>))) : rows;
    const first = reserveMicros(inputs.length); // one clock read for the whole batch
    const prepared = new Array<Row>(inputs.length);
    let withJson = false;
    // a rejected row rejects the batch: the columns its earlier rows asked for are not added either
    this.store.atomically(() => {
      for (let i = 0; i < inputs.length; i++) {
        const built = this.row(inputs[i] as Record<string, unknown>, formatMicros(first + i));
        prepared[i] = built.row;
        withJson ||= built.json !== undefined;
      }
    });
    const ticket = this.store.enqueue(prepared);
    throwIfFailed(ticket, await ticket.done);
    const out = prepared as unknown as TrackedRow<R>[];
    if (withJson || this.paramCells?.json !== undefined) for (let i = 0; i < prepared.length; i++) out[i] = this.stored(prepared[i]!);
    if (this.addOns.logger) logToSinks(this.addOns.logger, out, inputs as readonly Record<string, unknown>[], this.warn);
    this.last = out[out.length - 1];
    return out as unknown as LoggedRow<R, D>[];
  }

  /**
   * Calls `fn(...args)` (awaiting a promise), and logs `function_name`, `function_time` (seconds),
   * `args` (JSON), `error` ('' when none), object arguments unpacked into `{arg}_{field}` columns,
   * and the result: a plain object merges in as columns, anything else goes to `function_result`.
   * A thrown error is logged, then re-thrown unless `raiseOnError` is false (then resolves undefined).
   *
   * With a cache, a call whose key is cached is not run: its row has `function_time` 0 and `cache` =
   * the track_id that computed it (lineage); a computed row has `cache` = ''. Errors are never cached.
   */
  async track<F extends (...args: any[]) => unknown>(fn: F, options: TrackOptions<Parameters<F>> = {}): Promise<Awaited<ReturnType<F>>> {
    this.check();
    return this.calls.track(fn, options);
  }

  /** `fn` as a tracked function: same parameters, returns a Promise of the result. */
  wrap<F extends (...args: any[]) => unknown>(fn: F, options: Omit<TrackOptions<Parameters<F>>, 'args'> = {}): (...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>> {
    return (...args) => this.track(fn, { ...options, args });
  }

  /** Adds a param logged on every later row (earlier rows keep theirs); returns its column name. */
  async setParam(key: string, value: unknown): Promise<string> {
    await this.setParams({ [key]: value });
    return columnNameFor(key);
  }

  /** Adds several params, as `setParam`; their columns exist once this resolves. */
  async setParams(params: Record<string, unknown>): Promise<void> {
    this.check();
    await this.store.addColumnsFor(params);
    Object.assign(this.currentParams, params);
    this.paramCells = undefined;
  }

  /** Sets `key` to `value` on every row of this run ("back in time"); resolves the count changed. */
  async setValue(key: string, value: unknown): Promise<number> {
    this.check();
    return this.reads.setValue(key, value, {}, this.run());
  }

  /** Sets `key` to `value` on this run's rows where `whereKey` equals `whereValue`. */
  async setWhere(key: string, value: unknown, whereKey: string, whereValue: unknown): Promise<number> {
    this.check();
    return this.reads.setWhere(key, value, whereKey, whereValue, {}, this.run());
  }

  /** The condition that selects this run's rows (none with `all`). */
  private run(all = false): Filter[] {
    return all ? [] : [{ column: 'track_id', op: '=', value: this.trackId }];
  }

  /**
   * This run's rows in timestamp order, or every row of the table with `all: true`; `query` filters,
   * orders and pages them as `Reader.toRows` does, e.g. `toRows({ where: { split: 'test' }, limit: 5 })`.
   */
  async toRows<const C extends ColumnOf<R>>(query: RowQuery<R> & { all?: boolean; columns: readonly C[] }): Promise<PickedRow<R, C>[]>;
  async toRows(query?: RowQuery<R> & { all?: boolean }): Promise<TrackedRow<R>[]>;
  async toRows({ all, ...query }: RowQuery<R> & { all?: boolean } = {}): Promise<unknown[]> {
    this.check();
    return this.reads.rows(query, this.run(all));
  }

  /** Writes this run's rows (or all with `all: true`) to a CSV file; resolves the row count. */
  async toCsv(file: string, options: { all?: boolean } = {}): Promise<number> {
    return this.exportTo(file, options, 'csv');
  }

  /** Writes this run's rows (or all) to a JSONL file, one object per line. */
  async toJsonl(file: string, options: { all?: boolean } = {}): Promise<number> {
    return this.exportTo(file, options, 'jsonl');
  }

  /** Writes this run's rows (or all) to a Parquet file (needs `@xetrack/engine-duckdb`). */
  async toParquet(file: string, options: { all?: boolean } = {}): Promise<number> {
    return this.exportTo(file, options, 'parquet');
  }

  private async exportTo(file: string, { all }: { all?: boolean }, format: ExportFormat): Promise<number> {
    this.check();
    return this.reads.exportTo(file, {}, format, this.run(all));
  }

  /** This run's first `n` rows. */
  async head(n = 5): Promise<TrackedRow<R>[]> {
    this.check();
    return (await this.reads.head(n, this.run())) as TrackedRow<R>[];
  }

  /** This run's last `n` rows, oldest first. */
  async tail(n = 5): Promise<TrackedRow<R>[]> {
    this.check();
    return (await this.reads.tail(n, this.run())) as TrackedRow<R>[];
  }

  /** This run's row at `index` in timestamp order (negative counts from the end), or undefined. */
  async rowAt(index: number): Promise<TrackedRow<R> | undefined> {
    this.check();
    return (await this.reads.rowAt(index, this.run())) as TrackedRow<R> | undefined;
  }

  /** The values of one column over this run's rows, in timestamp order. */
  async values<K extends keyof TrackedRow<R> & string>(column: K): Promise<TrackedRow<R>[K][]> {
    this.check();
    return (await this.reads.values(column, this.run())) as TrackedRow<R>[K][];
  }

  /** Rows of this run. */
  async countRun(): Promise<number> {
    this.check();
    return this.reads.count({}, this.run());
  }

  /** Rows of every run in the table. */
  async countAll(): Promise<number> {
    this.check();
    return this.reads.count({});
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

  /** Resolves once every row logged so far is committed. */
  async flush(): Promise<void> {
    await this.store.flush();
  }

  /** Commits what is pending and closes the engine if this tracker opened it. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.store.flush();
    } finally {
      await closeAddOns(this.addOns);
      await this.ownedEngine?.close();
    }
    await this.afterClose?.();
  }
}
