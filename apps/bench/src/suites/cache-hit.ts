import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Tracker } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { pairSuite } from '../pair-suite.js';
import { removeDatabase, scratchPath } from '../scratch.js';
import type { Suite } from '../suite.js';

function train(config: { lr: number }): { score: number; model: string } {
  return { score: config.lr * 2, model: 'mlp' };
}
const ARGS: [{ lr: number }] = [{ lr: 0.25 }];

/**
 * What a cache hit costs beyond the row it logs: awaited `track()` calls answered from the cache
 * (`@xetrack/cache`, a directory filled once before measuring) against awaited `log()` calls of
 * exactly the row such a hit logs. Target: the difference of the medians at most 200 µs per call
 * (Python xetrack: about 1,900 µs per hit). Needs `@xetrack/cache` installed for this app
 * (`Tracker.open` loads it for the `cache` option).
 */
export const cacheHitSuite: Suite = (() => {
  const inner = pairSuite({
    name: 'sqlite.cache-hit',
    title: 'await track() answered from the cache, per call',
    baseline: 'await log() of the row a hit logs',
    unit: 'µs/call',
    // judged below on ours - raw (the overhead), which pairSuite's targets cannot express
    target: { of: 'ours', op: '<=', value: Number.POSITIVE_INFINITY },
    size: { full: 2_000, quick: 200 },
    async prepare(options, size) {
      const cacheDir = join(options.tmpDir, 'cache-hit-cache');
      mkdirSync(cacheDir, { recursive: true });
      const seedPath = scratchPath(options.tmpDir, 'cache-seed');
      const seed = await Tracker.open(seedPath, { engine: sqliteEngine, cache: cacheDir, warnings: false });
      await seed.track(train, { args: ARGS });
      await seed.close();
      removeDatabase(seedPath);
      const row = { function_name: 'train', function_time: 0, args: JSON.stringify(ARGS), error: '', config_lr: 0.25, score: 0.5, model: 'mlp', cache: seed.trackId };

      const measure = (label: string, cache: string | undefined, work: (tracker: Tracker) => Promise<unknown>) => async () => {
        const path = scratchPath(options.tmpDir, label);
        const tracker = await Tracker.open(path, { engine: sqliteEngine, warnings: false, ...(cache ? { cache } : {}) });
        try {
          await work(tracker); // creates the columns, untimed
          const start = performance.now();
          for (let i = 0; i < size; i++) await work(tracker);
          return performance.now() - start;
        } finally {
          await tracker.close();
          removeDatabase(path);
        }
      };
      return {
        ours: measure('cache-hit', cacheDir, (t) => t.track(train, { args: ARGS })),
        raw: measure('cache-log', undefined, (t) => t.log(row)),
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
          target: { of: 'ours', op: '<=', value: figure.raw + 200 },
          pass: Number.isFinite(overhead) && overhead <= 200,
          extra: { ...figure.extra, 'overhead µs/call': Math.round(overhead * 10) / 10, 'overhead target µs/call': 200 },
        };
      });
    },
  };
})();
