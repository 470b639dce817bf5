import { KEY_COLUMNS, type ColumnSpec, type Engine, type Filter, type Row, type SelectOptions, type Where } from '../engine/contract.js';
import { isXetrackError, messageOf, XetrackError } from '../errors.js';
import { checkTableName, columnNameFor } from '../schema/identifiers.js';
import { advancePast, nextTimestamp, parseTimestamp } from '../schema/timestamp.js';
import { columnTypeOf, decodeValue, encodeValue, type Value } from '../schema/values.js';
import { compileRowBuilder, hasKeysInOrder, type BuildRow } from './row-builder.js';

/** A row as reads return it. */
export type StoredRow = Record<string, Value>;

/**
 * Rows queued for one group commit. Every caller awaits the same `done`, which never rejects: it
 * resolves with the failures by call index (undefined when all were committed), so a burst of
 * un-awaited calls costs one promise, not one each.
 */
interface Group {
  rows: Row[];
  /** `rows` is the first caller's own array: copy it before adding to it. */
  shared: boolean;
  /** End (exclusive) of each call's rows in `rows`. */
  ends: number[];
  done: Promise<(unknown[] | undefined)>;
  settle(failures: unknown[] | undefined): void;
}

/** A call's place in a group: `await table.committed(ticket)` resolves or throws that call's outcome. */
export interface WriteTicket {
  group: Group;
  call: number;
}

/** A compiled builder for one shape of rows, or a shape seen once (compiled when seen again). */
interface RowPlan {
  params: Row;
  dataKeys: string[];
  build?: BuildRow;
}

/** How many row shapes keep a compiled builder. */
const ROW_PLAN_LIMIT = 32;

interface KeyName {
  name: string;
  lower: string;
  /** The key itself, lower-cased, when cleaning changed it: a column of exactly that name (e.g. `7`, written by Python) wins. */
  rawLower?: string;
}

/** How often a write hit by another writer's (track_id, timestamp) is re-stamped and retried. */
const MAX_KEY_RETRIES = 8;
const KEY_NAME_CACHE_LIMIT = 10_000;

/**
 * One tracking table on one engine: the schema cache, value encoding, group commit and decoded
 * reads that the Tracker and the Reader share.
 *
 * Writes are queued and committed together: calls made without awaiting each other land in one
 * engine insert (one transaction), in call order. If such a group fails, each call is retried
 * alone, so one bad call cannot take the others down with it.
 */
export class TrackingTable {
  /** Columns the store has, by lower-case name (SQLite and DuckDB match names case-insensitively). */
  private readonly confirmed = new Map<string, ColumnSpec>();
  /** Columns rows already use but the store may lack yet; added before the next insert. */
  private readonly inferred = new Map<string, ColumnSpec>();
  /** Columns the store refused to add, with its error: rows that use one fail alone, the others go on. */
  private readonly refused = new Map<string, ColumnSpec>();
  private readonly keyNames = new Map<string, KeyName>();
  private open: Group | undefined;
  private draining: Promise<void> | undefined;
  /** Row builders by data key order (`\0`-joined), for the current params object. */
  private readonly plans = new Map<string, RowPlan>();
  private lastPlan: RowPlan | undefined;
  /** Set by `encodeInto`: the keys and columns of the data just encoded, when a builder could make such rows. */
  private plannable: { keys: string[]; specs: ColumnSpec[] } | undefined;
  /** The JSON values of the row `buildRow` just made (undefined when it has none). */
  lastJson: Record<string, unknown> | undefined;

  private constructor(
    readonly engine: Engine,
    readonly name: string,
  ) {}

