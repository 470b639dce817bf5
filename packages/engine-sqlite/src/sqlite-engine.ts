import {
  holdFile,
  XetrackError,
  type AggregateOptions,
  type CellValue,
  type ColumnSpec,
  type Engine,
  type EngineCapabilities,
  keysetCondition,
  keysetPages,
  arrayBatches,
  sqlWords,
  referencedColumns,
  whereColumns,
  type KeysetComparison,
  type KeyValueTable,
  type OrderBy,
  type Row,
  type SelectOptions,
  type SqlOptions,
  type Where,
} from '@xetrack/core/engine';
import type { SqliteDatabase, SqliteDatabaseConstructor, SqliteStatement } from './sqlite-database.js';
import { toXetrackError } from './sqlite-errors.js';
import { enableWal, openDatabase } from './sqlite-open.js';
import { resolveOptions, type ResolvedSqliteOptions, type SqliteEngineOptions } from './sqlite-options.js';
import { SqliteKeyValueTable } from './sqlite-key-value.js';
import { RowDecoder } from './sqlite-rows.js';
import { aggregateSql } from './sqlite-aggregate.js';
import { bindValue, foldIdentifier as fold, quoteIdentifier, whereClause } from './sqlite-sql.js';
import { StatementCache } from './sqlite-statement-cache.js';
import { rebuildAsReal } from './sqlite-widen.js';
import { ChunkFailed, PreparedInsert } from './sqlite-insert.js';
import { columnTypeOf, declaredType } from './sqlite-types.js';

const CAPABILITIES: EngineCapabilities = Object.freeze({
  aggregate: true,
  transactions: true,
  rawSql: true,
  concurrentWriters: true,
  streaming: true,
  readOnlySql: true,
});

/** A table's columns as this connection last read them. */
interface TableSchema {
  readonly columns: readonly ColumnSpec[];
  /** SQLite matches identifiers case-insensitively for ASCII letters only; keys are folded that way. */
  readonly folded: ReadonlySet<string>;
}

function isCode(error: unknown, code: string): boolean {
  return (error as { code?: unknown } | null)?.code === code;
}

/**
 * The SQLite engine: a translation of the engine contract to SQL run through better-sqlite3.
 * Everything runs synchronously inside each async method, so no transaction ever spans an await.
 * Open with `await sqliteEngine.create({ path })` or `await SqliteEngine.open({ path })`, as the other
 * engines open; `new SqliteEngine({ path })` also works, since opening better-sqlite3 is synchronous.
 */
export class SqliteEngine implements Engine {
  readonly name = 'sqlite';
  readonly location: string;
  readonly capabilities = CAPABILITIES;
  readonly options: ResolvedSqliteOptions;

  #db: SqliteDatabase | undefined;
  readonly #owned: boolean;
  /** Statements by SQL text. */
  readonly #statements = new StatementCache(256);
  /** Inserts by table and key list (the hot path skips building SQL text). */
  readonly #inserts = new StatementCache<PreparedInsert>(256);
  /** The last insert statement per table: consecutive calls with the same keys skip the cache lookup. */
  readonly #lastInsert = new Map<string, PreparedInsert>();
  readonly #schemas = new Map<string, TableSchema>();
  /** Closers of the read-only connections of iterations in progress (see `iterate`), called by `close()`. */
  readonly #snapshots = new Set<() => void>();
  /** True once the first write has set WAL (or found it cannot be set): opening alone writes nothing. */
  #walSettled = false;
  /** SQLite's compile-time column limit (SQLITE_MAX_COLUMN), read on first need. */
  #maxColumns: number | undefined;
  readonly #begin: SqliteStatement;
  readonly #commit: SqliteStatement;
  readonly #rollback: SqliteStatement;
  /** Releases this connection's entry in the process's list of held files (see `holdFile`). */
  readonly #release: () => void;

  /** Opens (or adopts) the database and applies the pragmas; throws XetrackError on failure. */
  constructor(options: SqliteEngineOptions) {
    this.options = resolveOptions(options);
    const opened = openDatabase(this.options);
    this.#db = opened.db;
    this.location = opened.location;
    this.#owned = opened.owned;
    // IMMEDIATE takes the write lock up front: a deferred transaction that upgrades later can
    // deadlock against another process and fails without waiting for the busy timeout.
    this.#begin = opened.db.prepare('BEGIN IMMEDIATE');
    this.#commit = opened.db.prepare('COMMIT');
    this.#rollback = opened.db.prepare('ROLLBACK');
    this.#release = opened.db.memory || this.location === '' ? () => undefined : holdFile(this.location);
  }

  /** Opens the database as `new SqliteEngine(options)` does, with a failure as a rejection (the engines' common entry point). */
  static async open(options: SqliteEngineOptions): Promise<SqliteEngine> {
    return new SqliteEngine(options);
  }

