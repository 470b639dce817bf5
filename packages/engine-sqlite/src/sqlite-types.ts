import { XetrackError, type ColumnType } from '@xetrack/core/engine';

const DECLARED: Readonly<Record<ColumnType, string>> = Object.freeze({
  integer: 'INTEGER',
  float: 'REAL',
  text: 'TEXT',
  boolean: 'BOOLEAN',
  blob: 'BLOB',
  json: 'JSON',
});

/** The declared type written for a logical column type (what Python xetrack and SQLite tools read). */
export function declaredType(type: ColumnType): string {
  const declared = DECLARED[type];
  if (declared === undefined) {
    throw new XetrackError('INVALID_ARGUMENT', `sqlite: unknown column type ${JSON.stringify(type)}. Use one of ${Object.keys(DECLARED).join(', ')}.`);
  }
  return declared;
}

/**
 * The logical type of a declared SQLite type. Substring rules, case-insensitive, in SQLite's own order
 * of precedence, so tables written by Python xetrack (INTEGER/REAL/TEXT/BLOB), DuckDB (BIGINT, FLOAT,
 * DOUBLE, VARCHAR, BOOLEAN) and by us all read back sensibly. Empty or unknown types are text.
 */
export function columnTypeOf(declared: string | null | undefined): ColumnType {
  const t = (declared ?? '').toUpperCase();
  if (t.includes('INT')) return 'integer';
  if (t.includes('BOOL')) return 'boolean';
  if (t.includes('JSON')) return 'json';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'text';
  if (t.includes('BLOB')) return 'blob';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB') || t.includes('DEC') || t.includes('NUM')) {
    return 'float';
  }
  return 'text';
}

/**
 * True when a column of this declared type can hold an INTEGER storage-class value. SQLite's
 * affinity rules: TEXT affinity turns numbers into text and REAL affinity turns integers into
 * floats, so only those two can skip the check for integers beyond 2^53. `null` (an expression
 * result) can hold anything.
 */
export function mayHoldInteger(declared: string | null | undefined): boolean {
  if (declared === null || declared === undefined) return true;
  const t = declared.toUpperCase();
  if (t.includes('INT')) return true;
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return false;
  if (t.includes('BLOB') || t === '') return true;
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return false;
  return true;
}
