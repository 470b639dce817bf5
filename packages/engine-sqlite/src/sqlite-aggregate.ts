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
 * One GROUP BY query for `options`. `first`/`last` are correlated subqueries that walk the
 * (track_id, timestamp) primary key from one end, so on runs they read a row or two per group.
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
  const group = groupBy.length ? ` GROUP BY ${select.slice(0, groupBy.length).join(', ')} ORDER BY ${select.slice(0, groupBy.length).join(', ')}` : '';
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

function measureSql(measure: Measure, from: string, groupBy: readonly string[], options: AggregateOptions, params: unknown[]): string {
  if (measure.column === undefined) return 'count(*)';
  const column = quoteIdentifier(measure.column);
  switch (measure.fn) {
    case 'count':
      return `count(o.${column})`;
    case 'count_distinct':
      return `count(DISTINCT o.${column})`;
    case 'sum':
      return `CASE WHEN count(o.${column}) > 0 THEN total(o.${column}) END`;
    case 'first':
    case 'last': {
      // the group's rows again (unqualified names resolve to the inner table), the same conditions
      const inner = whereClause(options.where);
      params.push(...inner.params);
      const same = groupBy.map((c) => `i.${quoteIdentifier(c)} IS o.${quoteIdentifier(c)}`);
      const conditions = [`i.${column} IS NOT NULL`, ...same].join(' AND ');
      const filter = inner.sql === '' ? ` WHERE ${conditions}` : `${inner.sql} AND ${conditions}`;
      const direction = measure.fn === 'last' ? 'DESC' : 'ASC';
      return `(SELECT i.${column} FROM ${from} AS i${filter} ORDER BY i."timestamp" ${direction} LIMIT 1)`;
    }
    default:
      return `${measure.fn}(o.${column})`;
  }
}
