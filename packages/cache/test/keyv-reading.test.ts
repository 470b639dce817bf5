import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { cacheStore, deleteCacheByTrackId, keyvCacheStore, readCache, scanCache, type CacheEntry } from '../src/index.js';
import { tempDir } from './helpers.js';
import { rawKeys, redisAdapter, uniqueNamespace, useRedis } from './redis.js';

useRedis();

const call = (args: unknown[], name = 'f') => ({ name, args, params: {} });

async function all(iterable: AsyncIterable<CacheEntry>): Promise<CacheEntry[]> {
  const out: CacheEntry[] = [];
  for await (const entry of iterable) out.push(entry);
  return out;
}

describe('reading a cache on Redis', () => {
  it('readCache, scanCache and deleteCacheByTrackId, given the cache store', async () => {
    const namespace = uniqueNamespace();
    const cache = keyvCacheStore(redisAdapter(), { namespace });
    const keys = [1, 2, 3].map((n) => cache.keyOf(call([n], n === 3 ? 'g' : 'f'))!);
    const before = Date.now();
    await cache.set(keys[0]!, { value: 10, trackId: 'run-a', functionName: 'f' });
    await cache.set(keys[1]!, { value: { same: true }, trackId: 'run-a', functionName: 'f' });
    await cache.set(keys[2]!, { value: { same: true }, trackId: 'run-b', functionName: 'g' });

    const one = await readCache(cache, keys[0]!);
    expect(one).toMatchObject({ key: keys[0], result: 10, trackId: 'run-a', functionName: 'f', size: serialize(10).length });
    expect(one!.createdAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(one!.createdAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await readCache(cache, 'f'.repeat(64))).toBeUndefined();

    const entries = await all(scanCache(cache));
    expect(entries.map((e) => e.key).sort()).toEqual([...keys].sort());
    expect(entries.find((e) => e.key === keys[2])).toMatchObject({ functionName: 'g', trackId: 'run-b', result: { same: true } });
    const light = await all(scanCache(cache, { results: false }));
    expect(light).toHaveLength(3);
    expect(light.every((e) => !('result' in e) && e.size > 0)).toBe(true);

    expect(await deleteCacheByTrackId(cache, 'run-a')).toBe(2);
    expect(await deleteCacheByTrackId(cache, 'run-a')).toBe(0);
    expect((await all(scanCache(cache))).map((e) => e.key)).toEqual([keys[2]]);
    expect(await readCache(cache, keys[2]!)).toMatchObject({ result: { same: true }, trackId: 'run-b' });
    expect(await rawKeys(namespace)).toHaveLength(1);
  });

  it('given a Keyv adapter and the namespace (e.g. from a script that did not open the cache)', async () => {
    const namespace = uniqueNamespace();
    const writer = keyvCacheStore(redisAdapter(), { namespace });
    const key = writer.keyOf(call(['x']))!;
    await writer.set(key, { value: [1, 2], trackId: 'run-a', functionName: 'f' });

    expect(await readCache(redisAdapter(), key, { namespace })).toMatchObject({ result: [1, 2], trackId: 'run-a' });
    expect((await all(scanCache(redisAdapter(), { namespace }))).map((e) => [e.key, e.functionName])).toEqual([[key, 'f']]);
    expect(await all(scanCache(redisAdapter(), { namespace: uniqueNamespace() }))).toEqual([]); // another namespace: empty
    expect(await deleteCacheByTrackId(redisAdapter(), 'run-a', { namespace })).toBe(1);
    expect(await writer.get(key)).toBeUndefined();
  });

  it('an empty namespace is an empty cache', async () => {
    const cache = keyvCacheStore(redisAdapter(), { namespace: uniqueNamespace() });
    expect(await all(scanCache(cache))).toEqual([]);
    expect(await deleteCacheByTrackId(cache, 'x')).toBe(0);
    expect(await readCache(cache, 'a'.repeat(64))).toBeUndefined();
  });

  it('a namespace goes with a Keyv adapter only', async () => {
    const dir = tempDir();
    expect(() => scanCache(dir, { namespace: 'x' })).toThrow(/a cache directory has none/);
    expect(() => scanCache(cacheStore(dir), { namespace: 'x' })).toThrow(/this cache store has its own/);
    await expect(readCache(keyvCacheStore(new Map()), 'k', { namespace: 'x' })).rejects.toThrow(/this cache store has its own/);
  });
});
