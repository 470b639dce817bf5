/** Test databases: a small sweep with params, per-epoch metrics, tracked calls and system readings. */
import { Tracker } from '@xetrack/core';

export interface SweepOptions {
  runs?: number;
  epochs?: number;
  table?: string;
  engine?: Parameters<typeof Tracker.open>[1] extends infer O ? (O extends { engine?: infer E } ? E : never) : never;
}

/** Writes `runs` runs of `epochs` rows each into `location`; resolves the run ids, oldest first. */
export async function makeSweep(location: string, options: SweepOptions = {}): Promise<string[]> {
  const ids: string[] = [];
  const runs = options.runs ?? 4;
  const epochs = options.epochs ?? 5;
  for (let r = 0; r < runs; r++) {
    const model = r % 2 === 0 ? 'mlp' : 'cnn';
    const lr = [0.1, 0.01, 0.001, 0.05][r % 4]!;
    const tracker = await Tracker.open(location, { params: { model, lr }, table: options.table, engine: options.engine as never });
    ids.push(tracker.trackId);
    const rows = [];
    for (let epoch = 1; epoch <= epochs; epoch++) rows.push({ epoch, loss: 1 / (epoch + r), accuracy: 0.5 + epoch * 0.05 + r * 0.01 });
    await tracker.logBatch(rows);
    await tracker.log({ function_name: 'evaluate', function_time: 0.1 + r * 0.01, cpu_percent: 20 + r, ram_percent: 40 + r });
    await tracker.close();
  }
  return ids;
}
