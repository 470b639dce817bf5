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
 *   of carrying the column through the sort. Grouped by `track_id` alone with several of them, they
 *   share each run's first and last rows (see `endRowsSql`).
 * `sum` is a double (`total()`), NULL when the group has no value, as the contract says.
 */
export function aggregateSql(table: string, options: AggregateOptions, columnType: (name: string) => ColumnType | undefined, rowid?: string): AggregateSql {
  const from = quoteIdentifier(table);
  const groupBy = options.groupBy ?? [];
  const params: unknown[] = [];
  const typeOf = (column: string) => {
    const type = columnType(column);
    return type === undefined ? null : declaredType(type);
  };
  const out: SqliteColumnInfo[] = groupBy.map((c) => info(c, typeOf(c)));
  if (rowid !== undefined && groupBy.length === 1 && isTrackId(groupBy[0]!) && options.measures.filter((m) => endOf(m, true) !== undefined).length > 1) {
    for (const measure of options.measures) out.push(info(measure.as, measureType(measure, typeOf)));
    return { ...endRowsSql(from, groupBy[0]!, options, rowid), columns: out };
  }
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
  const end = endOf(measure, groupBy.some(isTrackId));
  if (end !== undefined) return endOfGroupSql(column, end, from, groupBy, options, params);
  switch (measure.fn) {
    case 'count':
      return `count(o.${column})`;
    case 'count_distinct':
      return `count(DISTINCT o.${column})`;
    case 'sum':
      return `CASE WHEN count(o.${column}) > 0 THEN total(o.${column}) END`;
    default:
      return `${measure.fn}(o.${column})`;
  }
}

/**
 * The group's non-null `column` at its earliest (`ASC`) or latest (`DESC`) timestamp: the group's
 * rows again under the same conditions (unqualified names resolve to the inner table), newest or
 * oldest first. For `timestamp` itself that is the group's min or max.
 */
function endOfGroupSql(column: string, direction: 'ASC' | 'DESC', from: string, groupBy: readonly string[], options: AggregateOptions, params: unknown[], group = 'o'): string {
  const inner = whereClause(options.where);
  params.push(...inner.params);
  const same = groupBy.map((c) => `i.${quoteIdentifier(c)} IS ${group}.${quoteIdentifier(c)}`);
  const conditions = [`i.${column} IS NOT NULL`, ...same].join(' AND ');
  const filter = inner.sql === '' ? ` WHERE ${conditions}` : `${inner.sql} AND ${conditions}`;
  return `(SELECT i.${column} FROM ${from} AS i${filter} ORDER BY i."timestamp" ${direction} LIMIT 1)`;
}

/**
 * Which end of its group a measure reads, when it is read there: `first` (ASC) and `last` (DESC) of
 * any column, and, with `track_id` grouped (`byRun`, so the key orders each group by timestamp),
 * the timestamp's min (ASC) and max (DESC).
 */
function endOf(measure: Measure, byRun: boolean): 'ASC' | 'DESC' | undefined {
  if (measure.column === undefined) return undefined;
  const timestamp = byRun && measure.column.toLowerCase() === 'timestamp';
  if (measure.fn === 'first' || (measure.fn === 'min' && timestamp)) return 'ASC';
  if (measure.fn === 'last' || (measure.fn === 'max' && timestamp)) return 'DESC';
  return undefined;
}

/**
 * Grouped by `track_id` alone with several end-of-group measures (`runs()`): each run's first and
 * last rows are found once, two reads at the ends of the (track_id, timestamp) key giving their
 * rowids, and joined back by rowid; each such measure is that row's value, and only where the row
 * holds NULL there does the measure's own subquery look further. Two key reads per run instead of
 * two per measure (`runs()` reads a first and a last value of each column it may rule out).
 */
function endRowsSql(from: string, key: string, options: AggregateOptions, rowid: string): { sql: string; params: unknown[] } {
  const group = quoteIdentifier(key);
  const outer: string[] = [`e.${group}`];
  const outerParams: unknown[] = [];
  const inner: string[] = [`o.${group}`];
  const innerParams: unknown[] = [];
  options.measures.forEach((measure, i) => {
    const end = endOf(measure, true);
    if (end === undefined) {
      inner.push(`${measureSql(measure, from, [key], options, innerParams)} AS "m${i}"`);
      outer.push(`e."m${i}"`);
      return;
    }
    const column = quoteIdentifier(measure.column!);
    outer.push(`coalesce(${end === 'ASC' ? 'f' : 'l'}.${column}, ${endOfGroupSql(column, end, from, [key], options, outerParams, 'e')})`);
  });
  for (const [direction, alias] of [
    ['ASC', 'first_row'],
    ['DESC', 'last_row'],
  ] as const) {
    const where = whereClause(options.where);
    innerParams.push(...where.params);
    const same = `i.${group} IS o.${group}`;
    const filter = where.sql === '' ? ` WHERE ${same}` : `${where.sql} AND ${same}`;
    inner.push(`(SELECT i.${rowid} FROM ${from} AS i${filter} ORDER BY i."timestamp" ${direction} LIMIT 1) AS "${alias}"`);
  }
  const where = whereClause(options.where);
  innerParams.push(...where.params);
  const grouped = `SELECT ${inner.join(', ')} FROM ${from} AS o${where.sql} GROUP BY o.${group} ORDER BY o.${group}`;
  const joins = `LEFT JOIN ${from} AS f ON f.${rowid} = e."first_row" LEFT JOIN ${from} AS l ON l.${rowid} = e."last_row"`;
  return { sql: `SELECT ${outer.join(', ')} FROM (${grouped}) AS e ${joins} ORDER BY e.${group}`, params: [...outerParams, ...innerParams] };
}
