/**
 * The engine contract: the narrow interface every storage adapter implements.
 *
 * An engine is a thin translation to one database. Core does everything else (identifier
 * validation, value encoding, timestamps, schema caching, error wrapping), so what an engine must
 * do is what each method's comment says, and no more.
 */

/** Bumped when the contract changes incompatibly; core refuses engines built for another version. */
export const ENGINE_API_VERSION = 1;

/** The two columns every tracking table starts with; together they are its primary key. */
export const KEY_COLUMNS = ['track_id', 'timestamp'] as const;

/**
 * Logical column types. Each engine maps them to its own declared types and back:
 * `integer` is a 64-bit integer, `float` a double, `json` a JSON document stored as text
 * (or a native JSON type where the database has one).
 */
export type ColumnType = 'integer' | 'float' | 'text' | 'boolean' | 'blob' | 'json';

/** A value as it crosses the engine boundary. JSON documents cross as their text. */
export type CellValue = string | number | bigint | boolean | Uint8Array | null;

/** One row as it crosses the engine boundary: column name to value. */
export type Row = Record<string, CellValue>;

/**
 * An optional hint on rows core passes to `insert`: rows whose `row[ROW_SHAPE]` values are the same
 * (`===`) have the same keys in the same order, so an engine may reuse its statement and binding
 * without checking the keys. A symbol, so it never shows up as a column. Engines may ignore it.
 */
export const ROW_SHAPE: unique symbol = Symbol.for('xetrack.rowShape') as never;

export interface ColumnSpec {
  name: string;
  type: ColumnType;
}

export type FilterOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'is null' | 'is not null';

/**
 * One condition of a WHERE clause; several are joined with AND. `in` takes an array value (`[]`
 * matches nothing). As in SQL, NULL matches no comparison: use `is null`.
 */
export interface Filter {
  column: string;
  op: FilterOp;
  value?: CellValue | CellValue[];
}

export interface OrderBy {
  column: string;
  desc?: boolean;
}

export interface SelectOptions {
  where?: Filter[];
  /** Columns to return, in this order; all columns in table order when omitted. */
  columns?: string[];
  orderBy?: OrderBy[];
  limit?: number;
  offset?: number;
}

export interface EngineCapabilities {
  /** `insert` of many rows is atomic (all or none). Default false. */
  transactions?: boolean;
  /** `sql()` runs raw queries. Default false. */
  rawSql?: boolean;
  /** Several processes may write one store at once. Default false. */
  concurrentWriters?: boolean;
  /** `iterate()` streams rows without loading the whole result. Default false. */
  streaming?: boolean;
  /** `sql(query, params, { readOnly: true })` refuses statements that write. Default false. */
  readOnlySql?: boolean;
}

/** How `sql()` runs a statement. */
export interface SqlOptions {
  /** Refuse (READ_ONLY, nothing changed) a statement that would change the database. */
  readOnly?: boolean;
}

/**
 * A storage engine. Every method may be called any number of times in any order until `close()`;
 * after `close()` every method but `close()` rejects.
 */
export interface Engine {
  /** Short name for messages, e.g. `sqlite`. */
  readonly name: string;
  /** Where the data lives, for messages (a file path, `:memory:`, or a URL without password). */
  readonly location: string;
  readonly capabilities: EngineCapabilities;

  /** Names of the tracking tables (those with `track_id` and `timestamp` columns), sorted. */
  tables(): Promise<string[]>;

  /** The columns of `table` in table order; `[]` when the table does not exist. */
  describe(table: string): Promise<ColumnSpec[]>;

  /**
   * Creates `table` when missing, with `track_id TEXT, timestamp TEXT, PRIMARY KEY (track_id, timestamp)`
   * first, then adds each column of `columns` the table lacks (a name is matched case-insensitively).
   * Idempotent, and safe when another connection adds the same column at the same time.
   */
  ensureColumns(table: string, columns: ColumnSpec[]): Promise<void>;

  /**
   * Inserts `rows` (a missing key is NULL; booleans are stored the engine's way) and resolves with
   * the count once they are committed. `[]` resolves 0. A row whose primary key already exists rejects
   * the call with an error whose `code` is `DUPLICATE_KEY`; an engine with `transactions` keeps
   * nothing of a rejected call (core relies on that to retry safely).
   */
  insert(table: string, rows: Row[]): Promise<number>;

  /**
   * Rows matching `options`; `[]` when the table does not exist. Values come back in their JS form:
   * integers as numbers (bigint beyond +-2^53-1), 0/1 in a boolean column as booleans, json columns as
   * their JSON text, blobs as Uint8Array (a Buffer is fine), SQL NULL as null.
   */
  select(table: string, options?: SelectOptions): Promise<Row[]>;

  /** Like `select`, one row at a time, without holding the whole result (capability `streaming`). */
  iterate?(table: string, options?: SelectOptions): AsyncIterable<Row>;

  /** Rows matching `where` (all rows when empty); 0 when the table does not exist. */
  count(table: string, where?: Filter[]): Promise<number>;

  /** Sets `values` on the rows matching `where` (all rows when empty); resolves the count changed. */
  update(table: string, values: Row, where: Filter[]): Promise<number>;

  /** Deletes the rows matching `where` (all rows when empty); resolves the count deleted. */
  delete(table: string, where: Filter[]): Promise<number>;

  /**
   * Runs one raw SQL statement with positional parameters (capability `rawSql`). With `readOnly`
   * (capability `readOnlySql`), a statement that would change the database is refused with
   * READ_ONLY and changes nothing; the engine decides that from the database itself (a read-only
   * statement check or transaction), not from the statement's words.
   */
  sql?(query: string, params?: CellValue[], options?: SqlOptions): Promise<Row[]>;

  /**
   * A key-value table `name` in this database, over this engine's own connection (optional). Add-ons
   * that keep data beside the rows (@xetrack/assets) use it, so a file is opened through one
   * database library only: two SQLite builds in one process do not see each other's locks.
   */
  keyValueTable?(name: string): KeyValueTable;

  /** Flushes and releases the connection. Safe to call twice. */
  close(): Promise<void>;
}

/** What the opener of a location intends; a reader never creates a store. */
export interface LocationIntent {
  /** The store must already exist: fail with NOT_FOUND instead of creating it. */
  mustExist?: boolean;
}

/**
 * How a package exports an engine so `xt --engine NAME` and `Tracker.open` can build it:
 * `create` from options, and `fromLocation` from a path or URL given on the command line.
 * Export it as the package's default export.
 */
export interface EnginePlugin<Options = unknown> {
  apiVersion: number;
  name: string;
  create(options: Options): Promise<Engine>;
  fromLocation?(location: string, intent?: LocationIntent): Options;
}

/**
 * Text values under text keys, in a table of the engine's database (see `Engine.keyValueTable`).
 * Reads of a table that does not exist find nothing; the first write creates it (so a dropped
 * table comes back). Keys are compared as their bytes.
 */
export interface KeyValueTable {
  get(key: string): Promise<string | undefined>;
  /** Inserts or replaces. */
  set(key: string, value: string): Promise<void>;
  /** True when the key was there. */
  delete(key: string): Promise<boolean>;
  /** Every entry whose key starts with `prefix`, in key order, read a page at a time. */
  entries(prefix: string): AsyncIterable<[string, string]>;
  /** Deletes every entry whose key starts with `prefix`. */
  clear(prefix: string): Promise<void>;
}
