import { createHash } from 'node:crypto';
import {
  XetrackError,
  keysetCondition,
  hasKeysInOrder,
  keysetPages,
  type AggregateOptions,
  type CellValue,
  type ColumnSpec,
  type Engine,
  type EngineCapabilities,
  type OutsideEffect,
  referencedColumns,
  whereColumns,
  type Where,
  type Row,
  type SelectOptions,
  type SqlOptions,
} from '@xetrack/core/engine';
import { aggregateSql } from './postgres-aggregate.js';
import { openPool } from './postgres-connect.js';
import { isConnectionError, sqlState, toXetrackError } from './postgres-errors.js';
import { checkName, formatComment, literal, LOCK_CLASS, lockKey, physicalColumnName, physicalName, quote } from './postgres-names.js';
import { resolveOptions, type PostgresEngineOptions, type ResolvedPostgresOptions } from './postgres-options.js';
import type { PostgresField, PostgresPool, PostgresPoolClient, PostgresQueryConfig, PostgresQueryResult } from './postgres-pool.js';
import { findColumn, readSchema, specsOf, type Column, type TableSchema } from './postgres-schema.js';
import { HeldConnection } from './postgres-held-connection.js';
import { outsideEffect } from './postgres-outside-effects.js';
import { keysetComparison, orderClause, Params, sortKeys, whereClause, type SortKey } from './postgres-sql.js';
import { arrayElement, declaredType, decodeVariant, encode, READ_TYPES, sqlParameter, type ColumnKind, type Widening } from './postgres-types.js';

/** Rows per page of `iterate()`: large enough to amortize the query, small enough to stay flat in memory. */
const PAGE_SIZE = 5000;
/** Characters of array text per INSERT statement; a larger call is split into several statements in one transaction. */
const CHUNK_CHARS = 32 * 1024 * 1024;
/** How often a write re-reads a schema another connection changed under it, or widens a column, before giving up. */
const MAX_SCHEMA_RETRIES = 4;
/** The longest one attempt to add or widen columns waits for a lock (the writers queued behind it wait as long). */
const DDL_LOCK_SLICE_MS = 2000;
const CAPABILITIES: EngineCapabilities = Object.freeze({
  aggregate: true,
  transactions: true,
  rawSql: true,
  concurrentWriters: true,
  streaming: true,
  readOnlySql: true,
  caseSensitiveTables: true,
});

/** Errors that mean this engine's idea of a table's columns is out of date: re-read it and try again. */
function isStaleSchema(error: unknown): boolean {
  const state = sqlState(error);
  // undefined_table, undefined_column, datatype_mismatch (a column widened elsewhere), cached plan changed
  return state === '42P01' || state === '42703' || state === '42804' || state === '0A000';
}

/** An INSERT statement: its text, and its prepared-statement name ('' for none). */
interface InsertStatement {
  readonly text: string;
  readonly name: string;
}

/**
 * The rows of one INSERT call, ready to send: column arrays for many rows, or for a single row its
 * values as plain parameters (`VALUES ($1, ...)`: no array literal to build or for the server to
 * unnest) and the shape it was planned with (whose statement is built once).
 */
type InsertPlan =
  | { readonly columns: readonly Column[] /** Each chunk: one array literal per column. */; readonly chunks: readonly string[][] }
  | { readonly columns: readonly Column[]; readonly values: readonly (string | null)[]; readonly shape: RowShape };

/** Columns that must be widened before the rows fit, by physical name. */
type Widenings = Map<string, Widening['widen']>;

/**
 * How a single row of given keys (in order) maps to a schema's columns: each key's slot among the
 * statement's columns (two keys of one column share one, the later value wins). Kept per schema
 * object for the last shape seen, so a run of rows of one shape looks up no column and builds no
 * statement key: a refreshed schema is a new object, so a cached shape never outlives its columns.
 */
interface RowShape {
  readonly keys: readonly string[];
  readonly slots: readonly number[];
  readonly columns: readonly Column[];
  statement?: InsertStatement;
}

const rowShapes = new WeakMap<TableSchema, RowShape>();

/** The shape of `row` on `schema`: the cached one when the keys match, else a new one (undefined when a key names no column). */
function rowShape(schema: TableSchema, row: Row): RowShape | undefined {
  const known = rowShapes.get(schema);
  if (known !== undefined && hasKeysInOrder(row, known.keys)) return known;
  const keys = Object.keys(row);
  const slots = new Array<number>(keys.length);
  const columns: Column[] = [];
  for (let k = 0; k < keys.length; k++) {
    const column = findColumn(schema, keys[k] as string);
    if (column === undefined) return undefined;
    const slot = columns.indexOf(column);
    slots[k] = slot === -1 ? columns.push(column) - 1 : slot;
  }
  const shape: RowShape = { keys, slots, columns };
  rowShapes.set(schema, shape);
  return shape;
}

/** One row's plan: its columns and their values as text parameters; widenings or undefined as for many rows. */
function planRow(schema: TableSchema, row: Row): InsertPlan | Widenings | undefined {
  const shape = rowShape(schema, row);
  if (shape === undefined) return undefined;
  const { keys, slots, columns } = shape;
  const values = new Array<string | null>(columns.length);
  let widenings: Widenings | undefined;
  for (let k = 0; k < keys.length; k++) {
    const column = columns[slots[k] as number] as Column;
    const encoded = encode(column.kind, row[keys[k] as string], column.name);
    if (encoded === null || typeof encoded === 'string') values[slots[k] as number] = encoded;
    else {
      widenings ??= new Map();
      if (widenings.get(column.physical) !== 'variant') widenings.set(column.physical, encoded.widen);
    }
  }
  return widenings ?? { columns, values, shape };
}

