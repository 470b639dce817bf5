import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Tracker } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { benchRows } from '../bench-rows.js';
import type { Timing } from '../measure.js';
import { pairSuite } from '../pair-suite.js';
import { removeDatabase, scratchPath } from '../scratch.js';
import type { Suite } from '../suite.js';

/** The built `xt` binary of the workspace's @xetrack/cli. */
export function xtBinary(): string {
  const manifest = createRequire(import.meta.url).resolve('@xetrack/cli/package.json');
  return path.join(path.dirname(manifest), 'dist', 'cli.js');
}

/**
 * CPU time (user + system, ms) of this process's waited-for children, from /proc/self/stat
 * (cutime, cstime: clock ticks of 10 ms); `undefined` where there is no /proc (not Linux).
 */
function childrenCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * Wall and CPU time of one whole process, spawned and waited for: the mean of `count` processes
 * (several per measurement, so the 10 ms ticks of the CPU time average out).
 */
export function timeProcesses(args: string[], count: number): Timing {
  const cpuBefore = childrenCpuMs();
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  const ms = (performance.now() - start) / count;
  const cpuAfter = childrenCpuMs();
  return { ms, cpuMs: cpuBefore === undefined || cpuAfter === undefined ? Number.NaN : (cpuAfter - cpuBefore) / count };
}

/**
 * `xt head track.db --n 5` on a 1,000-row database as a whole process (start-up included), against
 * a bare `node -e ''` in the same run: at most 1.6x its time (Python xetrack's `xt head`: about
 * 900 ms here, 7x). Each measurement is the mean of 3 processes (1 with `--quick`).
 */
export const cliStartupSuite: Suite = pairSuite({
  name: 'cli.head-startup',
  title: 'xt head track.db --n 5 (1,000 rows), whole process',
  baseline: "node -e ''",
  unit: 'ms',
  target: { of: 'ratio', op: '<=', value: 1.6 },
  size: { full: 3, quick: 1 },
  async prepare(options, processes) {
    const db = scratchPath(options.tmpDir, 'cli-head');
    const tracker = await Tracker.open(db, { engine: sqliteEngine, warnings: false });
    await tracker.logBatch(benchRows(1_000));
    await tracker.close();
    const xt = xtBinary();
    return {
      ours: async () => timeProcesses([xt, 'head', db, '--n', '5'], processes),
      raw: async () => timeProcesses(['-e', ''], processes),
      dispose: () => removeDatabase(db),
    };
  },
});
