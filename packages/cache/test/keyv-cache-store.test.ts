import { createHash } from 'node:crypto';
import Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import { deleteCacheByTrackId, keyvCacheStore, scanCache, type CacheEntry } from '../src/index.js';
import { rawKeyOf, rawKeys, redis, redisAdapter, REDIS_URL, uniqueNamespace, useRedis } from './redis.js';

useRedis();

const call = (args: unknown[], name = 'f') => ({ name, args, params: {} });

/** A cache on a fresh connection to Redis, in `namespace`, with its warnings collected. */
function open(namespace: string) {
  const warnings: string[] = [];
  const cache = keyvCacheStore(redisAdapter(), { namespace, onWarning: (m) => warnings.push(m) });
  return { cache, warnings };
}

async function all(iterable: AsyncIterable<CacheEntry>): Promise<CacheEntry[]> {
  const out: CacheEntry[] = [];
  for await (const entry of iterable) out.push(entry);
  return out;
}

describe('keyvCacheStore on Redis', () => {
  it('misses, then returns what was set with its lineage, to every connection on the namespace and to no other', async () => {
    const namespace = uniqueNamespace();
    const { cache } = open(namespace);
    const key = cache.keyOf(call([1, 2]))!;
    expect(await cache.get(key)).toBeUndefined();
    await cache.set(key, { value: 3, trackId: 'run-1', functionName: 'f' });
    expect(await cache.get(key)).toEqual({ value: 3, trackId: 'run-1' });
    expect(await open(namespace).cache.get(key)).toEqual({ value: 3, trackId: 'run-1' });
    expect(await open(uniqueNamespace()).cache.get(key)).toBeUndefined();
    expect(await rawKeys(namespace)).toHaveLength(1);
  });

  it('the key is the one the directory store computes', async () => {
    const { cache } = open(uniqueNamespace());
    // the pinned key of cache-key.test.ts: both stores share the key code
    expect(cache.keyOf({ name: 'train', version: 'v1', args: [1, 'a', { lr: 0.1 }], params: { seed: 7 } })).toBe('8cf03d424ea9b123534f6efe32cb99aa9658e147f6c457ae145cd8ff47a7531a');
  });

  it('round-trips JSON-like values, Map, Set, Date, bigint, typed arrays and Buffers exactly (binary through Redis strings)', async () => {
    const namespace = uniqueNamespace();
    const value = {
      list: [1, 'two', null, { deep: [true] }],
      map: new Map<unknown, unknown>([
        ['a', 1],
        [2, new Set(['x'])],
      ]),
      date: new Date('2024-05-06T07:08:09.123Z'),
      big: 2n ** 70n,
      tensor: new Float32Array([0.5, -1.25]),
      bytes: Buffer.from([0, 255, 10, 13, 58]),
      text: ':base64:not really',
      negZero: -0,
    };
    const { cache } = open(namespace);
    const key = cache.keyOf(call(['all']))!;
    await cache.set(key, { value, trackId: 't', functionName: 'f' });
    const got = (await open(namespace).cache.get(key))!.value as typeof value;
    expect(got).toEqual(value);
    expect(got.tensor).toBeInstanceOf(Float32Array);
    expect(Buffer.isBuffer(got.bytes)).toBe(true);
    expect(Object.is(got.negZero, -0)).toBe(true);
  });

  it('id is the same for caches on one store and namespace, and differs otherwise', () => {
    const adapter = redisAdapter();
    const a = keyvCacheStore(adapter, { namespace: 'same' });
    expect(keyvCacheStore(adapter, { namespace: 'same' }).id).toBe(a.id);
    expect(keyvCacheStore(redisAdapter(), { namespace: 'same' }).id).not.toBe(a.id);
    expect(keyvCacheStore(redisAdapter(), { namespace: 'other' }).id).not.toBe(a.id);
    expect(a.location).toBe(`${REDIS_URL} (namespace same)`);
  });

  it('every hit returns a fresh copy, so a caller mutating it cannot change the cache', async () => {
    const { cache } = open(uniqueNamespace());
    const key = cache.keyOf(call([]))!;
    await cache.set(key, { value: { n: [1] }, trackId: 't', functionName: 'f' });
    const first = (await cache.get(key))!.value as { n: number[] };
    first.n.push(2);
    expect((await cache.get(key))!.value).toEqual({ n: [1] });
  });

  it('refuses a result whose class would be lost, and one that cannot be serialized; nothing is stored', async () => {
    class Model {
      w = 1;
    }
    const namespace = uniqueNamespace();
    const { cache } = open(namespace);
    const key = cache.keyOf(call([]))!;
    await expect(cache.set(key, { value: { model: new Model() }, trackId: 't', functionName: 'f' })).rejects.toThrow(/class Model/);
    await expect(cache.set(key, { value: { fn: () => 1 }, trackId: 't', functionName: 'f' })).rejects.toThrow(/cannot be stored/);
    expect(await cache.get(key)).toBeUndefined();
    expect(await rawKeys(namespace)).toEqual([]);
  });

  it('warns once per uncacheable type, and returns no key', () => {
    const { cache, warnings } = open(uniqueNamespace());
    expect(cache.keyOf(call([() => 1]))).toBeUndefined();
    expect(cache.keyOf(call([1, () => 2]))).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/^A function \(in args\[0\] of f\) can't be part of a cache key/)]);
  });

  it('an overwrite (cacheForce, or another process) replaces the entry: one key, the newest lineage', async () => {
    const namespace = uniqueNamespace();
    const { cache } = open(namespace);
    const key = cache.keyOf(call([1]))!;
    await cache.set(key, { value: 1, trackId: 'first', functionName: 'f' });
    await open(namespace).cache.set(key, { value: 2, trackId: 'second', functionName: 'f' });
    expect(await cache.get(key)).toEqual({ value: 2, trackId: 'second' });
    expect(await rawKeys(namespace)).toHaveLength(1);
  });
});