/** Builds row objects from rows read as arrays; keeps a column named `__proto__` as a plain key. */
class RowBuilder {
  readonly #names: readonly string[];
  readonly #variants: readonly number[];
  readonly #special: boolean;
  readonly #width: number;

  constructor(names: readonly string[], kinds: readonly (ColumnKind | undefined)[]) {
    this.#names = names;
    this.#width = names.length;
    this.#variants = kinds.flatMap((k, i) => (k === 'variant' ? [i] : []));
    this.#special = names.includes('__proto__');
  }

  row(values: unknown[]): Row {
    for (const i of this.#variants) {
      const v = values[i];
      if (typeof v === 'string') values[i] = decodeVariant(v);
    }
    const names = this.#names;
    const row: Record<string, unknown> = {};
    if (this.#special) {
      for (let i = 0; i < this.#width; i++) {
        Object.defineProperty(row, names[i] as string, { value: values[i], enumerable: true, writable: true, configurable: true });
      }
    } else {
      for (let i = 0; i < this.#width; i++) row[names[i] as string] = values[i];
    }
    return row as Row;
  }
}

/**
 * The PostgreSQL engine: a translation of the engine contract to SQL run through a `pg` pool, so
 * many processes on many machines can write one store. Tables live in one schema (option
 * `schema`, default `public`), typed BIGINT / DOUBLE PRECISION / TEXT / BOOLEAN / BYTEA / JSONB.
 * Open with `await postgresEngine.create({ url })` or `await PostgresEngine.open({ url })`.
 */
export class PostgresEngine implements Engine {
  readonly name = 'postgres';
  readonly location: string;
  readonly capabilities = CAPABILITIES;
  readonly options: ResolvedPostgresOptions;

  #pool: PostgresPool | undefined;
  /** The pool's connection statements run on, held across consecutive statements. */
  readonly #connection: HeldConnection;
  readonly #owned: boolean;
  readonly #schemas = new Map<string, TableSchema>();
  /** INSERT statement text and name by table and column list. */
  readonly #inserts = new Map<string, InsertStatement>();

  private constructor(options: ResolvedPostgresOptions, pool: PostgresPool, owned: boolean) {
    this.options = options;
    this.location = options.location;
    this.#pool = pool;
    this.#connection = new HeldConnection(pool);
    this.#owned = owned;
  }

  /**
   * Connects (checking the server is reachable and the login works, so a wrong URL fails here
   * with the server named) and makes sure the schema exists: created when missing, or NOT_FOUND
   * with `mustExist`.
   */
  static async open(options: PostgresEngineOptions): Promise<PostgresEngine> {
    const { resolved, connectionString } = resolveOptions(options);
    const { pool, owned } = await openPool(resolved, connectionString);
    const engine = new PostgresEngine(resolved, pool, owned);
    try {
      await engine.#prepareSchema();
    } catch (error) {
      engine.#connection.close();
      if (owned) await pool.end().catch(() => undefined);
      throw error;
    }
    return engine;
  }

  async #prepareSchema(): Promise<void> {
    const { schema, mustExist } = this.options;
    const exists = await this.#query({ text: 'SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1)', values: [schema], rowMode: 'array' }, 'connect', false, true);
    if ((exists.rows[0] as [boolean])[0]) return;
    if (mustExist) {
      throw new XetrackError(
        'NOT_FOUND',
        `postgres: the schema ${JSON.stringify(schema)} does not exist in ${this.location} (opened to read, so it is not created). Check the schema name, or write to it first.`,
      );
    }
    try {
      await this.#handle().query({ text: `CREATE SCHEMA IF NOT EXISTS ${quote(schema)}` });
    } catch (error) {
      // Another process created it between our check and our CREATE (42P06, or 23505 on the catalog).
      if (sqlState(error) !== '42P06' && sqlState(error) !== '23505') throw this.#fail(error, `create schema ${JSON.stringify(schema)}`, true);
    }
  }

