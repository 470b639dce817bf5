// What a cache hit costs beyond the row it logs: the median time of an awaited `track()` that hits
// the cache, minus the median time of an awaited `log()` of exactly the row that hit logs. Both
// sides run alternately in this process (fresh SQLite file per measurement), so noise hits both.
// Prints one JSON document. Usage: node bench/cache-hit.mjs [--quick]   (after `pnpm build`)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Tracker } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { cacheStore } from '@xetrack/cache';

const quick = process.argv.includes('--quick');
const CALLS = quick ? 200 : 2_000;
const ROUNDS = quick ? 3 : 11;
const TARGET_US = 200;

const dir = mkdtempSync(path.join(tmpdir(), 'xt-bench-cache-'));
const cacheDir = path.join(dir, 'cache');
let files = 0;
const freshDb = () => path.join(dir, `run-${++files}.db`);

function train(config) {
  return { score: config.lr * 2, model: 'mlp' };
}
const ARGS = [{ lr: 0.25 }];

// The entry every hit reads, computed once.
const seed = await Tracker.open(freshDb(), { engine: sqliteEngine, cache: cacheStore(cacheDir), warnings: false });
await seed.track(train, { args: ARGS });
await seed.close();
const hitRow = { function_name: 'train', function_time: 0, args: JSON.stringify(ARGS), error: '', config_lr: 0.25, score: 0.5, model: 'mlp', cache: seed.trackId };

/** Microseconds per call of `work` on a fresh tracker (one untimed call first creates the columns). */
async function perCall(options, work) {
  const db = freshDb();
  const tracker = await Tracker.open(db, { engine: sqliteEngine, warnings: false, ...options });
  await work(tracker);
  const start = performance.now();
  for (let i = 0; i < CALLS; i++) await work(tracker);
  const us = ((performance.now() - start) * 1000) / CALLS;
  await tracker.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
  return us;
}

const hit = () => perCall({ cache: cacheStore(cacheDir) }, (t) => t.track(train, { args: ARGS }));
const log = () => perCall({}, (t) => t.log(hitRow));

// Check the hit path really hits (function_time 0 and the lineage) before timing it.
{
  const t = await Tracker.open(freshDb(), { engine: sqliteEngine, cache: cacheStore(cacheDir), warnings: false });
  await t.track(train, { args: ARGS });
  const [row] = await t.toRows();
  await t.close();
  if (row.cache !== seed.trackId || row.function_time !== 0) throw new Error(`not a cache hit: ${JSON.stringify(row)}`);
}

const samples = { hit: [], log: [] };
await hit();
await log(); // warm-up round, discarded
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? ['hit', 'log'] : ['log', 'hit'];
  for (const side of order) samples[side].push(await (side === 'hit' ? hit() : log()));
}
rmSync(dir, { recursive: true, force: true });

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const hitUs = median(samples.hit);
const logUs = median(samples.log);
const overheadUs = hitUs - logUs;
const paired = median(samples.hit.map((h, i) => h - samples.log[i]));
process.stdout.write(
  `${JSON.stringify(
    {
      name: 'cache.hit-overhead',
      title: 'await track() answered from the cache, beyond an await log() of the same row',
      unit: 'µs/call',
      calls: CALLS,
      rounds: ROUNDS,
      hitUs: round2(hitUs),
      logUs: round2(logUs),
      overheadUs: round2(overheadUs),
      pairedOverheadUs: round2(paired),
      target: { overheadUs: `<= ${TARGET_US}` },
      pass: overheadUs <= TARGET_US,
      samples: { hit: samples.hit.map(round2), log: samples.log.map(round2) },
    },
    null,
    2,
  )}\n`,
);

function round2(x) {
  return Math.round(x * 100) / 100;
}