  /**
   * Opens `name` on `engine`. With `create` a missing table is created; without it (readers) a
   * missing table is an UNKNOWN_TABLE error that lists the tables there are.
   */
  static async open(engine: Engine, name: string, { create }: { create: boolean }): Promise<TrackingTable> {
    checkTableName(name);
    const table = new TrackingTable(engine, name);
    let specs = await engine.describe(name);
    if (specs.length === 0) {
      if (!create) {
        const tables = await engine.tables();
        throw new XetrackError(
          'UNKNOWN_TABLE',
          `No table ${JSON.stringify(name)} in ${engine.location}. Tables there: ${tables.length ? tables.map((t) => JSON.stringify(t)).join(', ') : 'none'}. Pass one of them as \`table\`.`,
        );
      }
      await engine.ensureColumns(name, []);
      specs = await engine.describe(name);
    }
    const lower = new Set(specs.map((s) => s.name.toLowerCase()));
    if (!KEY_COLUMNS.every((k) => lower.has(k))) {
      throw new XetrackError(
        'SCHEMA_MISMATCH',
        `The table ${JSON.stringify(name)} in ${engine.location} exists but is not a tracking table (it lacks track_id/timestamp columns). Use another \`table\` name.`,
      );
    }
    table.setConfirmed(specs);
    return table;
  }

  private setConfirmed(specs: ColumnSpec[]): void {
    this.confirmed.clear();
    for (const spec of specs) this.confirmed.set(spec.name.toLowerCase(), spec);
  }

  /** The table's columns as the store has them now. */
  async columns(): Promise<ColumnSpec[]> {
    await this.flush();
    const specs = await this.engine.describe(this.name);
    this.setConfirmed(specs);
    return specs;
  }

  private keyName(key: string): KeyName {
    let known = this.keyNames.get(key);
    if (known === undefined) {
      const name = columnNameFor(key);
      const lower = name.toLowerCase();
      known = key.toLowerCase() === lower ? { name, lower } : { name, lower, rawLower: key.toLowerCase() };
      if (this.keyNames.size >= KEY_NAME_CACHE_LIMIT) this.keyNames.clear();
      this.keyNames.set(key, known);
    }
    return known;
  }

  /** The spec of the column a key maps to, if the store has it or a queued row uses it. */
  private specFor(lower: string): ColumnSpec | undefined {
    return this.confirmed.get(lower) ?? this.inferred.get(lower);
  }

  /**
   * Adds the entries of `data` to `row` under their column names, encoded for their columns.
   * A key new to the table gets a column typed by its value; `track_id` and `timestamp` are never
   * taken from data. Returns the JSON values as given (reads return them parsed), if any.
   */
  encodeInto(row: Row, data: Record<string, unknown>, onKeyColumn?: (key: string) => void): Record<string, unknown> | undefined {
    let json: Record<string, unknown> | undefined;
    let planned: { keys: string[]; specs: ColumnSpec[] } | undefined = { keys: [], specs: [] };
    // New columns join `inferred` only once the whole row has encoded: a rejected row adds none.
    let fresh: Map<string, ColumnSpec> | undefined;
    for (const key in data) {
      const value = data[key];
      const { name, lower, rawLower } = this.keyName(key);
      if (lower === 'track_id' || lower === 'timestamp') {
        onKeyColumn?.(key);
        planned = undefined;
        continue;
      }
      let spec = (rawLower !== undefined ? this.confirmed.get(rawLower) : undefined) ?? this.specFor(lower) ?? fresh?.get(lower);
      if (spec === undefined) {
        planned = undefined;
        const type = columnTypeOf(value);
        if (type === undefined) continue; // null before any typed value: no column yet, reads give null
        const cell = encodeValue(value, type, key);
        spec = { name, type };
        (fresh ??= new Map()).set(lower, spec);
        setOwn(row, name, cell);
      } else {
        setOwn(row, spec.name, encodeValue(value, spec.type, key));
        if (planned !== undefined && spec.type !== 'json' && this.confirmed.get(spec.name.toLowerCase()) === spec) {
          planned.keys.push(key);
          planned.specs.push(spec);
        } else planned = undefined;
      }
      if (spec.type === 'json' && value !== null && value !== undefined) setOwn((json ??= {}), spec.name, value);
    }
    if (fresh !== undefined) {
      for (const [lower, spec] of fresh) {
        this.inferred.set(lower, spec);
        this.refused.delete(lower); // asked for again: the next write tries again
      }
    }
    this.plannable = planned;
    return json;
  }