  /** Tracking tables (with `track_id` and `timestamp`), sorted; sqlitedict's `assets`/`keys`/`counts` are not. */
  async tables(): Promise<string[]> {
    const db = this.#handle();
    try {
      const names = this.#prepare(
        db,
        `SELECT m.name FROM sqlite_master AS m WHERE m.type = 'table'
           AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) AS p WHERE lower(p.name) = 'track_id')
           AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) AS p WHERE lower(p.name) = 'timestamp')`,
      )
        .pluck(true)
        .all() as string[];
      return names.sort();
    } catch (error) {
      throw this.#fail(error, 'list tables');
    }
  }

  /** Columns in table order, freshly read (another connection may have added some); `[]` when missing. */
  async describe(table: string): Promise<ColumnSpec[]> {
    const db = this.#handle();
    try {
      return [...(this.#schema(db, table, true)?.columns ?? [])];
    } catch (error) {
      throw this.#fail(error, `describe ${JSON.stringify(table)}`);
    }
  }

  /**
   * Creates the table in the Python xetrack layout when missing and adds missing columns, in one
   * BEGIN IMMEDIATE transaction that re-reads the schema, so a column another connection added
   * meanwhile is seen (and a "duplicate column" race is impossible). Nothing runs when this
   * connection already knows every column.
   */
  async ensureColumns(table: string, columns: ColumnSpec[]): Promise<void> {
    const db = this.#handle();
    // settled: the column exists, and is not an integer one asked to be float (that widens it)
    const settled = (schema: TableSchema | undefined) =>
      schema !== undefined && columns.every((c) => schema.folded.has(fold(c.name)) && (c.type !== 'float' || schema.columns.find((k) => fold(k.name) === fold(c.name))?.type !== 'integer'));
    if (settled(this.#schemas.get(table))) return;
    const quotedTable = quoteIdentifier(table);
    const wanted = new Map<string, string>();
    for (const column of columns) {
      const key = fold(column.name);
      if (!wanted.has(key)) wanted.set(key, `${quoteIdentifier(column.name)} ${declaredType(column.type)}`);
    }
    try {
      // Read first: a table of another shape, or one that has every column, writes nothing at all.
      const seen = this.#schema(db, table, true);
      this.#checkTrackingTable(seen, quotedTable);
      if (settled(seen)) return;
      this.#beforeWrite(db);
      this.#begin.run();
      try {
        const current = this.#schema(db, table, true);
        if (current === undefined) {
          if (fold(table).startsWith('sqlite_')) {
            throw new XetrackError('INVALID_IDENTIFIER', `sqlite: cannot create table ${JSON.stringify(table)}: names starting with "sqlite_" are reserved by SQLite. Use another table name.`);
          }
          wanted.delete('track_id');
          wanted.delete('timestamp');
          this.#checkColumnLimit(db, table, 2, wanted.size);
          const definitions = ['track_id TEXT', 'timestamp TEXT', ...wanted.values(), 'PRIMARY KEY (track_id, timestamp)'];
          db.exec(`CREATE TABLE ${quotedTable} (${definitions.join(', ')})`);
        } else {
          this.#checkTrackingTable(current, quotedTable);
          const toReal = new Set(columns.filter((c) => c.type === 'float' && current.columns.some((k) => fold(k.name) === fold(c.name) && k.type === 'integer')).map((c) => fold(c.name)));
          if (toReal.size > 0) rebuildAsReal(db, table, toReal);
          const missing = [...wanted].filter(([key]) => !current.folded.has(key));
          this.#checkColumnLimit(db, table, current.columns.length, missing.length);
          for (const [, definition] of missing) {
            try {
              db.exec(`ALTER TABLE ${quotedTable} ADD COLUMN ${definition}`);
            } catch (error) {
              if (!String((error as Error).message).startsWith('duplicate column name')) throw error;
            }
          }
        }
        this.#commit.run();
      } catch (error) {
        this.#rollbackQuietly(db);
        throw error;
      }
      this.#schema(db, table, true);
    } catch (error) {
      this.#schemas.delete(table);
      throw this.#fail(error, `add columns to ${JSON.stringify(table)}`);
    }
  }

  #checkTrackingTable(schema: TableSchema | undefined, quotedTable: string): void {
    if (schema !== undefined && (!schema.folded.has('track_id') || !schema.folded.has('timestamp'))) {
      throw new XetrackError(
        'SCHEMA_MISMATCH',
        `sqlite: table ${quotedTable} in ${this.location} exists but is not a tracking table (it has no track_id and timestamp columns). Use another table name.`,
      );
    }
  }

  /**
   * Refuses, before any ALTER, columns past SQLite's limit (2,000 by default): SQLite would only
   * find out at the last ALTER, after rewriting the schema once per column.
   */
  #checkColumnLimit(db: SqliteDatabase, table: string, existing: number, adding: number): void {
    this.#maxColumns ??= maxColumnsOf(db);
    if (existing + adding <= this.#maxColumns) return;
    throw new XetrackError(
      'INVALID_ARGUMENT',
      `sqlite: table ${JSON.stringify(table)} in ${this.location} has ${existing} columns; ${adding} more would pass SQLite's limit of ${this.#maxColumns} columns per table. Nothing was added. Log fewer distinct keys (e.g. one JSON value), or spread them over several tables.`,
    );
  }

  /** Before the first write: WAL (see `enableWal`). */
  #beforeWrite(db: SqliteDatabase): void {
    if (!this.#walSettled) this.#walSettled = enableWal(db);
  }

  /**
   * Inserts `rows` atomically: one BEGIN IMMEDIATE transaction for many rows, a plain autocommit
   * statement for one. Prepared statements are cached per (table, key list), so rows with
   * different keys may be mixed. A primary-key collision rejects with DUPLICATE_KEY, nothing kept.
   */
  async insert(table: string, rows: Row[]): Promise<number> {
    const db = this.#handle();
    const count = rows.length;
    if (count === 0) return 0;
    const progress = { index: -1 }; // the row being written, for the message
    try {
      this.#beforeWrite(db);
      let prepared: PreparedInsert;
      if (count === 1) {
        const row = rows[0] as Row;
        const first = this.#insertFor(db, table, row, this.#lastInsert.get(table));
        // autocommit; a row that must widen a column first takes a transaction
        prepared = first.run(row) ? first : this.#inTransaction(db, () => this.#widenAndRun(db, table, row, first));
      } else {
        try {
          prepared = this.#inTransaction(db, () => this.#writeAll(db, table, rows, true, progress));
        } catch (error) {
          if (!(error instanceof ChunkFailed)) throw error;
          // nothing of the call was kept; one row at a time, the error (if it comes again) names its row
          prepared = this.#inTransaction(db, () => this.#writeAll(db, table, rows, false, progress));
        }
      }
      if (this.#lastInsert.size >= 64) this.#lastInsert.clear();
      this.#lastInsert.set(table, prepared);
      return count;
    } catch (error) {
      if (isCode(error, 'SQLITE_ERROR')) this.#schemas.delete(table);
      const { index } = progress;
      const where = index >= 0 && index < count ? ` (row ${index + 1} of ${count}; the whole call was rolled back)` : '';
      throw this.#fail(error, `insert into ${JSON.stringify(table)}${where}`);
    }
  }

  /**
   * Inside a transaction: writes every row, runs of rows with one key list several to a statement
   * when `chunked` (see `PreparedInsert.runChunk`); `progress.index` follows the row being written.
   */
  #writeAll(db: SqliteDatabase, table: string, rows: Row[], chunked: boolean, progress: { index: number }): PreparedInsert {
    let current = this.#lastInsert.get(table);
    const count = rows.length;
    for (let index = 0; index < count; ) {
      progress.index = index;
      current = this.#insertFor(db, table, rows[index] as Row, current);
      if (chunked && current.chunkMatches(rows, index) && current.runChunk(rows, index)) index += current.chunkRows;
      else {
        current = this.#write(db, table, rows[index] as Row, current);
        index++;
      }
    }
    return current as PreparedInsert;
  }

  /** Runs `work` in one BEGIN IMMEDIATE transaction: committed, or rolled back and rethrown. */
  #inTransaction<T>(db: SqliteDatabase, work: () => T): T {
    this.#begin.run();
    try {
      const result = work();
      this.#commit.run();
      return result;
    } catch (error) {
      this.#rollbackQuietly(db);
      this.#forgetSchema(db, null);
      throw error;
    }
  }

  /** Inside a transaction: writes one row that `prepared` matches (widening a column first if it must); returns the insert to use next. */
  #write(db: SqliteDatabase, table: string, row: Row, prepared: PreparedInsert): PreparedInsert {
    return prepared.run(row) ? prepared : this.#widenAndRun(db, table, row, prepared);
  }

  /**
   * Inside the insert's transaction: the INTEGER columns `prepared` just refused a fractional number
   * for are rebuilt as REAL (so the declared type says what the column holds; the rebuild re-reads
   * the schema under the write lock, so two writers widen once), then the row is written by a
   * fresh insert. Returns the insert to use for the rows after it.
   */
  #widenAndRun(db: SqliteDatabase, table: string, row: Row, prepared: PreparedInsert): PreparedInsert {
    rebuildAsReal(db, table, new Set(prepared.fractionalKeys()?.map(fold)));
    this.#forgetSchema(db, table);
    const fresh = this.#insertFor(db, table, row, undefined);
    // every column that refused the row is REAL now, so `run` writes it; if not, write the values as bound
    if (!fresh.run(row)) fresh.statement.run(fresh.params);
    return fresh;
  }

  /** Drops cached statements and schemas (after a table rebuild, or its rollback); re-reads `table`'s schema unless null. */
  #forgetSchema(db: SqliteDatabase, table: string | null): void {
    this.#statements.clear();
    this.#inserts.clear();
    this.#lastInsert.clear();
    this.#schemas.clear();
    if (table !== null) this.#schema(db, table, true);
  }

  /**
   * The insert for `row`'s keys: `previous` when the keys are the same, in the same order (the
   * common case, checked without allocating), else one from the cache.
   */
  #insertFor(db: SqliteDatabase, table: string, row: Row, previous: PreparedInsert | undefined): PreparedInsert {
    if (previous !== undefined && previous.matches(row)) return previous;
    const keys = Object.keys(row);
    // The key count in front keeps the join unambiguous even for (refused) names containing NUL.
    return this.#inserts.get(`${keys.length}\0${table}\0${keys.join('\0')}`, () => this.#prepareInsert(db, table, keys));
  }

  #prepareInsert(db: SqliteDatabase, table: string, keys: string[]): PreparedInsert {
    const target = quoteIdentifier(table);
    const list = keys.map(quoteIdentifier).join(', ');
    const values = `(${'?, '.repeat(keys.length - 1)}?)`;
    const insert = (verb: string, rows: number) => `${verb} INTO ${target} (${list}) VALUES ${`${values}, `.repeat(rows - 1)}${values}`;
    const statement = db.prepare(keys.length === 0 ? `INSERT INTO ${target} DEFAULT VALUES` : insert('INSERT', 1));
    const schema = this.#schema(db, table, false);
    const types = new Map(schema?.columns.map((c) => [fold(c.name), c.type]) ?? []);
    return new PreparedInsert(
      keys,
      statement,
      keys.map((key) => types.get(fold(key))),
      (rows) => db.prepare(insert('INSERT OR ROLLBACK', rows)),
    );
  }

  /**
   * Matching rows, ordered by `orderBy` then by rowid (insertion order), so results are
   * deterministic and `iterate()` returns the same sequence. `[]` when the table is missing.
   */
  async select(table: string, options: SelectOptions = {}): Promise<Row[]> {
    const db = this.#handle();
    try {
      const schema = this.#checkedSchema(db, table, referencedColumns(options));
      if (schema === undefined) return [];
      const { sql, params } = selectSql(table, schema, options);
      return this.#readRows(this.#prepare(db, sql), params);
    } catch (error) {
      return this.#missingTableOr(error, table, [], `select from ${JSON.stringify(table)}`);
    }
  }

  /**
   * `select`, streamed. On a file in WAL mode, from one cursor on a read-only connection of its
   * own: one snapshot, taken when the first row is read (rows written meanwhile, by this engine or
   * others, are not seen), and writers are never blocked. Elsewhere (`:memory:`, a rollback-journal
   * file, an injected handle), in pages of `iteratePageSize` rows on this
   * connection (keyset paging on the order keys and rowid), free for writes between pages; rows
   * written meanwhile may or may not appear.
   */
  async *iterate(table: string, options: SelectOptions = {}): AsyncGenerator<Row> {
    for await (const batch of this.#stream(table, options, false)) {
      for (const row of batch) {
        this.#handle(); // rows read ahead are not handed out after close()
        yield row as Row;
      }
    }
  }

  /** `iterate`, each row as the array of its values (`options.columns` order, else table order), in batches. */
  async *iterateArrays(table: string, options: SelectOptions = {}): AsyncGenerator<CellValue[][]> {
    yield* this.#stream(table, options, true) as AsyncGenerator<CellValue[][]>;
  }

  /** The rows of `iterate`, as objects or (with `arrays`) as arrays, in batches (of `STREAM_BATCH` from a snapshot's cursor). */
  async *#stream(table: string, options: SelectOptions, arrays: boolean): AsyncGenerator<(Row | CellValue[])[]> {
    const db = this.#handle();
    const action = `iterate over ${JSON.stringify(table)}`;
    let schema: TableSchema | undefined;
    let snapshot: SqliteDatabase | undefined;
    try {
      schema = this.#checkedSchema(db, table, referencedColumns(options));
      if (schema === undefined) return;
      snapshot = this.#openSnapshot(db);
    } catch (error) {
      throw this.#fail(error, action);
    }
    if (snapshot === undefined) {
      const rows = this.#iteratePages(table, schema, options, action);
      if (arrays) yield* arrayBatches(rows, options.columns ?? schema.columns.map((c) => c.name), STREAM_BATCH);
      else for await (const row of rows) yield [row];
      return;
    }
    let rows: IterableIterator<unknown[]> | undefined;
    // Ends the cursor before closing its connection (better-sqlite3 refuses to close a busy one).
    const stop = () => {
      rows?.return?.();
      (snapshot as SqliteDatabase).close();
    };
    this.#snapshots.add(stop);
    try {
      const { sql, params } = selectSql(table, schema, options);
      // Safe integers: a cursor cannot go back to re-read a row whose integer lost precision.
      const statement = asArrays(snapshot.prepare(sql), true);
      const decoder = new RowDecoder(statement.columns());
      rows = statement.iterate(params) as IterableIterator<unknown[]>;
      const decode = arrays ? (values: unknown[]): Row | CellValue[] => decoder.values(values, true) as CellValue[] : (values: unknown[]): Row | CellValue[] => decoder.row(values, true) as Row;
      yield* batches(rows, decode);
      this.#handle(); // close() ends the cursor early: say so rather than end quietly
    } catch (error) {
      this.#handle();
      throw this.#fail(error, action);
    } finally {
      if (this.#snapshots.delete(stop)) stop();
    }
  }

  /**
   * A read-only connection to this file when it is in WAL mode (where a reader holding a snapshot
   * never blocks a writer); undefined otherwise. Only beside a connection the engine opened itself:
   * an injected handle may be wrapped (traced, instrumented) in ways a second connection would skip.
   */
  #openSnapshot(db: SqliteDatabase): SqliteDatabase | undefined {
    if (!this.#owned || db.memory || db.pragma('journal_mode', { simple: true }) !== 'wal') return undefined;
    const Database = db.constructor as SqliteDatabaseConstructor;
    try {
      return new Database(db.name, { readonly: true, fileMustExist: true, timeout: this.options.busyTimeoutMs });
    } catch {
      return undefined; // the file cannot be opened a second time (e.g. gone, or its directory unreadable): page instead
    }
  }

  /**
   * `iterate` in pages of `iteratePageSize` on this connection: in an order, over more than a page,
   * through a table of the sorted rowids (`#orderTable`); else, or should that table not be made
   * (no room for temporary files), paging on the order keys (`#iterateKeyset`).
   */
  async *#iteratePages(table: string, schema: TableSchema, options: SelectOptions, action: string): AsyncGenerator<Row> {
    const rowid = rowidAlias(schema);
    const sorted = (options.orderBy?.length ?? 0) > 0 && (options.limit === undefined || options.limit > this.options.iteratePageSize);
    const order = sorted && rowid !== undefined ? this.#orderTable(table, options, rowid) : undefined;
    if (order === null) return; // the table is gone
    if (order === undefined) yield* this.#iterateKeyset(table, schema, options, action);
    else yield* this.#iterateSorted(table, options, rowid as string, order, action);
  }

  /** `iterate` in pages of `iteratePageSize`, each the rows after the last one's order keys (see `keysetPages`). */
  #iterateKeyset(table: string, schema: TableSchema, options: SelectOptions, action: string): AsyncGenerator<Row> {
    const where = whereClause(options.where);
    const rowid = rowidAlias(schema);
    const keys = (options.orderBy ?? []).map((o) => ({ sql: quoteIdentifier(o.column), desc: o.desc === true }));
    if (rowid !== undefined) keys.push({ sql: rowid, desc: false });
    const base = `SELECT ${selectList(options.columns)}${keys.map((k) => `, ${k.sql}`).join('')} FROM ${quoteIdentifier(table)}`;
    const orderBy = keys.length > 0 ? ` ORDER BY ${keys.map((k) => `${k.sql}${k.desc ? ' DESC' : ''}`).join(', ')}` : '';
    return keysetPages(options, this.options.iteratePageSize, (last, size, offset) => {
      const db = this.#handle();
      try {
        // Without a rowid to page on (every alias shadowed by a column), pages go by OFFSET.
        const params = [...where.params];
        const bind: KeysetComparison = (key, op, value) => {
          const sql = (keys[key] as { sql: string }).sql;
          if (op === 'is null' || op === 'is not null') return `${sql} ${op === 'is null' ? 'IS NULL' : 'IS NOT NULL'}`;
          params.push(value);
          return `${sql} ${op} ?`;
        };
        const keyset = last === undefined ? '' : keysetCondition(keys, last, bind);
        const filter = keyset === '' ? where.sql : `${where.sql === '' ? ' WHERE' : `${where.sql} AND`} ${keyset}`;
        const statement = this.#prepare(db, `${base}${filter}${orderBy} LIMIT ? OFFSET ?`);
        // Safe integers: the order keys must be bound back exactly.
        const values = asArrays(statement, true).all([...params, size, offset]) as unknown[][];
        const lastValues = values[values.length - 1];
        const columns = statement.columns();
        const rows = new RowDecoder(columns.slice(0, columns.length - keys.length)).rows(values, true) as Row[];
        return { rows, last: rowid === undefined ? undefined : lastValues?.slice(lastValues.length - keys.length) };
      } catch (error) {
        if (isNoSuchTable(error)) return undefined;
        throw this.#fail(error, action);
      }
    });
  }

  /**
   * A temporary table of the rowids of the rows `options` selects, in its order: null when `table`
   * is gone, undefined when it cannot be made (e.g. no room for temporary files). Paging on the
   * order keys made every page scan and sort the table again (`xt stats describe` of a
   * 1,000,000-row file not in WAL: 21 s, 200 sorts); this sorts once, in one statement (one
   * snapshot of which rows, in what order).
   */
  #orderTable(table: string, options: SelectOptions, rowid: string): string | null | undefined {
    const where = whereClause(options.where);
    const order = quoteIdentifier(`xetrack_order_${++orderTables}`);
    try {
      const sql = `CREATE TEMP TABLE ${order} AS SELECT ${rowid} AS r FROM ${quoteIdentifier(table)}${where.sql} ORDER BY ${[...orderTerms(options.orderBy), rowid].join(', ')} LIMIT ? OFFSET ?`;
      this.#handle()
        .prepare(sql)
        .run([...where.params, options.limit ?? -1, options.offset ?? 0]);
      return order;
    } catch (error) {
      if (error instanceof XetrackError) throw error; // CLOSED
      return isNoSuchTable(error) ? null : undefined;
    }
  }

  /**
   * The rows of an order table (`#orderTable`), `iteratePageSize` at a time, joined back to `table`
   * by rowid: a row deleted meanwhile is skipped, a changed one read as it is now, one added not
   * seen. The order table is dropped when the iteration ends.
   */
  async *#iterateSorted(table: string, options: SelectOptions, rowid: string, order: string, action: string): AsyncGenerator<Row> {
    try {
      const columns = options.columns === undefined ? 't.*' : options.columns.map((c) => `t.${quoteIdentifier(c)}`).join(', ');
      const page = `SELECT ${columns}, o.rowid FROM temp.${order} AS o JOIN ${quoteIdentifier(table)} AS t ON t.${rowid} = o.r WHERE o.rowid > ? ORDER BY o.rowid LIMIT ?`;
      const statement = asArrays(this.#handle().prepare(page), true);
      const names = statement.columns();
      const decoder = new RowDecoder(names.slice(0, names.length - 1));
      yield* keysetPages({}, this.options.iteratePageSize, (last, size) => {
        this.#handle(); // closed meanwhile: CLOSED, not the driver's error
        try {
          const values = statement.all([last?.[0] ?? 0, size]) as unknown[][];
          return { rows: decoder.rows(values, true) as Row[], last: values[values.length - 1]?.slice(-1) };
        } catch (error) {
          if (isNoSuchTable(error)) return undefined; // dropped meanwhile: the iteration ends, as a paged one does
          throw this.#fail(error, action);
        }
      });
    } finally {
      try {
        if (this.#db?.open) this.#db.exec(`DROP TABLE IF EXISTS temp.${order}`);
      } catch {
        // it goes with the connection anyway
      }
    }
  }

  /** Rows matching `where`; 0 when the table is missing. */
  async count(table: string, where: Where[] = []): Promise<number> {
    const db = this.#handle();
    try {
      if (this.#checkedSchema(db, table, whereColumns(where)) === undefined) return 0;
      const clause = whereClause(where);
      const statement = this.#prepare(db, `SELECT count(*) FROM ${quoteIdentifier(table)}${clause.sql}`);
      return Number(statement.safeIntegers(false).pluck(true).get(clause.params));
    } catch (error) {
      return this.#missingTableOr(error, table, 0, `count rows of ${JSON.stringify(table)}`);
    }
  }

  /** Measures per group in one GROUP BY statement (see `aggregateSql`); `[]` when the table is missing. */
  async aggregate(table: string, options: AggregateOptions): Promise<Row[]> {
    const db = this.#handle();
    try {
      const schema = this.#checkedSchema(db, table, referencedColumns(options));
      if (schema === undefined) return [];
      const { sql, params, columns } = aggregateSql(table, options, (name) => schema.columns.find((c) => fold(c.name) === fold(name))?.type, rowidAlias(schema));
      const statement = this.#prepare(db, sql);
      const decoder = new RowDecoder(columns);
      return decoder.rows(asArrays(statement, false).all(params) as unknown[][], false) ?? (decoder.rows(asArrays(statement, true).all(params) as unknown[][], true) as Row[]);
    } catch (error) {
      return this.#missingTableOr(error, table, [], `aggregate ${JSON.stringify(table)}`);
    }
  }

  /** Sets `values` on the matching rows in one statement; resolves the count; 0 when the table is missing or `values` is empty. */
  async update(table: string, values: Row, where: Where[]): Promise<number> {
    const db = this.#handle();
    try {
      const columns = Object.keys(values);
      if (this.#checkedSchema(db, table, [...columns, ...whereColumns(where)]) === undefined) return 0;
      if (columns.length === 0) return 0;
      this.#beforeWrite(db);
      const clause = whereClause(where);
      const set = columns.map((c) => `${quoteIdentifier(c)} = ?`).join(', ');
      const statement = this.#prepare(db, `UPDATE ${quoteIdentifier(table)} SET ${set}${clause.sql}`);
      return statement.run([...columns.map((c) => bindValue(values[c])), ...clause.params]).changes;
    } catch (error) {
      return this.#missingTableOr(error, table, 0, `update ${JSON.stringify(table)}`);
    }
  }

  /** Deletes the matching rows in one statement; resolves the count; 0 when the table is missing. */
  async delete(table: string, where: Where[]): Promise<number> {
    const db = this.#handle();
    try {
      if (this.#checkedSchema(db, table, whereColumns(where)) === undefined) return 0;
      this.#beforeWrite(db);
      const clause = whereClause(where);
      return this.#prepare(db, `DELETE FROM ${quoteIdentifier(table)}${clause.sql}`).run(clause.params).changes;
    } catch (error) {
      return this.#missingTableOr(error, table, 0, `delete from ${JSON.stringify(table)}`);
    }
  }

  /**
   * Runs one statement with positional parameters: rows for statements that return rows, `[]`
   * otherwise. A statement that leaves a transaction open is rolled back and refused, because the
   * engine never holds a transaction between calls.
   */
  async sql(query: string, params: CellValue[] = [], options: SqlOptions = {}): Promise<Row[]> {
    const db = this.#handle();
    try {
      const statement = this.#prepare(db, query);
      if (options.readOnly && writes(statement, query)) {
        throw new XetrackError('READ_ONLY', `sqlite: the statement would change ${this.location} (or attach another file), and sql() was asked to only read; nothing ran.`);
      }
      if (!statement.readonly) this.#beforeWrite(db);
      const bound = params.map(bindValue);
      let rows: Row[] = [];
      if (statement.reader) {
        rows = this.#readRows(statement, bound);
      } else {
        statement.run(bound);
      }
      if (!statement.readonly) this.#schemas.clear();
      if (db.inTransaction) {
        this.#rollbackQuietly(db);
        throw new XetrackError('INVALID_ARGUMENT', `sqlite: sql() on ${this.location} left a transaction open, so it was rolled back. Run whole statements; the engine manages transactions.`);
      }
      return rows;
    } catch (error) {
      throw this.#fail(error, 'run sql()');
    }
  }

  /**
   * A key-value table in this file on this connection (@keyv/sqlite's layout): what
   * @xetrack/assets keeps its assets in, so the file is opened through one SQLite build only.
   */
  keyValueTable(name: string): KeyValueTable {
    this.#handle();
    return new SqliteKeyValueTable(
      {
        // a statement that writes sets WAL first, as the engine's own writes do
        prepare: (sql) => {
          const db = this.#handle();
          const statement = this.#prepare(db, sql);
          if (!statement.readonly) this.#beforeWrite(db);
          return statement;
        },
        exec: (sql) => {
          const db = this.#handle();
          this.#beforeWrite(db);
          db.exec(sql);
        },
        fail: (error, action) => this.#fail(error, action),
      },
      name,
    );
  }

  /** Releases the connection (an injected handle stays open for its owner). Safe to call twice. */
  async close(): Promise<void> {
    const db = this.#db;
    if (db === undefined) return;
    this.#db = undefined;
    this.#statements.clear();
    this.#inserts.clear();
    this.#lastInsert.clear();
    this.#schemas.clear();
    for (const stop of this.#snapshots) stop();
    this.#snapshots.clear();
    this.#release();
    if (!this.#owned) return;
    try {
      db.close();
    } catch (error) {
      throw toXetrackError(error, { location: this.location, action: 'close' });
    }
  }

  #handle(): SqliteDatabase {
    const db = this.#db;
    if (db === undefined) {
      throw new XetrackError('CLOSED', `sqlite: the engine for ${this.location} was closed. Open a new engine to use it again.`);
    }
    return db;
  }

  #prepare(db: SqliteDatabase, sql: string): SqliteStatement {
    return this.#statements.get(sql, () => db.prepare(sql));
  }

  /**
   * All rows of a reading statement, decoded. Read first with plain numbers (fast); when a value is
   * beyond +-2^53-1, read again with safe integers (statements that write are only run once, safely).
   */
  #readRows(statement: SqliteStatement, params: unknown[]): Row[] {
    if (statement.readonly) {
      const arrays = asArrays(statement, false).all(params) as unknown[][];
      const rows = new RowDecoder(statement.columns()).rows(arrays, false);
      if (rows !== undefined) return rows;
    }
    const arrays = asArrays(statement, true).all(params) as unknown[][];
    return new RowDecoder(statement.columns()).rows(arrays, true) as Row[];
  }

  /** The table's schema, from this connection's cache unless `refresh`; undefined when it does not exist. */
  #schema(db: SqliteDatabase, table: string, refresh: boolean): TableSchema | undefined {
    if (!refresh) {
      const cached = this.#schemas.get(table);
      if (cached !== undefined) return cached;
    }
    const info = asObjects(this.#prepare(db, 'SELECT name, type FROM pragma_table_info(?)')).all(table) as {
      name: string;
      type: string;
    }[];
    if (info.length === 0) {
      this.#schemas.delete(table);
      return undefined;
    }
    const schema: TableSchema = {
      columns: info.map((c) => ({ name: c.name, type: columnTypeOf(c.type) })),
      folded: new Set(info.map((c) => fold(c.name))),
    };
    this.#schemas.set(table, schema);
    return schema;
  }

  /**
   * The schema, after checking every referenced column exists (re-reading once, in case another
   * connection added it): UNKNOWN_COLUMN otherwise, rather than whatever SQLite would say.
   */
  #checkedSchema(db: SqliteDatabase, table: string, columns: readonly string[]): TableSchema | undefined {
    quoteIdentifier(table);
    let schema = this.#schema(db, table, false);
    if (schema === undefined) return undefined;
    if (columns.every((c) => schema?.folded.has(fold(c)))) return schema;
    schema = this.#schema(db, table, true);
    if (schema === undefined) return undefined;
    const known = schema.folded;
    const unknown = columns.find((c) => !known.has(fold(c)));
    if (unknown !== undefined) {
      throw new XetrackError(
        'UNKNOWN_COLUMN',
        `sqlite: table ${quoteIdentifier(table)} in ${this.location} has no column ${JSON.stringify(unknown)}. Check the name (Reader.columns() and xt columns list them).`,
      );
    }
    return schema;
  }

  /** A table dropped by another connection since we looked reads as missing; anything else fails. */
  #missingTableOr<T>(error: unknown, table: string, missing: T, action: string): T {
    if (isCode(error, 'SQLITE_ERROR') && String((error as Error).message).startsWith('no such table')) {
      this.#schemas.delete(table);
      return missing;
    }
    throw this.#fail(error, action);
  }

  #rollbackQuietly(db: SqliteDatabase): void {
    if (!db.inTransaction) return;
    try {
      this.#rollback.run();
    } catch {
      // SQLite may already have rolled back (e.g. after SQLITE_FULL); the original error matters.
    }
  }

  #fail(error: unknown, action: string): XetrackError {
    return toXetrackError(error, { location: this.location, action });
  }
}

