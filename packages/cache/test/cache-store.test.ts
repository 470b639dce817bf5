import { existsSync, readFileSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cacheStore, deleteCacheByTrackId, readCache, scanCache, type CacheEntry } from '../src/index.js';
import { contentFiles, indexFiles, indexLines, tempDir } from './helpers.js';

const call = (args: unknown[], name = 'f') => ({ name, args, params: {} });

async function all(iterable: AsyncIterable<CacheEntry>): Promise<CacheEntry[]> {
  const out: CacheEntry[] = [];
  for await (const entry of iterable) out.push(entry);
  return out;
}

describe('cacheStore', () => {
  it('misses, then returns what was set, with its lineage', async () => {
    const store = cacheStore(tempDir());
    const key = store.keyOf(call([1, 2]))!;
    expect(await store.get(key)).toBeUndefined();
    await store.set(key, { value: 3, trackId: 'run-1', functionName: 'f' });
    expect(await store.get(key)).toEqual({ value: 3, trackId: 'run-1' });
    // another store on the same directory (another process) sees it too
    expect(await cacheStore(store.directory).get(key)).toEqual({ value: 3, trackId: 'run-1' });
  });

  it('id names the directory, so identical calls on one directory share a computation', () => {
    const dir = tempDir();
    expect(cacheStore(dir).id).toBe(cacheStore(`${dir}/.`).id);
    expect(cacheStore(dir).id).not.toBe(cacheStore(tempDir()).id);
  });

  it('round-trips JSON-like values, Map, Set, Date, bigint, typed arrays and Buffers exactly', async () => {
    const store = cacheStore(tempDir());
    const value = {
      list: [1, 'two', null, { deep: [true] }],
      map: new Map<unknown, unknown>([
        ['a', 1],
        [2, new Set(['x'])],
      ]),
      date: new Date('2024-05-06T07:08:09.123Z'),
      big: 2n ** 70n,
      tensor: new Float32Array([0.5, -1.25]),
      bytes: Buffer.from('hi'),
      negZero: -0,
    };
    const key = store.keyOf(call(['all']))!;
    await store.set(key, { value, trackId: 't', functionName: 'f' });
    const fresh = await cacheStore(store.directory, { memoryBytes: 0 }).get(key);
    expect(fresh?.value).toEqual(value);
    const got = fresh!.value as typeof value;
    expect(got.tensor).toBeInstanceOf(Float32Array);
    expect(Buffer.isBuffer(got.bytes)).toBe(true);
    expect(Object.is(got.negZero, -0)).toBe(true);
  });

  it('a store that answered a key before sees another process overwrite or delete it at once', async () => {
    const dir = tempDir();
    const mine = cacheStore(dir);
    const other = cacheStore(dir); // another process
    const key = mine.keyOf(call([1]))!;
    await mine.set(key, { value: 'old', trackId: 'a', functionName: 'f' });
    expect((await mine.get(key))?.value).toBe('old');
    expect((await mine.get(key))?.value).toBe('old');
    await other.set(key, { value: 'new', trackId: 'b', functionName: 'f' });
    expect(await mine.get(key)).toEqual({ value: 'new', trackId: 'b' });
    expect(await deleteCacheByTrackId(dir, 'b')).toBe(1);
    expect(await mine.get(key)).toBeUndefined();
  });

  it('every hit returns a fresh copy, so a caller mutating it cannot change the cache', async () => {
    const store = cacheStore(tempDir());
    const key = store.keyOf(call([]))!;
    await store.set(key, { value: { n: [1] }, trackId: 't', functionName: 'f' });
    const first = (await store.get(key))!.value as { n: number[] };
    first.n.push(2);
    expect((await store.get(key))!.value).toEqual({ n: [1] });
  });

  it('a flat result (plain object or array of primitives) is a fresh copy on every hit too', async () => {
    const store = cacheStore(tempDir());
    const flat = { score: 0.5, model: 'mlp', none: null, n: -0 };
    const objectKey = store.keyOf(call(['object']))!;
    const arrayKey = store.keyOf(call(['array']))!;
    await store.set(objectKey, { value: flat, trackId: 't', functionName: 'f' });
    await store.set(arrayKey, { value: [1, 'two', true], trackId: 't', functionName: 'f' });
    for (let hit = 0; hit < 3; hit++) {
      const object = (await store.get(objectKey))!.value as Record<string, unknown>;
      expect(object).toEqual(flat);
      expect(Object.is(object.n, -0)).toBe(true);
      object.score = hit;
      delete object.model;
      const array = (await store.get(arrayKey))!.value as unknown[];
      expect(array).toEqual([1, 'two', true]);
      array.push(hit);
    }
  });

  it('a content file longer than its entry says is damaged too', async () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const writer = cacheStore(dir);
    const key = writer.keyOf(call(['long']))!;
    await writer.set(key, { value: 'abc', trackId: 't', functionName: 'f' });
    const [file] = contentFiles(dir);
    writeFileSync(file!, Buffer.concat([readFileSync(file!), Buffer.from([0])]));
    expect(await cacheStore(dir, { onWarning: (m) => warnings.push(m) }).get(key)).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/is damaged \(its content has the wrong size\)/)]);
  });

  it('refuses a result whose class would be lost, and one that cannot be serialized', async () => {
    class Model {
      w = 1;
    }
    const store = cacheStore(tempDir());
    const key = store.keyOf(call([]))!;
    await expect(store.set(key, { value: { model: new Model() }, trackId: 't', functionName: 'f' })).rejects.toThrow(/class Model/);
    await expect(store.set(key, { value: { fn: () => 1 }, trackId: 't', functionName: 'f' })).rejects.toThrow(/cannot be stored/);
    expect(await store.get(key)).toBeUndefined();
  });

  it('warns once per uncacheable type, and returns no key', () => {
    const warnings: string[] = [];
    const store = cacheStore(tempDir(), { onWarning: (m) => warnings.push(m) });
    expect(store.keyOf(call([() => 1]))).toBeUndefined();
    expect(store.keyOf(call([1, () => 2]))).toBeUndefined();
    expect(store.keyOf(call([Symbol('s')]))).toBeUndefined();
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^A function \(in args\[0\] of f\) can't be part of a cache key/);
    expect(warnings[1]).toMatch(/^A symbol/);
  });

  it('a truncated content file is a miss with one warning, and the entry can be written again', async () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const writer = cacheStore(dir);
    const key = writer.keyOf(call(['x']))!;
    await writer.set(key, { value: { big: 'y'.repeat(1000) }, trackId: 'run-1', functionName: 'f' });
    const [file] = contentFiles(dir);
    truncateSync(file!, 10);

    const reader = cacheStore(dir, { onWarning: (m) => warnings.push(m) });
    expect(await reader.get(key)).toBeUndefined();
    expect(await reader.get(key)).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/is damaged \(its content has the wrong size|does not match its checksum/);

    // rewriting the same value must replace the damaged file (cacache never overwrites content it thinks it has)
    await reader.set(key, { value: { big: 'y'.repeat(1000) }, trackId: 'run-2', functionName: 'f' });
    expect(await cacheStore(dir, { memoryBytes: 0 }).get(key)).toEqual({ value: { big: 'y'.repeat(1000) }, trackId: 'run-2' });
  });

  it('altered bytes, a missing content file and unreadable metadata are misses too, never throws', async () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const store = cacheStore(dir, { memoryBytes: 0, onWarning: (m) => warnings.push(m) });
    const a = store.keyOf(call(['a']))!;
    const b = store.keyOf(call(['b']))!;
    await store.set(a, { value: 'aaaa', trackId: 't', functionName: 'f' });
    await store.set(b, { value: 'bbbb', trackId: 't', functionName: 'f' });
    const files = contentFiles(dir);
    expect(files).toHaveLength(2);
    writeFileSync(files[0]!, Buffer.alloc(8, 7)); // same size as v8('aaaa'), wrong bytes
    unlinkSync(files[1]!);
    expect(await store.get(a)).toBeUndefined();
    expect(await store.get(b)).toBeUndefined();
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).toMatch(/checksum|wrong size/);
    expect(warnings.join('\n')).toMatch(/missing/);
  });

  it('reads the index as cacache does: a line whose checksum fails is skipped, the newest good line wins', async () => {
    const dir = tempDir();
    const store = cacheStore(dir, { memoryBytes: 0 });
    const key = store.keyOf(call(['idx']))!;
    await store.set(key, { value: 'old', trackId: 'first', functionName: 'f' });
    const [bucket] = indexFiles(dir);
    const good = readFileSync(bucket!, 'utf8');
    await store.set(key, { value: 'new', trackId: 'second', functionName: 'f' });
    const newest = readFileSync(bucket!, 'utf8').trim();
    // a damaged copy of the newest line after the older good one: skipped, so the older entry answers
    writeFileSync(bucket!, `${good.trim()}\n${newest.replace('second', 'secont')}\n`);
    expect(await cacheStore(dir, { memoryBytes: 0 }).get(key)).toEqual({ value: 'old', trackId: 'first' });
    writeFileSync(bucket!, `${good.trim()}\n${newest}\n`);
    expect(await cacheStore(dir, { memoryBytes: 0 }).get(key)).toEqual({ value: 'new', trackId: 'second' });
    writeFileSync(bucket!, 'not an index line\n');
    expect(await cacheStore(dir, { memoryBytes: 0 }).get(key)).toBeUndefined();
  });

  it('an overwrite keeps one entry per key, with the newest lineage', async () => {
    const dir = tempDir();
    const store = cacheStore(dir);
    const key = store.keyOf(call([1]))!;
    await store.set(key, { value: 1, trackId: 'first', functionName: 'f' });
    await store.set(key, { value: 2, trackId: 'second', functionName: 'f' });
    const entries = await all(scanCache(dir));
    expect(entries.map((e) => [e.key, e.result, e.trackId])).toEqual([[key, 2, 'second']]);
    expect(indexLines(dir)).toHaveLength(1); // compacted: no history of overwritten results
  });
});

