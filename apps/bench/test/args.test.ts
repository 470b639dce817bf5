import { describe, expect, it } from 'vitest';
import { parseBenchArgs, selects } from '../src/args.js';
import { makeFigure, median } from '../src/measure.js';

describe('bench arguments', () => {
  it('ignores the bare -- pnpm passes along and splits --only lists', () => {
    const args = parseBenchArgs(['--', '--quick', '--json', '--only', 'log-batch,sqlite.track', '--only', 'to-rows']);
    expect(args).toMatchObject({ quick: true, json: true, only: ['log-batch', 'sqlite.track', 'to-rows'] });
  });

  it('refuses unknown flags and bad rounds', () => {
    expect(() => parseBenchArgs(['--fast'])).toThrow();
    expect(() => parseBenchArgs(['--rounds', '0'])).toThrow(/rounds/);
  });

  it('selects a suite by full name, figure or engine', () => {
    expect(selects('sqlite.log-batch', 'sqlite.log-batch')).toBe(true);
    expect(selects('log-batch', 'sqlite.log-batch')).toBe(true);
    expect(selects('sqlite', 'sqlite.log-batch')).toBe(true);
    expect(selects('log', 'sqlite.log-batch')).toBe(false);
    expect(selects('duckdb', 'sqlite.log-batch')).toBe(false);
  });
});

describe('figures', () => {
  it('takes medians', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('judges ratio targets and absolute targets', () => {
    const base = { name: 'x', title: 'x', size: 1, baseline: 'b' };
    const faster = makeFigure({ ...base, unit: 'rows/s', target: { of: 'ratio', op: '>=', value: 0.7 }, samples: { ours: [80, 70, 90], raw: [100, 100, 100] } });
    expect(faster.ratio).toBeCloseTo(0.8);
    expect(faster.pass).toBe(true);
    const slower = makeFigure({ ...base, unit: 'ms', target: { of: 'ratio', op: '<=', value: 1.3 }, samples: { ours: [150], raw: [100] } });
    expect(slower.pass).toBe(false);
    const memory = makeFigure({ ...base, unit: 'MB', target: { of: 'ours', op: '<', value: 100 }, samples: { ours: [120], raw: [10] } });
    expect(memory.pass).toBe(false);
  });
});
