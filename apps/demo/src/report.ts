import { Reader } from '@xetrack/core';

/** One run of a sweep as read back from the database. */
export interface RunRow {
  track_id: string;
  lr: number;
  hidden: number;
  epochs: number;
  /** Training loss of the last epoch. */
  train_loss: number;
  val_loss: number;
  val_accuracy: number;
  /** The evaluation's lineage: '' when this run computed it, else the track_id of the run whose cached result it got. */
  cache: string;
}

export interface SweepSummary {
  runs: RunRow[];
  /** Highest validation accuracy (ties: lower validation loss). */
  bestAccuracy: RunRow | undefined;
  /** Lowest validation loss. */
  bestLoss: RunRow | undefined;
  rows: number;
  /** The sweep of every run a cache hit of this sweep names (track_id → sweep). */
  origins: Map<string, string>;
}

/**
 * Reads one sweep back with a Reader (a fresh connection, as another process would) and
 * summarizes each run. Other sweeps in the same file are skipped by their `sweep` param, except to
 * name the sweep that computed a cached evaluation. Every column is read: `cache` exists only once a
 * cached call was logged, and a file written by an older demo may not have it.
 */
export async function summarizeSweep(dbPath: string, sweep: string, engine?: string): Promise<SweepSummary> {
  const reader = await Reader.open(dbPath, engine ? { engine } : {});
  const byRun = new Map<string, RunRow & { lastEpoch: number }>();
  const sweepOf = new Map<string, string>();
  let rows = 0;
  try {
    for await (const row of reader.iterate()) {
      sweepOf.set(String(row.track_id), String(row.sweep));
      if (row.sweep !== sweep) continue;
      rows++;
      const id = String(row.track_id);
      let run = byRun.get(id);
      if (!run) {
        run = { track_id: id, lr: Number(row.lr), hidden: Number(row.hidden), epochs: 0, train_loss: Number.NaN, val_loss: Number.NaN, val_accuracy: Number.NaN, cache: '', lastEpoch: 0 };
        byRun.set(id, run);
      }
      if (typeof row.epoch === 'number') {
        run.epochs++;
        if (row.epoch >= run.lastEpoch) {
          run.lastEpoch = row.epoch;
          run.train_loss = Number(row.train_loss);
        }
      }
      if (row.function_name === 'evaluate') {
        run.val_loss = Number(row.val_loss);
        run.val_accuracy = Number(row.val_accuracy);
        run.cache = typeof row.cache === 'string' ? row.cache : '';
      }
    }
  } finally {
    await reader.close();
  }
  const runs = [...byRun.values()].map(({ lastEpoch: _, ...run }) => run);
  const evaluated = runs.filter((r) => Number.isFinite(r.val_accuracy));
  const bestAccuracy = [...evaluated].sort((a, b) => b.val_accuracy - a.val_accuracy || a.val_loss - b.val_loss)[0];
  const bestLoss = [...evaluated].sort((a, b) => a.val_loss - b.val_loss)[0];
  const origins = new Map(runs.filter((r) => r.cache).map((r) => [r.cache, sweepOf.get(r.cache) ?? '?']));
  return { runs, bestAccuracy, bestLoss, rows, origins };
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
}

const fixed = (value: number) => value.toFixed(4);

/**
 * The summary as printed: a table of the runs (the last column: where the evaluation came from,
 * `computed` or `cache <track_id>`), then the best run per metric.
 */
export function formatSummary(summary: SweepSummary): string[] {
  const lines = table([
    ['track_id', 'lr', 'hidden', 'train_loss', 'val_loss', 'val_accuracy', 'evaluation'],
    ...summary.runs.map((r) => [r.track_id, String(r.lr), String(r.hidden), fixed(r.train_loss), fixed(r.val_loss), fixed(r.val_accuracy), r.cache ? `cache ${r.cache}` : 'computed']),
  ]);
  // `best <metric>: <track_id> (...) <metric>=<value>`: one line per metric, easy to grep.
  const best = (metric: 'val_accuracy' | 'val_loss', run: RunRow | undefined) => {
    const label = `best ${metric}:`.padEnd('best val_accuracy:'.length);
    return run ? `${label} ${run.track_id} (lr=${run.lr}, hidden=${run.hidden}) ${metric}=${fixed(run[metric])}` : `${label} none`;
  };
  lines.push('', best('val_accuracy', summary.bestAccuracy), best('val_loss', summary.bestLoss));
  return lines;
}

/** One line on the cache: how many evaluations were hits, and which sweep computed them. */
export function formatCacheLine(summary: SweepSummary, cacheDir: string): string {
  const hits = summary.runs.filter((r) => r.cache).length;
  const computed = summary.runs.length - hits;
  if (hits === 0) return `evaluation: ${computed} computed, 0 cache hits (results cached in ${cacheDir}: run the demo again to hit them)`;
  const sweeps = [...new Set(summary.origins.values())].sort();
  return `evaluation: ${hits} cache hits, ${computed} computed (computed by sweep ${sweeps.join(', ')}; per run in the evaluation column)`;
}
