import { describe, expect, it } from 'vitest';
import { Dataset, makeMoons } from '../src/dataset.js';
import { evaluate } from '../src/evaluate.js';
import { Mlp } from '../src/model.js';
import { seededRandom } from '../src/random.js';

/** Four points of XOR: needs the hidden layer. */
function xor(): Dataset {
  return new Dataset('xor', Float64Array.from([-1, -1, -1, 1, 1, -1, 1, 1]), Uint8Array.from([0, 1, 1, 0]));
}

describe('Mlp', () => {
  it('lowers the loss on a tiny set as it trains', () => {
    const data = xor();
    const model = new Mlp(2, 8, 1);
    const random = seededRandom(2);
    const before = model.score(data).loss;
    let after = before;
    for (let epoch = 0; epoch < 300; epoch++) after = model.trainEpoch(data, { lr: 0.5, batchSize: 2, random }).loss;
    expect(after).toBeLessThan(before * 0.5);
    expect(model.score(data).accuracy).toBe(1);
  });

  it('is deterministic for a seed', () => {
    const { train } = makeMoons({ samples: 200, seed: 5 });
    const run = () => {
      const model = new Mlp(2, 4, 9);
      const random = seededRandom(10);
      for (let epoch = 0; epoch < 3; epoch++) model.trainEpoch(train, { lr: 0.2, batchSize: 16, random });
      return model.score(train);
    };
    expect(run()).toEqual(run());
  });

  it('predicts probabilities', () => {
    const p = new Mlp(2, 4, 3).predict([0.3, -0.7]);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
  });

  it('logs its shape and a digest of its weights, not its weights', () => {
    const model = new Mlp(2, 16, 1);
    expect(Object.keys(model).sort()).toEqual(['hidden', 'inputs']);
    expect(JSON.parse(JSON.stringify(model))).toEqual({ inputs: 2, hidden: 16, weights: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // same seed, same weights, same digest (what makes a cached evaluation hit); training changes it
    const twin = new Mlp(2, 16, 1);
    expect(twin.toJSON().weights).toBe(model.toJSON().weights);
    twin.trainEpoch(xor(), { lr: 0.5, batchSize: 2, random: seededRandom(3) });
    expect(twin.toJSON().weights).not.toBe(model.toJSON().weights);
  });

  it('round-trips its weights through fromWeights()', () => {
    const model = new Mlp(2, 4, 5);
    model.trainEpoch(xor(), { lr: 0.5, batchSize: 2, random: seededRandom(3) });
    const copy = Mlp.fromWeights(2, 4, model.weights());
    expect(copy.weights()).toEqual(model.weights());
    expect(copy.predict([1, 0])).toBe(model.predict([1, 0]));
    expect(() => Mlp.fromWeights(2, 4, new Float64Array(3))).toThrow(/3 numbers for 17 parameters/);
  });

  it('evaluate() returns the validation columns', () => {
    const data = xor();
    const result = evaluate(new Mlp(2, 4, 1), data);
    expect(Object.keys(result).sort()).toEqual(['val_accuracy', 'val_loss']);
    expect(result.val_loss).toBeGreaterThan(0);
  });
});
