import { cellText } from './cell-text.js';

/** What `ColumnStats.result()` gives: pandas' statistics of one column. */
export interface ColumnSummary {
  name: string;
  /** Every non-null value was a number (or there were none and the column is declared numeric). */
  numeric: boolean;
  stats: Record<string, unknown>;
}

/**
 * pandas' `describe()` of one column, fed one value at a time so a table is read once, streamed.
 * While every value is a number they are kept in a Float64Array (8 bytes each, the least any exact
 * quantile needs); mean and sample std are computed from it in two compensated passes, and the
 * quartiles (linear interpolation, numpy's default) by selection, without sorting. The first value
 * of another kind turns the column into a category column (count, unique, top, freq), counted in a
 * map from then on, the numbers seen before replayed into it in their order.
 */
export class ColumnStats {
  #numbers: Float64Array | undefined = new Float64Array(1024);
  /** Numbers stored, NaN included (a category column counts NaN; a numeric one skips it). */
  #length = 0;
  /** Integers beyond 2^53 by position, kept exact for a category column (rare). */
  #bigints: Map<number, bigint> | undefined;
  #categories: Map<string, { value: unknown; count: number }> | undefined;
  #count = 0;

  constructor(
    readonly name: string,
    readonly type: string,
  ) {}

  /** A value other than a number was seen: the column is counted as categories (see `result`). */
  get categorical(): boolean {
    return this.#numbers === undefined;
  }

  add(value: unknown): void {
    if (value === null || value === undefined) return;
    if (this.#numbers !== undefined) {
      if (typeof value === 'number') return this.#push(value);
      if (typeof value === 'bigint') {
        (this.#bigints ??= new Map()).set(this.#length, value);
        return this.#push(Number(value));
      }
      this.#toCategories();
    }
    this.#count++;
    const categories = this.#categories as Map<string, { value: unknown; count: number }>;
    const key = `${typeof value}:${cellText(value)}`;
    const entry = categories.get(key);
    if (entry) entry.count++;
    else categories.set(key, { value, count: 1 });
  }

  result(): ColumnSummary {
    const numbers = this.#numbers;
    if (numbers === undefined || (this.#length === 0 && this.type !== 'integer' && this.type !== 'float')) {
      this.#toCategories();
      return { name: this.name, numeric: false, stats: this.#categoryStats() };
    }
    return { name: this.name, numeric: true, stats: numericStats(withoutNaN(numbers.subarray(0, this.#length))) };
  }

  #push(n: number): void {
    let numbers = this.#numbers as Float64Array;
    if (this.#length === numbers.length) {
      const grown = new Float64Array(numbers.length * 2);
      grown.set(numbers);
      this.#numbers = numbers = grown;
    }
    numbers[this.#length++] = n;
  }

  #toCategories(): void {
    if (this.#categories !== undefined) return;
    this.#categories = new Map();
    const numbers = this.#numbers as Float64Array;
    const bigints = this.#bigints;
    this.#numbers = undefined;
    for (let i = 0; i < this.#length; i++) this.add(bigints?.get(i) ?? numbers[i]);
  }

  #categoryStats(): Record<string, unknown> {
    let top: { value: unknown; count: number } | undefined;
    const categories = this.#categories as Map<string, { value: unknown; count: number }>;
    for (const entry of categories.values()) if (!top || entry.count > top.count) top = entry;
    return { count: this.#count, unique: categories.size, top: top?.value ?? null, freq: top?.count ?? null };
  }
}

function withoutNaN(values: Float64Array): Float64Array {
  let kept = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v === v) values[kept++] = v;
  }
  return values.subarray(0, kept);
}

function numericStats(values: Float64Array): Record<string, unknown> {
  const n = values.length;
  const stats: Record<string, unknown> = { count: n };
  if (n === 0) return stats;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = compensatedSum(values, (v) => v) / n;
  const squares = compensatedSum(values, (v) => (v - mean) ** 2);
  stats.mean = mean;
  stats.std = n > 1 ? Math.sqrt(squares / (n - 1)) : null;
  stats.min = min;
  // Selection leaves everything left of a chosen rank smaller, so each quartile searches from the last one.
  let from = 0;
  for (const [label, q] of [
    ['25%', 0.25],
    ['50%', 0.5],
    ['75%', 0.75],
  ] as const) {
    const position = (n - 1) * q;
    const below = Math.floor(position);
    const low = select(values, below, from);
    const high = below + 1 < n ? minimum(values, below + 1) : low;
    stats[label] = low + (high - low) * (position - below);
    from = below;
  }
  stats.max = max;
  return stats;
}

/**
 * The sum of `term(v)` over `values`, with Neumaier's compensation: as exact as the doubles allow
 * whatever the order (a plain running sum of a million values drifts in its last digits).
 */
function compensatedSum(values: Float64Array, term: (v: number) => number): number {
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < values.length; i++) {
    const x = term(values[i] as number);
    const t = sum + x;
    compensation += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + compensation;
}

/** The smallest of `values[from..]`. */
function minimum(values: Float64Array, from: number): number {
  let min = values[from] as number;
  for (let i = from + 1; i < values.length; i++) if ((values[i] as number) < min) min = values[i] as number;
  return min;
}

/**
 * The value of rank `k` (0-based) of `values`, which it partly reorders: afterwards no value left of
 * `k` is larger and none right of it smaller. `values[..from]` must already hold no value larger than
 * any in `values[from..]`. Hoare partitioning around a median of three (quickselect): linear on
 * average, and runs of equal values split evenly.
 */
function select(values: Float64Array, k: number, from: number): number {
  let left = from;
  let right = values.length - 1;
  while (left < right) {
    const a = values[left] as number;
    const b = values[(left + right) >>> 1] as number;
    const c = values[right] as number;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = left;
    let j = right;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const t = values[i] as number;
        values[i++] = values[j] as number;
        values[j--] = t;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return values[k] as number;
}
