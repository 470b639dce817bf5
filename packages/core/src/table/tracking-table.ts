import { KEY_COLUMNS, type CellValue, type ColumnSpec, type ColumnType, type Engine, type Filter, type Row, type SelectOptions, type Where } from '../engine/contract.js';
import { arrayBatches } from '../engine/array-batches.js';
import { isXetrackError, XetrackError } from '../errors.js';
import { checkTableName } from '../schema/identifiers.js';
import { advancePast, nextTimestamp, parseTimestamp } from '../schema/timestamp.js';
import { decodeValue, encodeValue, type Value } from '../schema/values.js';
import { ColumnCache } from './column-cache.js';
import { RowBuilder, type BuiltRow } from './row-builder.js';
import { WriteQueue, type WriteTicket } from './write-queue.js';

/** A row as reads return it. */
export type StoredRow = Record<string, Value>;

/** How often a write hit by another writer's (track_id, timestamp) is re-stamped and retried. */
const MAX_KEY_RETRIES = 8;

/**
 * One tracking table on one engine, as the Tracker and the Reader share it: its columns
 * (`ColumnCache`), the rows built for it (`RowBuilder`), queued writes committed together
 * (`WriteQueue`), and decoded reads that wait for those writes.
 */
export class TrackingTable {
  private readonly columnCache: ColumnCache;
  private readonly builder: RowBuilder;
  private readonly queue: WriteQueue;

  private constructor(
    readonly engine: Engine,
    readonly name: string,
  ) {
    this.columnCache = new ColumnCache(engine, name);
    this.builder = new RowBuilder(this.columnCache);
    this.queue = new WriteQueue(
      (rows) => this.insert(rows),
      () => this.columnCache.clearRefused(),
    );
  }

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
    table.columnCache.confirm(specs);
    return table;
  }

  /** The table's columns as the store has them now. */
  async columns(): Promise<ColumnSpec[]> {
    await this.flush();
    return this.columnCache.refresh();
  }

  /**
   * Encodes `data` into `row` (see `RowBuilder.encode`), e.g. the params every row repeats.
   * Returns the JSON values as given (reads return them parsed), if any.
   */
  encode(row: Row, data: Record<string, unknown>, onKeyColumn?: (key: string) => void): Record<string, unknown> | undefined {
    return this.builder.encode(row, data, onKeyColumn).json;
  }

  /** A row of `data` after the key columns and the encoded `params` cells (see `RowBuilder.build`). */
  buildRow(trackId: string, timestamp: string, params: Row, data: Record<string, unknown>, onKeyColumn?: (key: string) => void): BuiltRow {
    return this.builder.build(trackId, timestamp, params, data, onKeyColumn);
  }

  /** Creates columns of the given types (keys named as `log()` names them); an integer column declared float is widened. */
  async declareColumns(types: Record<string, ColumnType>): Promise<void> {
    await this.columnCache.declare(types);
  }

  /** Runs `build` (which builds rows); if it throws, the columns it asked for are not added. */
  atomically<T>(build: () => T): T {
    return this.columnCache.atomically(build);
  }

  /** Creates the columns `data`'s keys need now (typed by its values), without logging a row. */
  async addColumnsFor(data: Record<string, unknown>): Promise<void> {
    this.builder.encode({}, data);
    await this.flush();
    await this.columnCache.addInferred();
  }

  /**
   * Queues one call's rows (a row, or a batch) for the next group commit. Await `ticket.done`, then
   * `throwIfFailed(ticket, failures)` throws the error that kept them out.
   */
  enqueue(rows: Row | readonly Row[]): WriteTicket {
    return this.queue.enqueue(rows);
  }

  /** Resolves once every queued write has been committed or has failed. */
  flush(): Promise<void> {
    return this.queue.flush();
  }

  /** Inserts rows in one transaction, adding the columns they need; re-stamps rows another writer's keys collide with. */
  private async insert(rows: Row[]): Promise<void> {
    await this.columnCache.addInferred();
    if (this.columnCache.hasRefused) await this.columnCache.addRefusedUsedBy(rows);
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
    const spec = this.columnCache.existing(key) ?? (await this.columns(), this.columnCache.existing(key));
    if (!spec) {
      const names = this.columnCache.names();
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
   * Like `iterate`, each row as the array of its values (in `options.columns` order, else table
   * order), in batches, JSON columns parsed: through the engine's `iterateArrays` where it has one,
   * else built from the rows of `iterateCells`. Waits for queued writes first.
   */
  async *iterateArrays(options: SelectOptions = {}): AsyncIterable<Value[][]> {
    const specs = await this.columns();
    const names = options.columns ?? specs.map((s) => s.name);
    const json = names.flatMap((name, i) => (specs.find((s) => s.name === name)?.type === 'json' ? [i] : []));
    const read = { ...options, columns: names };
    let batches: AsyncIterable<CellValue[][]>;
    if (this.engine.iterateArrays) {
      await this.flush();
      batches = this.engine.iterateArrays(this.name, read);
    } else batches = arrayBatches(this.iterateCells(read), names);
    for await (const batch of batches) {
      if (json.length > 0) for (const values of batch) for (const i of json) values[i] = decodeValue(values[i] as CellValue, 'json') as CellValue;
      yield batch as Value[][];
    }
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
    this.builder.encode(row, values);
    // encoding skips a null for a column that does not exist yet: every row already reads null there
    if (Object.keys(row).length === 0) return 0;
    await this.columnCache.addInferred();
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
