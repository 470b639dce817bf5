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
}

export interface SweepSummary {
  runs: RunRow[];
  /** Highest validation accuracy (ties: lower validation loss). */
  bestAccuracy: RunRow | undefined;
  /** Lowest validation loss. */
  bestLoss: RunRow | undefined;
  rows: number;
}

const COLUMNS = ['track_id', 'sweep', 'lr', 'hidden', 'epoch', 'train_loss', 'function_name', 'val_loss', 'val_accuracy'];

/**
 * Reads one sweep back with a Reader (a fresh connection, as another process would) and
 * summarizes each run. Other sweeps in the same file are skipped by their `sweep` param.
 */
export async function summarizeSweep(dbPath: string, sweep: string, engine?: string): Promise<SweepSummary> {
  const reader = await Reader.open(dbPath, engine ? { engine } : {});
  const byRun = new Map<string, RunRow & { lastEpoch: number }>();
  let rows = 0;
  try {
    for await (const row of reader.iterate({ columns: COLUMNS })) {
      if (row.sweep !== sweep) continue;
      rows++;
      const id = String(row.track_id);
      let run = byRun.get(id);
      if (!run) {
        run = { track_id: id, lr: Number(row.lr), hidden: Number(row.hidden), epochs: 0, train_loss: Number.NaN, val_loss: Number.NaN, val_accuracy: Number.NaN, lastEpoch: 0 };
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
      }
    }
  } finally {
    await reader.close();
  }
  const runs = [...byRun.values()].map(({ lastEpoch: _, ...run }) => run);
  const evaluated = runs.filter((r) => Number.isFinite(r.val_accuracy));
  const bestAccuracy = [...evaluated].sort((a, b) => b.val_accuracy - a.val_accuracy || a.val_loss - b.val_loss)[0];
  const bestLoss = [...evaluated].sort((a, b) => a.val_loss - b.val_loss)[0];
  return { runs, bestAccuracy, bestLoss, rows };
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
}

const fixed = (value: number) => value.toFixed(4);

/** The summary as printed: a table of the runs, then the best run per metric. */
export function formatSummary(summary: SweepSummary): string[] {
  const lines = table([
    ['track_id', 'lr', 'hidden', 'train_loss', 'val_loss', 'val_accuracy'],
    ...summary.runs.map((r) => [r.track_id, String(r.lr), String(r.hidden), fixed(r.train_loss), fixed(r.val_loss), fixed(r.val_accuracy)]),
  ]);
  // `best <metric>: <track_id> (...) <metric>=<value>`: one line per metric, easy to grep.
  const best = (metric: 'val_accuracy' | 'val_loss', run: RunRow | undefined) => {
    const label = `best ${metric}:`.padEnd('best val_accuracy:'.length);
    return run ? `${label} ${run.track_id} (lr=${run.lr}, hidden=${run.hidden}) ${metric}=${fixed(run[metric])}` : `${label} none`;
  };
  lines.push('', best('val_accuracy', summary.bestAccuracy), best('val_loss', summary.bestLoss));
  return lines;
}
