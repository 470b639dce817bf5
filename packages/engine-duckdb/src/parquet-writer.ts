import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { removeOnExit, sweepStale, tempName, XetrackError, type CellValue, type ColumnSpec, type ColumnType, type Row } from '@xetrack/core/engine';
import { toXetrackError } from './duckdb-errors.js';
import { fold, quoteIdentifier } from './duckdb-names.js';
import { DUCKDB_TYPES } from './duckdb-types.js';

/** The staging folders in the temporary directory: `xt-parquet-<pid>-<random>`. */
const STAGING_PREFIX = 'xt-parquet-';

/** Rows held in JS before they go to the staging table: bounds the writer's own memory. */
const BATCH_ROWS = 10_000;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const TWO_63 = 2 ** 63;

/** An error of the rows' source, passed on as it is (it is not DuckDB's). */
class SourceFailure {
  constructor(readonly error: unknown) {}
}

/** A value that does not fit its staging column: widen the column to `to`. */
class Misfit {
  constructor(
    readonly column: number,
    readonly to: 'DOUBLE' | 'VARCHAR',
  ) {}
}

/**
 * Writes `rows` to a Parquet file with DuckDB's own writer and resolves the number of rows. Memory
 * stays bounded whatever the count: rows go in batches to a staging table in a temporary DuckDB
 * file (which spills to disk past its memory limit), then `COPY ... (FORMAT parquet)` writes the
 * file. Column types come from `columns`; as a Parquet column has one type, a value that does not
 * fit widens its column: an integer one to DOUBLE for a fractional number, any to VARCHAR (the
 * values' text) otherwise. This is what `@xetrack/core`'s Parquet export (`xt export x.parquet`) calls.
 *
 * The staging folder is removed when the write ends, fails, or the process is ended by a signal or
 * `exit()`; one left by a process killed outright (SIGKILL) is removed by the next call.
 */
export async function writeParquet(file: string, columns: ColumnSpec[], rows: AsyncIterable<Row>): Promise<number> {
  if (typeof file !== 'string' || file === '') throw new XetrackError('INVALID_ARGUMENT', 'writeParquet() needs the path of the file to write.');
  const target = path.resolve(file);
  const names = columns.map((c) => c.name);
  const folded = new Set(names.map(fold));
  if (folded.size !== names.length) {
    throw new XetrackError('INVALID_ARGUMENT', 'Two columns of the export have the same name (ignoring case): a Parquet file written by DuckDB cannot hold both.');
  }
  const kinds: ColumnType[] = columns.map((c) => {
    if (!Object.hasOwn(DUCKDB_TYPES, c.type))
      throw new XetrackError('INVALID_ARGUMENT', `Column ${JSON.stringify(c.name)} has type ${JSON.stringify(c.type)}: use one of ${Object.keys(DUCKDB_TYPES).join(', ')}.`);
    return c.type;
  });
  sweepStale(tmpdir(), STAGING_PREFIX);
  const staging = path.join(tmpdir(), tempName(STAGING_PREFIX));
  mkdirSync(staging, { recursive: true });
  const release = removeOnExit(staging);
  const context = { location: target, action: 'write the Parquet file' };
  let instance: DuckDBInstance | undefined;
  let connection: DuckDBConnection | undefined;
  try {
    instance = await DuckDBInstance.create(path.join(staging, 'staging.duckdb'), {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      memory_limit: '128MB',
      threads: '1',
      temp_directory: path.join(staging, 'spill'),
    });
    connection = await instance.connect();
    const table = '"rows"';
    await connection.run(`CREATE TABLE ${table} (${columns.map((c) => `${quoteIdentifier(c.name)} ${DUCKDB_TYPES[c.type]}`).join(', ')})`);
    let count = 0;
    let batch: Row[] = [];
    const flush = async (): Promise<void> => {
      count += await appendBatch(connection!, table, names, kinds, batch);
      batch = [];
    };
    const source = rows[Symbol.asyncIterator]();
    for (;;) {
      let step: IteratorResult<Row>;
      try {
        step = await source.next();
      } catch (error) {
        throw new SourceFailure(error);
      }
      if (step.done) break;
      batch.push(step.value);
      if (batch.length >= BATCH_ROWS) await flush();
    }
    await flush();
    mkdirSync(path.dirname(target), { recursive: true });
    await connection.run(`COPY ${table} TO '${target.replace(/'/g, "''")}' (FORMAT parquet)`);
    return count;
  } catch (error) {
    if (error instanceof SourceFailure) throw error.error;
    throw toXetrackError(error, context);
  } finally {
    try {
      connection?.closeSync();
      instance?.closeSync();
    } finally {
      rmSync(staging, { recursive: true, force: true });
      release();
    }
  }
}

