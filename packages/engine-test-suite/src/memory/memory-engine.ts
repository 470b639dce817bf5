import {
  compareCells,
  KEY_COLUMNS,
  whereColumns,
  XetrackError,
  type CellValue,
  type ColumnSpec,
  type Engine,
  type EngineCapabilities,
  type Row,
  type SelectOptions,
  type Where,
} from '@xetrack/core/engine';
import { MemoryStore, type MemoryTable } from './memory-store.js';
import { asciiLower, passes, returnedValue, storedValue } from './memory-values.js';

export interface MemoryEngineOptions {
  /** The store to open; engines on one store share its tables. A new, empty store when omitted. */
  store?: MemoryStore;
  /** Where the data lives, for messages. `:memory:` when omitted. */
  location?: string;
}

/**
 * The reference engine: the whole engine contract over JS arrays, written to be read. Each method's
 * comment says what the contract asks of every engine; the code is the smallest way to do it.
 *
 * Core checks the shape of every argument before an engine sees it (names are strings, filters
 * well formed, `limit`/`offset` whole numbers), so this engine trusts shapes and owns only what
 * depends on its store: finding names, keeping keys unique, the values' form, and widening.
 * It declares `transactions` (`insert` checks every row before storing any) and
 * `caseSensitiveTables` (tables are the keys of a Map). Without `iterate` and `aggregate`, core
 * pages through `select` and computes aggregates itself.
 * Every call scans its table; it is for reading, tests and small data, not for speed.
 */
export class MemoryEngine implements Engine {
  readonly name = 'memory';
  readonly location: string;
  /** A rejected `insert` keeps none of its rows; `Runs` and `runs` are two tables; no iterate(), aggregate() or sql(). */
  readonly capabilities: EngineCapabilities = Object.freeze({ transactions: true, caseSensitiveTables: true });
  #store: MemoryStore | undefined;

  constructor(options: MemoryEngineOptions = {}) {
    this.#store = options.store ?? new MemoryStore();
    this.location = options.location ?? ':memory:';
  }

