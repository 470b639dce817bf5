import type { DuckDBConnection, DuckDBInstance, DuckDBMaterializedResult } from '@duckdb/node-api';
import {
  XetrackError,
  type AggregateOptions,
  type CellValue,
  type ColumnSpec,
  type Engine,
  type EngineCapabilities,
  type Row,
  type SelectOptions,
  type SqlOptions,
  type Where,
} from '@xetrack/core/engine';
import { aggregateSql } from './duckdb-aggregate.js';
import { explainedByStaleSchema, retryOnConflict, toXetrackError } from './duckdb-errors.js';
import { appendRows, insertTuples, SMALL_BATCH } from './duckdb-insert.js';
import { fold, quoteIdentifier } from './duckdb-names.js';
import { openDatabase } from './duckdb-open.js';
import { runRawSql } from './duckdb-raw-sql.js';
import type { DuckdbEngineOptions } from './duckdb-options.js';
import { readAll } from './duckdb-rows.js';
import {
  addColumnSql,
  checkSpecs,
  checkTable,
  checkTracking,
  COLUMNS_SQL,
  createTableSql,
  missingColumns,
  resolveColumn,
  schemaFromCatalog,
  TABLES_SQL,
  unknownColumn,
  type TableSchema,
} from './duckdb-schema.js';
import { selectSql, whereSql } from './duckdb-sql.js';
import { StatementCache } from './duckdb-statements.js';
import { Streams } from './duckdb-stream.js';
import { bindAll, type Param } from './duckdb-values.js';
import { checkpoint, widenColumn } from './duckdb-widen.js';
import { normalizeRows, planRow, planUpdate, type Widenings } from './duckdb-write-plan.js';

const CAPABILITIES: EngineCapabilities = Object.freeze({
  aggregate: true,
  transactions: true,
  rawSql: true,
  concurrentWriters: false,
  streaming: true,
  readOnlySql: true,
});

const STATEMENT_CACHE_SIZE = 128;

/**
 * The DuckDB engine: a translation of the engine contract to SQL on one DuckDB database, through
 * @duckdb/node-api. Operations on its connection run one at a time in call order (a transaction
 * must not interleave with another call); `iterate` streams on a connection of its own.
 * Open with `await duckdbEngine.create({ path })` or `await DuckdbEngine.open({ path })`.
 */
export class DuckdbEngine implements Engine {
  readonly name = 'duckdb';
  readonly location: string;
  readonly capabilities = CAPABILITIES;
  readonly options: Readonly<DuckdbEngineOptions>;

  readonly #instance: DuckDBInstance;
  readonly #connection: DuckDBConnection;
  /** Table schemas by folded name: only this engine's own DDL changes them, except another engine of this process on the file (see #withSchema). */
  readonly #schemas = new Map<string, TableSchema>();
  readonly #statements = new StatementCache(STATEMENT_CACHE_SIZE);
  readonly #streams = new Streams();
  /** The last call queued on the connection: the next one runs after it. */
  #tail: Promise<unknown> = Promise.resolve();
  #closing = false;
  #closed: Promise<void> | undefined;

  private constructor(options: Readonly<DuckdbEngineOptions>, location: string, instance: DuckDBInstance, connection: DuckDBConnection) {
    this.options = options;
    this.location = location;
    this.#instance = instance;
    this.#connection = connection;
  }

  /** Opens (or, unless told not to, creates) the database and connects to it. */
  static async open(options: DuckdbEngineOptions): Promise<DuckdbEngine> {
    const opened = await openDatabase(options);
    return new DuckdbEngine(opened.options, opened.location, opened.instance, opened.connection);
  }