  /** Tracking tables (with `track_id` and `timestamp` columns) of the schema, by their full names, sorted. */
  async tables(): Promise<string[]> {
    const result = await this.#query(
      {
        text: `SELECT c.relname, obj_description(c.oid, 'pg_class')
          FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
            AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND lower(a.attname) = 'track_id')
            AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND lower(a.attname) = 'timestamp')`,
        values: [this.options.schema],
        rowMode: 'array',
      },
      'list tables',
      false,
      true,
    );
    const names = (result.rows as [string, string | null][]).map(([relname, comment]) => {
      const full = fullTableName(comment);
      return full !== undefined && physicalName(full) === relname ? full : relname;
    });
    return names.sort();
  }

  /** Columns in table order, freshly read (another connection may have added or widened some); `[]` when missing. */
  async describe(table: string): Promise<ColumnSpec[]> {
    this.#handle();
    checkName(table);
    const schema = await this.#refresh(table, `describe ${JSON.stringify(table)}`);
    return schema === undefined ? [] : specsOf(schema);
  }

  /**
   * Creates the table when missing (`track_id`, `timestamp` TEXT, primary key) and adds the columns
   * it lacks (matched case-insensitively), in one transaction holding an advisory lock on the table,
   * so concurrent callers in any process or host serialize and each column is added once. Nothing
   * runs when this connection already knows every column.
   */
  async ensureColumns(table: string, columns: ColumnSpec[]): Promise<void> {
    this.#handle();
    checkName(table);
    for (const column of columns) {
      checkName(column.name);
      declaredType(column.type);
    }
    const known = this.#schemas.get(table);
    const settled = (schema: TableSchema, c: ColumnSpec) => {
      const column = findColumn(schema, c.name);
      return column !== undefined && !(c.type === 'float' && column.kind === 'integer');
    };
    if (known !== undefined && columns.every((c) => settled(known, c))) return;
    // an integer column declared float is widened (as a float value arriving in it would be)
    const current = await this.#refresh(table, `add columns to ${JSON.stringify(table)}`);
    const widen: Widenings = new Map();
    for (const c of columns) {
      const column = current === undefined ? undefined : findColumn(current, c.name);
      if (c.type === 'float' && column?.kind === 'integer') widen.set(column.physical, 'float');
    }
    if (widen.size > 0) await this.#widen(table, widen);
    await this.#underTableLock(table, `add columns to ${JSON.stringify(table)}`, async (client, current) => {
      const wanted = new Map<string, ColumnSpec>();
      for (const column of columns) {
        const lower = column.name.toLowerCase();
        if (wanted.has(lower) || (current !== undefined && findColumn(current, column.name) !== undefined)) continue;
        wanted.set(lower, column);
      }
      const statements: string[] = [];
      const qualified = `${quote(this.options.schema)}.${quote(physicalName(table))}`;
      const comments = (columnsToAdd: Iterable<ColumnSpec>) => {
        for (const column of columnsToAdd) {
          const physical = physicalColumnName(column.name);
          if (physical !== column.name) {
            statements.push(`COMMENT ON COLUMN ${qualified}.${quote(physical)} IS ${literal(formatComment({ name: column.name }) as string)}`);
          }
        }
      };
      if (current === undefined) {
        wanted.delete('track_id');
        wanted.delete('timestamp');
        const definitions = [
          '"track_id" text COLLATE "C"',
          '"timestamp" text COLLATE "C"',
          ...[...wanted.values()].map((c) => `${quote(physicalColumnName(c.name))} ${declaredType(c.type)}`),
          `CONSTRAINT ${quote(`xetrack_pk_${hash16(`${this.options.schema}\0${table}`)}`)} PRIMARY KEY ("track_id", "timestamp")`,
        ];
        statements.push(`CREATE TABLE ${qualified} (${definitions.join(', ')})`);
        if (physicalName(table) !== table) {
          statements.push(`COMMENT ON TABLE ${qualified} IS ${literal(formatComment({ name: table }) as string)}`);
        }
        comments(wanted.values());
      } else {
        if (current.keys === undefined) {
          throw new XetrackError(
            'SCHEMA_MISMATCH',
            `postgres: table ${JSON.stringify(table)} in ${this.location} exists but is not a tracking table (it has no track_id and timestamp columns). Use another table name.`,
          );
        }
        if (wanted.size === 0) return false;
        const adds = [...wanted.values()].map((c) => `ADD COLUMN IF NOT EXISTS ${quote(physicalColumnName(c.name))} ${declaredType(c.type)}`);
        statements.push(`ALTER TABLE ${qualified} ${adds.join(', ')}`);
        comments(wanted.values());
      }
      await client.query({ text: statements.join(';\n') });
      return true;
    });
  }

  /**
   * Inserts `rows` atomically as column arrays (`INSERT ... SELECT * FROM unnest($1::bigint[], ...)`):
   * one statement, so one round trip and an implicit transaction, or several statements in one
   * transaction for very large calls. A value a column cannot hold widens the column first (an
   * integer column to DOUBLE PRECISION for fractions, any column to JSONB for other types). A
   * primary-key collision rejects with DUPLICATE_KEY and nothing of the call is kept.
   */
  async insert(table: string, rows: Row[]): Promise<number> {
    this.#handle();
    const count = rows.length;
    if (count === 0) return 0;
    checkName(table);
    const action = `insert into ${JSON.stringify(table)}`;
    for (let attempt = 0; ; attempt++) {
      const schema = this.#schemas.get(table) ?? (await this.#refresh(table, action));
      if (schema === undefined) {
        throw new XetrackError('UNKNOWN_TABLE', `postgres: ${action} failed on ${this.location}: the table does not exist. Check its name (Reader.tables() lists the tables).`);
      }
      const plan = this.#planInsert(schema, rows);
      if (plan instanceof Map) {
        if (attempt >= MAX_SCHEMA_RETRIES) throw this.#widenFailed(table, plan);
        await this.#widen(table, plan);
        continue;
      }
      if (plan === undefined) {
        // A key this connection does not know: another connection may have added the column.
        if (attempt === 0) {
          await this.#refresh(table, action);
          continue;
        }
        throw this.#unknownColumn(table, this.#missingKey(schema, rows));
      }
      try {
        await this.#runInsert(schema, plan);
        return count;
      } catch (error) {
        if (attempt < MAX_SCHEMA_RETRIES && isStaleSchema(error)) {
          this.#schemas.delete(table);
          continue;
        }
        const chunks = 'chunks' in plan ? plan.chunks.length : 1;
        const rolledBack = isConnectionError(error) ? '' : '; the whole call was rolled back';
        throw this.#fail(error, `${action}${count > 1 ? ` (${count} rows${chunks > 1 ? ` in ${chunks} statements` : ''}${rolledBack})` : ''}`, true);
      }
    }
  }

  /** The first key of `rows` that names no column of `schema`. */
  #missingKey(schema: TableSchema, rows: readonly Row[]): string {
    for (const row of rows) for (const key of Object.keys(row)) if (findColumn(schema, key) === undefined) return key;
    return '';
  }

  /**
   * The rows as one array literal per column, chunked; a map of the widenings needed when some
   * value does not fit its column; undefined when a key names no known column.
   */
  #planInsert(schema: TableSchema, rows: readonly Row[]): InsertPlan | Widenings | undefined {
    if (rows.length === 1) return planRow(schema, rows[0] as Row);
    const slots = new Map<Column, number>();
    const columns: Column[] = [];
    const count = rows.length;
    // Element texts per column; 'NULL' where a row lacks the key.
    const elements: string[][] = [];
    let lastKeys: string[] | undefined;
    let lastSlots: number[] = [];
    let widenings: Widenings | undefined;
    let chars = 0;
    for (let r = 0; r < count; r++) {
      const row = rows[r] as Row;
      const keys = Object.keys(row);
      let rowSlots: number[];
      if (lastKeys !== undefined && sameKeys(lastKeys, keys)) {
        rowSlots = lastSlots;
      } else {
        rowSlots = new Array<number>(keys.length);
        for (let k = 0; k < keys.length; k++) {
          const column = findColumn(schema, keys[k] as string);
          if (column === undefined) return undefined;
          let slot = slots.get(column);
          if (slot === undefined) {
            slot = columns.length;
            slots.set(column, slot);
            columns.push(column);
            elements.push(new Array<string>(count).fill('NULL'));
          }
          rowSlots[k] = slot;
        }
        lastKeys = keys;
        lastSlots = rowSlots;
      }
      for (let k = 0; k < keys.length; k++) {
        const slot = rowSlots[k] as number;
        const column = columns[slot] as Column;
        const encoded = encode(column.kind, row[keys[k] as string], column.name);
        if (encoded === null || typeof encoded === 'string') {
          const element = arrayElement(encoded, column.bare);
          (elements[slot] as string[])[r] = element;
          chars += element.length;
        } else {
          widenings ??= new Map();
          if (widenings.get(column.physical) !== 'variant') widenings.set(column.physical, encoded.widen);
        }
      }
    }
    if (widenings !== undefined) return widenings;
    if (chars + count * elements.length <= CHUNK_CHARS) return { columns, chunks: [elements.map((e) => `{${e.join(',')}}`)] };
    // Split into chunks of at most CHUNK_CHARS of array text (one row may exceed it alone).
    const chunks: string[][] = [];
    let start = 0;
    let size = 0;
    const flush = (end: number) => {
      chunks.push(elements.map((e) => `{${e.slice(start, end).join(',')}}`));
      start = end;
      size = 0;
    };
    for (let r = 0; r < count; r++) {
      let rowSize = 0;
      for (const e of elements) rowSize += (e[r] as string).length + 1;
      if (size > 0 && size + rowSize > CHUNK_CHARS) flush(r);
      size += rowSize;
    }
    flush(count);
    return { columns, chunks };
  }

  /** Sends the planned chunks: one autocommit statement, or a transaction around several. */
  async #runInsert(schema: TableSchema, plan: InsertPlan): Promise<void> {
    const connection = this.#handle();
    if ('values' in plan) {
      const statement = (plan.shape.statement ??= this.#insertStatement(schema, plan.columns, true));
      await connection.query(this.#insertConfig(statement, plan.values as string[]));
      return;
    }
    const statement = this.#insertStatement(schema, plan.columns, false);
    if (plan.chunks.length === 1) {
      await connection.query(this.#insertConfig(statement, plan.chunks[0] as string[]));
      return;
    }
    const client = await connection.checkOut();
    let broken: unknown;
    try {
      await client.query({ text: 'BEGIN' });
      try {
        for (const chunk of plan.chunks) await client.query(this.#insertConfig(statement, chunk));
        await client.query({ text: 'COMMIT' });
      } catch (error) {
        await client.query({ text: 'ROLLBACK' }).catch((e: unknown) => {
          broken = e;
        });
        throw error;
      }
    } finally {
      client.release(broken instanceof Error ? broken : undefined);
    }
  }

  /** The query of an INSERT statement: prepared under its name, unless prepared statements are switched off. */
  #insertConfig(statement: InsertStatement, values: string[]): PostgresQueryConfig {
    return statement.name !== '' && this.options.prepareStatements ? { name: statement.name, text: statement.text, values } : { text: statement.text, values };
  }

  #insertStatement(schema: TableSchema, columns: readonly Column[], single: boolean): InsertStatement {
    let key = `${single ? 'row' : 'arrays'}\0${schema.qualified}`;
    for (const column of columns) key += `\0${column.physical}\0${column.sqlType}`;
    let statement = this.#inserts.get(key);
    if (statement === undefined) {
      if (columns.length === 0) {
        const text = `INSERT INTO ${schema.qualified} DEFAULT VALUES`;
        statement = { text, name: '' };
      } else {
        const list = columns.map((c) => c.quoted).join(', ');
        const text = single
          ? `INSERT INTO ${schema.qualified} (${list}) VALUES (${columns.map((c, i) => `$${i + 1}::${c.sqlType}`).join(', ')})`
          : `INSERT INTO ${schema.qualified} (${list}) SELECT * FROM unnest(${columns.map((c, i) => `$${i + 1}::${c.sqlType}[]`).join(', ')})`;
        statement = { text, name: `xetrack_insert_${hash16(text)}` };
      }
      if (this.#inserts.size >= 512) this.#inserts.clear();
      this.#inserts.set(key, statement);
    }
    return statement;
  }

  /**
   * Widens columns so values of another type fit, under the table's advisory lock (another process
   * may be widening the same column): an integer column whose values all fit a double becomes
   * DOUBLE PRECISION when a fraction arrives; otherwise a column becomes JSONB holding each value
   * with its own JSON type. The comment remembers the first type, which `describe` keeps reporting.
   */
  async #widen(table: string, wanted: Widenings): Promise<void> {
    await this.#underTableLock(table, `widen columns of ${JSON.stringify(table)}`, async (client, current) => {
      if (current === undefined) return false;
      const clauses: string[] = [];
      const comments: string[] = [];
      for (const [physical, target] of wanted) {
        const column = current.byPhysical.get(physical);
        if (column === undefined || column.kind === 'variant') continue;
        let to: 'float' | 'variant' = target;
        if (to === 'float') {
          if (column.kind === 'float') continue;
          if (column.kind !== 'integer') to = 'variant';
          else {
            const big = await client.query({
              text: `SELECT EXISTS (SELECT 1 FROM ${current.qualified} WHERE ${column.quoted} > 9007199254740991 OR ${column.quoted} < -9007199254740991)`,
              rowMode: 'array',
            });
            if ((big.rows[0] as [boolean])[0]) to = 'variant';
          }
        }
        const expression = to === 'float' ? `${column.quoted}::double precision` : variantUsing(column);
        clauses.push(`ALTER COLUMN ${column.quoted} TYPE ${to === 'float' ? 'double precision' : 'jsonb'} USING ${expression}`);
        // a float column says float (Python and describe() read it so); a variant remembers the type it had
        const remembered = formatComment({
          ...(column.name !== column.physical ? { name: column.name } : {}),
          type: to === 'float' ? 'float' : (column.remembered ?? column.type),
        }) as string;
        comments.push(`COMMENT ON COLUMN ${current.qualified}.${column.quoted} IS ${literal(remembered)}`);
      }
      if (clauses.length === 0) return false;
      await client.query({ text: 'SET LOCAL extra_float_digits = 3' });
      await client.query({ text: [`ALTER TABLE ${current.qualified} ${clauses.join(', ')}`, ...comments].join(';\n') });
      return true;
    });
  }

  #widenFailed(table: string, wanted: Widenings): XetrackError {
    return new XetrackError(
      'ENGINE_FAILURE',
      `postgres: the columns ${[...wanted.keys()].map((c) => JSON.stringify(c)).join(', ')} of table ${JSON.stringify(table)} in ${this.location} could not be widened to hold the new values. Check the table's column types.`,
    );
  }

  /**
   * Runs `work` in a transaction holding the table's advisory lock, with the schema read after the
   * lock was granted (so whatever another holder did is seen), then caches the schema as committed.
   * `work` resolves false when it changed nothing.
   *
   * Each attempt waits for locks at most DDL_LOCK_SLICE_MS: an ALTER TABLE queued behind a long
   * transaction (a forgotten `psql` session that read the table) would otherwise hold up every
   * writer of the table behind it. Attempts repeat, with a pause, for `lockTimeoutMs` in all;
   * then LOCKED.
   */
  async #underTableLock(table: string, action: string, work: (client: PostgresPoolClient, current: TableSchema | undefined) => Promise<boolean>): Promise<void> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      const left = this.options.lockTimeoutMs - (Date.now() - started);
      try {
        await this.#underTableLockOnce(table, Math.max(1, Math.min(DDL_LOCK_SLICE_MS, left)), work);
        return;
      } catch (error) {
        this.#schemas.delete(table);
        if (sqlState(error) === '55P03') {
          const waited = Date.now() - started;
          if (waited < this.options.lockTimeoutMs) {
            await new Promise((resolve) => setTimeout(resolve, Math.min(500, 25 * attempt, Math.max(1, this.options.lockTimeoutMs - waited))));
            continue;
          }
          throw new XetrackError(
            'LOCKED',
            `postgres: ${action} failed on ${this.location}: another session kept a lock on the table for ${(waited / 1000).toFixed(1)} s (the lockTimeoutMs option), usually an open transaction that read or wrote it. Commit or close that session (see pg_stat_activity), or raise lockTimeoutMs, then retry. (PostgreSQL 55P03: ${(error as Error).message})`,
            { cause: error },
          );
        }
        throw this.#fail(error, action, true);
      }
    }
  }

  async #underTableLockOnce(table: string, lockTimeoutMs: number, work: (client: PostgresPoolClient, current: TableSchema | undefined) => Promise<boolean>): Promise<void> {
    const client = await this.#handle().checkOut();
    let broken: unknown;
    try {
      await client.query({ text: 'BEGIN' });
      try {
        await client.query({ text: `SET LOCAL lock_timeout = ${lockTimeoutMs}` });
        await client.query({ text: `SELECT pg_advisory_xact_lock(${LOCK_CLASS}, ${lockKey(this.options.schema, table)})` });
        const current = await readSchema(client, this.options.schema, table, this.options.prepareStatements);
        const changed = await work(client, current);
        await client.query({ text: changed ? 'COMMIT' : 'ROLLBACK' });
      } catch (error) {
        await client.query({ text: 'ROLLBACK' }).catch((e: unknown) => {
          broken = e;
        });
        throw error;
      }
      this.#remember(table, await readSchema(client, this.options.schema, table, this.options.prepareStatements));
    } finally {
      client.release(broken instanceof Error ? broken : undefined);
    }
  }

  /**
   * Matching rows, ordered by `orderBy` then by the primary key, so results are deterministic and
   * `iterate()` returns the same sequence; NULLs sort first ascending. `[]` when the table is missing.
   */
  async select(table: string, options: SelectOptions = {}): Promise<Row[]> {
    this.#handle();
    checkName(table);
    const action = `select from ${JSON.stringify(table)}`;
    const schema = await this.#resolved(table, referencedColumns(options), action);
    if (schema === undefined) return [];
    const resolve = (name: string) => findColumn(schema, name) as Column;
    const params = new Params();
    const where = whereClause(options.where, resolve, params);
    const keys = sortKeys(options.orderBy, resolve, schema.keys ?? []);
    let sql = `SELECT ${this.#selectList(options, resolve)} FROM ${schema.qualified}${where}${orderClause(keys)}`;
    if (options.limit !== undefined) sql += ` LIMIT ${params.add(options.limit)}`;
    if (options.offset !== undefined) sql += ` OFFSET ${params.add(options.offset)}`;
    try {
      const result = await this.#read({ text: sql, values: params.values, rowMode: 'array', types: READ_TYPES }, action);
      const builder = await this.#rowBuilder(table, schema, result.fields, result.fields.length, action);
      return (result.rows as unknown[][]).map((values) => builder.row(values));
    } catch (error) {
      return this.#missingTableOr(error, table, [], action);
    }
  }

  /**
   * `select` one page at a time (core's `keysetPages` on the order keys and the primary key), so
   * memory stays flat and no connection or transaction is held between pages: the caller may write
   * through this engine (even add columns) while iterating. Rows written meanwhile may or may not
   * appear (no snapshot: a cursor would hold a lock that blocks adding columns until it ends).
   */
  async *iterate(table: string, options: SelectOptions = {}): AsyncGenerator<Row> {
    this.#handle();
    const action = `iterate over ${JSON.stringify(table)}`;
    checkName(table);
    const schema = await this.#resolved(table, referencedColumns(options), action);
    if (schema === undefined) return;
    if (schema.keys === undefined) {
      // Not a tracking table: no key to page on, so one query.
      yield* await this.select(table, options);
      return;
    }
    const resolve = (name: string) => findColumn(schema, name) as Column;
    const keys: SortKey[] = sortKeys(options.orderBy, resolve, schema.keys);
    const list = `${this.#selectList(options, resolve)}, ${keys.map((k, i) => `${k.column.quoted}::text AS "xetrack sort key ${i}"`).join(', ')}`;
    const order = orderClause(keys);
    yield* keysetPages(options, PAGE_SIZE, async (last, size, offset) => {
      const params = new Params();
      let where = whereClause(options.where, resolve, params);
      if (last !== undefined) where += `${where === '' ? ' WHERE ' : ' AND '}${keysetCondition(keys, last, keysetComparison(keys, params))}`;
      const sql = `SELECT ${list} FROM ${schema.qualified}${where}${order} LIMIT ${params.add(size)}${offset > 0 ? ` OFFSET ${params.add(offset)}` : ''}`;
      try {
        const result = await this.#read({ text: sql, values: params.values, rowMode: 'array', types: READ_TYPES }, action);
        const width = result.fields.length - keys.length;
        const builder = await this.#rowBuilder(table, schema, result.fields, width, action);
        const arrays = result.rows as unknown[][];
        return { rows: arrays.map((values) => builder.row(values)), last: arrays[arrays.length - 1]?.slice(width) };
      } catch (error) {
        if (sqlState(error) === '42P01') return undefined;
        throw this.#fail(error, action);
      }
    });
  }

  /** Measures per group in one GROUP BY statement (see `aggregateSql`); `[]` when the table is missing. */
  async aggregate(table: string, options: AggregateOptions): Promise<Row[]> {
    this.#handle();
    checkName(table);
    const action = `aggregate ${JSON.stringify(table)}`;
    const schema = await this.#resolved(table, referencedColumns(options), action);
    if (schema === undefined) return [];
    const resolve = (name: string) => findColumn(schema, name) as Column;
    const params = new Params();
    const { text, names, kinds } = aggregateSql(schema.qualified, options, resolve, whereClause(options.where, resolve, params));
    try {
      const result = await this.#read({ text, values: params.values, rowMode: 'array', types: READ_TYPES }, action);
      const builder = new RowBuilder(names, kinds);
      return (result.rows as unknown[][]).map((values) => builder.row(values));
    } catch (error) {
      return this.#missingTableOr(error, table, [], action);
    }
  }

  /** Rows matching `where`; 0 when the table is missing. */
  async count(table: string, where: Where[] = []): Promise<number> {
    this.#handle();
    checkName(table);
    const action = `count rows of ${JSON.stringify(table)}`;
    const schema = await this.#resolved(table, whereColumns(where), action);
    if (schema === undefined) return 0;
    const params = new Params();
    const clause = whereClause(where, (name) => findColumn(schema, name) as Column, params);
    try {
      const result = await this.#read({ text: `SELECT count(*) FROM ${schema.qualified}${clause}`, values: params.values, rowMode: 'array', types: READ_TYPES }, action);
      return Number((result.rows[0] as [number | bigint])[0]);
    } catch (error) {
      return this.#missingTableOr(error, table, 0, action);
    }
  }

  /**
   * Sets `values` on the matching rows in one statement; resolves the count; 0 when the table is
   * missing or `values` is empty. A value a column cannot hold widens the column first, as `insert` does.
   */
  async update(table: string, values: Row, where: Where[]): Promise<number> {
    this.#handle();
    checkName(table);
    const action = `update ${JSON.stringify(table)}`;
    const names = Object.keys(values);
    for (let attempt = 0; ; attempt++) {
      const schema = await this.#resolved(table, [...names, ...whereColumns(where)], action);
      if (schema === undefined || names.length === 0) return 0;
      const resolve = (name: string) => findColumn(schema, name) as Column;
      const params = new Params();
      const sets: string[] = [];
      const seen = new Set<Column>();
      let widenings: Widenings | undefined;
      for (const name of names) {
        const column = resolve(name);
        const encoded = encode(column.kind, values[name], column.name);
        if (encoded !== null && typeof encoded !== 'string') {
          widenings ??= new Map();
          if (widenings.get(column.physical) !== 'variant') widenings.set(column.physical, encoded.widen);
          continue;
        }
        if (seen.has(column)) continue;
        seen.add(column);
        sets.push(`${column.quoted} = ${params.add(encoded)}::${column.sqlType}`);
      }
      if (widenings !== undefined) {
        if (attempt >= MAX_SCHEMA_RETRIES) throw this.#widenFailed(table, widenings);
        await this.#widen(table, widenings);
        continue;
      }
      const clause = whereClause(where, resolve, params);
      try {
        const result = await this.#query({ text: `UPDATE ${schema.qualified} SET ${sets.join(', ')}${clause}`, values: params.values }, action, true, false, true);
        return result.rowCount ?? 0;
      } catch (error) {
        if (attempt < MAX_SCHEMA_RETRIES && isStaleSchema(error) && sqlState(error) !== '42P01') {
          this.#schemas.delete(table);
          continue;
        }
        return this.#missingTableOr(error, table, 0, action, true);
      }
    }
  }

  /** Deletes the matching rows in one statement; resolves the count; 0 when the table is missing. */
  async delete(table: string, where: Where[]): Promise<number> {
    this.#handle();
    checkName(table);
    const action = `delete from ${JSON.stringify(table)}`;
    const schema = await this.#resolved(table, whereColumns(where), action);
    if (schema === undefined) return 0;
    const params = new Params();
    const clause = whereClause(where, (name) => findColumn(schema, name) as Column, params);
    try {
      const result = await this.#query({ text: `DELETE FROM ${schema.qualified}${clause}`, values: params.values }, action, true, false, true);
      return result.rowCount ?? 0;
    } catch (error) {
      return this.#missingTableOr(error, table, 0, action, true);
    }
  }

  /**
   * Runs one statement (extended protocol: never a `;`-separated script) with `$1`-style
   * parameters, unqualified names resolving in the engine's schema first. Resolves the rows of a
   * statement that returns rows, `[]` otherwise. A statement that leaves a transaction open is
   * refused and its connection discarded (rolling it back), because the engine never holds a
   * transaction between calls.
   */
  async sql(query: string, params: CellValue[] = [], options: SqlOptions = {}): Promise<Row[]> {
    const connection = this.#handle();
    const action = 'run sql()';
    if (typeof query !== 'string') throw new XetrackError('INVALID_ARGUMENT', 'postgres: sql() takes the statement as a string.');
    const values = params.map(sqlParameter);
    const outside = options.readOnly ? outsideEffect(query) : undefined;
    if (outside !== undefined) {
      const cause: OutsideEffect = { outsideEffect: outside };
      throw new XetrackError('READ_ONLY', `postgres: ${outside}, which a read-only transaction does not stop, so sql() asked to only read did not run it.`, { cause });
    }
    let client: PostgresPoolClient;
    try {
      client = await connection.checkOut();
    } catch (error) {
      throw this.#fail(error, action);
    }
    let discard = false;
    try {
      const path = await client.query({
        text: "SELECT current_setting('search_path'), set_config('search_path', $1 || ', ' || current_setting('search_path'), false)",
        values: [quote(this.options.schema)],
        rowMode: 'array',
      });
      const previous = (path.rows[0] as [string])[0];
      // readOnly: inside a READ ONLY transaction, rolled back after, PostgreSQL refuses every write
      // (25006) and every statement that cannot run in a transaction (25001: VACUUM, CREATE DATABASE…)
      if (options.readOnly) await client.query({ text: 'BEGIN READ ONLY' });
      let result: PostgresQueryResult;
      try {
        result = await client.query({ text: query, values, rowMode: 'array', types: READ_TYPES, queryMode: 'extended' });
      } catch (error) {
        const state = sqlState(error);
        if (options.readOnly && (state === '25006' || state === '25001')) {
          throw new XetrackError('READ_ONLY', `postgres: the statement would change ${this.location}, and sql() was asked to only read; nothing changed.`, { cause: error });
        }
        throw error;
      } finally {
        if (options.readOnly) await client.query({ text: 'ROLLBACK' });
        const status = client.getTransactionStatus?.();
        discard = status === 'T' || status === 'E';
        if (!discard) await client.query({ text: "SELECT set_config('search_path', $1, false)", values: [previous] });
      }
      if (discard) {
        throw new XetrackError('INVALID_ARGUMENT', `postgres: sql() on ${this.location} left a transaction open, so it was rolled back. Run whole statements; the engine manages transactions.`);
      }
      if (result.command !== 'SELECT') {
        this.#schemas.clear();
        this.#inserts.clear();
      }
      if (result.fields.length === 0) return [];
      const builder = new RowBuilder(
        result.fields.map((f) => f.name),
        [],
      );
      return (result.rows as unknown[][]).map((values) => builder.row(values));
    } catch (error) {
      if (!discard && isConnectionError(error)) discard = true;
      throw this.#fail(error, action);
    } finally {
      client.release(discard ? true : undefined);
    }
  }

  /** Releases the connections (an injected pool stays open for its owner). Safe to call twice. */
  async close(): Promise<void> {
    const pool = this.#pool;
    if (pool === undefined) return;
    this.#pool = undefined;
    this.#connection.close();
    this.#schemas.clear();
    this.#inserts.clear();
    if (!this.#owned) return;
    try {
      await pool.end();
    } catch (error) {
      throw toXetrackError(error, { location: this.location, server: this.options.server, action: 'close' });
    }
  }

  /** The connection to run statements on; CLOSED once the engine is closed. */
  #handle(): HeldConnection {
    if (this.#pool === undefined) {
      throw new XetrackError('CLOSED', `postgres: the engine for ${this.location} was closed. Open a new engine to use it again.`);
    }
    return this.#connection;
  }

  /**
   * One query on the engine's connection. `retry` runs a read a second time when the connection failed (a server
   * restart drops the pool's connections; the retry gets a new one); writes are never retried,
   * since a lost connection leaves unknown whether they committed.
   */
  async #query(config: PostgresQueryConfig, action: string, write: boolean, retry = false, raw = false): Promise<PostgresQueryResult> {
    const connection = this.#handle();
    try {
      return await connection.query(config);
    } catch (error) {
      if (retry && isConnectionError(error) && this.#pool !== undefined) {
        try {
          return await this.#handle().query(config);
        } catch (again) {
          if (raw) throw again;
          throw this.#fail(again, action, write);
        }
      }
      if (raw) throw error;
      throw this.#fail(error, action, write);
    }
  }

  /** A read: retried once on a lost connection; the native error is rethrown for the caller to map. */
  #read(config: PostgresQueryConfig, action: string): Promise<PostgresQueryResult> {
    return this.#query(config, action, false, true, true);
  }

  /** Reads the schema of `table` now and caches it; undefined when the table does not exist. */
  async #refresh(table: string, action: string): Promise<TableSchema | undefined> {
    const connection = this.#handle();
    let schema: TableSchema | undefined;
    try {
      schema = await readSchema(connection, this.options.schema, table, this.options.prepareStatements);
    } catch (error) {
      if (!isConnectionError(error)) throw this.#fail(error, action);
      try {
        schema = await readSchema(this.#handle(), this.options.schema, table, this.options.prepareStatements);
      } catch (again) {
        throw this.#fail(again, action);
      }
    }
    this.#remember(table, schema);
    return schema;
  }

  #remember(table: string, schema: TableSchema | undefined): void {
    if (schema === undefined) this.#schemas.delete(table);
    else {
      const previous = this.#schemas.get(table);
      if (previous !== undefined && previous.columns.length !== schema.columns.length) this.#inserts.clear();
      this.#schemas.set(table, schema);
    }
  }

  /**
   * The schema, after checking every referenced column exists (re-reading once, in case another
   * connection added it): UNKNOWN_COLUMN otherwise. Undefined when the table does not exist.
   */
  async #resolved(table: string, columns: readonly string[], action: string): Promise<TableSchema | undefined> {
    let schema = this.#schemas.get(table);
    if (schema !== undefined && columns.every((c) => findColumn(schema as TableSchema, c) !== undefined)) return schema;
    schema = await this.#refresh(table, action);
    if (schema === undefined) return undefined;
    const missing = columns.find((c) => findColumn(schema as TableSchema, c) === undefined);
    if (missing !== undefined) throw this.#unknownColumn(table, missing);
    return schema;
  }

  #unknownColumn(table: string, column: string): XetrackError {
    return new XetrackError(
      'UNKNOWN_COLUMN',
      `postgres: table ${JSON.stringify(table)} in ${this.location} has no column ${JSON.stringify(column)}. Check the name (Reader.columns() and xt columns list them).`,
    );
  }

  /**
   * Row objects for result fields: names and kinds from the schema. A field the cached schema does
   * not know (a column another connection added or widened) re-reads it first.
   */
  async #rowBuilder(table: string, schema: TableSchema, fields: readonly PostgresField[], width: number, action: string): Promise<RowBuilder> {
    let current = schema;
    const stale = (s: TableSchema) =>
      fields.slice(0, width).some((f) => {
        const column = s.byPhysical.get(f.name);
        return column === undefined || column.typeOid !== f.dataTypeID;
      });
    if (stale(current)) current = (await this.#refresh(table, action)) ?? current;
    const names: string[] = [];
    const kinds: (ColumnKind | undefined)[] = [];
    for (let i = 0; i < width; i++) {
      const field = fields[i] as PostgresField;
      const column = current.byPhysical.get(field.name);
      names.push(column?.name ?? field.name);
      kinds.push(column !== undefined && column.typeOid === field.dataTypeID ? column.kind : undefined);
    }
    return new RowBuilder(names, kinds);
  }

  #selectList(options: SelectOptions, resolve: (name: string) => Column): string {
    if (options.columns === undefined) return '*';
    return options.columns.map((c) => resolve(c).quoted).join(', ');
  }

  /** A table dropped by another connection since we looked reads as missing; anything else fails. */
  #missingTableOr<T>(error: unknown, table: string, missing: T, action: string, write = false): T {
    if (sqlState(error) === '42P01') {
      this.#schemas.delete(table);
      return missing;
    }
    if (sqlState(error) === '42703') this.#schemas.delete(table);
    throw this.#fail(error, action, write);
  }

  #fail(error: unknown, action: string, write = false): XetrackError {
    return toXetrackError(error, { location: this.location, server: this.options.server, action, write });
  }
}

