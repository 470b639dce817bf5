import path from 'node:path';
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import { Tracker } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { describe, expect, it } from 'vitest';
import { keyvCacheStore, scanCache, type CacheEntry } from '../src/index.js';
import { captureStderr, tempDir } from './helpers.js';

// What keyvCacheStore accepts and how it fails, on stores that need no server.

const call = (args: unknown[], name = 'f') => ({ name, args, params: {} });

async function all(iterable: AsyncIterable<CacheEntry>): Promise<CacheEntry[]> {
  const out: CacheEntry[] = [];
  for await (const entry of iterable) out.push(entry);
  return out;
}

describe('keyvCacheStore on any Keyv store', () => {
  it('a Map works in memory, listing included', async () => {
    const memory = keyvCacheStore(new Map());
    const key = memory.keyOf(call([1]))!;
    await memory.set(key, { value: new Set([1]), trackId: 't', functionName: 'f' });
    expect(await memory.get(key)).toEqual({ value: new Set([1]), trackId: 't' });
    expect((await all(scanCache(memory))).map((e) => e.trackId)).toEqual(['t']);
    expect(memory.location).toBe('an in-memory Map (namespace xetrack-cache)');
  });

  it('stores on one Keyv share entries by namespace, as on a server', async () => {
    const shared = new Map();
    const a = keyvCacheStore(new Keyv({ store: shared, namespace: 'a' }));
    const key = a.keyOf(call([1]))!;
    await a.set(key, { value: 1, trackId: 't', functionName: 'f' });
    expect(await keyvCacheStore(new Keyv({ store: shared, namespace: 'a' })).get(key)).toEqual({ value: 1, trackId: 't' });
    expect(await keyvCacheStore(new Keyv({ store: shared, namespace: 'b' })).get(key)).toBeUndefined();
  });

  it('refuses a namespace Keyv could not separate from keys, and what is not a store', () => {
    expect(() => keyvCacheStore(new Map(), { namespace: 'a:b' })).toThrow(/namespace "a:b" must be/);
    expect(() => keyvCacheStore(new Map(), { namespace: '' })).toThrow(/namespace "" must be/);
    expect(() => keyvCacheStore('redis://127.0.0.1' as never)).toThrow(/pass a Keyv storage adapter/);
  });

  it('a store that fails: get rejects naming the store (the tracker then computes the call and warns), set rejects', async () => {
    const refused = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    const failing: KeyvStoreAdapter = {
      opts: { url: 'redis://user:secret@cache.internal:6379' },
      get: refused,
      set: refused,
      delete: refused,
      clear: refused,
      on: () => failing,
    };
    const warnings: string[] = [];
    const cache = keyvCacheStore(failing, { onWarning: (m) => warnings.push(m) });
    const key = cache.keyOf(call([1]))!;
    await expect(cache.get(key)).rejects.toThrow('The cache in redis://user:***@cache.internal:6379 (namespace xetrack-cache) could not be read (connect ECONNREFUSED)');
    expect(warnings).toEqual([]);
    await expect(cache.set(key, { value: 1, trackId: 't', functionName: 'f' })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('a store that fails never makes a tracked call fail: it runs, is logged as computed, and the tracker warns about both failures', async () => {
    const refused = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    const failing: KeyvStoreAdapter = { opts: {}, get: refused, set: refused, delete: refused, clear: refused, on: () => failing };
    const cacheWarnings: string[] = [];
    const cache = keyvCacheStore(failing, { onWarning: (m) => cacheWarnings.push(m) });
    let calls = 0;
    const double = (x: number) => {
      calls += 1;
      return x * 2;
    };
    // the tracker's own warnings go to stderr
    const stderr = await captureStderr(async () => {
      const tracker = await Tracker.open(path.join(tempDir('xt-db-'), 'track.db'), { engine: sqliteEngine, cache });
      expect(await tracker.track(double, { args: [2] })).toBe(4);
      expect(await tracker.track(double, { args: [2] })).toBe(4);
      expect((await tracker.toRows()).map((r) => r.cache)).toEqual(['', '']);
      await tracker.close();
    });
    expect(calls).toBe(2);
    expect(cacheWarnings).toEqual([]);
    expect(stderr).toMatch(/could not be read \(connect ECONNREFUSED\): double was computed, not taken from the cache\./);
    expect(stderr).toMatch(/The result of double was not cached: connect ECONNREFUSED/);
  });

  it('listing needs a store that can list its keys, and says so', async () => {
    const plain: KeyvStoreAdapter = {
      opts: {},
      get: async () => undefined,
      set: async () => undefined,
      delete: async () => false,
      clear: async () => undefined,
      on: () => plain,
    };
    await expect(all(scanCache(keyvCacheStore(plain)))).rejects.toThrow(/cannot list its keys .*@keyv\/redis/);
  });
});
