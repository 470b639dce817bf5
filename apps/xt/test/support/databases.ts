import path from 'node:path';
import { Tracker, type EnginePlugin } from '@xetrack/core';

/** What the test databases hold, so tests can compute expected values themselves. */
export interface RunSpec {
  trackId: string;
  params?: Record<string, unknown>;
  rows: Record<string, unknown>[];
}

/** The standard test data: two runs with numbers, text, booleans and nulls. */
export const RUNS: RunSpec[] = [
  {
    trackId: 'run-a',
    params: { model: 'lr' },
    rows: [
      { epoch: 0, acc: 0.5, loss: 2.5, name: 'n0', ok: true },
      { epoch: 1, acc: 0.625, loss: 1.75, name: 'n1', ok: false },
      { epoch: 2, acc: 0.75, loss: 1.25, name: 'n1', ok: true },
    ],
  },
  {
    trackId: 'run-b',
    params: { model: 'mlp' },
    rows: [
      { epoch: 0, acc: 0.8, loss: 1.5, name: 'n2', ok: null },
      { epoch: 1, acc: 0.8, loss: 0.5, name: 'n0|pipe' },
    ],
  },
];

/** Writes `runs` with the Tracker into `dir/<file>` through `plugin`; returns the path. */
export async function writeDatabase(plugin: EnginePlugin<any>, dir: string, file = 'track.db', runs: RunSpec[] = RUNS, table?: string): Promise<string> {
  const location = path.join(dir, file);
  for (const run of runs) {
    const tracker = await Tracker.open(location, { engine: plugin, trackId: run.trackId, params: run.params, table, warnings: false });
    for (const row of run.rows) await tracker.log(row);
    await tracker.close();
  }
  return location;
}

/** Every row of `runs` as the table holds it (params merged in), in logging order. */
export function flatRows(runs: RunSpec[] = RUNS): Record<string, unknown>[] {
  return runs.flatMap((run) => run.rows.map((row) => ({ track_id: run.trackId, ...run.params, ...row })));
}
