/**
 * The caller's own SQL (`engine.sql()`): one statement with positional parameters, in a read-only
 * transaction when asked, refusing the statements such a transaction would still let write.
 */
import { ResultReturnType, StatementType, type DuckDBConnection, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { sqlWords, XetrackError, type CellValue, type OutsideEffect, type Row } from '@xetrack/core/engine';
import { readAll } from './duckdb-rows.js';
import { bindAll } from './duckdb-values.js';

/**
 * Statements a read-only transaction lets through although they write: to other files (COPY TO,
 * EXPORT, ATTACH of a new file), to the extension directory, or outside any transaction (VACUUM).
 */
const WRITES_OUTSIDE_TRANSACTION = new Set<StatementType>([
  StatementType.ATTACH,
  StatementType.DETACH,
  StatementType.COPY,
  StatementType.COPY_DATABASE,
  StatementType.EXPORT,
  StatementType.LOAD,
  StatementType.EXTENSION,
  StatementType.UPDATE_EXTENSIONS,
  StatementType.VACUUM,
]);

/**
 * Settings (`SET`, `RESET`, `PRAGMA enable_profiling`) outlive the statement, and some name files
 * DuckDB then writes (`profiling_output`, `log_query_path`): refused too when asked to only read.
 * `PRAGMA table_info` and the other reading pragmas are SELECTs to DuckDB, and pass.
 */
const SETTINGS = new Set<StatementType>([StatementType.SET, StatementType.PRAGMA]);
const SETTINGS_EFFECT: OutsideEffect = { outsideEffect: 'SET and PRAGMA change settings that outlive the statement, some naming files DuckDB then writes' };

/** Commands whose preparing already writes (EXPORT DATABASE creates its directory), refused by their first word. */
const WRITES_WHEN_PREPARED = new Set(['export']);

export interface RawSqlOptions {
  /** Run in a read-only transaction (the engine is read-only, or the caller asked). */
  readonly readOnly: boolean;
  /** The caller asked to only read: also refuse the statements that write outside the transaction. */
  readonly onlyRead: boolean;
  /** For messages. */
  readonly location: string;
  /** Called when the statement may have changed the catalog (it was not a SELECT, or it failed half-way): cached schemas are stale. */
  readonly catalogChanged: () => void;
}

/** Rows as `select` gives them; `[]` for a statement that returns none (DDL, INSERT without RETURNING). */
export async function runRawSql(connection: DuckDBConnection, query: string, params: CellValue[], options: RawSqlOptions): Promise<Row[]> {
  if (typeof query !== 'string' || query.trim() === '') {
    throw new XetrackError('INVALID_ARGUMENT', 'sql() needs a SQL statement: pass a non-empty string.');
  }
  if (!Array.isArray(params)) throw new XetrackError('INVALID_ARGUMENT', 'sql() takes its parameters as an array: sql(query, [a, b]).');
  const { readOnly } = options;
  if (options.onlyRead && sqlWords(query).some((w) => w.first === true && WRITES_WHEN_PREPARED.has(w.name as string))) throw onlyReadRefusal(options.location);
  if (readOnly) await connection.run('BEGIN TRANSACTION READ ONLY');
  let statement: DuckDBPreparedStatement | undefined;
  try {
    statement = await connection.prepare(query);
    if (options.onlyRead && WRITES_OUTSIDE_TRANSACTION.has(statement.statementType)) throw onlyReadRefusal(options.location);
    if (options.onlyRead && SETTINGS.has(statement.statementType)) {
      throw new XetrackError('READ_ONLY', `duckdb: ${SETTINGS_EFFECT.outsideEffect}, and sql() was asked to only read; nothing ran.`, { cause: SETTINGS_EFFECT });
    }
    bindAll(statement, params);
    const result = await statement.run();
    if (statement.statementType !== StatementType.SELECT) options.catalogChanged();
    const rows = result.returnType === ResultReturnType.QUERY_RESULT ? readAll(result) : [];
    if (readOnly) await connection.run('COMMIT');
    return rows;
  } catch (error) {
    if (readOnly) await connection.run('ROLLBACK').catch(() => undefined);
    // A failed statement may still have changed the catalog (e.g. half a script): look again.
    options.catalogChanged();
    throw error;
  } finally {
    statement?.destroySync();
  }
}

function onlyReadRefusal(location: string): XetrackError {
  return new XetrackError('READ_ONLY', `duckdb: the statement would write files or change ${location}, and sql() was asked to only read; nothing ran.`);
}
