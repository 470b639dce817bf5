import { coreSqlite } from '../core-sqlite.js';
import type { Timing } from '../measure.js';
import { pairSuite } from '../pair-suite.js';
import { removeDatabase, scratchPath } from '../scratch.js';
import type { Suite } from '../suite.js';

/**
 * What `track()` costs on top of logging: awaited `track(trivial, { args: [i] })` calls against
 * awaited `log()` calls of exactly the row track() stores. Both sides are ours; the "raw" column
 * is the plain `log()`.
 */
export const trackSuite: Suite = pairSuite({
  name: 'sqlite.track',
  title: 'await track(trivial sync fn), per call',
  baseline: 'await log() of the same row',
  unit: 'µs/call',
  target: { of: 'ratio', op: '<=', value: 1.2 },
  size: { full: 20_000, quick: 200 }, // steady state: a few thousand calls are dominated by noise
  prepare(options, size) {
    const measure = (work: (path: string, count: number) => Promise<Timing>, label: string) => async () => {
      const path = scratchPath(options.tmpDir, label);
      try {
        return await work(path, size);
      } finally {
        removeDatabase(path);
      }
    };
    return { ours: measure(coreSqlite.trackCalls, 'track'), raw: measure(coreSqlite.logTrackedRows, 'log') };
  },
});