  /** Names of the tracking tables, sorted (JavaScript's default sort). */
  async tables(): Promise<string[]> {
    return [...this.#tables().keys()].sort();
  }

  /** The columns of `table` in table order; `[]` when the table does not exist. */
  async describe(table: string): Promise<ColumnSpec[]> {
    return (this.#tables().get(table)?.columns ?? []).map((c) => ({ ...c }));
  }

  /**
   * Creates `table` when missing, `track_id` and `timestamp` first; then adds each column it lacks,
   * matching names case-insensitively. Asking `float` for an `integer` column widens it (its values
   * are kept); asking for a narrower type changes nothing. Idempotent.
   */
  async ensureColumns(table: string, columns: ColumnSpec[]): Promise<void> {
    const tables = this.#tables();
    let t = tables.get(table);
    if (t === undefined) {
      t = { columns: KEY_COLUMNS.map((name) => ({ name, type: 'text' })), rows: [] };
      tables.set(table, t);
    }
    for (const column of columns) {
      const existing = t.columns.find((c) => sameName(c.name, column.name));
      if (existing === undefined) {
        t.columns.push({ ...column });
        for (const row of t.rows) row.push(null);
      } else if (existing.type === 'integer' && column.type === 'float') {
        existing.type = 'float';
      }
    }
  }

  /**
   * Stores `rows` and resolves their count; `[]` resolves 0 (also for a missing table). A key a row
   * lacks is NULL. A (track_id, timestamp) already stored, or twice in the call, rejects with
   * DUPLICATE_KEY; with `transactions` declared, a rejected call keeps none of its rows, so every
   * row is checked before any is stored. A fractional number arriving in an integer column widens
   * the column to float.
   */
  async insert(table: string, rows: Row[]): Promise<number> {
    const tables = this.#tables();
    if (rows.length === 0) return 0;
    const t = tables.get(table);
    if (t === undefined) throw new XetrackError('UNKNOWN_TABLE', `memory: no table ${JSON.stringify(table)}. Call ensureColumns first.`);
    const positions = new Map<string, number>(); // each key is looked up once per call
    const position = (key: string) => positions.get(key) ?? positions.set(key, this.#column(t, key)).get(key)!;
    const added = rows.map((row) => {
      const values: CellValue[] = t.columns.map(() => null);
      for (const [key, value] of Object.entries(row)) values[position(key)] = storedValue(value);
      return values;
    });
    checkKeys([...t.rows, ...added]);
    t.columns.forEach((c, i) => {
      if (c.type === 'integer' && added.some((values) => typeof values[i] === 'number' && !Number.isInteger(values[i]))) c.type = 'float';
    });
    t.rows.push(...added);
    return rows.length;
  }

  /**
   * Rows matching `options.where` (all when omitted), with `options.columns` in that order (all, in
   * table order, when omitted), sorted by `orderBy` (NULL first ascending, as SQLite does), then
   * `offset` skipped and `limit` kept. `[]` when the table does not exist; UNKNOWN_COLUMN for a
   * column the table lacks.
   */
  async select(table: string, options: SelectOptions = {}): Promise<Row[]> {
    const t = this.#tables().get(table);
    if (t === undefined) return [];
    const picked = (options.columns ?? t.columns.map((c) => c.name)).map((name) => [name, this.#column(t, name)] as const);
    const order = (options.orderBy ?? []).map((o) => [this.#column(t, o.column), o.desc === true ? -1 : 1] as const);
    const sorted = this.#matching(t, options.where).sort((a, b) => {
      for (const [i, sign] of order) {
        const c = compareCells(a[i]!, b[i]!);
        if (c !== 0) return sign * c;
      }
      return 0;
    });
    const start = options.offset ?? 0;
    const page = sorted.slice(start, options.limit === undefined ? undefined : start + options.limit);
    // fromEntries makes every key an own property, `__proto__` included (an assignment would not)
    return page.map((values) => Object.fromEntries(picked.map(([name, i]) => [name, returnedValue(values[i]!)])));
  }

  /** How many rows match `where` (all rows when empty); 0 when the table does not exist. */
  async count(table: string, where: Where[] = []): Promise<number> {
    const t = this.#tables().get(table);
    return t === undefined ? 0 : this.#matching(t, where).length;
  }

  /**
   * Sets `values` on the rows matching `where` (all rows when empty) and resolves how many changed;
   * 0 when the table does not exist. A change that would repeat a (track_id, timestamp) rejects
   * with DUPLICATE_KEY and changes nothing.
   */
  async update(table: string, values: Row, where: Where[]): Promise<number> {
    const t = this.#tables().get(table);
    if (t === undefined) return 0;
    const sets = Object.entries(values).map(([key, value]) => [this.#column(t, key), storedValue(value)] as const);
    const hits = new Set(this.#matching(t, where));
    if (sets.length === 0) return 0;
    const next = t.rows.map((row) => {
      if (!hits.has(row)) return row;
      const changed = [...row];
      for (const [i, value] of sets) changed[i] = value;
      return changed;
    });
    checkKeys(next);
    t.rows = next;
    return hits.size;
  }

  /** Deletes the rows matching `where` (all rows when empty; the table stays) and resolves how many. */
  async delete(table: string, where: Where[]): Promise<number> {
    const t = this.#tables().get(table);
    if (t === undefined) return 0;
    const hits = new Set(this.#matching(t, where));
    t.rows = t.rows.filter((row) => !hits.has(row));
    return hits.size;
  }

  /** Releases the store (it stays for other engines on it). Safe twice; every other method then rejects with CLOSED. */
  async close(): Promise<void> {
    this.#store = undefined;
  }

  #tables(): Map<string, MemoryTable> {
    if (this.#store === undefined) throw new XetrackError('CLOSED', 'memory: the engine is closed. Open a new one.');
    return this.#store.tables;
  }

  /** The position of column `name`, matched case-insensitively; UNKNOWN_COLUMN when the table lacks it. */
  #column(t: MemoryTable, name: string): number {
    const i = t.columns.findIndex((c) => sameName(c.name, name));
    if (i < 0) throw new XetrackError('UNKNOWN_COLUMN', `memory: no column ${JSON.stringify(name)}. Columns: ${t.columns.map((c) => c.name).join(', ')}.`);
    return i;
  }

  /** The rows passing every condition of `where`: filters, and `and`/`or` nodes nested to any depth. */
  #matching(t: MemoryTable, where: Where[] = []): CellValue[][] {
    for (const name of whereColumns(where)) this.#column(t, name);
    const test = (row: CellValue[], w: Where): boolean => {
      if ('and' in w) return w.and.every((inner) => test(row, inner));
      if ('or' in w) return w.or.some((inner) => test(row, inner));
      return passes(row[this.#column(t, w.column)]!, w);
    };
    return t.rows.filter((row) => where.every((w) => test(row, w)));
  }
}

/** Column names match case-insensitively, ASCII letters only (as SQLite does). */
function sameName(a: string, b: string): boolean {
  return asciiLower(a) === asciiLower(b);
}

/** DUPLICATE_KEY unless every row's (track_id, timestamp) differs; track_id and timestamp are columns 0 and 1. */
function checkKeys(rows: CellValue[][]): void {
  const seen = new Set<string>();
  for (const [trackId, timestamp] of rows) {
    const key = `${String(trackId)}\u0000${String(timestamp)}`;
    if (seen.has(key)) throw new XetrackError('DUPLICATE_KEY', `memory: a row with track_id ${String(trackId)} and timestamp ${String(timestamp)} exists. Use another timestamp.`);
    seen.add(key);
  }
}
