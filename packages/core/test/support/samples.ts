import { seededRandom } from '../../src/compare/statistics.js';

/** `n` draws from Normal(mean, sd) by Box-Muller on a seeded generator: the same seed, the same sample. */
export function normalSample(n: number, mean: number, sd: number, seed: number): number[] {
  const random = seededRandom(seed);
  const out: number[] = [];
  while (out.length < n) {
    const u = 1 - random();
    const v = random();
    out.push(mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  }
  return out;
}
