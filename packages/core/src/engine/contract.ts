/**
 * The engine contract: the narrow interface every storage adapter implements.
 *
 * An engine is a thin translation to one database. Core does everything else: it resolves user keys
 * to column names, encodes values, stamps timestamps, wraps errors, and checks the shape of every
 * argument before an engine sees it (`guard-engine.ts`: table names are strings, filters well
 * formed, `limit`/`offset` whole numbers >= 0, `columns` non-empty, measures known). So an engine
 * may trust shapes and owns only what depends on its database:
 * - quoting identifiers (any string core passes is a name, never SQL) and binding values as parameters;
 * - its schema cache, and UNKNOWN_COLUMN for a column the table lacks (after re-reading the schema once,
 *   since another connection may have added it);
 * - mapping native errors to XetrackError codes (DUPLICATE_KEY, LOCKED, READ_ONLY, ...);
 * - widening a column whose values outgrow its type (an integer column receiving 2.5 becomes float).
 * `where.ts` has the helpers engines share: the WHERE composer and `referencedColumns`.
 */

/**
 * Bumped when the contract changes incompatibly; core refuses engines built for another version.
 * 2: `where` takes `and`/`or` trees and the `like` op; `aggregate()`.
 */
export const ENGINE_API_VERSION = 2;

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

export interface ColumnSpec {
  name: string;
  type: ColumnType;
}

export type FilterOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'like' | 'is null' | 'is not null';

/**
 * One condition on one column. `in` takes an array value (`[]` matches nothing). `like` takes a
 * string pattern: `%` any run of characters, `_` one character, `\` escapes the next one; ASCII
 * letters match either case (SQLite's LIKE), and a non-text column is matched as its text. As in
 * SQL, NULL matches no comparison: use `is null`.
 */
export interface Filter {
  column: string;
  op: FilterOp;
  value?: CellValue | CellValue[];
}

/** Conditions joined with AND (`{ and: [] }` matches every row). */
export interface AndWhere {
  and: Where[];
}

/** Conditions joined with OR (`{ or: [] }` matches no row). */
export interface OrWhere {
  or: Where[];
}

/** A condition: one filter, or an `and`/`or` of conditions, nested to any depth. */
export type Where = Filter | AndWhere | OrWhere;

export interface OrderBy {
  column: string;
  desc?: boolean;
}

export interface SelectOptions {
  /** Conditions joined with AND; every row when empty or omitted. */
  where?: Where[];
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
  /**
   * Table names that differ only in letter case are different tables (PostgreSQL). Default false:
   * they name one table, as in SQLite and DuckDB, so `copy()` refuses to merge two such tables into it.
   */
  caseSensitiveTables?: boolean;
  /** `aggregate()` computes measures in the database. Default false: core computes them from `iterate`/`select`. */
  aggregate?: boolean;
  /** `sql(query, params, { readOnly: true })` refuses statements that write. Default false. */
  readOnlySql?: boolean;
}

/**
 * Aggregate functions. NULLs are skipped by all but `count` without a column (which counts rows).
 * `min`/`max`/`first`/`last` return a value of the column's type; `sum`/`avg` a number (a double);
 * `count`/`count_distinct` a number. `first`/`last` are the non-null value at the lowest/highest
 * `timestamp` in the group. Median and quantiles are not engine functions: core computes them from
 * a `select` of the column ordered by value (see core's `aggregate.ts`).
 */
export type AggregateFn = 'count' | 'count_distinct' | 'min' | 'max' | 'sum' | 'avg' | 'first' | 'last';

export interface Measure {
  fn: AggregateFn;
  /** The column aggregated; omitted only for `count` (rows). */
  column?: string;
  /** The key of the result in each returned row; must differ from the `groupBy` columns and other measures. */
  as: string;
}

export interface AggregateOptions {
  /** Rows to aggregate: conditions joined with AND (every row when omitted). */
  where?: Where[];
  /** One result row per distinct combination of these columns (NULL is a group); one row in all when omitted. */
  groupBy?: string[];
  measures: Measure[];
}

/** How `sql()` runs a statement. */
export interface SqlOptions {
  /**
   * Refuse (READ_ONLY, nothing changed) a statement that would change the database, or act outside
   * it where the engine can (a server's files, other sessions); the error's `cause` is then an
   * `OutsideEffect` saying why.
   */
  readOnly?: boolean;
}

/** The `cause` of a READ_ONLY refusal of a statement that would act outside the database. */
export interface OutsideEffect {
  /** What it would do, e.g. `COPY writes or reads files on the server, or runs a program there`. */
  outsideEffect: string;
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

  /**
   * Like `iterate`, each row as the array of its values (in `options.columns` order, else table
   * order), yielded in batches of rows: no row object per row, for reads of many rows such as
   * `xt stats describe`. Optional: core builds the arrays from `iterate` (or `select`) without it.
   */
  iterateArrays?(table: string, options?: SelectOptions): AsyncIterable<CellValue[][]>;

  /** Rows matching `where` (all rows when empty); 0 when the table does not exist. */
  count(table: string, where?: Where[]): Promise<number>;

  /**
   * One row per group (capability `aggregate`): the `groupBy` columns, then each measure under its
   * `as` key, groups in ascending order of the `groupBy` columns. Without `groupBy`, one row (even
   * over no rows: counts 0, other measures null). `[]` when the table does not exist.
   */
  aggregate?(table: string, options: AggregateOptions): Promise<Row[]>;

  /** Sets `values` on the rows matching `where` (all rows when empty); resolves the count changed. */
  update(table: string, values: Row, where: Where[]): Promise<number>;

  /** Deletes the rows matching `where` (all rows when empty); resolves the count deleted. */
  delete(table: string, where: Where[]): Promise<number>;

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