/** Appends one batch, widening a column (and going on) whenever a value does not fit it. */
async function appendBatch(connection: DuckDBConnection, table: string, names: string[], kinds: ColumnType[], rows: Row[]): Promise<number> {
  let appender: DuckDBAppender = await connection.createAppender('rows');
  const cells: CellValue[] = new Array(names.length);
  for (const row of rows) {
    for (;;) {
      const misfit = fit(row, names, kinds, cells);
      if (!misfit) break;
      // Rows appended so far keep their values; DuckDB casts them when the column widens.
      appender.closeSync();
      await connection.run(`ALTER TABLE ${table} ALTER COLUMN ${quoteIdentifier(names[misfit.column]!)} SET DATA TYPE ${misfit.to}`);
      kinds[misfit.column] = misfit.to === 'DOUBLE' ? 'float' : 'text';
      appender = await connection.createAppender('rows');
    }
    for (let c = 0; c < cells.length; c++) {
      const value = cells[c]!;
      if (value === null) appender.appendNull();
      else if (typeof value === 'string') appender.appendVarchar(value);
      else if (typeof value === 'bigint') appender.appendBigInt(value);
      else if (typeof value === 'boolean') appender.appendBoolean(value);
      else if (typeof value === 'number') {
        if (kinds[c] === 'integer') appender.appendBigInt(BigInt(value));
        else appender.appendDouble(value);
      } else appender.appendBlob(value);
    }
    appender.endRow();
  }
  appender.closeSync();
  return rows.length;
}

/** Fills `cells` with the row's values as its columns take them, or names the first that does not fit. */
function fit(row: Row, names: string[], kinds: ColumnType[], cells: CellValue[]): Misfit | undefined {
  for (let c = 0; c < names.length; c++) {
    const name = names[c]!;
    const raw = Object.hasOwn(row, name) ? row[name] : undefined;
    const value = raw === undefined || (typeof raw === 'number' && Number.isNaN(raw)) ? null : raw;
    if (value === null) {
      cells[c] = null;
      continue;
    }
    switch (kinds[c]) {
      case 'integer':
        if (typeof value === 'number') {
          if (!(Number.isInteger(value) && value >= -TWO_63 && value < TWO_63)) return new Misfit(c, 'DOUBLE');
          cells[c] = value;
        } else if (typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX) cells[c] = value;
        else if (typeof value === 'boolean') cells[c] = value ? 1 : 0;
        else return new Misfit(c, 'VARCHAR');
        break;
      case 'float':
        if (typeof value === 'number') cells[c] = value;
        else if (typeof value === 'bigint') cells[c] = Number(value);
        else if (typeof value === 'boolean') cells[c] = value ? 1 : 0;
        else return new Misfit(c, 'VARCHAR');
        break;
      case 'boolean':
        if (typeof value === 'boolean') cells[c] = value;
        else if (value === 0 || value === 1) cells[c] = value === 1;
        else return new Misfit(c, 'VARCHAR');
        break;
      case 'blob':
        if (value instanceof Uint8Array) cells[c] = value;
        else return new Misfit(c, 'VARCHAR');
        break;
      default:
        // text and json: text as it is; a blob as its hex digits.
        cells[c] = value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex') : String(value);
    }
  }
  return undefined;
}
