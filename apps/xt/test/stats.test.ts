import { describe, expect, it } from 'vitest';
import { ColumnStats } from '../src/format/column-stats.js';
import { describeColumns } from '../src/format/stats.js';

describe('describeColumns', () => {
  it('computes pandas-style statistics for numbers', () => {
    const values = [7, 1, 3, 10, 4, null, 2];
    const { columns, rows } = describeColumns([{ name: 'x', type: 'integer', values }]);
    expect(columns).toEqual(['statistic', 'x']);
    const stat = Object.fromEntries(rows.map((r) => [r.statistic, r.x]));
    const numbers = [1, 2, 3, 4, 7, 10];
    const mean = 27 / 6;
    expect(Object.keys(stat)).toEqual(['count', 'mean', 'std', 'min', '25%', '50%', '75%', 'max']);
    expect(stat.count).toBe(6);
    expect(stat.mean).toBeCloseTo(mean, 12);
    expect(stat.std).toBeCloseTo(Math.sqrt(numbers.reduce((s, v) => s + (v - mean) ** 2, 0) / 5), 12);
    // numpy: np.percentile([1,2,3,4,7,10], [25, 50, 75]) -> [2.25, 3.5, 6.25]
    expect([stat['25%'], stat['50%'], stat['75%']]).toEqual([2.25, 3.5, 6.25]);
    expect([stat.min, stat.max]).toEqual([1, 10]);
  });

  it('counts text, booleans and mixed columns as categories, and joins both kinds of rows', () => {
    const { rows } = describeColumns([
      { name: 'n', type: 'float', values: [1.5] },
      { name: 'flag', type: 'boolean', values: [true, false, true, null] },
      { name: 'mixed', type: 'integer', values: [3, 'None', 3] },
    ]);
    expect(rows.map((r) => r.statistic)).toEqual(['count', 'unique', 'top', 'freq', 'mean', 'std', 'min', '25%', '50%', '75%', 'max']);
    const get = (stat: string) => rows.find((r) => r.statistic === stat)!;
    expect(get('count')).toEqual({ statistic: 'count', n: 1, flag: 3, mixed: 3 });
    expect(get('top')).toEqual({ statistic: 'top', n: null, flag: true, mixed: 3 });
    expect(get('freq')).toEqual({ statistic: 'freq', n: null, flag: 2, mixed: 2 });
    expect(get('unique')).toMatchObject({ flag: 2, mixed: 2 });
    expect(get('std')).toMatchObject({ n: null }); // one value: no sample deviation
  });

  it('labels the statistic column without clashing with a column called statistic', () => {
    expect(describeColumns([{ name: 'statistic', type: 'float', values: [1] }]).columns).toEqual(['_statistic', 'statistic']);
  });
});

/** The `q` quantile of sorted values by linear interpolation (numpy's default): the oracle of the selection below. */
function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const low = sorted[lower] ?? Number.NaN;
  const high = sorted[Math.min(lower + 1, sorted.length - 1)] ?? low;
  return low + (high - low) * (position - lower);
}

describe('quantile (the test oracle)', () => {
  it('interpolates linearly between neighbours', () => {
    expect(quantile([1, 2], 0.25)).toBe(1.25);
    expect(quantile([5], 0.75)).toBe(5);
    expect(quantile([0, 10, 20, 30, 40], 0.5)).toBe(20);
  });
});

describe('ColumnStats (streamed)', () => {
  it('quartiles by selection equal those of the sorted values, for many random columns (duplicates, runs, sorted input)', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let run = 0; run < 400; run++) {
      const n = 1 + Math.floor(random() * 300);
      const kind = run % 4;
      const values = Array.from({ length: n }, (_, i) => (kind === 0 ? random() * 2e6 - 1e6 : kind === 1 ? Math.floor(random() * 4) : kind === 2 ? i : n - i));
      const stats = new ColumnStats('x', 'float');
      for (const v of values) stats.add(v);
      const { stats: got } = stats.result();
      const sorted = [...values].sort((a, b) => a - b);
      expect([got.count, got.min, got['25%'], got['50%'], got['75%'], got.max]).toEqual([n, sorted[0], quantile(sorted, 0.25), quantile(sorted, 0.5), quantile(sorted, 0.75), sorted[n - 1]]);
    }
  });

  it('a column that turns out mixed counts every value seen, in order, as a category (ties to the first seen)', () => {
    const stats = new ColumnStats('m', 'integer');
    for (const v of [2, Number.NaN, 2n ** 60n, 1, 1, 'None', 2, null, 'None']) stats.add(v);
    expect(stats.result()).toEqual({ name: 'm', numeric: false, stats: { count: 8, unique: 5, top: 2, freq: 2 } });
  });

  it('NaN is skipped in a numeric column; an empty column is numeric only when declared so', () => {
    const nan = new ColumnStats('n', 'float');
    for (const v of [1, Number.NaN, 3]) nan.add(v);
    expect(nan.result().stats).toMatchObject({ count: 2, mean: 2, min: 1, max: 3, '50%': 2 });
    expect(new ColumnStats('e', 'float').result()).toEqual({ name: 'e', numeric: true, stats: { count: 0 } });
    expect(new ColumnStats('t', 'text').result()).toEqual({ name: 't', numeric: false, stats: { count: 0, unique: 0, top: null, freq: null } });
  });
});