describe('damaged entries in Redis', () => {
  /** Stores `value` under a fresh key, then replaces the stored text with what `damage` makes of it. */
  async function damagedEntry(damage: (text: string) => string) {
    const namespace = uniqueNamespace();
    const { cache, warnings } = open(namespace);
    const key = cache.keyOf(call([Math.random()]))!;
    await cache.set(key, { value: { values: Array.from({ length: 100 }, (_, i) => i) }, trackId: 'run-1', functionName: 'train' });
    const raw = await rawKeyOf(namespace, key);
    const text = (await redis().get(raw))!;
    await redis().set(raw, damage(text));
    return { cache, warnings, key, namespace };
  }

  /** The stored JSON with one field of the entry changed. */
  const edit = (change: (entry: Record<string, unknown>) => void) => (text: string) => {
    const parsed = JSON.parse(text) as { value: Record<string, unknown> };
    change(parsed.value);
    return JSON.stringify(parsed);
  };

  const cases: [string, (text: string) => string, RegExp][] = [
    ['text that is not JSON', (text) => text.slice(0, 40), /its stored text cannot be parsed/],
    ['altered result bytes', edit((e) => (e.data = Buffer.from(Buffer.from(e.data as string, 'base64').map((b, i) => (i === 20 ? b ^ 1 : b))).toString('base64'))), /does not match its checksum/],
    ['a truncated result', edit((e) => (e.data = (e.data as string).slice(0, 24))), /wrong size/],
    ['a missing track_id', edit((e) => delete e.trackId), /lineage .* is missing/],
    [
      'bytes v8 cannot decode (checksum and size made to match)',
      edit((e) => {
        const bad = Buffer.from([0xff, 0x0f, 0x99, 0x99, 0x99]);
        e.data = bad.toString('base64');
        e.size = bad.length;
        e.sha256 = createHash('sha256').update(bad).digest('base64');
      }),
      /cannot be decoded/,
    ],
    ['a value another program put there', () => JSON.stringify({ value: 'hello' }), /not an entry of @xetrack\/cache/],
  ];

  for (const [what, damage, reason] of cases) {
    it(`${what}: a miss with one warning, removed, never a throw`, async () => {
      const { cache, warnings, key, namespace } = await damagedEntry(damage);
      expect(await cache.get(key)).toBeUndefined();
      expect(await cache.get(key)).toBeUndefined();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^The cache entry [0-9a-f]{64} .*is damaged \(/);
      expect(warnings[0]).toMatch(reason);
      expect(warnings[0]).toContain(`namespace ${namespace}`);
      expect(await rawKeys(namespace)).toEqual([]); // removed
      await cache.set(key, { value: 'fresh', trackId: 'run-2', functionName: 'train' });
      expect(await cache.get(key)).toEqual({ value: 'fresh', trackId: 'run-2' });
    });
  }

  it('scanCache skips (and reports) a damaged entry and lists the others', async () => {
    const { cache, warnings, namespace } = await damagedEntry((text) => text.slice(0, 10));
    const good = cache.keyOf(call(['good']))!;
    await cache.set(good, { value: 1, trackId: 'run-1', functionName: 'f' });
    expect((await all(scanCache(cache))).map((e) => e.key)).toEqual([good]);
    expect(warnings).toHaveLength(1);
    expect(await rawKeys(namespace)).toHaveLength(1);
  });
});

describe('keyvCacheStore on a Keyv you pass, or a factory', () => {
  it('a Keyv you pass keeps its namespace and reads the same entries; a factory is called once', async () => {
    const namespace = uniqueNamespace();
    const keyv = new Keyv({ store: redisAdapter(), namespace });
    const viaKeyv = keyvCacheStore(keyv);
    const key = viaKeyv.keyOf(call([1]))!;
    await viaKeyv.set(key, { value: 'v', trackId: 't', functionName: 'f' });
    expect(await keyvCacheStore(redisAdapter(), { namespace }).get(key)).toEqual({ value: 'v', trackId: 't' }); // same format either way
    expect(() => keyvCacheStore(keyv, { namespace: 'x' })).toThrow(/keeps its own namespace/);

    let made = 0;
    const viaFactory = keyvCacheStore(
      () => {
        made += 1;
        return redisAdapter();
      },
      { namespace },
    );
    expect(await viaFactory.get(key)).toEqual({ value: 'v', trackId: 't' });
    expect(made).toBe(1);
  });

  it('keys in the namespace that the cache did not write are left alone', async () => {
    const namespace = uniqueNamespace();
    const keyv = new Keyv({ store: redisAdapter(), namespace });
    await keyv.set('settings', { theme: 'dark' });
    const cache = keyvCacheStore(keyv);
    const key = cache.keyOf(call([1]))!;
    await cache.set(key, { value: 1, trackId: 't', functionName: 'f' });
    expect((await all(scanCache(cache))).map((e) => e.key)).toEqual([key]);
    expect(await deleteCacheByTrackId(cache, 't')).toBe(1);
    expect(await keyv.get('settings')).toEqual({ theme: 'dark' });
  });
});
