/**
 * Values on their way into DuckDB: made fit for their column (or found not to fit, which asks for a
 * widening), then bound to a prepared statement or appended. DuckDB columns have one type each,
 * so this is where SQLite's looser column affinity is reproduced.
 */
import type { DuckDBAppender, DuckDBPreparedStatement } from '@duckdb/node-api';
import { XetrackError, type CellValue } from '@xetrack/core/engine';
import { quoteIdentifier } from './duckdb-names.js';
import type { Column } from './duckdb-schema.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const TWO_63 = 2 ** 63;

/** The type a column is widened to when a value does not fit it. */
export type WidenTarget = 'DOUBLE' | 'VARIANT';

/**
 * What `toColumnValue` returns for a value its column cannot hold: widen the column to DOUBLE (an
 * integer column given a fractional number) or to VARIANT (any other misfit). Symbols, which no
 * cell value is, so the check on every value of a large batch is a cheap `typeof` (see `isWiden`).
 */
export const WIDEN_TO_DOUBLE = Symbol('widen to DOUBLE');
export const WIDEN_TO_VARIANT = Symbol('widen to VARIANT');
export type Widen = typeof WIDEN_TO_DOUBLE | typeof WIDEN_TO_VARIANT;

export function isWiden(fitted: CellValue | Widen): fitted is Widen {
  return typeof fitted === 'symbol';
}

export function widenTarget(widen: Widen): WidenTarget {
  return widen === WIDEN_TO_DOUBLE ? 'DOUBLE' : 'VARIANT';
}

function describeValue(value: unknown): string {
  if (value instanceof Uint8Array) return `a ${value.length}-byte blob`;
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  return `the ${typeof value} ${String(value)}`;
}

function refuse(column: Column, value: unknown, table: string): never {
  throw new XetrackError(
    'INVALID_VALUE',
    `Column ${quoteIdentifier(column.name)} of ${quoteIdentifier(table)} is ${column.sqlType}, and ${describeValue(value)} cannot be stored there: ` +
      'log this value under another key, or convert it first.',
  );
}

/** The text when it is a JSON document, INVALID_VALUE otherwise. */
function checkedJson(column: Column, value: string, table: string): string {
  try {
    JSON.parse(value);
    return value;
  } catch {
    throw new XetrackError(
      'INVALID_VALUE',
      `Column ${quoteIdentifier(column.name)} of ${quoteIdentifier(table)} is JSON, and ${describeValue(value)} is not a JSON document: pass JSON text (e.g. JSON.stringify(value)).`,
    );
  }
}

/**
 * The value as the column's type takes it, as SQLite's column affinity would: NaN becomes NULL,
 * booleans 1/0 in numeric columns, numbers their text in text columns, 0/1 booleans in boolean
 * columns. A value the column cannot hold returns a `Widen`: a fractional number in an integer
 * column asks for DOUBLE, anything else for VARIANT. A value no widening helps (an integer beyond
 * 64 bits, malformed JSON) throws INVALID_VALUE.
 */
