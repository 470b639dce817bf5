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

  it('logs its shape, not its weights', () => {
    const model = new Mlp(2, 16, 1);
    expect(Object.keys(model).sort()).toEqual(['hidden', 'inputs']);
    expect(JSON.parse(JSON.stringify(model))).toEqual({ inputs: 2, hidden: 16 });
  });

  it('evaluate() returns the validation columns', () => {
    const data = xor();
    const result = evaluate(new Mlp(2, 4, 1), data);
    expect(Object.keys(result).sort()).toEqual(['val_accuracy', 'val_loss']);
    expect(result.val_loss).toBeGreaterThan(0);
  });
});