  /**
   * A row: `track_id`, `timestamp`, the encoded `params` cells, then `data` encoded (see
   * `encodeInto`). A shape of rows seen twice gets a compiled builder (one object literal per row);
   * `params` must be the same object for as long as the params do not change. The row's JSON values
   * are left in `lastJson`.
   */
  buildRow(trackId: string, timestamp: string, params: Row, data: Record<string, unknown>, onKeyColumn?: (key: string) => void): Row {
    const last = this.lastPlan;
    if (last?.build !== undefined && last.params === params && hasKeysInOrder(data, last.dataKeys)) {
      this.lastJson = undefined;
      return last.build(trackId, timestamp, params, data);
    }
    const row: Row = { track_id: trackId, timestamp };
    for (const key in params) setOwn(row, key, params[key]!);
    this.lastJson = this.encodeInto(row, data, onKeyColumn);
    const shape = this.plannable;
    if (shape !== undefined && shape.keys.length > 0) {
      const id = shape.keys.join('\0');
      let plan = this.plans.get(id);
      if (plan === undefined || plan.params !== params) {
        if (this.plans.size >= ROW_PLAN_LIMIT) this.plans.clear();
        plan = { params, dataKeys: shape.keys };
        this.plans.set(id, plan);
      } else plan.build ??= compileRowBuilder(Object.keys(params), shape.keys, shape.specs);
      this.lastPlan = plan;
    }
    return row;
  }

  /**
   * Runs `build` (which encodes rows); if it throws, the columns it inferred are forgotten, so a
   * rejected batch adds no column. Rows of other calls keep theirs.
   */
  atomically<T>(build: () => T): T {
    const before = new Set(this.inferred.keys());
    try {
      return build();
    } catch (error) {
      for (const lower of [...this.inferred.keys()]) if (!before.has(lower)) this.inferred.delete(lower);
      throw error;
    }
  }

  /** Creates the columns `data`'s keys need now (typed by its values), without logging a row. */
  async addColumnsFor(data: Record<string, unknown>): Promise<void> {
    this.encodeInto({}, data);
    await this.flush();
    await this.addInferredColumns();
  }

  /** Queues rows for the next group commit; `committed(ticket)` waits for their outcome. */
  enqueue(rows: readonly Row[]): WriteTicket {
    let group = this.open;
    if (group === undefined) {
      group = this.open = this.newGroup(rows as Row[]);
      group.ends.push(rows.length);
      return { group, call: 0 };
    }
    if (group.shared) {
      // the first call's array was adopted as is (no copy for a lone logBatch); copy before adding
      group.rows = group.rows.slice();
      group.shared = false;
    }
    for (const row of rows) group.rows.push(row);
    group.ends.push(group.rows.length);
    return { group, call: group.ends.length - 1 };
  }

  /** Queues one row (the `log()` path: no array per call); returns its call index in the group. */
  enqueueRow(row: Row): WriteTicket {
    let group = this.open;
    if (group === undefined) group = this.open = this.newGroup([]);
    else if (group.shared) {
      group.rows = group.rows.slice();
      group.shared = false;
    }
    group.rows.push(row);
    group.ends.push(group.rows.length);
    return { group, call: group.ends.length - 1 };
  }

  private newGroup(rows: Row[]): Group {
    let settle!: (failures: unknown[] | undefined) => void;
    const done = new Promise<unknown[] | undefined>((resolve) => (settle = resolve));
    this.draining ??= Promise.resolve().then(() => this.drain());
    return { rows, shared: rows.length > 0, ends: [], done, settle };
  }

  /** Resolves once the ticket's rows are committed; throws the error that kept them out. */
  async committed({ group, call }: WriteTicket): Promise<void> {
    const failures = await group.done;
    if (failures !== undefined && call in failures) throw failures[call];
  }

  /** Queues rows for the next group commit; resolves once they are committed. */
  write(rows: readonly Row[]): Promise<void> {
    return this.committed(this.enqueue(rows));
  }

