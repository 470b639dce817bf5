import path from 'node:path';
import { truncateSync } from 'node:fs';
import { Tracker } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { describe, expect, it } from 'vitest';
import { cacheStore } from '../src/index.js';
import { contentFiles, tempDir } from './helpers.js';

/** A tracker on a fresh SQLite file with a cache (a store with captured warnings, or a directory). */
async function open(options: { dir?: string; db?: string; params?: Record<string, unknown>; cache?: 'directory' } = {}) {
  const dir = options.dir ?? tempDir();
  const db = options.db ?? path.join(tempDir('xt-db-'), 'track.db');
  const warnings: string[] = [];
  const cache = options.cache === 'directory' ? dir : cacheStore(dir, { onWarning: (m) => warnings.push(m) });
  const tracker = await Tracker.open(db, { engine: sqliteEngine, cache, params: options.params, warnings: false });
  return { tracker, dir, db, warnings };
}

describe('track() with a cache', () => {
  it('computes once, then answers from the cache with lineage (Tracker.open(path, { cache: directory }))', async () => {
    const { tracker } = await open({ cache: 'directory' });
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
    expect(rows[0]!.args).toBe('[1,2]');
    expect(rows[1]!.args).toBe('[1,2]');
    await tracker.close();
  });

  it('a hit in another run names the run that computed the value; a returned object merges into the row', async () => {
    const first = await open();
    const train = (config: { lr: number }) => ({ loss: 1 / config.lr, model: 'm' });
    await first.tracker.track(train, { args: [{ lr: 0.5 }] });
    await first.tracker.close();

    const second = await open({ dir: first.dir, db: first.db });
    const result = await second.tracker.track(train, { args: [{ lr: 0.5 }] });
    expect(result).toEqual({ loss: 2, model: 'm' });
    const [row] = await second.tracker.toRows();
    expect(row).toMatchObject({ loss: 2, model: 'm', cache: first.tracker.trackId, function_time: 0, error: '' });
    expect(second.tracker.trackId).not.toBe(first.tracker.trackId);
    await second.tracker.close();
  });

  it('Map, Set, Date, bigint and typed-array arguments are cacheable (Python cannot cache lists or dicts)', async () => {
    const { tracker, warnings } = await open();
    let calls = 0;
    const f = (list: number[], dict: Record<string, number>, m: Map<string, number>, s: Set<number>, d: Date, n: bigint, t: Float32Array) => {
      calls += 1;
      return list.length + Object.keys(dict).length + m.size + s.size + d.getUTCFullYear() + Number(n) + t.length;
    };
    const args = () => [[1, 2], { b: 1, a: 2 }, new Map([['k', 1]]), new Set([1]), new Date('2020-01-01'), 5n, new Float32Array(3)] as Parameters<typeof f>;
    await tracker.track(f, { args: args() });
    await tracker.track(f, { args: args() });
    expect(calls).toBe(1);
    expect(warnings).toEqual([]);
    await tracker.close();
  });

  it('errors are never cached', async () => {
    const { tracker } = await open();
    let calls = 0;
    const flaky = (x: number) => {
      calls += 1;
      if (calls === 1) throw new Error('boom');
      return x * 2;
    };
    await expect(tracker.track(flaky, { args: [4] })).rejects.toThrow('boom');
    expect(await tracker.track(flaky, { args: [4] })).toBe(8);
    expect(await tracker.track(flaky, { args: [4] })).toBe(8);
    expect(calls).toBe(2);
    const rows = await tracker.toRows();
    expect(rows.map((r) => [r.error, r.cache])).toEqual([
      ['boom', ''],
      ['', ''],
      ['', tracker.trackId],
    ]);
    await tracker.close();
  });

  it('cacheForce recomputes and overwrites: later hits name the forcing run', async () => {
    const first = await open();
    let version = 1;
    const f = () => version;
    await first.tracker.track(f);
    await first.tracker.close();
    const second = await open({ dir: first.dir, db: first.db });
    version = 2;
    expect(await second.tracker.track(f)).toBe(1);
    expect(await second.tracker.track(f, { cacheForce: true })).toBe(2);
    expect(await second.tracker.track(f)).toBe(2);
    const rows = await second.tracker.toRows();
    expect(rows.map((r) => r.cache)).toEqual([first.tracker.trackId, '', second.tracker.trackId]);
    await second.tracker.close();
  });

  it('the key is the function identity, args, per-call params and version; tracker params are not part of it', async () => {
    const dir = tempDir();
    let calls = 0;
    const f = (x: number) => {
      calls += 1;
      return x;
    };
    const a = await open({ dir, params: { model: 'a' } });
    await a.tracker.track(f, { args: [1] });
    await a.tracker.close();
    const b = await open({ dir, params: { model: 'b' } });
    await b.tracker.track(f, { args: [1] }); // hit: tracker params differ, the call does not
    expect(calls).toBe(1);
    await b.tracker.track(f, { args: [1], params: { seed: 1 } }); // per-call params: a new key
    await b.tracker.track(f, { args: [1], params: { seed: 1 } });
    await b.tracker.track(f, { args: [1], version: '2' }); // a new version: a new key
    await b.tracker.track(f, { args: [1], name: 'other' }); // another name: a new key
    expect(calls).toBe(4);
    const rows = await b.tracker.toRows();
    expect(rows.map((r) => [r.model, r.seed ?? null, r.cache])).toEqual([
      ['b', null, a.tracker.trackId],
      ['b', 1, ''],
      ['b', 1, b.tracker.trackId],
      ['b', null, ''],
      ['b', null, ''],
    ]);
    await b.tracker.close();
  });

  it('identical concurrent calls in one process compute once', async () => {
    const { tracker } = await open();
    let calls = 0;
    const slow = async (x: number) => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return x + 1;
    };
    const results = await Promise.all([1, 1, 1, 2].map((x) => tracker.track(slow, { args: [x] })));
    expect(results).toEqual([2, 2, 2, 3]);
    expect(calls).toBe(2);
    const rows = await tracker.toRows();
    expect(rows.filter((r) => r.cache === '')).toHaveLength(2);
    expect(rows.filter((r) => r.cache === tracker.trackId)).toHaveLength(2);
    await tracker.close();
  });

  it('uncacheable arguments run the function every time, warn once per type, and log no cache value', async () => {
    const { tracker, warnings } = await open();
    let calls = 0;
    const apply = (fn: () => number) => {
      calls += 1;
      return fn();
    };
    await tracker.track(apply, { args: [() => 1] });
    await tracker.track(apply, { args: [() => 1] });
    expect(calls).toBe(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/A function \(in args\[0\] of apply\)/);
    expect(await tracker.columns()).not.toContain('cache');
    await tracker.close();
  });

  it('a truncated entry is a miss with one warning, then recomputed and rewritten', async () => {
    let calls = 0;
    const f = (n: number) => {
      calls += 1;
      return { values: Array.from({ length: n }, (_, i) => i) };
    };
    const first = await open();
    await first.tracker.track(f, { args: [500] });
    await first.tracker.close();
    const [file] = contentFiles(first.dir);
    truncateSync(file!, 16);

    const second = await open({ dir: first.dir, db: first.db });
    expect(await second.tracker.track(f, { args: [500] })).toEqual({ values: Array.from({ length: 500 }, (_, i) => i) });
    expect(calls).toBe(2);
    expect(second.warnings).toHaveLength(1);
    expect(second.warnings[0]).toMatch(/damaged/);
    await second.tracker.close();

    const third = await open({ dir: first.dir, db: first.db });
    await third.tracker.track(f, { args: [500] });
    expect(calls).toBe(2);
    expect((await third.tracker.toRows())[0]!.cache).toBe(second.tracker.trackId);
    expect(third.warnings).toEqual([]);
    await third.tracker.close();
  });

  it('a result whose class would be lost is computed every time and not cached, with a warning', async () => {
    class Box {
      constructor(readonly v: number) {}
    }
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      stderr.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      const dir = tempDir();
      const db = path.join(tempDir('xt-db-'), 'track.db');
      const tracker = await Tracker.open(db, { engine: sqliteEngine, cache: cacheStore(dir) });
      let calls = 0;
      const make = () => {
        calls += 1;
        return new Box(1);
      };
      expect(await tracker.track(make)).toBeInstanceOf(Box);
      expect(await tracker.track(make)).toBeInstanceOf(Box);
      expect(calls).toBe(2);
      await tracker.close();
    } finally {
      process.stderr.write = write;
    }
    expect(stderr.join('')).toMatch(/not cached: the result holds an instance of class Box/);
  });
});
