/**
 * Widening a column whose type a new value does not fit. DuckDB columns have one type each, where
 * SQLite keeps each value's own: an integer column becomes DOUBLE for a fractional number (unless
 * it holds integers a double cannot represent exactly), any column VARIANT otherwise, which keeps
 * every value with its own type and remembers the logical type in the column comment.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { XetrackError } from '@xetrack/core/engine';
import { quoteIdentifier } from './duckdb-names.js';
import { readAll } from './duckdb-rows.js';
import type { Column, TableSchema } from './duckdb-schema.js';
import { TYPE_COMMENT_PREFIX } from './duckdb-types.js';
import type { WidenTarget } from './duckdb-values.js';

/**
 * Widens `column` of the table to `target` (VARIANT instead of DOUBLE when an integer there is
 * beyond 2^53). Files of a storage version before VARIANT cannot, and the value is rejected with
 * INVALID_VALUE. The caller drops its cached schema afterwards, whatever happened.
 */
export async function widenColumn(connection: DuckDBConnection, schema: TableSchema, column: Column, target: WidenTarget): Promise<void> {
  const table = quoteIdentifier(schema.name);
  const q = quoteIdentifier(column.name);
  let to = target;
  if (to === 'DOUBLE') {
    const rows = readAll(await connection.run(`SELECT count(*) AS n FROM ${table} WHERE abs(${q}::HUGEINT) > 9007199254740991`));
    if (Number(rows[0]?.n ?? 0) > 0) to = 'VARIANT';
  }
  try {
    await connection.run(`ALTER TABLE ${table} ALTER COLUMN ${q} SET DATA TYPE ${to}`);
    if (to === 'VARIANT') {
      await connection.run(`COMMENT ON COLUMN ${table}.${q} IS '${TYPE_COMMENT_PREFIX}${column.type}'`);
      await checkpoint(connection);
    }
  } catch (error) {
    if (/not supported in storage versions/i.test(error instanceof Error ? error.message : '')) {
      throw new XetrackError(
        'INVALID_VALUE',
        `Column ${q} of ${table} is ${column.sqlType}, and a later value of another type needs a VARIANT column, which this file's DuckDB storage version does not have. ` +
          'Log the value under another key, or copy the data into a file created with storageVersion "v1.5.0" or later.',
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * DuckDB 1.5.6 keeps memory for every ALTER of a table with a VARIANT column until the next
 * checkpoint, and each later insert adds more (hundreds of MB after a few dozen new columns, then
 * a checkpoint that spills tens of GB at close). A checkpoint right after such an ALTER keeps it
 * flat. Best effort: it is skipped when another connection has a transaction open.
 */
export async function checkpoint(connection: DuckDBConnection): Promise<void> {
  await connection.run('CHECKPOINT').catch(() => undefined);
}
