import { composeWhere, type CellValue, type KeysetComparison, type OrderBy, type Where } from '@xetrack/core/engine';
import type { Column } from './postgres-schema.js';
import { arrayElement, encode, variantText, type ColumnKind } from './postgres-types.js';

/** Statement parameters, numbered `$1`, `$2`... in the order they are added. */
export class Params {
  readonly values: unknown[] = [];

  /** Adds a value and returns its marker. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** SQLite's order of storage classes, which comparisons across types follow: numbers < text < bytes. */
function kindClass(kind: ColumnKind): number {
  switch (kind) {
    case 'integer':
    case 'float':
    case 'boolean':
      return 1;
    case 'text':
      return 2;
    case 'blob':
      return 3;
    default:
      return 0;
  }
}

function valueClass(value: unknown): number {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return 2;
  return 3;
}

function numericText(value: unknown): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

function isJsonText(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The JSONB parameter expression for `value` compared with a json column. */
function jsonOperand(value: unknown, column: Column, params: Params): string {
  const encoded = encode('json', value, column.name) as string;
  // Text that is not JSON is compared as a JSON string.
  return isJsonText(encoded) ? `${params.add(encoded)}::jsonb` : `to_jsonb(${params.add(encoded)}::text)`;
}

/**
 * One comparison. A value the column's type holds is compared natively. Across types, SQLite's
 * rules are kept: numbers compare as numbers (an integer column against 2.5, a boolean against 5),
 * and otherwise a value of another class is never equal and orders by class (numbers < text <
 * bytes). In a widened column, values of the same JSON type compare; `!=` is true across types.
 */
function comparison(column: Column, op: string, value: unknown, params: Params): string {
  const col = column.quoted;
  const sqlOp = op === '!=' ? '<>' : op;
  if (value === null || value === undefined) return 'FALSE';
  if (column.kind === 'variant') {
    const operand = `${params.add(variantText(value, column.name))}::jsonb`;
    if (op === '=' || op === '!=') return `${col} ${sqlOp} ${operand}`;
    return `(jsonb_typeof(${col}) = jsonb_typeof(${operand}) AND ${col} ${sqlOp} ${operand})`;
  }
  if (column.kind === 'json') return `${col} ${sqlOp} ${jsonOperand(value, column, params)}`;
  const encoded = encode(column.kind, value, column.name);
  if (typeof encoded === 'string') return `${col} ${sqlOp} ${params.add(encoded)}::${column.sqlType}`;
  if (encoded === null) return 'FALSE';
  const columnClass = kindClass(column.kind);
  const otherClass = valueClass(value);
  if (columnClass === 1 && otherClass === 1) {
    const left = column.kind === 'boolean' ? `${col}::int4::numeric` : column.kind === 'integer' ? `${col}::numeric` : col;
    const cast = column.kind === 'float' ? 'float8' : 'numeric';
    return `${left} ${sqlOp} ${params.add(numericText(value))}::${cast}`;
  }
  const notNull = `${col} IS NOT NULL`;
  if (op === '=') return 'FALSE';
  if (op === '!=') return notNull;
  const before = columnClass < otherClass;
  if (op === '<' || op === '<=') return before ? notNull : 'FALSE';
  return before ? 'FALSE' : notNull;
}

/** `in`: the values the column can be equal to, as one array parameter; nothing matches `in []`. */
function membership(column: Column, values: readonly CellValue[], params: Params): string {
  const elements: string[] = [];
  let arrayType = column.sqlType;
  for (const value of values) {
    if (value === null || value === undefined) continue;
    let text: string | null;
    if (column.kind === 'variant') text = variantText(value, column.name);
    else if (column.kind === 'json') {
      const encoded = encode('json', value, column.name) as string;
      text = isJsonText(encoded) ? encoded : JSON.stringify(encoded);
      arrayType = 'jsonb';
    } else {
      const encoded = encode(column.kind, value, column.name);
      if (typeof encoded !== 'string') continue; // a value of another type is never equal
      text = encoded;
    }
    elements.push(arrayElement(text, column.bare));
  }
  if (elements.length === 0) return 'FALSE';
  return `${column.quoted} = ANY(${params.add(`{${elements.join(',')}}`)}::${arrayType}[])`;
}

/** `like` on any column: its text (a widened column's JSON value unquoted), ASCII case-insensitive as SQLite's LIKE. */
function likeMatch(column: Column, pattern: string, params: Params): string {
  const text = column.kind === 'text' ? column.quoted : column.kind === 'variant' ? `(${column.quoted} #>> '{}')` : `${column.quoted}::text`;
  return `${text} ILIKE ${params.add(pattern)} ESCAPE '\\'`;
}

/**
 * Conditions (checked by core) as a WHERE clause (with its leading space, or empty), every value a
 * parameter. `resolve` maps a filter's column name to the column (it throws UNKNOWN_COLUMN).
 */
export function whereClause(where: readonly Where[] | undefined, resolve: (name: string) => Column, params: Params): string {
  const sql = composeWhere(where, (filter) => {
    const column = resolve(filter.column);
    const { op, value } = filter;
    switch (op) {
      case 'in':
        return membership(column, value as CellValue[], params);
      case 'like':
        return likeMatch(column, value as string, params);
      case 'is null':
        return `${column.quoted} IS NULL`;
      case 'is not null':
        return `${column.quoted} IS NOT NULL`;
      default:
        return comparison(column, op, value, params);
    }
  });
  return sql === '' ? '' : ` WHERE ${sql}`;
}

/** One sort key: NULLs first ascending and last descending, as SQLite orders them. */
export interface SortKey {
  column: Column;
  desc: boolean;
}

export function sortKeys(orderBy: readonly OrderBy[] | undefined, resolve: (name: string) => Column, tiebreak: readonly Column[]): SortKey[] {
  const keys = (orderBy ?? []).map((o) => ({ column: resolve(o.column), desc: o.desc === true }));
  for (const column of tiebreak) keys.push({ column, desc: false });
  return keys;
}

export function orderClause(keys: readonly SortKey[]): string {
  if (keys.length === 0) return '';
  return ` ORDER BY ${keys.map((k) => `${k.column.quoted}${k.desc ? ' DESC NULLS LAST' : ' ASC NULLS FIRST'}`).join(', ')}`;
}

/**
 * How core's `keysetCondition` reads here: key `i` compared with the text form of its last value
 * (read as `::text`), cast back to the column's type, in the NULL order of `orderClause`.
 */
export function keysetComparison(keys: readonly SortKey[], params: Params): KeysetComparison {
  return (i, op, value) => {
    const { column } = keys[i] as SortKey;
    if (op === 'is null') return `${column.quoted} IS NULL`;
    if (op === 'is not null') return `${column.quoted} IS NOT NULL`;
    return `${column.quoted} ${op} ${params.add(value)}::${column.sqlType}`;
  };
}
