import { describe, expect, it } from 'vitest';
import { decideVerdict, parseMetricSpec, parseSideSelector, parseTolerance, worstVerdict } from '../src/index.js';
import { normalSample } from './support/samples.js';

describe('threshold verdicts (one value per side)', () => {
  it('higher is better: a drop beyond the absolute tolerance regresses, within it is unchanged', () => {
    expect(decideVerdict([0.9], [0.88], { direction: 'higher', tolerance: { absolute: 0.01 } }).verdict).toBe('regressed');
    expect(decideVerdict([0.9], [0.895], { direction: 'higher', tolerance: { absolute: 0.01 } }).verdict).toBe('unchanged');
    expect(decideVerdict([0.9], [0.92], { direction: 'higher', tolerance: { absolute: 0.01 } }).verdict).toBe('improved');
    // 0.9 - 0.89 is 0.010000000000000009 in floating point: exactly the tolerance, not beyond it
    expect(decideVerdict([0.9], [0.89], { direction: 'higher', tolerance: { absolute: 0.01 } }).verdict).toBe('unchanged');
  });

  it('lower is better with a relative tolerance of the baseline', () => {
    expect(decideVerdict([100], [104], { direction: 'lower', tolerance: { relative: 0.05 } }).verdict).toBe('unchanged');
    expect(decideVerdict([100], [106], { direction: 'lower', tolerance: { relative: 0.05 } }).verdict).toBe('regressed');
    expect(decideVerdict([100], [90], { direction: 'lower', tolerance: { relative: 0.05 } }).verdict).toBe('improved');
  });

  it('with both tolerances the larger allowance applies; without one any change counts', () => {
    const both = { direction: 'lower' as const, tolerance: { absolute: 8, relative: 0.05 } };
    expect(decideVerdict([100], [107], both)).toMatchObject({ verdict: 'unchanged', allowed: 8 });
    expect(decideVerdict([100], [109], both).verdict).toBe('regressed');
    expect(decideVerdict([1], [1.0001], { direction: 'lower' }).verdict).toBe('regressed');
    expect(decideVerdict([1], [1], { direction: 'lower' }).verdict).toBe('unchanged');
  });

  it('too few samples on a side compares medians, and says so', () => {
    const result = decideVerdict([10, 11], [20, 21, 22, 23], { direction: 'lower', tolerance: { relative: 0.1 } });
    expect(result).toMatchObject({ verdict: 'regressed', method: 'threshold' });
    expect(result.test).toBeUndefined();
  });
});

