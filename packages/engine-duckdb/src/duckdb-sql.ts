/**
 * The SQL of reads and filters: SELECT, WHERE and the comparisons inside it, written so that a
 * filter value of another type than its column never makes DuckDB fail (it matches nothing, or
 * compares as SQLite would). Values are always bound as parameters; names always quoted.
 */
import { composeWhere, type CellValue, type Filter, type SelectOptions, type Where } from '@xetrack/core/engine';
import { quoteIdentifier } from './duckdb-names.js';
import { resolveColumn, type Column, type TableSchema } from './duckdb-schema.js';
import { AsDouble, type Param } from './duckdb-values.js';

/**
 * The SELECT for `options`. Without `columns` it is `SELECT *`, which DuckDB binds to the table's
 * current columns in table order (even for a cached prepared statement), so a column another engine
 * of this process added is returned without looking at the catalog first.
 */
export function selectSql(schema: TableSchema, options: SelectOptions, params: Param[]): string {
  const picked = (options.columns ?? []).map((name) => resolveColumn(schema, name));
  const list = picked.length === 0 ? '*' : picked.map((c) => quoteIdentifier(c.name)).join(', ');
  let sql = `SELECT ${list} FROM ${quoteIdentifier(schema.name)}`;
  sql += whereSql(schema, options.where, params);
  if (options.orderBy?.length) {
    const terms = options.orderBy.map((o) => `${quoteIdentifier(resolveColumn(schema, o.column).name)}${o.desc ? ' DESC' : ' ASC'}`);
    sql += ` ORDER BY ${terms.join(', ')}`;
  }
  if (options.limit !== undefined) sql += ` LIMIT ${options.limit}`;
  if (options.offset !== undefined) sql += ` OFFSET ${options.offset}`;
  return sql;
}

/** Conditions (checked by core) as a WHERE clause, values bound as parameters. */
export function whereSql(schema: TableSchema, where: readonly Where[] | undefined, params: Param[]): string {
  const sql = composeWhere(where, (filter) => condition(schema, filter, params));
  return sql === '' ? '' : ` WHERE ${sql}`;
}

function condition(schema: TableSchema, filter: Filter, params: Param[]): string {
  const column = resolveColumn(schema, filter.column);
  const { op } = filter;
  const q = quoteIdentifier(column.name);
  if (op === 'is null') return `${q} IS NULL`;
  if (op === 'is not null') return `${q} IS NOT NULL`;
  if (op === 'like') {
    // SQLite's LIKE: ASCII case-insensitive, `\` escapes; a non-text column matches as its text
    params.push(filter.value as string);
    const text = column.kind === 'text' ? q : `CAST(${q} AS VARCHAR)`;
    return `${text} ILIKE $${params.length} ESCAPE '\\'`;
  }
  if (op === 'in') {
    const parts = (filter.value as CellValue[]).map((v) => comparison(column, v, params));
    if (parts.every((p) => p.left === q)) return `${q} IN (${parts.map((p) => p.right).join(', ')})`;
    return `(${parts.map((p) => `${p.left} = ${p.right}`).join(' OR ')})`;
  }
  const { left, right } = comparison(column, filter.value as CellValue, params);
  return `${left} ${op} ${right}`;
}

/**
 * Both sides of a comparison that never fails on a value of another type: a value the column's
 * type can compare with is bound as it is; text against a number column is cast with TRY_CAST
 * (NULL, so no match, when it is not a number); numbers against a text column compare as their
 * text, as SQLite's column affinity does.
 */
function comparison(column: Column, value: CellValue | undefined, params: Param[]): { left: string; right: string } {
  const left = quoteIdentifier(column.name);
  const bind = (v: CellValue): string => {
    params.push(column.kind === 'float' && typeof v === 'number' ? new AsDouble(v) : v);
    return `$${params.length}`;
  };
  if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))) return { left, right: bind(null) };
  switch (column.kind) {
    case 'integer':
    case 'float':
      if (typeof value === 'number' || typeof value === 'bigint') return { left, right: bind(value) };
      if (typeof value === 'boolean') return { left, right: bind(value ? 1 : 0) };
      if (typeof value === 'string') return { left, right: `TRY_CAST(${bind(value)} AS DOUBLE)` };
      return { left, right: bind(null) };
    case 'text':
    case 'json':
      if (value instanceof Uint8Array) return { left, right: bind(null) };
      return { left, right: bind(String(value)) };
    case 'boolean':
      if (typeof value === 'boolean') return { left, right: bind(value) };
      if (typeof value === 'number' || typeof value === 'bigint') return { left: `CAST(${left} AS INTEGER)`, right: bind(value) };
      if (typeof value === 'string') return { left, right: `TRY_CAST(${bind(value)} AS BOOLEAN)` };
      return { left, right: bind(null) };
    case 'blob':
      return { left, right: bind(value instanceof Uint8Array ? value : null) };
    case 'variant': {
      // Values of several types: compare with those that convert to the filter value's type.
      if (typeof value === 'number' || (typeof value === 'bigint' && Number.isSafeInteger(Number(value)))) {
        return { left: `TRY_CAST(${left} AS DOUBLE)`, right: bind(Number(value)) };
      }
      if (typeof value === 'bigint') return { left: `TRY_CAST(${left} AS HUGEINT)`, right: bind(value) };
      if (typeof value === 'boolean') return { left: `TRY_CAST(${left} AS BOOLEAN)`, right: bind(value) };
      if (value instanceof Uint8Array) return { left: `TRY_CAST(${left} AS BLOB)`, right: bind(value) };
      return { left: `TRY_CAST(${left} AS VARCHAR)`, right: bind(value) };
    }
    default:
      return { left, right: bind(value) };
  }
}