export function toColumnValue(column: Column, value: CellValue, table: string): CellValue | Widen {
  if (value === null) return null;
  if (typeof value === 'number' && Number.isNaN(value)) return null;
  switch (column.kind) {
    case 'integer':
      if (typeof value === 'number') {
        if (Number.isInteger(value) && value >= -TWO_63 && value < TWO_63) return value;
        return WIDEN_TO_DOUBLE;
      }
      if (typeof value === 'bigint') return value >= INT64_MIN && value <= INT64_MAX ? value : refuse(column, value, table);
      if (typeof value === 'boolean') return value ? 1 : 0;
      return WIDEN_TO_VARIANT;
    case 'float':
      if (typeof value === 'number') return value;
      if (typeof value === 'bigint') return Number(value);
      if (typeof value === 'boolean') return value ? 1 : 0;
      return WIDEN_TO_VARIANT;
    case 'text':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
      return WIDEN_TO_VARIANT;
    case 'json':
      // DuckDB checks JSON on INSERT but not in the appender: check here, so both paths agree and
      // DuckDB's JSON functions never meet a malformed document.
      if (typeof value === 'string') return checkedJson(column, value, table);
      if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
      return WIDEN_TO_VARIANT;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 0 || value === 0n) return false;
      if (value === 1 || value === 1n) return true;
      return WIDEN_TO_VARIANT;
    case 'blob':
      if (value instanceof Uint8Array) return value;
      return WIDEN_TO_VARIANT;
    case 'variant':
      if (typeof value === 'bigint' && (value < INT64_MIN || value > INT64_MAX)) return refuse(column, value, table);
      return value;
    default:
      // A type xetrack never declares: hand DuckDB the text and let it cast.
      if (value instanceof Uint8Array || typeof value === 'string') return value;
      return String(value);
  }
}

/** Appends a value already made fit for its column by toColumnValue. */
export function appendValue(appender: DuckDBAppender, column: Column, value: CellValue): void {
  if (value === null) {
    appender.appendNull();
    return;
  }
  switch (typeof value) {
    case 'string':
      appender.appendVarchar(value);
      return;
    case 'number':
      if (column.kind === 'integer') {
        if (value >= INT32_MIN && value <= INT32_MAX) appender.appendInteger(value);
        else appender.appendBigInt(BigInt(value));
      } else if (column.kind === 'variant' && Number.isSafeInteger(value)) {
        // so the value is kept as an integer (INT64), as SQLite would
        appender.appendBigInt(BigInt(value));
      } else {
        appender.appendDouble(value);
      }
      return;
    case 'bigint':
      appender.appendBigInt(value);
      return;
    case 'boolean':
      appender.appendBoolean(value);
      return;
    default:
      appender.appendBlob(value);
  }
}

/**
 * A number bound as DOUBLE even when it is whole: a parameter whose type changes from one call to
 * the next makes DuckDB plan the prepared statement again (+60% per insert, measured), so values of
 * a DOUBLE column are always bound as DOUBLE.
 */
export class AsDouble {
  constructor(readonly value: number) {}
}

/** A bound parameter: a cell, or a number to bind as DOUBLE. */
export type Param = CellValue | AsDouble;

/** The parameter for a value made fit for `column` by toColumnValue. */
export function paramFor(column: Column, value: CellValue): Param {
  return column.kind === 'float' && typeof value === 'number' ? new AsDouble(value) : value;
}

/** Binds parameters by their JS type: integers as BIGINT (HUGEINT beyond 64 bits), other numbers as DOUBLE. */
export function bindAll(statement: DuckDBPreparedStatement, params: readonly Param[]): void {
  for (let i = 0; i < params.length; i++) {
    const index = i + 1;
    const value = params[i];
    if (value === null || value === undefined) {
      statement.bindNull(index);
      continue;
    }
    if (value instanceof AsDouble) {
      statement.bindDouble(index, value.value);
      continue;
    }
    switch (typeof value) {
      case 'string':
        statement.bindVarchar(index, value);
        break;
      case 'number':
        if (Number.isNaN(value)) statement.bindNull(index);
        else if (Number.isSafeInteger(value)) statement.bindBigInt(index, BigInt(value));
        else statement.bindDouble(index, value);
        break;
      case 'bigint':
        if (value >= INT64_MIN && value <= INT64_MAX) statement.bindBigInt(index, value);
        else statement.bindHugeInt(index, value);
        break;
      case 'boolean':
        statement.bindBoolean(index, value);
        break;
      default:
        if (value instanceof Uint8Array) statement.bindBlob(index, value);
        else throw new XetrackError('INVALID_VALUE', `Parameter ${index} is ${typeof value}: pass a string, number, bigint, boolean, Uint8Array or null.`);
    }
  }
}
