import { Tracker } from '@xetrack/core';
import type { Dataset } from './dataset.js';
import { evaluate } from './evaluate.js';
import { Mlp } from './model.js';
import { seededRandom } from './random.js';

/** The hyper-parameter grid and the training settings every run shares. */
export interface SweepGrid {
  learningRates: readonly number[];
  hiddenUnits: readonly number[];
  epochs: number;
  batchSize: number;
  /** Seeds the weight init and the shuffling, the same for every run: runs differ only by their hyper-parameters. */
  seed: number;
}

export const DEFAULT_GRID: SweepGrid = {
  learningRates: [0.05, 0.2, 0.8],
  hiddenUnits: [4, 16],
  epochs: 30,
  batchSize: 16,
  seed: 7,
};

export interface SweepOptions {
  /** Database path (or URL) every run logs into. */
  dbPath: string;
  /** This sweep's id, logged as the `sweep` param on every row. */
  sweep: string;
  data: { train: Dataset; validation: Dataset };
  grid?: SweepGrid;
  /** An engine name (`XT_DEMO_ENGINE`); omitted, Tracker.open picks the default (SQLite, loaded lazily). */
  engine?: string;
}

/** What a finished run reports back. */
export interface SweepRun {
  trackId: string;
  lr: number;
  hidden: number;
  engine: string;
}

/**
 * Trains one MLP per grid point, each run its own Tracker (so its own track_id) with the
 * hyper-parameters as params: one row per epoch, then one row from the tracked evaluation.
 */
export async function runSweep({ dbPath, sweep, data, grid = DEFAULT_GRID, engine }: SweepOptions): Promise<SweepRun[]> {
  const runs: SweepRun[] = [];
  for (const lr of grid.learningRates) {
    for (const hidden of grid.hiddenUnits) {
      const tracker = await Tracker.open(dbPath, {
        params: { sweep, model: 'mlp', lr, hidden, seed: grid.seed },
        ...(engine ? { engine } : {}),
      });
      try {
        const model = new Mlp(2, hidden, grid.seed);
        const random = seededRandom(grid.seed + 1);
        for (let epoch = 1; epoch <= grid.epochs; epoch++) {
          const { loss, accuracy } = model.trainEpoch(data.train, { lr, batchSize: grid.batchSize, random });
          await tracker.log({ epoch, train_loss: loss, train_accuracy: accuracy });
        }
        await tracker.track(evaluate, { args: [model, data.validation] });
        runs.push({ trackId: tracker.trackId, lr, hidden, engine: tracker.engine.name });
      } finally {
        await tracker.close();
      }
    }
  }
  return runs;
}
