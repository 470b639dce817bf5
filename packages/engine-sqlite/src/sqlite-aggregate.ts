import type { AggregateOptions, ColumnType, Measure } from '@xetrack/core/engine';
import type { SqliteColumnInfo } from './sqlite-database.js';
import { quoteIdentifier, whereClause } from './sqlite-sql.js';
import { declaredType } from './sqlite-types.js';

/** An aggregate query: its SQL, parameters in text order, and how to decode each result column. */
export interface AggregateSql {
  sql: string;
  params: unknown[];
  /** Per result column: its key in the row and the declared type its values decode as. */
  columns: SqliteColumnInfo[];
}

function info(name: string, type: string | null): SqliteColumnInfo {
  return { name, type, column: null, table: null, database: null };
}

/**
 * One GROUP BY query for `options`. SQLite groups by sorting the matching rows, so two choices keep
 * that sort small and cheap (they halve `compare()` and `runs()` on a million rows):
 * - Grouped by `track_id` and more columns, `track_id` is the sort's first key, written
 *   `+o."track_id"` so the planner sorts the table scan instead of walking the primary key, fetching
 *   rows one by one (scattered when runs were logged in parallel) and sorting them all the same; the
 *   ORDER BY then puts the few result rows in the contract's order. Grouped by `track_id` alone, the
 *   primary key's order groups the rows with no sort at all.
 * - With `track_id` grouped, `first`/`last` and the timestamp's min/max are correlated subqueries that
 *   walk the (track_id, timestamp) primary key from one end, reading a row or two per group instead
 *   of carrying the column through the sort.
 * `sum` is a double (`total()`), NULL when the group has no value, as the contract says.
 */
export function aggregateSql(table: string, options: AggregateOptions, columnType: (name: string) => ColumnType | undefined): AggregateSql {
  const from = quoteIdentifier(table);
  const groupBy = options.groupBy ?? [];
  const params: unknown[] = [];
  const typeOf = (column: string) => {
    const type = columnType(column);
    return type === undefined ? null : declaredType(type);
  };
  const out: SqliteColumnInfo[] = groupBy.map((c) => info(c, typeOf(c)));
  const select = groupBy.map((c) => `o.${quoteIdentifier(c)}`);
  for (const measure of options.measures) {
    select.push(measureSql(measure, from, groupBy, options, params));
    out.push(info(measure.as, measureType(measure, typeOf)));
  }
  const where = whereClause(options.where);
  params.push(...where.params);
  const keys = select.slice(0, groupBy.length);
  const byRun = groupBy.length > 1 && groupBy.some(isTrackId);
  const sortKeys = byRun ? [...keys.filter((_, i) => isTrackId(groupBy[i]!)).map((k) => `+${k}`), ...keys.filter((_, i) => !isTrackId(groupBy[i]!))] : keys;
  const group = groupBy.length ? ` GROUP BY ${sortKeys.join(', ')} ORDER BY ${keys.join(', ')}` : '';
  return { sql: `SELECT ${select.join(', ')} FROM ${from} AS o${where.sql}${group}`, params, columns: out };
}

function measureType(measure: Measure, typeOf: (column: string) => string | null): string | null {
  switch (measure.fn) {
    case 'count':
    case 'count_distinct':
      return 'INTEGER';
    case 'sum':
    case 'avg':
      return 'REAL';
    default:
      return typeOf(measure.column!);
  }
}

const isTrackId = (name: string) => name.toLowerCase() === 'track_id';

function measureSql(measure: Measure, from: string, groupBy: readonly string[], options: AggregateOptions, params: unknown[]): string {
  if (measure.column === undefined) return 'count(*)';
  const column = quoteIdentifier(measure.column);
  if ((measure.fn === 'min' || measure.fn === 'max') && measure.column.toLowerCase() === 'timestamp' && groupBy.some(isTrackId)) {
    return endOfGroupSql(column, measure.fn === 'max' ? 'DESC' : 'ASC', from, groupBy, options, params);
  }
  switch (measure.fn) {
    case 'count':
      return `count(o.${column})`;
    case 'count_distinct':
      return `count(DISTINCT o.${column})`;
    case 'sum':
      return `CASE WHEN count(o.${column}) > 0 THEN total(o.${column}) END`;
    case 'first':
    case 'last':
      return endOfGroupSql(column, measure.fn === 'last' ? 'DESC' : 'ASC', from, groupBy, options, params);
    default:
      return `${measure.fn}(o.${column})`;
  }
}

/**
 * The group's non-null `column` at its earliest (`ASC`) or latest (`DESC`) timestamp: the group's
 * rows again under the same conditions (unqualified names resolve to the inner table), newest or
 * oldest first. For `timestamp` itself that is the group's min or max.
 */
function endOfGroupSql(column: string, direction: 'ASC' | 'DESC', from: string, groupBy: readonly string[], options: AggregateOptions, params: unknown[]): string {
  const inner = whereClause(options.where);
  params.push(...inner.params);
  const same = groupBy.map((c) => `i.${quoteIdentifier(c)} IS o.${quoteIdentifier(c)}`);
  const conditions = [`i.${column} IS NOT NULL`, ...same].join(' AND ');
  const filter = inner.sql === '' ? ` WHERE ${conditions}` : `${inner.sql} AND ${conditions}`;
  return `(SELECT i.${column} FROM ${from} AS i${filter} ORDER BY i."timestamp" ${direction} LIMIT 1)`;
}