  /** Resolves once every queued write has been committed or has failed. */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      while (this.open !== undefined) {
        const group = this.open;
        this.open = undefined;
        group.settle(await this.commit(group));
      }
    } finally {
      this.draining = undefined;
    }
  }

  /** Commits a group; on failure retries each call alone, so one bad call keeps only its own rows out. */
  private async commit(group: Group): Promise<unknown[] | undefined> {
    try {
      await this.insert(group.rows);
      return undefined;
    } catch (error) {
      const failures: unknown[] = [];
      if (group.ends.length === 1) {
        failures[0] = error;
        return failures;
      }
      let start = 0;
      for (let call = 0; call < group.ends.length; call++) {
        const end = group.ends[call]!;
        try {
          await this.insert(group.rows.slice(start, end));
        } catch (own) {
          failures[call] = own;
        }
        start = end;
      }
      return failures;
    } finally {
      // rows are encoded and queued in one synchronous step: with none queued, none uses a refused column
      if (this.open === undefined) this.refused.clear();
    }
  }

  private async insert(rows: Row[]): Promise<void> {
    await this.addInferredColumns();
    if (this.refused.size > 0) await this.addRefusedColumnsOf(rows);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.engine.insert(this.name, rows);
        return;
      } catch (error) {
        if (!isXetrackError(error, 'DUPLICATE_KEY') || attempt >= MAX_KEY_RETRIES) throw error;
        await this.restamp(rows);
      }
    }
  }

  /**
   * Creates the columns queued rows use and re-reads the schema (another writer may have typed them
   * first). When the store refuses (too many columns, a reserved name...), they are set aside as
   * refused, so only the rows that use them fail: `commit` retries each call alone.
   */
  private async addInferredColumns(): Promise<void> {
    if (this.inferred.size === 0) return;
    const specs = [...this.inferred.values()];
    for (const spec of specs) this.inferred.delete(spec.name.toLowerCase());
    try {
      await this.engine.ensureColumns(this.name, specs);
    } catch (error) {
      for (const spec of specs) this.refused.set(spec.name.toLowerCase(), spec);
      throw refusedColumns(specs, error);
    }
    this.setConfirmed(await this.engine.describe(this.name));
  }

  /** Tries once more the refused columns these rows use (now on their own); throws, naming them, if the store refuses again. */
  private async addRefusedColumnsOf(rows: readonly Row[]): Promise<void> {
    const specs = [...this.refused.values()].filter((spec) => rows.some((row) => Object.hasOwn(row, spec.name)));
    if (specs.length === 0) return;
    try {
      await this.engine.ensureColumns(this.name, specs);
    } catch (error) {
      throw refusedColumns(specs, error);
    }
    for (const spec of specs) this.refused.delete(spec.name.toLowerCase());
    this.setConfirmed(await this.engine.describe(this.name));
  }

  /**
   * Another writer holds one of these (track_id, timestamp) keys: move this process's clock past
   * the newest timestamp of these runs and stamp the rows again. Rows are never dropped.
   */
  private async restamp(rows: Row[]): Promise<void> {
    const ids = [...new Set(rows.map((r) => r.track_id ?? null))];
    const newest = await this.engine.select(this.name, {
      columns: ['timestamp'],
      where: [{ column: 'track_id', op: 'in', value: ids }],
      orderBy: [{ column: 'timestamp', desc: true }],
      limit: 1,
    });
    const micros = parseTimestamp(String(newest[0]?.timestamp ?? ''));
    if (!Number.isNaN(micros)) advancePast(micros);
    for (const row of rows) row.timestamp = nextTimestamp();
  }

  /** The column a user-given key names; UNKNOWN_COLUMN when the table has none. */
  async existingColumn(key: string): Promise<ColumnSpec> {
    const find = () => this.confirmed.get(key.toLowerCase()) ?? this.confirmed.get(this.keyName(key).lower);
    const spec = find() ?? (await this.columns(), find());
    if (!spec) {
      const names = [...this.confirmed.values()].map((s) => s.name);
      throw new XetrackError('UNKNOWN_COLUMN', `No column ${JSON.stringify(key)} in table ${JSON.stringify(this.name)}. Columns: ${names.join(', ')}.`);
    }
    return spec;
  }

  /** The filter `key = value` on an existing column, the value encoded as the column stores it; null matches NULL. */
  async equalsFilter(key: string, value: unknown): Promise<Filter> {
    const spec = await this.existingColumn(key);
    const cell = encodeValue(value, spec.type, spec.name);
    return cell === null ? { column: spec.name, op: 'is null' } : { column: spec.name, op: '=', value: cell };
  }

  /** Rows matching `options`, decoded (JSON columns parsed). Waits for queued writes first. */
  async select(options: SelectOptions = {}): Promise<StoredRow[]> {
    const specs = await this.columns();
    return this.decode(await this.engine.select(this.name, options), specs);
  }

  /** Like `select`, streamed, JSON columns parsed. */
  async *iterate(options: SelectOptions = {}): AsyncIterable<StoredRow> {
    const json = jsonColumns(await this.columns());
    for await (const row of this.iterateCells(options)) yield json.length ? decodeRow(row, json) : row;
  }

  /**
   * Rows as the engine stores them (JSON columns as text), streamed: through the engine's `iterate`
   * where it has one, else in pages of `select`. Waits for queued writes first.
   */
  async *iterateCells(options: SelectOptions = {}, pageSize = 5_000): AsyncIterable<Row> {
    await this.flush();
    if (this.engine.iterate) {
      yield* this.engine.iterate(this.name, options);
      return;
    }
    const end = options.limit === undefined ? Infinity : (options.offset ?? 0) + options.limit;
    for (let offset = options.offset ?? 0; offset < end; offset += pageSize) {
      const page = await this.engine.select(this.name, { ...options, offset, limit: Math.min(pageSize, end - offset) });
      yield* page;
      if (page.length < pageSize) return;
    }
  }

  async count(where: Where[] = []): Promise<number> {
    await this.flush();
    return this.engine.count(this.name, where);
  }

  /**
   * Sets `values` on the rows matching `where`, adding columns a value needs (typed by the value).
   * Resolves the number of rows changed.
   */
  async update(values: Record<string, unknown>, where: Where[]): Promise<number> {
    await this.flush();
    const row: Row = {};
    this.encodeInto(row, values);
    // encodeInto skips a null for a column that does not exist yet: every row already reads null there
    if (Object.keys(row).length === 0) return 0;
    await this.addInferredColumns();
    return this.engine.update(this.name, row, where);
  }

  async delete(where: Where[]): Promise<number> {
    await this.flush();
    return this.engine.delete(this.name, where);
  }

  private decode(rows: Row[], specs: ColumnSpec[]): StoredRow[] {
    const json = jsonColumns(specs);
    if (json.length === 0) return rows;
    for (const row of rows) decodeRow(row, json);
    return rows;
  }
}