/** The full table name a table comment remembers. */
function fullTableName(comment: string | null): string | undefined {
  if (comment === null || !comment.startsWith('xetrack:')) return undefined;
  try {
    const parsed = JSON.parse(comment.slice('xetrack:'.length)) as { name?: unknown };
    return typeof parsed.name === 'string' ? parsed.name : undefined;
  } catch {
    return undefined;
  }
}

function hash16(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The USING expression that turns a column's values into their variant (JSONB) form. */
function variantUsing(column: Column): string {
  const c = column.quoted;
  switch (column.kind) {
    case 'float':
      return `CASE WHEN ${c} IS NULL OR ${c}::float8 = 'NaN'::float8 THEN NULL WHEN ${c}::float8 = trunc(${c}::float8) AND abs(${c}::float8) > 9007199254740991 THEN jsonb_build_object('$float', ${c}::float8::text) ELSE ${c}::float8::text::jsonb END`;
    case 'blob':
      return `CASE WHEN ${c} IS NULL THEN NULL ELSE jsonb_build_object('$hex', encode(${c}, 'hex')) END`;
    case 'text':
      return `to_jsonb(${c}::text)`;
    case 'integer':
    case 'boolean':
      return `to_jsonb(${c})`;
    default:
      return `to_jsonb(${c}::text)`;
  }
}
