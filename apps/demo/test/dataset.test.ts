import { describe, expect, it } from 'vitest';
import { makeMoons } from '../src/dataset.js';

describe('makeMoons', () => {
  it('is deterministic for a seed', () => {
    const a = makeMoons({ samples: 200, seed: 3 });
    const b = makeMoons({ samples: 200, seed: 3 });
    expect(Array.from(a.train.x)).toEqual(Array.from(b.train.x));
    expect(Array.from(a.train.y)).toEqual(Array.from(b.train.y));
    expect(Array.from(a.validation.x)).toEqual(Array.from(b.validation.x));
  });

  it('changes with the seed', () => {
    const a = makeMoons({ samples: 200, seed: 3 });
    const b = makeMoons({ samples: 200, seed: 4 });
    expect(Array.from(a.train.x)).not.toEqual(Array.from(b.train.x));
  });

  it('splits train and validation, both classes in each, standardized on train', () => {
    const { train, validation } = makeMoons({ samples: 1000, validationShare: 0.2, seed: 7 });
    expect(train.size).toBe(800);
    expect(validation.size).toBe(200);
    expect(train.x.length).toBe(1600);
    for (const split of [train, validation]) {
      const ones = Array.from(split.y).filter((y) => y === 1).length;
      expect(ones).toBeGreaterThan(split.size * 0.35);
      expect(ones).toBeLessThan(split.size * 0.65);
      expect(Array.from(split.y).every((y) => y === 0 || y === 1)).toBe(true);
    }
    for (const d of [0, 1]) {
      const values = Array.from(train.x).filter((_, i) => i % 2 === d);
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
      expect(Math.abs(mean)).toBeLessThan(1e-9);
      expect(variance).toBeCloseTo(1, 6);
    }
  });

  it('logs as a summary with a digest of its points, not as its points', () => {
    const { validation } = makeMoons({ samples: 100, seed: 1 });
    expect(JSON.parse(JSON.stringify(validation))).toEqual({ name: 'validation', size: 20, points: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(Object.keys(validation).sort()).toEqual(['name', 'size']);
    // the digest follows the data: same seed, same digest; another seed, another one
    expect(validation.toJSON().points).toBe(makeMoons({ samples: 100, seed: 1 }).validation.toJSON().points);
    expect(validation.toJSON().points).not.toBe(makeMoons({ samples: 100, seed: 2 }).validation.toJSON().points);
  });
});
