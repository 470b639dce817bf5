import { ColumnStats, type ColumnSummary } from './column-stats.js';

/** One column's values, as read, with its declared type (used only when it holds no values). */
export interface ColumnValues {
  name: string;
  type: string;
  values: unknown[];
}

export interface DescribeTable {
  columns: string[];
  rows: Record<string, unknown>[];
}

const NUMERIC_STATS = ['count', 'mean', 'std', 'min', '25%', '50%', '75%', 'max'] as const;
const TEXT_STATS = ['count', 'unique', 'top', 'freq'] as const;
/** pandas' order when numeric and text columns are described together. */
const ALL_STATS = ['count', 'unique', 'top', 'freq', 'mean', 'std', 'min', '25%', '50%', '75%', 'max'] as const;

/**
 * pandas' `describe()`, with the statistic names kept as the first column (Python's `xt` drops
 * them). Numeric columns (every non-null value a number) get count, mean, sample std, min,
 * quartiles by linear interpolation, max; other columns count, unique, top (most frequent, ties
 * to the first seen) and freq (see `ColumnStats`). A statistic that does not apply to a column is null.
 */
export function describeColumns(input: readonly ColumnValues[]): DescribeTable {
  return describeSummaries(
    input.map((column) => {
      const stats = new ColumnStats(column.name, column.type);
      for (const value of column.values) stats.add(value);
      return stats.result();
    }),
  );
}

/** The table of `describeColumns` from columns already summarized (e.g. streamed into `ColumnStats`). */
export function describeSummaries(described: readonly ColumnSummary[]): DescribeTable {
  const anyNumeric = described.some((d) => d.numeric);
  const anyText = described.some((d) => !d.numeric);
  const stats: readonly string[] = anyNumeric && anyText ? ALL_STATS : anyNumeric ? NUMERIC_STATS : TEXT_STATS;
  const label = uniqueLabel(described.map((c) => c.name));
  const rows = stats.map((stat) => {
    const row: Record<string, unknown> = { [label]: stat };
    for (const d of described) row[d.name] = d.stats[stat] ?? null;
    return row;
  });
  return { columns: [label, ...described.map((c) => c.name)], rows };
}

/** The non-null numbers of `values`, bigints as (nearest) doubles. */
export function numbersOf(values: readonly unknown[]): number[] {
  const out: number[] = [];
  for (const v of values) {
    if (typeof v === 'number' && !Number.isNaN(v)) out.push(v);
    else if (typeof v === 'bigint') out.push(Number(v));
  }
  return out;
}

function uniqueLabel(names: readonly string[]): string {
  let label = 'statistic';
  while (names.includes(label)) label = `_${label}`;
  return label;
}
