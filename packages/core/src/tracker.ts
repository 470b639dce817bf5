import type { ColumnType, Engine, Filter, Row } from './engine/contract.js';
import { guardEngine } from './engine/guard-engine.js';
import { openEngine, type EngineChoice } from './engine/load-engine.js';
import { messageOf, XetrackError } from './errors.js';
import type { DeclaredKeysOnly, LogData, LoggedRow, PlainRow, TrackedRow } from './rows.js';
import { checkTableName, columnNameFor } from './schema/identifiers.js';
import { generateTrackId } from './schema/track-id.js';
import { formatMicros, nextTimestamp, reserveMicros } from './schema/timestamp.js';
import type { BuiltRow } from './table/row-builder.js';
import { TrackingTable } from './table/tracking-table.js';
import { throwIfFailed } from './table/write-queue.js';
import { argumentsText, isPlainObject, resultValue, unpackArguments } from './tracking/function-call.js';
import { functionName } from './tracking/function-name.js';
import { createWarn, type Warn } from './warnings.js';
import type { AssetStore } from './extensions/asset-store.js';
import type { CachedResult, FunctionCache } from './extensions/function-cache.js';
import type { Monitor } from './extensions/monitor.js';
import { logOnlyEngine } from './engine/log-only-engine.js';
import { spoolEngine, type SpoolOptions } from './spool/spool-engine.js';
import { ingest } from './spool/ingest.js';
import { TrackLogger } from './logging/track-logger.js';
import { loadAssets, loadCache, loadGit } from './optional-packages.js';
import { exportTable, type ExportFormat } from './export/export-table.js';
import { QueryCompiler, type ColumnOf, type PickedRow, type RowQuery } from './query/row-query.js';

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

/** The optional parts a tracker was opened with. */
interface AddOns {
  cache?: FunctionCache;
  assets?: AssetStore;
  monitor?: Monitor;
  logger?: TrackLogger;
  /** Add-ons the tracker created itself, closed with it. */
  owned: { close?(): Promise<void> }[];
}

/** Identical concurrent cached calls in this process compute once: the first call's pending result, by cache id and key. */
const inFlight = new Map<string, Promise<CachedResult | undefined>>();

export interface TrackOptions<A extends readonly unknown[]> {
  /** Arguments to call the function with. */
  args?: A;
  /** Values for this call's row only; they win over everything else in it. */
  params?: Record<string, unknown>;
  /** The `function_name` logged (default: the function's name). */
  name?: string;
  /** Names for the arguments when the function's parameter list can't be read (minified code). */
  argNames?: string[];
  /** Override the tracker's `raiseOnError` for this call. */
  raiseOnError?: boolean;
  /** Recompute even when the cache has the result, and overwrite the entry. */
  cacheForce?: boolean;
  /** Part of the cache key: bump it when the function's code changes. */
  version?: string;
  /** Override the tracker's `cacheKeyParams` for this call: put the tracker's params in the cache key. */
  cacheKeyParams?: boolean;
}

