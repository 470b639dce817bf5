/**
 * The part of better-sqlite3's API this engine uses, typed structurally so a user can inject their
 * own handle (any better-sqlite3 `Database`, or anything shaped like it) and our public types never
 * import the native package.
 */

/** What `Statement.run()` reports. */
export interface SqliteRunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

/** One result column of a prepared statement; `type` is the declared type of its source column. */
export interface SqliteColumnInfo {
  name: string;
  column: string | null;
  table: string | null;
  database: string | null;
  type: string | null;
}

/** A prepared statement (better-sqlite3 `Statement`). */
export interface SqliteStatement {
  /** True when the statement returns rows. */
  readonly reader: boolean;
  run(...params: unknown[]): SqliteRunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  /** Rows one at a time from SQLite's cursor; the connection runs nothing else until it ends. */
  iterate(...params: unknown[]): IterableIterator<unknown>;
  /** Rows as arrays instead of objects. */
  raw(toggleState?: boolean): SqliteStatement;
  /** Read every INTEGER as a bigint. */
  safeIntegers(toggleState?: boolean): SqliteStatement;
  pluck(toggleState?: boolean): SqliteStatement;
  columns(): SqliteColumnInfo[];
  /** True when the statement cannot change the database (safe to run twice). */
  readonly readonly: boolean;
}

/** A database connection (better-sqlite3 `Database`). */
export interface SqliteDatabase {
  readonly name: string;
  readonly open: boolean;
  readonly memory: boolean;
  readonly readonly: boolean;
  readonly inTransaction: boolean;
  prepare(source: string): SqliteStatement;
  exec(source: string): unknown;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  close(): unknown;
}

/** The constructor options of better-sqlite3 we pass. */
export interface SqliteOpenOptions {
  readonly?: boolean;
  fileMustExist?: boolean;
  timeout?: number;
  nativeBinding?: string;
}

/** The better-sqlite3 module's default export. */
export type SqliteDatabaseConstructor = new (filename: string, options?: SqliteOpenOptions) => SqliteDatabase;
