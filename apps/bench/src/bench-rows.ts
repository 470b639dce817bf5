/**
 * The rows every figure writes: 12 data columns (4 integers, 4 floats, 3 texts, 1 boolean), the
 * shape of a typical metrics row. Ours and the raw baselines write the same values into the same
 * table layout, so the figures compare code paths, not data.
 */

/** One benchmark row. */
export interface BenchRow {
  epoch: number;
  step: number;
  batch: number;
  seed: number;
  loss: number;
  accuracy: number;
  lr: number;
  f1: number;
  model: string;
  split: string;
  note: string;
  ok: boolean;
}

/** Data columns with the SQLite types xetrack declares for them (so the raw table matches ours). */
export const BENCH_COLUMNS: readonly (readonly [keyof BenchRow, string])[] = [
  ['epoch', 'INTEGER'],
  ['step', 'INTEGER'],
  ['batch', 'INTEGER'],
  ['seed', 'INTEGER'],
  ['loss', 'REAL'],
  ['accuracy', 'REAL'],
  ['lr', 'REAL'],
  ['f1', 'REAL'],
  ['model', 'TEXT'],
  ['split', 'TEXT'],
  ['note', 'TEXT'],
  ['ok', 'BOOLEAN'],
];

const MODELS = ['mlp', 'cnn', 'transformer', 'linear', 'gbdt'];
const SPLITS = ['train', 'validation', 'test'];

/** Row `i`, deterministic. Floats are never whole numbers, so the inferred types are stable. */
export function benchRow(i: number): BenchRow {
  return {
    epoch: Math.floor(i / 1000),
    step: i,
    batch: i % 64,
    seed: 42,
    loss: 1 / (i + 1.5),
    accuracy: (i % 1000) / 1000 + 0.000_25,
    lr: 0.001 * (1 + (i % 7)) + 0.000_01,
    f1: 0.5 + (i % 100) / 1000 + 0.000_1,
    model: MODELS[i % MODELS.length]!,
    split: SPLITS[i % SPLITS.length]!,
    note: `sample note for row ${i}`,
    ok: i % 3 !== 0,
  };
}

/** `count` rows starting at `from`. */
export function benchRows(count: number, from = 0): BenchRow[] {
  return Array.from({ length: count }, (_, k) => benchRow(from + k));
}
