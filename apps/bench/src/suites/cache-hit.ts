import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Tracker } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { pairSuite } from '../pair-suite.js';
import { removeDatabase, scratchPath } from '../scratch.js';
import type { BenchOptions, Suite } from '../suite.js';

function train(config: { lr: number }): { score: number; model: string } {
  return { score: config.lr * 2, model: 'mlp' };
}
const argsOf = (key: number): [{ lr: number }] => [{ lr: 0.25 + key }];

/**
 * A cache (`@xetrack/cache`'s directory store) filled with `keys` distinct calls of `train`, and
 * the row a hit of key 0 logs; needs `@xetrack/cache` installed for this app.
 */
async function filledCache(options: BenchOptions, label: string, keys: number): Promise<{ dir: string; row: Record<string, unknown> }> {
  const dir = join(options.tmpDir, `${label}-cache`);
  mkdirSync(dir, { recursive: true });
  const seedPath = scratchPath(options.tmpDir, `${label}-seed`);
  const seed = await Tracker.open(seedPath, { engine: sqliteEngine, cache: dir, warnings: false });
  for (let key = 0; key < keys; key++) await seed.track(train, { args: argsOf(key) });
  await seed.close();
  removeDatabase(seedPath);
  const [config] = argsOf(0);
  return { dir, row: { function_name: 'train', function_time: 0, args: JSON.stringify([config]), error: '', config_lr: config.lr, score: config.lr * 2, model: 'mlp', cache: seed.trackId } };
}

/** Times `size` awaited calls of `work(tracker, i)` on a fresh tracker (one untimed call first creates the columns). */
function timedCalls(options: BenchOptions, label: string, size: number, cache: string | undefined, work: (tracker: Tracker, i: number) => Promise<unknown>) {
  return async () => {
    const path = scratchPath(options.tmpDir, label);
    const tracker = await Tracker.open(path, { engine: sqliteEngine, warnings: false, ...(cache ? { cache } : {}) });
    try {
      await work(tracker, 0);
      const start = performance.now();
      for (let i = 0; i < size; i++) await work(tracker, i);
      return performance.now() - start;
    } finally {
      await tracker.close();
      removeDatabase(path);
    }
  };
}

/**
 * What a cache hit costs beyond the row it logs: awaited `track()` calls of one key answered from
 * the cache against awaited `log()` calls of exactly the row such a hit logs. Target: the
 * difference of the medians at most 100 µs per call (Python xetrack: about 1,900 µs per hit).
 */
export const cacheHitSuite: Suite = (() => {
  const OVERHEAD_US = 100;
  const inner = pairSuite({
    name: 'sqlite.cache-hit',
    title: 'await track() answered from the cache, per call',
    baseline: 'await log() of the row a hit logs',
    unit: 'µs/call',
    // judged below on ours - raw (the overhead), which pairSuite's targets cannot express
    target: { of: 'ours', op: '<=', value: Number.POSITIVE_INFINITY },
    size: { full: 2_000, quick: 200 },
    async prepare(options, size) {
      const { dir, row } = await filledCache(options, 'cache-hit', 1);
      return {
        ours: timedCalls(options, 'cache-hit', size, dir, (t) => t.track(train, { args: argsOf(0) })),
        raw: timedCalls(options, 'cache-log', size, undefined, (t) => t.log(row)),
      };
    },
  });
  return {
    name: inner.name,
    async run(options) {
      const figures = await inner.run(options);
      return figures.map((figure) => {
        const overhead = figure.ours - figure.raw;
        return {
          ...figure,
          target: { of: 'ours', op: '<=', value: figure.raw + OVERHEAD_US },
          pass: Number.isFinite(overhead) && overhead <= OVERHEAD_US,
          extra: { ...figure.extra, 'overhead µs/call': Math.round(overhead * 10) / 10, 'overhead target µs/call': OVERHEAD_US },
        };
      });
    },
  };
})();

/**
 * A whole awaited `track()` call answered from a cache of 1,000 distinct keys, cycling through
 * them (each call reads another entry of the directory store). Target: at most 150 µs per call;
 * the baseline is the awaited `log()` of a hit's row, for scale.
 */
export const cacheHitDistinctSuite: Suite = pairSuite({
  name: 'sqlite.cache-hit-distinct',
  title: 'await track() answered from a cache of 1,000 distinct keys, per call',
  baseline: 'await log() of the row a hit logs',
  unit: 'µs/call',
  target: { of: 'ours', op: '<=', value: 150 },
  size: { full: 2_000, quick: 200 },
  async prepare(options, size) {
    const keys = options.quick ? 100 : 1_000;
    const { dir, row } = await filledCache(options, 'cache-distinct', keys);
    return {
      ours: timedCalls(options, 'cache-distinct', size, dir, (t, i) => t.track(train, { args: argsOf(i % keys) })),
      raw: timedCalls(options, 'cache-distinct-log', size, undefined, (t) => t.log(row)),
    };
  },
});