describe('reading a cache directory', () => {
  it('readCache, scanCache and deleteCacheByTrackId', async () => {
    const dir = tempDir();
    const store = cacheStore(dir);
    const keys = [1, 2, 3].map((n) => store.keyOf(call([n], n === 3 ? 'g' : 'f'))!);
    await store.set(keys[0]!, { value: 10, trackId: 'run-a', functionName: 'f' });
    await store.set(keys[1]!, { value: { same: true }, trackId: 'run-a', functionName: 'f' });
    await store.set(keys[2]!, { value: { same: true }, trackId: 'run-b', functionName: 'g' });

    const one = await readCache(dir, keys[0]!);
    expect(one).toMatchObject({ key: keys[0], result: 10, trackId: 'run-a', functionName: 'f' });
    expect(one!.createdAt).toBeInstanceOf(Date);
    expect(Math.abs(one!.createdAt.getTime() - Date.now())).toBeLessThan(3_600_000);
    expect(await readCache(dir, 'no-such-key')).toBeUndefined();

    const entries = await all(scanCache(dir));
    expect(entries.map((e) => e.key).sort()).toEqual([...keys].sort());
    expect(entries.find((e) => e.key === keys[2])).toMatchObject({ functionName: 'g', trackId: 'run-b', result: { same: true } });
    const light = await all(scanCache(dir, { results: false }));
    expect(light.every((e) => !('result' in e))).toBe(true);

    // run-a's two entries go; run-b's entry shares its stored result with one of them and must survive
    expect(await deleteCacheByTrackId(dir, 'run-a')).toBe(2);
    expect(await deleteCacheByTrackId(dir, 'run-a')).toBe(0);
    expect((await all(scanCache(dir))).map((e) => e.key)).toEqual([keys[2]]);
    expect(await readCache(dir, keys[2]!)).toMatchObject({ result: { same: true } });
    expect(contentFiles(dir)).toHaveLength(1);
  });

  it('a directory that does not exist is an empty cache and is not created', async () => {
    const dir = `${tempDir()}/none`;
    expect(await all(scanCache(dir))).toEqual([]);
    expect(await deleteCacheByTrackId(dir, 'x')).toBe(0);
    expect(await readCache(dir, 'k')).toBeUndefined();
    expect(existsSync(dir)).toBe(false);
  });
});
