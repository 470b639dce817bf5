import { createHash } from 'node:crypto';
import { seededRandom } from './random.js';

/**
 * A labelled 2-D data set. The points are private fields and `toJSON()` gives a summary with a
 * SHA-256 of the points and labels, so when it is passed to `tracker.track()` it is logged as
 * `{arg}_name` / `{arg}_size` / `{arg}_points` columns and a short `args` text, not as thousands of
 * numbers, and a cached call's key changes whenever the data does.
 */
export class Dataset {
  readonly name: string;
  readonly size: number;
  readonly #x: Float64Array;
  readonly #y: Uint8Array;

  constructor(name: string, x: Float64Array, y: Uint8Array) {
    if (x.length !== y.length * 2) throw new Error(`Dataset ${name}: ${x.length} coordinates for ${y.length} labels`);
    this.name = name;
    this.size = y.length;
    this.#x = x;
    this.#y = y;
  }

  /** Coordinates, two per point: `x[2i]`, `x[2i + 1]`. */
  get x(): Float64Array {
    return this.#x;
  }

  /** Labels, 0 or 1. */
  get y(): Uint8Array {
    return this.#y;
  }

  toJSON(): { name: string; size: number; points: string } {
    const hash = createHash('sha256')
      .update(new Uint8Array(this.#x.buffer, this.#x.byteOffset, this.#x.byteLength))
      .update(this.#y);
    return { name: this.name, size: this.size, points: hash.digest('hex') };
  }
}

export interface MoonsOptions {
  /** Points in total (half per class). Default 1000. */
  samples?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate. Default 0.2. */
  noise?: number;
  /** Share of the points held out for validation. Default 0.2. */
  validationShare?: number;
  seed?: number;
}

/**
 * Two interleaving half circles ("moons"), one per class, with Gaussian noise: not linearly
 * separable, so the hidden layer has to earn its keep. Shuffled and split with `seed`, then
 * standardized with the training split's mean and standard deviation (applied to both splits).
 */
export function makeMoons(options: MoonsOptions = {}): { train: Dataset; validation: Dataset } {
  const { samples = 1000, noise = 0.2, validationShare = 0.2, seed = 7 } = options;
  const random = seededRandom(seed);
  const points: [number, number, number][] = [];
  const half = Math.floor(samples / 2);
  for (let i = 0; i < samples; i++) {
    const label = i < half ? 0 : 1;
    const k = label === 0 ? i : i - half;
    const angle = (Math.PI * k) / Math.max(1, (label === 0 ? half : samples - half) - 1);
    const [px, py] = label === 0 ? [Math.cos(angle), Math.sin(angle)] : [1 - Math.cos(angle), 0.5 - Math.sin(angle)];
    points.push([px + noise * random.normal(), py + noise * random.normal(), label]);
  }
  random.shuffle(points);
  const validationSize = Math.round(samples * validationShare);
  const trainPoints = points.slice(validationSize);
  const mean = [0, 1].map((d) => trainPoints.reduce((s, p) => s + p[d]!, 0) / trainPoints.length);
  const std = [0, 1].map((d) => Math.sqrt(trainPoints.reduce((s, p) => s + (p[d]! - mean[d]!) ** 2, 0) / trainPoints.length) || 1);
  const split = (name: string, part: [number, number, number][]) => {
    const x = new Float64Array(part.length * 2);
    const y = new Uint8Array(part.length);
    part.forEach(([a, b, label], i) => {
      x[2 * i] = (a - mean[0]!) / std[0]!;
      x[2 * i + 1] = (b - mean[1]!) / std[1]!;
      y[i] = label;
    });
    return new Dataset(name, x, y);
  };
  return { train: split('train', trainPoints), validation: split('validation', points.slice(0, validationSize)) };
}
