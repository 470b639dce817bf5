import { cellText } from './cell-text.js';

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
 * to the first seen) and freq. A statistic that does not apply to a column is null.
 */
export function describeColumns(input: readonly ColumnValues[]): DescribeTable {
  const described = input.map((column) => (isNumericColumn(column) ? numericStats(column) : textStats(column)));
  const anyNumeric = described.some((d) => d.numeric);
  const anyText = described.some((d) => !d.numeric);
  const stats: readonly string[] = anyNumeric && anyText ? ALL_STATS : anyNumeric ? NUMERIC_STATS : TEXT_STATS;
  const label = uniqueLabel(input.map((c) => c.name));
  const rows = stats.map((stat) => {
    const row: Record<string, unknown> = { [label]: stat };
    for (const d of described) row[d.name] = d.stats[stat] ?? null;
    return row;
  });
  return { columns: [label, ...input.map((c) => c.name)], rows };
}

interface Described {
  name: string;
  numeric: boolean;
  stats: Record<string, unknown>;
}

/** True when every non-null value is a number (booleans count as text, as in pandas). */
export function isNumericColumn(column: ColumnValues): boolean {
  let seen = false;
  for (const v of column.values) {
    if (v === null || v === undefined) continue;
    if (typeof v !== 'number' && typeof v !== 'bigint') return false;
    seen = true;
  }
  return seen || column.type === 'integer' || column.type === 'float';
}

function numericStats(column: ColumnValues): Described {
  const values = numbersOf(column.values).sort((a, b) => a - b);
  const n = values.length;
  const stats: Record<string, unknown> = { count: n };
  if (n > 0) {
    const mean = values.reduce((sum, v) => sum + v, 0) / n;
    stats.mean = mean;
    stats.std = n > 1 ? Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1)) : null;
    stats.min = values[0];
    stats['25%'] = quantile(values, 0.25);
    stats['50%'] = quantile(values, 0.5);
    stats['75%'] = quantile(values, 0.75);
    stats.max = values[n - 1];
  }
  return { name: column.name, numeric: true, stats };
}

function textStats(column: ColumnValues): Described {
  const counts = new Map<string, { value: unknown; count: number }>();
  let n = 0;
  for (const v of column.values) {
    if (v === null || v === undefined) continue;
    n++;
    const key = `${typeof v}:${cellText(v)}`;
    const entry = counts.get(key);
    if (entry) entry.count++;
    else counts.set(key, { value: v, count: 1 });
  }
  let top: { value: unknown; count: number } | undefined;
  for (const entry of counts.values()) if (!top || entry.count > top.count) top = entry;
  return { name: column.name, numeric: false, stats: { count: n, unique: counts.size, top: top?.value ?? null, freq: top?.count ?? null } };
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

/** The `q` quantile of sorted values by linear interpolation (pandas' and numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const low = sorted[lower] ?? NaN;
  const high = sorted[Math.min(lower + 1, sorted.length - 1)] ?? low;
  return low + (high - low) * (position - lower);
}

function uniqueLabel(names: readonly string[]): string {
  let label = 'statistic';
  while (names.includes(label)) label = `_${label}`;
  return label;
}