/** Functions already warned about being cached under tracker params the key leaves out. */
const warnedParamsNotInKey = new WeakSet<Function>();

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
  private readonly cacheKeyParams: boolean | undefined;
  private readonly store: TrackingTable;
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
    this.cacheKeyParams = options.cacheKeyParams;
    this.warn = warn;
    this.addOns = addOns;
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
      throw new XetrackError('INVALID_ARGUMENT', '`assets: true` keeps assets in the tracker\'s SQLite file, which a spool-mode tracker does not open: pass an asset store (assetStore({ path })) instead.');
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
      const addOns: AddOns = {
        owned: [],
        cache: typeof options.cache === 'string' ? await defaultCache(options.cache) : options.cache,
        assets: options.assets === true ? await defaultAssets(path, guarded) : options.assets || undefined,
        monitor: options.monitor,
        logger: TrackLogger.create({ stdout: options.logsStdout, path: options.logsPath, fileFormat: options.logsFileFormat, jsonl: options.jsonl }),
      };
      if (options.assets === true && addOns.assets) addOns.owned.push(addOns.assets);
      await addOns.assets?.attach?.({ engine: guarded, table: store.name });
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
    }
    else this.warn(`gitRoot ${JSON.stringify(root)} is not inside a git repository with a commit: rows get no git_commit_hash.`);
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
      throw new XetrackError('INVALID_ARGUMENT', `log() and logBatch() take plain objects of key/value pairs ({ key: value }), not ${describe(data)}.`);
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

  private readonly onKeyColumn = (key: string): void =>
    this.warn(`The key "${key}" is set by the tracker and was ignored in logged data.`);

  /** A committed row as the caller gets it back: JSON columns hold the values given, not their text. */
  private stored(row: Row): TrackedRow<R> {
    const json = this.jsonValues.get(row);
    return (json ? { ...row, ...json } : row) as unknown as TrackedRow<R>;
  }

  /**
   * Logs one row (this run's params, then `data`, a plain object); resolves with the row once it is
   * committed, typed with the keys given.
   */
  async log<D extends LogData<R>>(data: D & PlainRow<D> & DeclaredKeysOnly<D, R>): Promise<LoggedRow<R, D>> {
    this.check();
    const { assets, monitor } = this.addOns;
    const input = assets || monitor?.snapshot ? await this.withAddOns(data as Record<string, unknown>) : (data as Record<string, unknown>);
    const { row } = this.row(input, nextTimestamp());
    const ticket = this.store.enqueue(row);
    throwIfFailed(ticket, await ticket.done); // `done` is shared by every call of the group: no promise per call
    const stored = this.stored(row);
    if (this.addOns.logger) this.logRows([stored], [input]);
    this.last = stored;
    return stored as unknown as LoggedRow<R, D>;
  }

  /** `log()` of a row `track()` built: its keys are the call's columns, not the tracker's declared ones. */
  private logCallRow(data: Record<string, unknown>): Promise<unknown> {
    return this.log(data as never);
  }

  /** Logs many rows (plain objects) in one transaction: all are committed or none. Resolves every row, typed with the keys given. */
  async logBatch<D extends LogData<R>>(rows: readonly (D & PlainRow<D> & DeclaredKeysOnly<D, R>)[]): Promise<LoggedRow<R, D>[]> {
    this.check();
    if (!Array.isArray(rows)) throw new XetrackError('INVALID_ARGUMENT', `logBatch() takes an array of rows, not ${describe(rows)}.`);
    if (rows.length === 0) return [];
    const inputs = this.addOns.assets || this.addOns.monitor?.snapshot ? await Promise.all(rows.map((r) => this.withAddOns(r as Record<string, unknown>))) : rows;
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
    if (this.addOns.logger) this.logRows(out, inputs as readonly Record<string, unknown>[]);
    this.last = out[out.length - 1];
    return out as unknown as LoggedRow<R, D>[];
  }

  /**
   * Writes committed rows to the log sinks, with the keys logged as null that have no column yet
   * (the row has none of them; Python's entries keep `"key": null`). A sink failure warns but never
   * fails a committed write.
   */
  private logRows(rows: readonly TrackedRow<R>[], inputs: readonly Record<string, unknown>[]): void {
    const logger = this.addOns.logger;
    if (!logger) return;
    try {
      rows.forEach((row, i) => logger.track(withNullKeys(row as Record<string, unknown>, inputs[i])));
    } catch (error) {
      this.warn(`A log sink failed (the rows are stored in the database): ${messageOf(error)}`);
    }
  }

  /** `data` with its asset values replaced by their hashes, and the monitor's per-row snapshot added. */
  private async withAddOns(data: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { assets, monitor } = this.addOns;
    if (!assets && !monitor?.snapshot) return data;
    if (!isPlainObject(data)) return data; // row() reports the bad argument
    const out = { ...data };
    if (assets) {
      for (const key in out) if (assets.accepts(out[key])) out[key] = await assets.put(out[key], columnNameFor(key));
    }
    if (monitor?.snapshot) {
      // a tracked call's averages already in the row win over the instant readings
      const readings = await monitor.snapshot();
      for (const key in readings) if (!(key in out)) out[key] = readings[key];
    }
    return out;
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
  async track<F extends (...args: any[]) => unknown>(
    fn: F,
    options: TrackOptions<Parameters<F>> = {},
  ): Promise<Awaited<ReturnType<F>>> {
    this.check();
    if (typeof fn !== 'function') throw new XetrackError('INVALID_ARGUMENT', `track() takes a function, not ${describe(fn)}.`);
    const call = { fn, args: (options.args ?? []) as unknown[], name: functionName(fn, options.name, this.warn), options };
    const cache = this.addOns.cache;
    const key = cache?.keyOf({ name: call.name, version: options.version, args: call.args, params: this.cacheKeyParamsOf(fn, call.name, options) }); // not called without a cache
    if (!cache || key === undefined) return (await this.runCall(call, undefined)).result as Awaited<ReturnType<F>>;

    const flightKey = `${cache.id}\0${key}`;
    const pending = options.cacheForce ? undefined : inFlight.get(flightKey);
    if (pending) {
      const shared = await pending;
      if (shared) return this.logCacheHit(call, shared) as Awaited<ReturnType<F>>;
    }
    let settle!: (entry: CachedResult | undefined) => void;
    const mine = new Promise<CachedResult | undefined>((resolve) => (settle = resolve));
    inFlight.set(flightKey, mine);
    let entry: CachedResult | undefined;
    try {
      const hit = options.cacheForce ? undefined : await this.lookUp(cache, key, call.name);
      if (hit) {
        entry = hit;
        return this.logCacheHit(call, hit) as Awaited<ReturnType<F>>;
      }
      const { result, failed } = await this.runCall(call, '');
      if (!failed) {
        entry = { value: result, trackId: this.trackId };
        await cache.set(key, { ...entry, functionName: call.name }).catch((error: unknown) =>
          this.warn(`The result of ${call.name} was not cached: ${messageOf(error)}`),
        );
      }
      return result as Awaited<ReturnType<F>>;
    } finally {
      if (inFlight.get(flightKey) === mine) inFlight.delete(flightKey);
      settle(entry);
    }
  }

  /** The cached entry of a call; a cache that can't be read is a miss, warned about (a cache never makes a call fail). */
  private async lookUp(cache: FunctionCache, key: string, name: string): Promise<CachedResult | undefined> {
    try {
      return await cache.get(key);
    } catch (error) {
      this.warn(`${messageOf(error)}: ${name} was computed, not taken from the cache.`);
      return undefined;
    }
  }

  /**
   * The params in a cached call's key: its own, and the tracker's with `cacheKeyParams`. Without it,
   * a function cached under tracker params is warned about once: if it reads them from outer scope,
   * a second configuration gets the first one's answer.
   */
  private cacheKeyParamsOf(fn: Function, name: string, options: TrackOptions<readonly unknown[]>): Record<string, unknown> {
    const own = options.params ?? {};
    const { git_commit_hash: _stamp, ...trackerParams } = this.currentParams; // the git stamp is no configuration
    const choice = options.cacheKeyParams ?? this.cacheKeyParams;
    if (choice === true) return { ...trackerParams, ...own };
    if (choice === undefined && Object.keys(trackerParams).length > 0 && !warnedParamsNotInKey.has(fn)) {
      warnedParamsNotInKey.add(fn);
      this.warn(
        `${name} is cached while the tracker has params (${Object.keys(trackerParams).join(', ')}) that are not part of its cache key: ` +
          'if it reads them from outer scope, a call under other params gets the first answer. Pass them as arguments, ' +
          'or open the tracker (or call track) with { cacheKeyParams: true } to key on them ({ cacheKeyParams: false } silences this).',
      );
    }
    return own;
  }

  /** Runs a call and logs its row; re-throws its error unless told not to. */
  private async runCall(
    call: { fn: Function; args: unknown[]; name: string; options: TrackOptions<readonly unknown[]> },
    cacheMarker: string | undefined,
  ): Promise<{ result: unknown; failed: boolean }> {
    const session = this.addOns.monitor?.start();
    let result: unknown;
    let failure: { error: unknown } | undefined;
    const start = performance.now();
    try {
      result = call.fn(...call.args);
      if (isThenable(result)) result = await result;
    } catch (error) {
      failure = { error };
    }
    const seconds = (performance.now() - start) / 1000;
    const data = this.callRow(call, seconds, failure ? messageOf(failure.error) : '');
    if (failure) data.function_result = null;
    else mergeResult(data, result);
    if (call.options.params) Object.assign(data, call.options.params);
    if (cacheMarker !== undefined) data.cache = cacheMarker;
    if (session) Object.assign(data, await session.stop());
    await this.logCallRow(data);
    if (failure && (call.options.raiseOnError ?? this.raiseOnError)) throw failure.error;
    return { result: failure ? undefined : result, failed: failure !== undefined };
  }

  /** Logs the row of a call answered from the cache, and returns the cached value. */
  private async logCacheHit(call: { fn: Function; args: unknown[]; name: string; options: TrackOptions<readonly unknown[]> }, hit: CachedResult): Promise<unknown> {
    const data = this.callRow(call, 0, '');
    mergeResult(data, hit.value);
    if (call.options.params) Object.assign(data, call.options.params);
    data.cache = hit.trackId;
    await this.logCallRow(data);
    return hit.value;
  }

  /** The columns every tracked call logs: name, time, args, error and unpacked object arguments. */
  private callRow(call: { fn: Function; args: unknown[]; name: string; options: TrackOptions<readonly unknown[]> }, seconds: number, error: string): Record<string, unknown> {
    const data: Record<string, unknown> = { function_name: call.name, function_time: seconds, args: argumentsText(call.args), error };
    return Object.assign(data, unpackArguments(call.fn, call.args, call.options.argNames, this.warn));
  }

  /** `fn` as a tracked function: same parameters, returns a Promise of the result. */
  wrap<F extends (...args: any[]) => unknown>(
    fn: F,
    options: Omit<TrackOptions<Parameters<F>>, 'args'> = {},
  ): (...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>> {
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
    return this.store.update({ [key]: value }, [this.runFilter()]);
  }

  /** Sets `key` to `value` on this run's rows where `whereKey` equals `whereValue`. */
  async setWhere(key: string, value: unknown, whereKey: string, whereValue: unknown): Promise<number> {
    this.check();
    return this.store.update({ [key]: value }, [this.runFilter(), await this.store.equalsFilter(whereKey, whereValue)]);
  }

  private runFilter(): Filter {
    return { column: 'track_id', op: '=', value: this.trackId };
  }

  /**
   * This run's rows in timestamp order, or every row of the table with `all: true`; `query` filters,
   * orders and pages them as `Reader.toRows` does, e.g. `toRows({ where: { split: 'test' }, limit: 5 })`.
   */
  async toRows<const C extends ColumnOf<R>>(query: RowQuery<R> & { all?: boolean; columns: readonly C[] }): Promise<PickedRow<R, C>[]>;
  async toRows(query?: RowQuery<R> & { all?: boolean }): Promise<TrackedRow<R>[]>;
  async toRows({ all, ...query }: RowQuery<R> & { all?: boolean } = {}): Promise<unknown[]> {
    this.check();
    return new QueryCompiler(this.store).rows(query, all ? [] : [this.runFilter()]);
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

  private async exportTo(file: string, options: { all?: boolean }, format: ExportFormat): Promise<number> {
    this.check();
    return exportTable(this.store, file, { where: options.all ? [] : [this.runFilter()], orderBy: [{ column: 'timestamp' }] }, format);
  }

  /** This run's first `n` rows. */
  async head(n = 5): Promise<TrackedRow<R>[]> {
    this.check();
    return (await this.store.select({ where: [this.runFilter()], orderBy: [{ column: 'timestamp' }], limit: n })) as TrackedRow<R>[];
  }

  /** This run's last `n` rows, oldest first. */
  async tail(n = 5): Promise<TrackedRow<R>[]> {
    this.check();
    const rows = await this.store.select({ where: [this.runFilter()], orderBy: [{ column: 'timestamp', desc: true }], limit: n });
    return rows.reverse() as TrackedRow<R>[];
  }

  /** This run's row at `index` in timestamp order (negative counts from the end), or undefined. */
  async rowAt(index: number): Promise<TrackedRow<R> | undefined> {
    this.check();
    const desc = index < 0;
    const rows = await this.store.select({
      where: [this.runFilter()],
      orderBy: [{ column: 'timestamp', desc }],
      limit: 1,
      offset: desc ? -index - 1 : index,
    });
    return rows[0] as TrackedRow<R> | undefined;
  }

  /** The values of one column over this run's rows, in timestamp order. */
  async values<K extends keyof TrackedRow<R> & string>(column: K): Promise<TrackedRow<R>[K][]> {
    this.check();
    const spec = await this.store.existingColumn(column);
    const rows = await this.store.select({ columns: [spec.name], where: [this.runFilter()], orderBy: [{ column: 'timestamp' }] });
    return rows.map((r) => r[spec.name]) as TrackedRow<R>[K][];
  }

  /** Rows of this run. */
  async countRun(): Promise<number> {
    this.check();
    return this.store.count([this.runFilter()]);
  }

  /** Rows of every run in the table. */
  async countAll(): Promise<number> {
    this.check();
    return this.store.count();
  }

  /** The table's column names, in table order. */
  async columns(): Promise<string[]> {
    this.check();
    return (await this.store.columns()).map((c) => c.name);
  }

  /** Each column's type. */
  async columnTypes(): Promise<Record<string, ColumnType>> {
    this.check();
    return Object.fromEntries((await this.store.columns()).map((c) => [c.name, c.type]));
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
      this.addOns.assets?.detach?.();
      for (const addOn of this.addOns.owned) await addOn.close?.();
      await this.ownedEngine?.close();
    }
    await this.afterClose?.();
  }
}

/** A plain-object result merges in as columns; anything else is `function_result`. */
function mergeResult(data: Record<string, unknown>, result: unknown): void {
  if (isPlainObject(result)) Object.assign(data, result);
  else data.function_result = resultValue(result);
}

/** Opens `@xetrack/cache`'s default store in `directory`. */
async function defaultCache(directory: string): Promise<FunctionCache> {
  return (await loadCache('The cache option')).cacheStore(directory);
}

/** Opens `@xetrack/assets`' default store: in the tracker's own SQLite file. */
async function defaultAssets(path: string, engine: Engine): Promise<AssetStore> {
  if (engine.name !== 'sqlite') {
    throw new XetrackError('INVALID_ARGUMENT', `assets: true keeps assets in the tracker's SQLite file, but this tracker uses the ${engine.name} engine: pass an asset store instead (see @xetrack/assets).`);
  }
  return (await loadAssets('The assets option')).assetStore({ path });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/** `row` plus `key: null` for each key `input` logged as null that the row lacks (a copy only when there is one). */
function withNullKeys(row: Record<string, unknown>, input: Record<string, unknown> | undefined): Record<string, unknown> {
  let out = row;
  for (const key in input) {
    if (input[key] !== null) continue;
    const name = columnNameFor(key);
    const lower = name.toLowerCase();
    if (lower === 'track_id' || lower === 'timestamp' || Object.keys(out).some((k) => k.toLowerCase() === lower)) continue;
    if (out === row) out = { ...row };
    Object.defineProperty(out, name, { value: null, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    try {
      const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
      if (typeof name === 'string' && name) return `a ${name}`;
    } catch {
      return 'a revoked Proxy';
    }
  }
  return `a ${typeof value}`;
}
