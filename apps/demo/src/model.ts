import { createHash } from 'node:crypto';
import type { Dataset } from './dataset.js';
import { seededRandom, type Random } from './random.js';

/** Loss and accuracy over a data set. */
export interface Scores {
  loss: number;
  accuracy: number;
}

const EPSILON = 1e-12;

/**
 * A multi-layer perceptron for 2-class problems: inputs → `hidden` tanh units → one sigmoid unit,
 * trained with mini-batch SGD on log-loss. Plain TypeScript, no dependencies.
 *
 * Weights are private fields; `toJSON()` gives the shape and a SHA-256 of the weights, so passing a
 * model to `tracker.track()` logs `model_inputs`, `model_hidden` and `model_weights` (the digest), not
 * thousands of numbers, and the cache key of a tracked call is exact: identical weights, same key.
 */
export class Mlp {
  readonly inputs: number;
  readonly hidden: number;
  /** hidden × inputs, row-major. */
  readonly #w1: Float64Array;
  readonly #b1: Float64Array;
  readonly #w2: Float64Array;
  #b2 = 0;
  /** Scratch buffers (hidden activations, gradients), allocated once. */
  readonly #h: Float64Array;
  readonly #gw1: Float64Array;
  readonly #gb1: Float64Array;
  readonly #gw2: Float64Array;

  /** Glorot-uniform initial weights from `seed`, zero biases. */
  constructor(inputs: number, hidden: number, seed: number) {
    this.inputs = inputs;
    this.hidden = hidden;
    const random = seededRandom(seed);
    const uniform = (n: number, fanIn: number, fanOut: number) => {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      return Float64Array.from({ length: n }, () => (random.next() * 2 - 1) * limit);
    };
    this.#w1 = uniform(hidden * inputs, inputs, hidden);
    this.#b1 = new Float64Array(hidden);
    this.#w2 = uniform(hidden, hidden, 1);
    this.#h = new Float64Array(hidden);
    this.#gw1 = new Float64Array(hidden * inputs);
    this.#gb1 = new Float64Array(hidden);
    this.#gw2 = new Float64Array(hidden);
  }

  /** P(class 1) for the point starting at `x[offset]`; leaves the hidden activations in `#h`. */
  #forward(x: Float64Array, offset: number): number {
    const { inputs, hidden } = this;
    let z = this.#b2;
    for (let j = 0; j < hidden; j++) {
      let a = this.#b1[j]!;
      for (let k = 0; k < inputs; k++) a += this.#w1[j * inputs + k]! * x[offset + k]!;
      const h = Math.tanh(a);
      this.#h[j] = h;
      z += this.#w2[j]! * h;
    }
    return 1 / (1 + Math.exp(-z));
  }

  /** P(class 1) for one point. */
  predict(point: ArrayLike<number>): number {
    return this.#forward(Float64Array.from(point), 0);
  }

  /** Mean log-loss and accuracy (threshold 0.5) over `data`. */
  score(data: Dataset): Scores {
    const { x, y } = data;
    let loss = 0;
    let correct = 0;
    for (let i = 0; i < data.size; i++) {
      const p = this.#forward(x, i * this.inputs);
      const label = y[i]!;
      loss -= label === 1 ? Math.log(p + EPSILON) : Math.log(1 - p + EPSILON);
      if ((p >= 0.5 ? 1 : 0) === label) correct++;
    }
    return { loss: loss / data.size, accuracy: correct / data.size };
  }

  /**
   * One pass over `data` in shuffled mini-batches of `batchSize`, one SGD step of size `lr` per
   * batch. Returns the loss and accuracy over the data after the pass.
   */
  trainEpoch(data: Dataset, { lr, batchSize, random }: { lr: number; batchSize: number; random: Random }): Scores {
    const { inputs, hidden } = this;
    const { x, y } = data;
    const order = random.shuffle(Array.from({ length: data.size }, (_, i) => i));
    for (let start = 0; start < order.length; start += batchSize) {
      const end = Math.min(start + batchSize, order.length);
      this.#gw1.fill(0);
      this.#gb1.fill(0);
      this.#gw2.fill(0);
      let gb2 = 0;
      for (let b = start; b < end; b++) {
        const i = order[b]!;
        const offset = i * inputs;
        const delta = this.#forward(x, offset) - y[i]!; // d(log-loss)/dz for a sigmoid output
        gb2 += delta;
        for (let j = 0; j < hidden; j++) {
          const h = this.#h[j]!;
          this.#gw2[j]! += delta * h;
          const dz = delta * this.#w2[j]! * (1 - h * h);
          this.#gb1[j]! += dz;
          for (let k = 0; k < inputs; k++) this.#gw1[j * inputs + k]! += dz * x[offset + k]!;
        }
      }
      const step = lr / (end - start);
      for (let n = 0; n < this.#w1.length; n++) this.#w1[n]! -= step * this.#gw1[n]!;
      for (let j = 0; j < hidden; j++) {
        this.#b1[j]! -= step * this.#gb1[j]!;
        this.#w2[j]! -= step * this.#gw2[j]!;
      }
      this.#b2 -= step * gb2;
    }
    return this.score(data);
  }

  /** All parameters in one array: w1 (hidden × inputs), b1 (hidden), w2 (hidden), b2. A copy. */
  weights(): Float64Array {
    const out = new Float64Array(this.#w1.length + 2 * this.hidden + 1);
    out.set(this.#w1, 0);
    out.set(this.#b1, this.#w1.length);
    out.set(this.#w2, this.#w1.length + this.hidden);
    out[out.length - 1] = this.#b2;
    return out;
  }

  /** A model with the given parameters (the layout of `weights()`). */
  static fromWeights(inputs: number, hidden: number, weights: Float64Array): Mlp {
    const expected = hidden * inputs + 2 * hidden + 1;
    if (weights.length !== expected) throw new Error(`Mlp.fromWeights: ${weights.length} numbers for ${expected} parameters`);
    const model = new Mlp(inputs, hidden, 0);
    model.#w1.set(weights.subarray(0, hidden * inputs));
    model.#b1.set(weights.subarray(hidden * inputs, hidden * inputs + hidden));
    model.#w2.set(weights.subarray(hidden * inputs + hidden, hidden * inputs + 2 * hidden));
    model.#b2 = weights[expected - 1]!;
    return model;
  }

  /** The shape and a SHA-256 of the weights' bytes: what the cache keys on and the row shows. */
  toJSON(): { inputs: number; hidden: number; weights: string } {
    const bytes = this.weights();
    return { inputs: this.inputs, hidden: this.hidden, weights: createHash('sha256').update(new Uint8Array(bytes.buffer)).digest('hex') };
  }
}
