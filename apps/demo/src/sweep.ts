import { Tracker } from '@xetrack/core';
import type { FunctionCache } from '@xetrack/core';
import { systemMonitor } from '@xetrack/sysmon';
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
  /** An engine name (`--engine`, `XT_DEMO_ENGINE`); omitted, Tracker.open picks the default (SQLite, loaded lazily). */
  engine?: string;
  /** The cache the evaluations go through (a `cacheStore()`), shared by every run of the sweep. */
  cache?: FunctionCache;
  /** A directory inside a git repository: every row gets `git_commit_hash`. Omitted: no stamp. */
  gitRoot?: string;
  /** Milliseconds between system-monitor samples during the tracked evaluation; 0: no monitor. Default 100. */
  monitorInterval?: number;
}

/** What a finished run reports back. */
export interface SweepRun {
  trackId: string;
  lr: number;
  hidden: number;
  engine: string;
  /** The trained model (kept so the best one can be stored as an asset). */
  model: Mlp;
  val_loss: number;
  val_accuracy: number;
  /** The evaluation's lineage: '' when computed by this run, else the track_id of the run that computed it. */
  cache: string;
}

/** The params every row of a run carries. */
export function runParams(sweep: string, lr: number, hidden: number, grid: SweepGrid = DEFAULT_GRID) {
  return { sweep, model: 'mlp', lr, hidden, seed: grid.seed };
}

/**
 * Trains one MLP per grid point, each run its own Tracker (so its own track_id) with the
 * hyper-parameters as params: one row per epoch, then one row from the tracked evaluation, which
 * goes through the cache (identical trained weights: answered from it) and is sampled by the
 * system monitor (`cpu_percent`, `ram_percent`, ... on its row).
 */
export async function runSweep({ dbPath, sweep, data, grid = DEFAULT_GRID, engine, cache, gitRoot, monitorInterval = 100 }: SweepOptions): Promise<SweepRun[]> {
  const runs: SweepRun[] = [];
  const monitor = monitorInterval > 0 ? systemMonitor({ interval: monitorInterval }) : undefined;
  await monitor?.ready();
  try {
    for (const lr of grid.learningRates) {
      for (const hidden of grid.hiddenUnits) {
        const tracker = await Tracker.open(dbPath, {
          params: runParams(sweep, lr, hidden, grid),
          ...(engine ? { engine } : {}),
          ...(cache ? { cache } : {}),
          ...(monitor ? { monitor } : {}),
          ...(gitRoot !== undefined ? { gitRoot } : {}),
        });
        try {
          const model = new Mlp(2, hidden, grid.seed);
          const random = seededRandom(grid.seed + 1);
          for (let epoch = 1; epoch <= grid.epochs; epoch++) {
            const { loss, accuracy } = model.trainEpoch(data.train, { lr, batchSize: grid.batchSize, random });
            await tracker.log({ epoch, train_loss: loss, train_accuracy: accuracy });
          }
          const scores = await tracker.track(evaluate, { args: [model, data.validation] });
          const lineage = tracker.latest?.cache;
          runs.push({ trackId: tracker.trackId, lr, hidden, engine: tracker.engine.name, model, ...scores, cache: typeof lineage === 'string' ? lineage : '' });
        } finally {
          await tracker.close();
        }
      }
    }
  } finally {
    await monitor?.close();
  }
  return runs;
}
