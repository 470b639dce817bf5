import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Tracker } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { benchRows } from '../bench-rows.js';
import { pairSuite } from '../pair-suite.js';
import { removeDatabase, scratchPath } from '../scratch.js';
import type { Suite } from '../suite.js';

/** The built `xt` binary of the workspace's @xetrack/cli. */
export function xtBinary(): string {
  const manifest = createRequire(import.meta.url).resolve('@xetrack/cli/package.json');
  return path.join(path.dirname(manifest), 'dist', 'cli.js');
}

/** Wall time of one whole process, spawned and waited for. */
export function timeProcess(args: string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

/**
 * `xt head track.db --n 5` on a 1,000-row database as a whole process (start-up included), against
 * a bare `node -e ''` in the same run. Target: at most 250 ms at the median (Python xetrack's
 * `xt head`: about 900 ms here; bare node about 130 ms).
 */
export const cliStartupSuite: Suite = pairSuite({
  name: 'cli.head-startup',
  title: 'xt head track.db --n 5 (1,000 rows), whole process',
  baseline: "node -e ''",
  unit: 'ms',
  target: { of: 'ours', op: '<=', value: 250 },
  size: { full: 1, quick: 1 },
  async prepare(options) {
    const db = scratchPath(options.tmpDir, 'cli-head');
    const tracker = await Tracker.open(db, { engine: sqliteEngine, warnings: false });
    await tracker.logBatch(benchRows(1_000));
    await tracker.close();
    const xt = xtBinary();
    return {
      ours: async () => timeProcess([xt, 'head', db, '--n', '5']),
      raw: async () => timeProcess(['-e', '']),
      dispose: () => removeDatabase(db),
    };
  },
});