/** Sets an own property, even one named `__proto__` (an assignment would change the object's prototype). */
function setOwn<T>(target: Record<string, T>, name: string, value: NoInfer<T>): void {
  if (name === '__proto__') Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  else target[name] = value;
}

/** The error of rows whose new columns the store would not add: it names them, and says the tracker goes on. */
function refusedColumns(specs: readonly ColumnSpec[], cause: unknown): XetrackError {
  const names = specs.slice(0, 5).map((s) => JSON.stringify(s.name)).join(', ') + (specs.length > 5 ? ` and ${specs.length - 5} more` : '');
  const code = isXetrackError(cause) ? cause.code : 'ENGINE_FAILURE';
  return new XetrackError(
    code,
    `The database would not add the column${specs.length > 1 ? 's' : ''} ${names} (${messageOf(cause)}). The rows that need ${specs.length > 1 ? 'them' : 'it'} were not stored; other rows are logged as usual. Log fewer or other keys.`,
    { cause },
  );
}

function jsonColumns(specs: ColumnSpec[]): string[] {
  return specs.filter((s) => s.type === 'json').map((s) => s.name);
}

function decodeRow(row: Row, json: string[]): StoredRow {
  const out = row as StoredRow;
  for (const column of json) {
    const cell = row[column];
    if (cell !== undefined) out[column] = decodeValue(cell, 'json');
  }
  return out;
}

