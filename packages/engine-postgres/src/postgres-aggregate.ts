import type { AggregateOptions, Measure } from '@xetrack/core/engine';
import type { Column } from './postgres-schema.js';
import type { ColumnKind } from './postgres-types.js';

/** An aggregate statement and, per result column, its key and how to decode it (`variant` values are JSON). */
export interface AggregateSql {
  text: string;
  names: string[];
  kinds: (ColumnKind | undefined)[];
}

/**
 * One GROUP BY statement for `options`. Result columns are aliased by position (PostgreSQL cuts
 * identifiers at 63 bytes) and renamed when rows are built. Booleans have no min/max here, so they
 * use bool_and/bool_or; JSONB compares by its text; `sum`/`avg` are doubles. Groups sort NULL first.
 * `first`/`last` are the group's non-null value at its earliest or latest timestamp: with `track_id`
 * grouped, a correlated subquery that walks the (track_id, timestamp) primary key from one end (a
 * row or two per group; `runs()` asks for many of these), otherwise the first element of the
 * group's values ordered by timestamp.
 */
export function aggregateSql(qualified: string, options: AggregateOptions, resolve: (name: string) => Column, where: string): AggregateSql {
  const groups = (options.groupBy ?? []).map(resolve);
  const names = [...(options.groupBy ?? []), ...options.measures.map((m) => m.as)];
  const kinds: (ColumnKind | undefined)[] = groups.map((g) => g.kind);
  const select = groups.map((g) => g.quoted);
  const byRun = groups.some((g) => g.name.toLowerCase() === 'track_id');
  for (const measure of options.measures) {
    const column = measure.column === undefined ? undefined : resolve(measure.column);
    const end = byRun && column !== undefined && (measure.fn === 'first' || measure.fn === 'last');
    select.push(end ? endOfGroupSql(column, measure.fn === 'last' ? 'DESC' : 'ASC', qualified, groups, where) : measureSql(measure, column));
    kinds.push(column?.kind === 'variant' && ['min', 'max', 'first', 'last'].includes(measure.fn) ? 'variant' : undefined);
  }
  let text = `SELECT ${select.map((s, i) => `${s} AS "${i}"`).join(', ')} FROM ${qualified} AS o${where}`;
  if (groups.length > 0) {
    text += ` GROUP BY ${groups.map((g) => g.quoted).join(', ')} ORDER BY ${groups.map((g) => `${g.quoted} ASC NULLS FIRST`).join(', ')}`;
  }
  return { text, names, kinds };
}

function measureSql(measure: Measure, column: Column | undefined): string {
  if (column === undefined) return 'count(*)';
  const q = column.quoted;
  const jsonb = column.kind === 'json' || column.kind === 'variant';
  switch (measure.fn) {
    case 'count':
      return `count(${q})`;
    case 'count_distinct':
      return `count(DISTINCT ${q})`;
    case 'sum':
    case 'avg':
      return `${measure.fn}(${q})::float8`;
    case 'min':
    case 'max':
      if (column.kind === 'boolean') return `${measure.fn === 'min' ? 'bool_and' : 'bool_or'}(${q})`;
      if (jsonb) return `${measure.fn}(${q}::text)::jsonb`;
      return `${measure.fn}(${q})`;
    case 'first':
    case 'last':
      return `(array_agg(${q} ORDER BY "timestamp" ${measure.fn === 'last' ? 'DESC' : 'ASC'}) FILTER (WHERE ${q} IS NOT NULL))[1]`;
  }
}

/**
 * The group's non-null `column` at its earliest (`ASC`) or latest (`DESC`) timestamp, read through the
 * primary key: the group's rows again under the same conditions (the WHERE's unqualified names and
 * parameters resolve to the inner table), `track_id` compared with `=` (a primary key column is
 * never NULL), the other group columns as NULL-safe equality.
 */
function endOfGroupSql(column: Column, direction: 'ASC' | 'DESC', qualified: string, groups: Column[], where: string): string {
  const same = groups.map((g) => (g.name.toLowerCase() === 'track_id' ? `i.${g.quoted} = o.${g.quoted}` : `i.${g.quoted} IS NOT DISTINCT FROM o.${g.quoted}`));
  const conditions = [`i.${column.quoted} IS NOT NULL`, ...same].join(' AND ');
  const filter = where === '' ? ` WHERE ${conditions}` : `${where} AND ${conditions}`;
  return `(SELECT i.${column.quoted} FROM ${qualified} AS i${filter} ORDER BY i."timestamp" ${direction} LIMIT 1)`;
}
