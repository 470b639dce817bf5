import type { AggregateOptions, Measure } from '@xetrack/core/engine';

/** What the aggregate SQL needs from the engine: quoted column names and its WHERE translation. */
export interface AggregateContext {
  /** The quoted name of the table column `name` resolves to (UNKNOWN_COLUMN otherwise). */
  column(name: string): string;
  quote(name: string): string;
  /** The WHERE clause (with its leading space, or empty) for `options.where`, values added to the parameters. */
  where: string;
}

/**
 * One GROUP BY statement for `options`: DuckDB's own functions, `first`/`last` as `arg_min`/`arg_max`
 * over the timestamp of the non-null values, `sum` as a DOUBLE. Groups sort NULL first, as SQLite.
 */
export function aggregateSql(table: string, options: AggregateOptions, context: AggregateContext): string {
  const groups = (options.groupBy ?? []).map((name) => context.column(name));
  const select = [...groups.map((g, i) => `${g} AS ${context.quote(options.groupBy![i]!)}`), ...options.measures.map((m) => `${measureSql(m, context)} AS ${context.quote(m.as)}`)];
  let sql = `SELECT ${select.join(', ')} FROM ${context.quote(table)}${context.where}`;
  if (groups.length > 0) sql += ` GROUP BY ${groups.join(', ')} ORDER BY ${groups.map((g) => `${g} ASC NULLS FIRST`).join(', ')}`;
  return sql;
}

function measureSql(measure: Measure, context: AggregateContext): string {
  if (measure.column === undefined) return 'count(*)';
  const column = context.column(measure.column);
  switch (measure.fn) {
    case 'count_distinct':
      return `count(DISTINCT ${column})`;
    case 'sum':
      return `CAST(sum(${column}) AS DOUBLE)`;
    case 'avg':
      return `CAST(avg(${column}) AS DOUBLE)`;
    case 'first':
      return `arg_min(${column}, "timestamp") FILTER (WHERE ${column} IS NOT NULL)`;
    case 'last':
      return `arg_max(${column}, "timestamp") FILTER (WHERE ${column} IS NOT NULL)`;
    default:
      return `${measure.fn}(${column})`;
  }
}