  tables(): Promise<string[]> {
    return this.#exclusive('list the tables', async () => {
      const rows = await this.#query(TABLES_SQL, []);
      return rows.map((r) => r.name as string).sort();
    });
  }

  describe(table: string): Promise<ColumnSpec[]> {
    return this.#exclusive(`describe ${quoteIdentifier(table)}`, async () => {
      const schema = await this.#loadSchema(table, true);
      return schema ? schema.columns.map((c) => ({ name: c.name, type: c.type })) : [];
    });
  }

  ensureColumns(table: string, columns: ColumnSpec[]): Promise<void> {
    return this.#exclusive(`add columns to ${quoteIdentifier(table)}`, async () => {
      this.#assertWritable();
      checkTable(table);
      const wanted = checkSpecs(columns);
      await this.#retryConflicts(() => this.#addMissing(table, wanted));
      // an integer column declared float is widened, as a float value arriving in it would be
      const schema = await this.#loadSchema(table, true);
      for (const spec of wanted) {
        const column = schema?.byFolded.get(fold(spec.name));
        if (schema !== undefined && spec.type === 'float' && column?.kind === 'integer') {
          await this.#retryConflicts(() => this.#widen(schema, new Map([[column, 'DOUBLE']])));
        }
      }
    });
  }

  /**
   * Inserts the rows atomically: one row by a prepared INSERT of its keys, a few by one multi-row
   * INSERT, many through the appender in one transaction. The insert is planned first (see
   * `planInsert`); the columns a value does not fit are widened, keys in another case renamed, a
   * stale schema looked at again, and the insert planned anew.
   */
  insert(table: string, rows: Row[]): Promise<number> {
    return this.#exclusive(`insert into ${quoteIdentifier(table)}`, async () => {
      this.#assertWritable();
      if (!Array.isArray(rows)) throw new XetrackError('INVALID_ARGUMENT', 'insert() takes an array of rows: wrap a single row in [].');
      if (rows.length === 0) return 0;
      return this.#retryConflicts(() => this.#insertPlanned(table, rows));
    });
  }

  async #insertPlanned(table: string, rows: Row[]): Promise<number> {
    let batch = rows;
    for (let attempt = 0; ; attempt++) {
      const cached = this.#schemas.has(fold(table));
      const schema = await this.#requireSchema(table);
      // Each attempt fixes what the last plan found (columns widened, keys renamed, the schema reloaded), so a few suffice.
      if (attempt > 2 * schema.columns.length + 3) throw this.#keptChanging(schema, 'insert');
      const plan =
        batch.length === 1
          ? planRow(schema, batch[0]!)
          : batch.length <= SMALL_BATCH
            ? await insertTuples((sql, params) => this.#run(sql, params), schema, batch)
            : await appendRows(this.#connection, schema, batch);
      switch (plan.kind) {
        case 'row':
          await this.#run(plan.sql, plan.params);
          return 1;
        case 'rows':
          return batch.length; // written as planned
        case 'stale':
          this.#forget(table); // another engine of this process changed the table: look again
          break;
        case 'widen':
          await this.#widen(schema, plan.widenings);
          break;
        case 'normalize': {
          const renamed = normalizeRows(schema, batch);
          if (Array.isArray(renamed)) batch = renamed;
          else this.#forgetOrThrow(cached, schema, renamed.unknown);
          break;
        }
        case 'unknown':
          this.#forgetOrThrow(cached, schema, plan.key);
          break;
      }
    }
  }

  /** A key the cached schema does not know: another engine of this process may have added the column, so look again; a fresh schema means UNKNOWN_COLUMN. */
  #forgetOrThrow(cached: boolean, schema: TableSchema, key: string): void {
    if (!cached) throw unknownColumn(schema, key);
    this.#forget(schema.name);
  }

  select(table: string, options: SelectOptions = {}): Promise<Row[]> {
    return this.#exclusive(`select from ${quoteIdentifier(table)}`, () =>
      this.#withSchema(table, [] as Row[], async (schema) => {
        const params: Param[] = [];
        return this.#query(selectSql(schema, options, params), params);
      }),
    );
  }

  /**
   * Streams the rows chunk by chunk (about 2,048 rows each) on a connection of its own, so other
   * calls on this engine run between chunks; the rows are a snapshot as of the first pull.
   */
  async *iterate(table: string, options: SelectOptions = {}): AsyncIterable<Row> {
    const action = `iterate over ${quoteIdentifier(table)}`;
    const query = await this.#exclusive(action, () =>
      this.#withSchema(table, undefined, async (schema) => {
        const params: Param[] = [];
        return { sql: selectSql(schema, options, params), params };
      }),
    );
    if (!query) return;
    if (this.#closing) throw this.#closedError();
    yield* this.#streams.rows(this.#instance, query.sql, query.params, {
      stopped: () => {
        if (this.#closing) throw this.#closedError();
      },
      // a failure after close() began is the engine closing under the stream
      fail: (error) => (this.#closing ? this.#closedError() : toXetrackError(error, { location: this.location, action })),
    });
  }

  /** Measures per group in one GROUP BY statement (see `aggregateSql`). */
  aggregate(table: string, options: AggregateOptions): Promise<Row[]> {
    return this.#exclusive(`aggregate ${quoteIdentifier(table)}`, () =>
      this.#withSchema(table, [] as Row[], async (schema) => {
        const params: Param[] = [];
        const where = whereSql(schema, options.where, params);
        const column = (name: string) => quoteIdentifier(resolveColumn(schema, name).name);
        return this.#query(aggregateSql(schema.name, options, { column, quote: quoteIdentifier, where }), params);
      }),
    );
  }

  count(table: string, where: Where[] = []): Promise<number> {
    return this.#exclusive(`count rows of ${quoteIdentifier(table)}`, async () => {
      return this.#withSchema(table, 0, async (schema) => {
        const params: Param[] = [];
        const rows = await this.#query(`SELECT count(*) AS n FROM ${quoteIdentifier(schema.name)}${whereSql(schema, where, params)}`, params);
        return Number(rows[0]?.n ?? 0);
      });
    });
  }

  /** Sets the values on the rows `where` selects, widening first any column a value does not fit (see `planUpdate`). */
  update(table: string, values: Row, where: Where[]): Promise<number> {
    return this.#exclusive(`update ${quoteIdentifier(table)}`, async () => {
      this.#assertWritable();
      if (typeof values !== 'object' || values === null || Array.isArray(values)) {
        throw new XetrackError('INVALID_ARGUMENT', 'update() takes the values to set as an object { column: value }.');
      }
      return this.#retryConflicts(async () => {
        for (let attempt = 0; ; attempt++) {
          const outcome = await this.#withSchema(table, 0, async (schema) => {
            const plan = planUpdate(schema, values);
            if (plan.kind === 'widen') {
              if (attempt > 2 * schema.columns.length) throw this.#keptChanging(schema, 'update');
              return plan.widenings;
            }
            if (plan.sets.length === 0) return 0;
            const sql = `UPDATE ${quoteIdentifier(schema.name)} SET ${plan.sets.join(', ')}${whereSql(schema, where, plan.params)}`;
            return (await this.#run(sql, plan.params)).rowsChanged;
          });
          if (typeof outcome === 'number') return outcome;
          await this.#widen(await this.#requireSchema(table), outcome);
        }
      });
    });
  }

  delete(table: string, where: Where[]): Promise<number> {
    return this.#exclusive(`delete from ${quoteIdentifier(table)}`, async () => {
      this.#assertWritable();
      return this.#retryConflicts(() =>
        this.#withSchema(table, 0, async (schema) => {
          const params: Param[] = [];
          const result = await this.#run(`DELETE FROM ${quoteIdentifier(schema.name)}${whereSql(schema, where, params)}`, params);
          return result.rowsChanged;
        }),
      );
    });
  }

  /**
   * Runs one statement with positional parameters (`$1` or `?`). Rows come back as `select` gives
   * them; a statement that returns none (DDL, INSERT without RETURNING) resolves `[]`. On a
   * read-only engine, or with `readOnly`, the statement runs in a read-only transaction.
   */
  sql(query: string, params: CellValue[] = [], options: SqlOptions = {}): Promise<Row[]> {
    return this.#exclusive('run the SQL statement', (connection) =>
      runRawSql(connection, query, params, {
        readOnly: this.options.readonly === true || options.readOnly === true,
        onlyRead: Boolean(options.readOnly),
        location: this.location,
        catalogChanged: () => this.#forgetAll(),
      }),
    );
  }

  /** Waits for the calls already made, ends open iterations, and releases the database. Safe to call twice. */
  close(): Promise<void> {
    this.#closed ??= this.#shutdown();
    return this.#closed;
  }

  // ---- internals ------------------------------------------------------------------------------

  async #shutdown(): Promise<void> {
    this.#closing = true;
    await this.#tail;
    await this.#streams.closeAll();
    this.#forgetAll();
    try {
      this.#connection.closeSync();
      this.#instance.closeSync();
    } catch (error) {
      throw toXetrackError(error, { location: this.location, action: 'close the database' });
    }
  }

  /** Runs `task` after every call made before it, and maps what it throws. */
  #exclusive<T>(action: string, task: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.#closing) return Promise.reject(this.#closedError());
    const run = this.#tail
      .then(() => task(this.#connection))
      .catch((error: unknown) => {
        throw toXetrackError(error, { location: this.location, action });
      });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  #closedError(): XetrackError {
    return new XetrackError('CLOSED', `The DuckDB engine for ${this.location} is closed: create a new engine to use the database again.`);
  }

  #assertWritable(): void {
    if (this.options.readonly) {
      throw new XetrackError('READ_ONLY', `${this.location} is open read-only: open it without \`readonly\` to write.`);
    }
  }

  /** Runs `sql` as a prepared statement, reused while the schema it was planned on lasts. */
  async #run(sql: string, params: Param[]): Promise<DuckDBMaterializedResult> {
    const statement = await this.#statements.get(this.#connection, sql);
    bindAll(statement, params);
    return statement.run();
  }

  async #query(sql: string, params: Param[]): Promise<Row[]> {
    return readAll(await this.#run(sql, params));
  }

  #forget(table: string): void {
    this.#schemas.delete(fold(table));
    this.#statements.clear();
  }

  #forgetAll(): void {
    this.#schemas.clear();
    this.#statements.clear();
  }

  /**
   * The table's columns from the cache, or (when `fresh`, or not cached) from the catalog; DuckDB
   * names tables case-insensitively for ASCII letters. Only this engine's own DDL changes what it
   * cached, except for another engine of this process on the same file: callers look again when
   * the cache falls short (see #withSchema), and `describe` always looks.
   */
  async #loadSchema(table: string, fresh = false): Promise<TableSchema | undefined> {
    checkTable(table);
    const cached = fresh ? undefined : this.#schemas.get(fold(table));
    if (cached) return cached;
    const schema = schemaFromCatalog(table, await this.#query(COLUMNS_SQL, [table]));
    if (schema) this.#schemas.set(fold(table), schema);
    return schema;
  }

  /**
   * Runs `task` with the table's schema, or resolves `missing` when there is no such table. The
   * schema comes from the cache; when the task fails in a way a stale cache explains (a column it
   * does not know, a table gone), it looks again once: another engine of this process on the same
   * file may have changed the table.
   */
  async #withSchema<T, M>(table: string, missing: M, task: (schema: TableSchema) => Promise<T>): Promise<T | M> {
    const cachedBefore = this.#schemas.has(fold(table));
    const schema = await this.#loadSchema(table);
    if (!schema) return missing;
    try {
      return await task(schema);
    } catch (error) {
      if (!cachedBefore || !explainedByStaleSchema(error)) throw error;
      this.#forget(table);
      const again = await this.#loadSchema(table);
      return again ? task(again) : missing;
    }
  }

  /** Runs a write again when another engine of this process committed a conflicting change first (see `retryOnConflict`). */
  #retryConflicts<T>(task: () => Promise<T>): Promise<T> {
    return retryOnConflict(task, () => this.#forgetAll());
  }

  async #requireSchema(table: string): Promise<TableSchema> {
    const schema = await this.#loadSchema(table);
    if (!schema) {
      throw new XetrackError('UNKNOWN_TABLE', `Table ${quoteIdentifier(table)} does not exist in ${this.location}: create it first with ensureColumns() (the Tracker does this).`);
    }
    checkTracking(schema, this.location);
    return schema;
  }

  /** Creates the table with `wanted`, or adds the columns it lacks in one transaction. */
  async #addMissing(table: string, wanted: ColumnSpec[]): Promise<void> {
    const schema = await this.#loadSchema(table);
    if (!schema) {
      await this.#connection.run(createTableSql(table, missingColumns(undefined, wanted)));
      this.#forget(table);
      // IF NOT EXISTS may have met a table another engine of this process made: add what it lacks.
      const made = await this.#loadSchema(table);
      if (made && missingColumns(made, wanted).length > 0) await this.#addMissing(table, wanted);
      return;
    }
    checkTracking(schema, this.location);
    const missing = missingColumns(schema, wanted);
    if (missing.length === 0) return;
    await this.#connection.run('BEGIN TRANSACTION');
    try {
      for (const spec of missing) await this.#connection.run(addColumnSql(schema.name, spec));
      await this.#connection.run('COMMIT');
    } catch (error) {
      await this.#connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      this.#forget(table);
    }
    if (schema.columns.some((c) => c.kind === 'variant')) await checkpoint(this.#connection);
  }

  /** Widens each column to its target (see `widenColumn`), then drops the cached schema. */
  async #widen(schema: TableSchema, widenings: Widenings): Promise<void> {
    try {
      for (const [column, target] of widenings) await widenColumn(this.#connection, schema, column, target);
    } finally {
      this.#forget(schema.name);
    }
  }

  /** Plans that kept asking for changes: the table is being changed under this engine faster than it can follow. */
  #keptChanging(schema: TableSchema, action: string): XetrackError {
    return new XetrackError(
      'ENGINE_FAILURE',
      `duckdb: could not ${action} ${quoteIdentifier(schema.name)} in ${this.location}: its columns kept changing while the values were fitted to them. Retry the call.`,
    );
  }
}
