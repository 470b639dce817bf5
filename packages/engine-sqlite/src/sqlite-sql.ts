import { composeWhere, XetrackError, type CellValue, type Where } from '@xetrack/core/engine';

// A UTF-16 surrogate without its partner: SQLite would receive U+FFFD instead, so the name would change.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** SQLite's identifier folding: ASCII letters only (`É` and `é` are different columns). */
export function foldIdentifier(name: string): string {
  return name.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

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

const SQL_OPS: Readonly<Record<string, string>> = { '=': '=', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

/**
 * Conditions (checked by core) as a WHERE clause, every value bound as a parameter. Comparisons
 * follow SQL: NULL matches no comparison. `like` is SQLite's LIKE (ASCII case-insensitive) with `\`
 * as its escape character.
 */
export function whereClause(where: readonly Where[] | undefined): WhereClause {
  const params: unknown[] = [];
  const sql = composeWhere(where, ({ column, op, value }) => {
    const quoted = quoteIdentifier(column);
    switch (op) {
      case 'in':
        for (const v of value as CellValue[]) params.push(bindValue(v));
        return `${quoted} IN (${(value as CellValue[]).map(() => '?').join(', ')})`;
      case 'like':
        params.push(value);
        return `${quoted} LIKE ? ESCAPE '\\'`;
      case 'is null':
        return `${quoted} IS NULL`;
      case 'is not null':
        return `${quoted} IS NOT NULL`;
      default:
        params.push(bindValue(value));
        return `${quoted} ${SQL_OPS[op]} ?`;
    }
  });
  return { sql: sql === '' ? '' : ` WHERE ${sql}`, params };
}
