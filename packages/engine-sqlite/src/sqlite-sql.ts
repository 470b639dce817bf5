import { XetrackError, type CellValue, type Filter } from '@xetrack/core/engine';

// A UTF-16 surrogate without its partner: SQLite would receive U+FFFD instead, so the name would change.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * `name` as a double-quoted SQLite identifier (`"` doubled), so any table or column name is data,
 * never SQL. Names SQLite cannot carry intact are refused: empty, NUL (SQLite stops reading SQL at
 * it) and lone surrogates (they would be stored as U+FFFD).
 */
export function quoteIdentifier(name: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.includes('\0') || LONE_SURROGATE.test(name)) {
    throw new XetrackError(
      'INVALID_IDENTIFIER',
      `sqlite: ${JSON.stringify(name)} cannot be used as a table or column name: names must be non-empty, without NUL characters or unpaired surrogates. Rename it.`,
    );
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A value as better-sqlite3 binds it: booleans as 1/0 (it refuses booleans), `undefined` and NaN as
 * NULL, any Uint8Array as a Buffer over the same memory (no copy). A whole number is bound as an
 * SQLite integer (better-sqlite3 binds every number as a double), so it is stored and compared as
 * Python's int would be: `5` in a TEXT column is '5', not '5.0'. Strings, other numbers, bigints and
 * null pass through; anything else is refused with INVALID_VALUE.
 */
export function bindValue(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'bigint':
      return value;
    case 'number':
      if (Number.isSafeInteger(value)) return value === 0 && 1 / value < 0 ? value : BigInt(value);
      return Number.isNaN(value) ? null : value;
    case 'boolean':
      return value ? 1n : 0n; // an integer binding: a TEXT column stores '1'/'0', as Python does
    case 'undefined':
      return null;
    case 'object':
      if (value === null || Buffer.isBuffer(value)) return value;
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  throw new XetrackError(
    'INVALID_VALUE',
    `sqlite: cannot store a value of type ${value === null ? 'null' : typeof value}${
      typeof value === 'object' ? ` (${Object.prototype.toString.call(value)})` : ''
    }. Pass a string, number, bigint, boolean, Uint8Array or null.`,
  );
}

/** A WHERE clause (with its leading space, or empty) and its parameters, in order. */
export interface WhereClause {
  sql: string;
  params: unknown[];
}

const COMPARISONS: readonly string[] = Object.freeze(['=', '!=', '<', '<=', '>', '>=']);

/**
 * Filters as a WHERE clause joined with AND, every value bound as a parameter. Comparisons follow
 * SQL: NULL matches no comparison (use `is null`). `in []` matches nothing.
 */
export function whereClause(filters: readonly Filter[] | undefined): WhereClause {
  if (filters === undefined || filters.length === 0) return { sql: '', params: [] };
  const terms: string[] = [];
  const params: unknown[] = [];
  for (const filter of filters) {
    const column = quoteIdentifier(filter.column);
    const { op, value } = filter;
    if (COMPARISONS.includes(op)) {
      if (Array.isArray(value)) throw invalidFilter(filter, `op '${op}' takes one value, not an array`);
      terms.push(`${column} ${op} ?`);
      params.push(bindValue(value));
    } else if (op === 'in') {
      if (!Array.isArray(value)) throw invalidFilter(filter, "op 'in' takes an array of values");
      if (value.length === 0) {
        terms.push('0');
      } else {
        terms.push(`${column} IN (${value.map(() => '?').join(', ')})`);
        for (const v of value as CellValue[]) params.push(bindValue(v));
      }
    } else if (op === 'is null') {
      terms.push(`${column} IS NULL`);
    } else if (op === 'is not null') {
      terms.push(`${column} IS NOT NULL`);
    } else {
      throw invalidFilter(filter, `unknown op ${JSON.stringify(op)}`);
    }
  }
  return { sql: ` WHERE ${terms.join(' AND ')}`, params };
}

function invalidFilter(filter: Filter, problem: string): XetrackError {
  return new XetrackError(
    'INVALID_ARGUMENT',
    `sqlite: the filter on column ${JSON.stringify(filter.column)} is invalid: ${problem}. Use one of = != < <= > >= in 'is null' 'is not null'.`,
  );
}
