import { KEY_COLUMNS, type ColumnSpec, type Engine, type Filter, type Row, type SelectOptions } from '../engine/contract.js';
import { isXetrackError, XetrackError } from '../errors.js';
import { checkTableName, columnNameFor } from '../schema/identifiers.js';
import { advancePast, nextTimestamp, parseTimestamp } from '../schema/timestamp.js';
import { columnTypeOf, decodeValue, encodeValue, type Value } from '../schema/values.js';

/** A row as reads return it. */
export type StoredRow = Record<string, Value>;

interface PendingWrite {
  rows: Row[];
  resolve(): void;
  reject(error: unknown): void;
}

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
  private readonly keyNames = new Map<string, KeyName>();
  private pending: PendingWrite[] = [];
  private draining: Promise<void> | undefined;

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
    for (const key in data) {
      const value = data[key];
      const { name, lower, rawLower } = this.keyName(key);
      if (lower === 'track_id' || lower === 'timestamp') {
        onKeyColumn?.(key);
        continue;
      }
      let spec = (rawLower !== undefined ? this.confirmed.get(rawLower) : undefined) ?? this.specFor(lower);
      if (spec === undefined) {
        const type = columnTypeOf(value);
        if (type === undefined) continue; // null before any typed value: no column yet, reads give null
        const cell = encodeValue(value, type, key);
        spec = { name, type };
        this.inferred.set(lower, spec);
        row[name] = cell;
      } else {
        row[spec.name] = encodeValue(value, spec.type, key);
      }
      if (spec.type === 'json' && value !== null && value !== undefined) (json ??= {})[spec.name] = value;
    }
    return json;
  }

  /** Creates the columns `data`'s keys need now (typed by its values), without logging a row. */
  async addColumnsFor(data: Record<string, unknown>): Promise<void> {
    this.encodeInto({}, data);
    await this.flush();
    await this.addInferredColumns();
  }

  /** Queues rows for the next group commit; resolves once they are committed. */
  write(rows: Row[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ rows, resolve, reject });
      this.draining ??= Promise.resolve().then(() => this.drain());
    });
  }

  /** Resolves once every queued write has been committed or has failed. */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const group = this.pending;
        this.pending = [];
        await this.commit(group);
      }
    } finally {
      this.draining = undefined;
    }
  }

  private async commit(group: PendingWrite[]): Promise<void> {
    try {
      await this.insert(group.length === 1 ? group[0]!.rows : group.flatMap((w) => w.rows));
      for (const w of group) w.resolve();
    } catch (error) {
      if (group.length === 1) return group[0]!.reject(error);
      for (const w of group) {
        try {
          await this.insert(w.rows);
          w.resolve();
        } catch (own) {
          w.reject(own);
        }
      }
    }
  }

  private async insert(rows: Row[]): Promise<void> {
    await this.addInferredColumns();
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

  /** Creates the columns queued rows use and re-reads the schema (another writer may have typed them first). */
  private async addInferredColumns(): Promise<void> {
    if (this.inferred.size === 0) return;
    const specs = [...this.inferred.values()];
    await this.engine.ensureColumns(this.name, specs);
    for (const spec of specs) this.inferred.delete(spec.name.toLowerCase());
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

  async count(where: Filter[] = []): Promise<number> {
    await this.flush();
    return this.engine.count(this.name, where);
  }

  /**
   * Sets `values` on the rows matching `where`, adding columns a value needs (typed by the value).
   * Resolves the number of rows changed.
   */
  async update(values: Record<string, unknown>, where: Filter[]): Promise<number> {
    await this.flush();
    const row: Row = {};
    this.encodeInto(row, values);
    // encodeInto skips a null for a column that does not exist yet: every row already reads null there
    if (Object.keys(row).length === 0) return 0;
    await this.addInferredColumns();
    return this.engine.update(this.name, row, where);
  }

  async delete(where: Filter[]): Promise<number> {
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