describe('noise-aware verdicts on samples with known answers', () => {
  const base = normalSample(30, 100, 5, 11); // latency ~ N(100, 5)

  it('a 20% slowdown is a significant regression with a large effect', () => {
    const result = decideVerdict(base, normalSample(30, 120, 5, 12), { direction: 'lower', tolerance: { relative: 0.05 } });
    expect(result.verdict).toBe('regressed');
    expect(result.method).toBe('mann-whitney-u+bootstrap');
    expect(result.test!.pValue).toBeLessThan(1e-6);
    expect(result.test!.magnitude).toBe('large');
    expect(result.test!.cliffsDelta).toBeGreaterThan(0.9);
    expect(result.test!.hodgesLehmann.relative!).toBeGreaterThan(0.15);
    expect(result.test!.hodgesLehmann.relative!).toBeLessThan(0.25);
  });

  it('a 20% speed-up is an improvement; the same data with higher-is-better is a regression', () => {
    const faster = normalSample(30, 80, 5, 13);
    expect(decideVerdict(base, faster, { direction: 'lower', tolerance: { relative: 0.05 } }).verdict).toBe('improved');
    expect(decideVerdict(base, faster, { direction: 'higher', tolerance: { relative: 0.05 } }).verdict).toBe('regressed');
  });

  it('the same distribution within a 5% tolerance is unchanged: the interval stays inside the band', () => {
    // sd 2 over 30 samples: the median ratio's interval is about ±2%, well inside ±5%
    const result = decideVerdict(normalSample(30, 100, 2, 15), normalSample(30, 100, 2, 14), { direction: 'lower', tolerance: { relative: 0.05 } });
    expect(result.verdict).toBe('unchanged');
    expect(result.test!.pValue).toBeGreaterThan(0.05);
    expect(result.test!.change.high).toBeLessThanOrEqual(result.allowed);
  });

  it('a significant 2% change within a 5% tolerance is unchanged, beyond a 1% tolerance it regresses', () => {
    const tight = normalSample(200, 100, 1, 21);
    const slower = normalSample(200, 102, 1, 22);
    expect(decideVerdict(tight, slower, { direction: 'lower', tolerance: { relative: 0.05 } }).verdict).toBe('unchanged');
    expect(decideVerdict(tight, slower, { direction: 'lower', tolerance: { relative: 0.01 } }).verdict).toBe('regressed');
  });

  it('three noisy samples a side are inconclusive: no significance, and a large slowdown not ruled out', () => {
    const result = decideVerdict([100, 130, 90], [115, 95, 140], { direction: 'lower', tolerance: { relative: 0.05 } });
    expect(result.verdict).toBe('inconclusive');
    expect(result.reason).toMatch(/more samples/);
  });

  it('the confidence is what the test is held to: p = 0.0175 is significant at 95% but not at 99%', () => {
    const x = [1, 2, 2, 3, 3, 3, 4, 4, 5];
    const y = [3, 3, 4, 4, 4, 5, 5, 6, 6, 7];
    expect(decideVerdict(x, y, { direction: 'lower', confidence: 0.95 }).verdict).toBe('regressed');
    expect(decideVerdict(x, y, { direction: 'lower', confidence: 0.99 }).verdict).toBe('inconclusive');
  });

  it('the worst verdict wins', () => {
    expect(worstVerdict(['unchanged', 'improved', 'inconclusive'])).toBe('inconclusive');
    expect(worstVerdict(['improved', 'regressed'])).toBe('regressed');
    expect(worstVerdict([])).toBe('unchanged');
  });
});

describe('specs and selectors as text', () => {
  it('parses every tolerance form and the aggregate', () => {
    expect(parseMetricSpec('acc:higher:0.01')).toEqual({ name: 'acc', direction: 'higher', tolerance: { absolute: 0.01 } });
    expect(parseMetricSpec('latency_ms:lower:5%')).toEqual({ name: 'latency_ms', direction: 'lower', tolerance: { relative: 0.05 } });
    expect(parseMetricSpec('t:lower:2+5%:samples')).toEqual({ name: 't', direction: 'lower', tolerance: { absolute: 2, relative: 0.05 }, aggregate: 'samples' });
    expect(parseMetricSpec('loss:lower::min')).toEqual({ name: 'loss', direction: 'lower', aggregate: 'min' });
    expect(parseTolerance('5%+0.5')).toEqual({ relative: 0.05, absolute: 0.5 });
    for (const bad of ['acc', 'acc:sideways', 'acc:higher:-1', 'acc:higher:abc', 'acc:higher:1:avg', ':higher', 'a:b:c:d:e']) {
      expect(() => parseMetricSpec(bad), bad).toThrow(/Metric/);
    }
  });

  it('parses selectors: picks, runs, commits, params and comparisons', () => {
    expect(parseSideSelector('latest')).toEqual({ pick: 'latest' });
    expect(parseSideSelector('run:a,run:b')).toEqual({ runs: ['a', 'b'] });
    expect(parseSideSelector('brave-otter-0042')).toEqual({ runs: ['brave-otter-0042'] });
    expect(parseSideSelector('commit:abc123,previous')).toEqual({ commit: 'abc123', pick: 'previous' });
    expect(parseSideSelector('model=mlp,lr>=0.01,name~bench%,seed!=3')).toEqual({
      params: { model: 'mlp' },
      where: [
        { column: 'lr', op: '>=', value: 0.01 },
        { column: 'name', op: 'like', value: 'bench%' },
        { column: 'seed', op: '!=', value: 3 },
      ],
    });
    expect(() => parseSideSelector('latest,previous')).toThrow(/pick one/);
    expect(() => parseSideSelector('a,,b')).toThrow(/empty term/);
    expect(() => parseSideSelector('commit:')).toThrow(/needs a value/);
  });
});
