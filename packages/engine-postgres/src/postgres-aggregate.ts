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
 * use bool_and/bool_or; JSONB compares by its text; `first`/`last` take the first element of the
 * group's non-null values ordered by timestamp; `sum`/`avg` are doubles. Groups sort NULL first.
 */
export function aggregateSql(qualified: string, options: AggregateOptions, resolve: (name: string) => Column, where: string): AggregateSql {
  const groups = (options.groupBy ?? []).map(resolve);
  const names = [...(options.groupBy ?? []), ...options.measures.map((m) => m.as)];
  const kinds: (ColumnKind | undefined)[] = groups.map((g) => g.kind);
  const select = groups.map((g) => g.quoted);
  for (const measure of options.measures) {
    const column = measure.column === undefined ? undefined : resolve(measure.column);
    select.push(measureSql(measure, column));
    kinds.push(column?.kind === 'variant' && ['min', 'max', 'first', 'last'].includes(measure.fn) ? 'variant' : undefined);
  }
  let text = `SELECT ${select.map((s, i) => `${s} AS "${i}"`).join(', ')} FROM ${qualified}${where}`;
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