/**
 * True when a statement would change the database: SQLite's own verdict (`sqlite3_stmt_readonly`,
 * which counts `PRAGMA journal_mode = …` and checkpoints as writes), plus ATTACH and DETACH, which
 * SQLite calls read-only although ATTACH creates a missing file.
 */
function writes(statement: SqliteStatement, query: string): boolean {
  return !statement.readonly || sqlWords(query).some((w) => w.first === true && (w.name === 'attach' || w.name === 'detach'));
}

function isNoSuchTable(error: unknown): boolean {
  return isCode(error, 'SQLITE_ERROR') && String((error as Error).message).startsWith('no such table');
}

/** Numbers the temporary order tables of `#orderTable`, so iterations in progress never share one. */
let orderTables = 0;

// Statements are shared through the cache, so each use sets its row mode. better-sqlite3's toggles
// only leave their own mode: raw(false) leaves raw, pluck(false) leaves pluck.

/** How many rows `iterate` and `iterateArrays` read before handing them on. */
const STREAM_BATCH = 256;

/** `items` mapped by `map`, in arrays of `STREAM_BATCH` (read synchronously: no await per row). */
function* batches<T, U>(items: Iterable<T>, map: (item: T) => U): Generator<U[]> {
  let batch: U[] = [];
  for (const item of items) {
    batch.push(map(item));
    if (batch.length === STREAM_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Rows as objects, integers as numbers. */
function asObjects(statement: SqliteStatement): SqliteStatement {
  return statement.raw(false).pluck(false).safeIntegers(false);
}

/** Rows as arrays; `safe` reads every integer as a bigint. */
function asArrays(statement: SqliteStatement, safe: boolean): SqliteStatement {
  return statement.raw(true).safeIntegers(safe);
}

/** SQLITE_MAX_COLUMN as this SQLite was built (2,000 unless its build says otherwise). */
function maxColumnsOf(db: SqliteDatabase): number {
  try {
    const options = db.pragma('compile_options') as { compile_options: string }[];
    const found = options.map((o) => /^MAX_COLUMN=(\d+)$/.exec(o.compile_options)?.[1]).find((n) => n !== undefined);
    return found === undefined ? 2000 : Number(found);
  } catch {
    return 2000;
  }
}

function selectList(columns: readonly string[] | undefined): string {
  return columns === undefined ? '*' : columns.map(quoteIdentifier).join(', ');
}

function orderTerms(orderBy: readonly OrderBy[] | undefined): string[] {
  return (orderBy ?? []).map((o) => `${quoteIdentifier(o.column)}${o.desc === true ? ' DESC' : ''}`);
}

/** `rowid`, or an alias of it no column shadows; undefined when a table shadows all three. */
function rowidAlias(schema: TableSchema): string | undefined {
  return ['rowid', '_rowid_', 'oid'].find((alias) => !schema.folded.has(alias));
}

/** The SQL of `select`: the order keys, then the rowid (when a name still reaches it) as the tiebreak. */
function selectSql(table: string, schema: TableSchema, options: SelectOptions): { sql: string; params: unknown[] } {
  const where = whereClause(options.where);
  const rowid = rowidAlias(schema);
  const order = orderTerms(options.orderBy);
  if (rowid !== undefined) order.push(rowid);
  const sql = `SELECT ${selectList(options.columns)} FROM ${quoteIdentifier(table)}${where.sql}` + `${order.length > 0 ? ` ORDER BY ${order.join(', ')}` : ''}${limitClause(options)}`;
  return { sql, params: [...where.params, ...limitParams(options)] };
}

function limitClause(options: SelectOptions): string {
  if (options.limit === undefined && options.offset === undefined) return '';
  return ' LIMIT ? OFFSET ?';
}

function limitParams(options: SelectOptions): number[] {
  if (options.limit === undefined && options.offset === undefined) return [];
  return [options.limit ?? -1, options.offset ?? 0];
}
