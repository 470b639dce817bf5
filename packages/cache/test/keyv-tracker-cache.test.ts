import path from 'node:path';
import { Tracker } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { describe, expect, it } from 'vitest';
import { keyvCacheStore } from '../src/index.js';
import { tempDir } from './helpers.js';
import { rawKeys, redis, redisAdapter, uniqueNamespace, useRedis } from './redis.js';

useRedis();

/** A tracker on a fresh SQLite file (or `db`) with a cache on its own Redis connection in `namespace`. */
async function open(namespace: string, db = path.join(tempDir('xt-db-'), 'track.db')) {
  const warnings: string[] = [];
  const cache = keyvCacheStore(redisAdapter(), { namespace, onWarning: (m) => warnings.push(m) });
  const tracker = await Tracker.open(db, { engine: sqliteEngine, cache, warnings: false });
  return { tracker, cache, db, warnings };
}

describe('track() with a cache on Redis', () => {
  it('computes once, then answers from the cache: cache = "" when computed, the computing track_id on a hit', async () => {
    const { tracker } = await open(uniqueNamespace());
    let calls = 0;
    function add(a: number, b: number) {
      calls += 1;
      return a + b;
    }
    expect(await tracker.track(add, { args: [1, 2] })).toBe(3);
    expect(await tracker.track(add, { args: [1, 2] })).toBe(3);
    expect(await tracker.track(add, { args: [2, 2] })).toBe(4);
    expect(calls).toBe(2);
    const rows = await tracker.toRows();
    expect(rows.map((r) => [r.function_name, r.function_result, r.cache])).toEqual([
      ['add', 3, ''],
      ['add', 3, tracker.trackId],
      ['add', 4, ''],
    ]);
    expect(rows[1]!.function_time).toBe(0);
    await tracker.close();
  });

  it('a run with another track_id hits what the first computed, and its row names the first run', async () => {
    const namespace = uniqueNamespace();
    const first = await open(namespace);
    const train = (config: { lr: number }) => ({ loss: 1 / config.lr, weights: new Float32Array([config.lr, 2]) });
    const computed = await first.tracker.track(train, { args: [{ lr: 0.5 }] });
    await first.tracker.close();

    const second = await open(namespace); // another connection, another database file
    expect(second.tracker.trackId).not.toBe(first.tracker.trackId);
    let ran = false;
    const again = (config: { lr: number }) => {
      ran = true;
      return train(config);
    };
    const hit = await second.tracker.track(again, { args: [{ lr: 0.5 }], name: 'train' });
    expect(ran).toBe(false);
    expect(hit).toEqual(computed);
    expect(hit.weights).toBeInstanceOf(Float32Array);
    const [row] = await second.tracker.toRows();
    expect(row).toMatchObject({ function_name: 'train', loss: 2, cache: first.tracker.trackId, function_time: 0, error: '', config_lr: 0.5 });
    await second.tracker.close();
  });

  it('cacheForce recomputes and overwrites: later hits name the forcing run', async () => {
    const namespace = uniqueNamespace();
    const first = await open(namespace);
    let version = 1;
    const f = () => version;
    await first.tracker.track(f);
    await first.tracker.close();
    const second = await open(namespace);
    version = 2;
    expect(await second.tracker.track(f)).toBe(1);
    expect(await second.tracker.track(f, { cacheForce: true })).toBe(2);
    expect(await second.tracker.track(f)).toBe(2);
    expect((await second.tracker.toRows()).map((r) => r.cache)).toEqual([first.tracker.trackId, '', second.tracker.trackId]);
    expect(await rawKeys(namespace)).toHaveLength(1);
    await second.tracker.close();
  });

  it('errors are never cached', async () => {
    const namespace = uniqueNamespace();
    const { tracker } = await open(namespace);
    let calls = 0;
    const flaky = (x: number) => {
      calls += 1;
      if (calls === 1) throw new Error('boom');
      return x * 2;
    };
    await expect(tracker.track(flaky, { args: [4] })).rejects.toThrow('boom');
    expect(await rawKeys(namespace)).toEqual([]);
    expect(await tracker.track(flaky, { args: [4] })).toBe(8);
    expect(await tracker.track(flaky, { args: [4] })).toBe(8);
    expect(calls).toBe(2);
    expect((await tracker.toRows()).map((r) => [r.error, r.cache])).toEqual([
      ['boom', ''],
      ['', ''],
      ['', tracker.trackId],
    ]);
    await tracker.close();
  });

  it('identical concurrent calls in one process compute once', async () => {
    const { tracker } = await open(uniqueNamespace());
    let calls = 0;
    const slow = async (x: number) => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return x + 1;
    };
    expect(await Promise.all([1, 1, 1, 2].map((x) => tracker.track(slow, { args: [x] })))).toEqual([2, 2, 2, 3]);
    expect(calls).toBe(2);
    await tracker.close();
  });

  it('a damaged value is a miss with one warning, then recomputed and rewritten', async () => {
    const namespace = uniqueNamespace();
    let calls = 0;
    const f = (n: number) => {
      calls += 1;
      return { values: Array.from({ length: n }, (_, i) => i) };
    };
    const first = await open(namespace);
    await first.tracker.track(f, { args: [500] });
    await first.tracker.close();
    const [raw] = await rawKeys(namespace);
    await redis().set(raw!, (await redis().get(raw!))!.slice(0, 100)); // cut short

    const second = await open(namespace, first.db);
    expect(await second.tracker.track(f, { args: [500] })).toEqual({ values: Array.from({ length: 500 }, (_, i) => i) });
    expect(calls).toBe(2);
    expect(second.warnings).toHaveLength(1);
    expect(second.warnings[0]).toMatch(/damaged/);
    await second.tracker.close();

    const third = await open(namespace, first.db);
    await third.tracker.track(f, { args: [500] });
    expect(calls).toBe(2);
    expect((await third.tracker.toRows())[0]!.cache).toBe(second.tracker.trackId);
    expect(third.warnings).toEqual([]);
    await third.tracker.close();
  });
});
