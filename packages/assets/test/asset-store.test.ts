import { chmodSync, copyFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tracker, XetrackError, type CachedResult, type Engine, type FunctionCache } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import { assetStore, xxh64Hex, type AssetSerializer, type KeyvAssetStore } from '../src/index.js';
import { tempDb } from './helpers.js';

/** A tracker with assets on in a fresh SQLite file; the store is the tracker's own. */
async function openTracker(db = tempDb(), table?: string) {
  const tracker = await Tracker.open(db, { engine: sqliteEngine, assets: true, table, warnings: false });
  return { tracker, db, assets: tracker.assets as KeyvAssetStore };
}

/** Rows of our keyv table in the file, and the names of every table there. */
async function inspect(db: string): Promise<{ rows: number; tables: string[]; engine: Engine }> {
  const engine = await sqliteEngine.create({ path: db });
  const [count] = await engine.sql!('SELECT count(*) AS n FROM xetrack_assets');
  const tables = (await engine.sql!("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).map((r) => String(r.name));
  return { rows: Number(count!.n), tables, engine };
}

class Model {
  constructor(
    readonly name: string,
    readonly weights: Float32Array,
  ) {}
  predict(x: number): number {
    return this.weights.reduce((sum, w) => sum + w * x, 0);
  }
}

const modelSerializer: AssetSerializer<Model> = {
  name: 'Model',
  test: (value) => value instanceof Model,
  serialize: (m) => Buffer.from(JSON.stringify({ name: m.name, weights: [...m.weights] })),
  deserialize: (data) => {
    const { name, weights } = JSON.parse(Buffer.from(data).toString()) as { name: string; weights: number[] };
    return new Model(name, Float32Array.from(weights));
  },
};

describe('assets in a tracker (assets: true)', () => {
  it('the same object logged twice is stored once with count 2; the rows hold its hash', async () => {
    const { tracker, db, assets } = await openTracker();
    const tensor = new Float32Array([1.5, 2.5, 3.5]);
    await tracker.log({ epoch: 1, weights: tensor });
    await tracker.log({ epoch: 2, weights: new Float32Array([1.5, 2.5, 3.5]) });
    const rows = await tracker.toRows();
    const hash = rows[0]!.weights as string;
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(rows[1]!.weights).toBe(hash);
    const list = await assets.list();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ hash, count: 2, serializer: 'v8', compressed: false, columns: ['weights'] });
    await tracker.close();
    const { rows: stored, tables, engine } = await inspect(db);
    expect(stored).toBe(3); // one record, one blob, one column entry
    // our own table only: Python xetrack's assets/keys/counts stay untouched, and xt does not list ours
    expect(tables).toEqual(['default', 'xetrack_assets']);
    expect(await engine.tables()).toEqual(['default']);
    await engine.close();
  });

  it('a Float32Array round-trips by hash and by column name', async () => {
    const { tracker, assets } = await openTracker();
    const tensor = new Float32Array([0.25, -1, 3e10]);
    const row = await tracker.log({ tensor });
    const back = await assets.get(row.tensor as string);
    expect(back).toBeInstanceOf(Float32Array);
    expect(back).toEqual(tensor);
    expect(await assets.get('tensor')).toEqual(tensor);
    expect(await assets.get('0000000000000000')).toBeUndefined();
    await tracker.close();
  });

  it('a class round-trips with a custom serializer; without one it comes back as a plain object, with a warning', async () => {
    const db = tempDb();
    const warnings: string[] = [];
    const withSerializer = assetStore({ path: db, serializers: [modelSerializer], onWarning: (m) => warnings.push(m) });
    const tracker = await Tracker.open(db, { engine: sqliteEngine, assets: withSerializer });
    const model = new Model('mlp', new Float32Array([0.5, 2]));
    const row = await tracker.log({ model });
    const back = await tracker.assets!.get(row.model as string);
    expect(back).toBeInstanceOf(Model);
    expect((back as Model).predict(2)).toBe(5);
    expect(warnings).toEqual([]);
    await tracker.close();
    await withSerializer.close();

    const plain = assetStore({ path: db, onWarning: (m) => warnings.push(m) });
    // reading an asset written by a custom serializer needs it
    await expect(plain.get(row.model as string)).rejects.toThrow(/serializer "Model"/);
    const hash = await plain.put(new Model('other', new Float32Array([1])), 'model');
    const copy = (await plain.get(hash)) as Record<string, unknown>;
    expect(copy).not.toBeInstanceOf(Model);
    expect(copy).toEqual({ name: 'other', weights: new Float32Array([1]) });
    await plain.put(new Model('third', new Float32Array([2])), 'model');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/class Model .* plain objects/);
    await plain.close();
  });

  it('a Uint8Array is an asset stored raw: its hash is the xxh64 of its bytes', async () => {
    const { tracker, assets } = await openTracker();
    const bytes = new Uint8Array([1, 2, 3, 4, 5]);
    const row = await tracker.log({ file: Buffer.from(bytes) });
    expect(row.file).toBe(xxh64Hex(bytes));
    const back = await assets.get(row.file as string);
    expect(back).toEqual(bytes);
    expect(Object.getPrototypeOf(back)).toBe(Uint8Array.prototype);
    expect((await assets.serialized(row.file as string))!.record.serializer).toBe('raw');
    await tracker.close();
  });

  it("bytes: 'cell' keeps a Uint8Array a BLOB cell; plain objects, arrays, dates and primitives are never assets", async () => {
    const db = tempDb();
    const store = assetStore({ path: db, bytes: 'cell' });
    expect(store.accepts(new Uint8Array(1))).toBe(false);
    expect(store.accepts(new Float32Array(1))).toBe(true);
    for (const value of [{ a: 1 }, [1, 2], new Date(), 'text', 1, null, undefined, Promise.resolve(1)]) expect(store.accepts(value)).toBe(false);
    for (const value of [new Map(), new Set([1]), new Model('m', new Float32Array(1)), new ArrayBuffer(2)]) expect(store.accepts(value)).toBe(true);
    const tracker = await Tracker.open(db, { engine: sqliteEngine, assets: store });
    const row = await tracker.log({ blob: new Uint8Array([7, 8]), config: { lr: 0.1 } });
    expect(row.blob).toEqual(new Uint8Array([7, 8]));
    expect(await tracker.columnTypes()).toMatchObject({ blob: 'blob', config: 'json' });
    await tracker.close();
    await store.close();
  });

  it('objects returned by a tracked function become assets; a cached hit logs the same hash', async () => {
    // a minimal in-memory FunctionCache (what @xetrack/cache implements on disk)
    const entries = new Map<string, CachedResult>();
    const cache: FunctionCache = {
      id: 'memory',
      keyOf: (call) => JSON.stringify([call.name, call.args]),
      get: async (key) => entries.get(key),
      set: async (key, entry) => void entries.set(key, { value: entry.value, trackId: entry.trackId }),
    };
    const db = tempDb();
    const tracker = await Tracker.open(db, { engine: sqliteEngine, assets: true, cache, warnings: false });
    const assets = tracker.assets as KeyvAssetStore;
    let calls = 0;
    const fit = (n: number) => {
      calls += 1;
      return { loss: 0.1, weights: new Float64Array(n).fill(1) };
    };
    const result = await tracker.track(fit, { args: [4] });
    expect(result.weights).toBeInstanceOf(Float64Array);
    expect((await tracker.track(fit, { args: [4] })).weights).toEqual(new Float64Array(4).fill(1));
    expect(calls).toBe(1);
    const [computed, hit] = await tracker.toRows();
    expect(computed!.weights).toMatch(/^[0-9a-f]{16}$/);
    expect(hit).toMatchObject({ weights: computed!.weights, cache: tracker.trackId });
    expect(await assets.get(computed!.weights as string)).toEqual(new Float64Array(4).fill(1));
    expect((await assets.list())[0]!.count).toBe(2);
    await tracker.close();
  });

  it('compress stores smaller blobs that read back without the option', async () => {
    const db = tempDb();
    const big = new Float64Array(20_000); // zeros: compresses well
    const compressed = assetStore({ path: db, compress: true });
    const hash = await compressed.put(big, 'w');
    const { record } = (await compressed.serialized(hash))!;
    expect(record.compressed).toBe(true);
    expect(record.storedBytes).toBeLessThan(record.size / 10);
    await compressed.close();
    const plain = assetStore({ path: db });
    expect(await plain.get(hash)).toEqual(big);
    // the same content put uncompressed is the same asset (the hash is of the serialized bytes)
    expect(await plain.put(new Float64Array(20_000), 'w2')).toBe(hash);
    await plain.close();
  });

  it('remove drops one reference, and the blob with the last one', async () => {
    const { tracker, db, assets } = await openTracker();
    await tracker.log({ a: new Map([[1, 'x']]) });
    await tracker.log({ b: new Map([[1, 'x']]) });
    const hash = (await assets.columns()).a!;
    expect(await assets.remove('a')).toBe(true);
    expect(await assets.remove('a')).toBe(false);
    expect((await assets.list())[0]).toMatchObject({ hash, count: 1, columns: ['b'] });
    expect(await assets.get(hash)).toEqual(new Map([[1, 'x']]));
    expect(await assets.remove('b')).toBe(true);
    expect(await assets.get(hash)).toBeUndefined();
    expect(await assets.list()).toEqual([]);
    await tracker.close();
    const { rows, engine } = await inspect(db);
    expect(rows).toBe(0);
    await engine.close();
  });

  it('removeHash deletes whatever the count, and with a column sets it to NULL where it held the hash', async () => {
    const { tracker, assets } = await openTracker();
    await tracker.log({ step: 1, model: new Set(['a']) });
    await tracker.log({ step: 2, model: new Set(['a']) });
    await tracker.log({ step: 3, model: new Set(['b']) });
    const [first, , third] = await tracker.toRows();
    expect(await assets.removeHash(first!.model as string, { column: 'model' })).toBe(true);
    expect(await assets.removeHash(first!.model as string)).toBe(false);
    expect((await tracker.toRows()).map((r) => r.model)).toEqual([null, null, third!.model]);
    expect(await assets.get(first!.model as string)).toBeUndefined();
    expect((await assets.list()).map((a) => a.hash)).toEqual([third!.model]);
    await tracker.close();
  });

  it('gc frees the assets no row of any table references, and reports the bytes; the file shrinks after VACUUM', async () => {
    const db = tempDb();
    const { tracker: keep } = await openTracker(db, 'keep');
    await keep.log({ kept: new Float64Array(1000).fill(1) });
    const { tracker, assets } = await openTracker(db);
    const blobs = Array.from({ length: 5 }, (_, i) => new Float64Array(50_000).fill(i + 2));
    for (const weights of blobs) await tracker.log({ weights });
    await tracker.log({ again: new Float64Array(1000).fill(1) }); // the same content as table keep's
    expect(await assets.list()).toHaveLength(6);

    expect(await assets.gc()).toEqual({ removed: 0, bytes: 0, kept: 0 }); // everything referenced
    await tracker.engine.delete('default', []); // drop every row of the default table
    // put moments ago: the default grace period keeps them (a row another process is about to commit)
    expect(await assets.gc()).toMatchObject({ removed: 0, kept: 5 });
    const freed = await assets.gc({ graceMs: 0 });
    expect(freed.removed).toBe(5);
    expect(freed.bytes).toBeGreaterThan(5 * 400_000);
    expect((await assets.list()).map((a) => a.count)).toEqual([2]); // keep's asset, still referenced by table keep
    expect(await assets.get((await keep.toRows())[0]!.kept as string)).toEqual(new Float64Array(1000).fill(1));
    await tracker.close();
    await keep.close();

    const { rows, engine } = await inspect(db);
    expect(rows).toBe(4); // keep's record and blob, and the column entries `kept` and `again` that name it
    const before = statSync(db).size;
    await engine.sql!('VACUUM');
    await engine.close();
    expect(statSync(db).size).toBeLessThan(before - 2_000_000);
  });

  it('a file that cannot be opened fails at the first use (never as an unhandled rejection), naming the file', async () => {
    const notADirectory = tempDb();
    writeFileSync(notADirectory, 'a file, not a directory');
    const path = `${notADirectory}/track.db`;
    const store = assetStore({ path });
    await new Promise((resolve) => setTimeout(resolve, 50)); // an eager connection attempt would fail here, unhandled
    const failure = store.put(new Float32Array(1), 'w');
    await expect(failure).rejects.toThrow(XetrackError);
    await expect(failure).rejects.toThrow(path);
    await store.close();
  });

  it('gc needs the rows: a store without an engine says how to attach one', async () => {
    const store = assetStore({ path: tempDb() });
    await expect(store.gc()).rejects.toThrow(/attach/);
    await store.close();
  });

  it('any Keyv store can be injected (a factory gets records and blobs apart; a single store holds both)', async () => {
    for (const store of [() => new Map(), new Keyv()]) {
      const db = tempDb();
      const assets = assetStore({ store });
      const tracker = await Tracker.open(db, { engine: sqliteEngine, assets });
      const row = await tracker.log({ w: new Float32Array([1, 2]) });
      await tracker.log({ w: new Float32Array([1, 2]) });
      expect(await assets.get(row.w as string)).toEqual(new Float32Array([1, 2]));
      expect((await assets.list())[0]).toMatchObject({ count: 2, columns: ['w'] });
      await tracker.engine.delete('default', []);
      expect((await assets.gc({ graceMs: 0 })).removed).toBe(1);
      expect(await assets.list()).toEqual([]);
      await tracker.close();
      await assets.close();
    }
  });

  it('counts are exact for many concurrent logs in one process', async () => {
    const { tracker, assets } = await openTracker();
    await Promise.all(Array.from({ length: 20 }, (_, i) => tracker.log({ step: i, model: new Map([['same', true]]) })));
    expect((await assets.list())[0]!.count).toBe(20);
    await tracker.close();
  });

  it('a Python xetrack file: its assets, keys and counts tables (pickles) stay exactly as they were', async () => {
    const fixture = fileURLToPath(new URL('../../../fixtures/python-xetrack-0.7.0/xetrack_fixture.db', import.meta.url));
    const db = tempDb();
    copyFileSync(fixture, db);
    chmodSync(db, 0o644);
    const python = async () => {
      const engine = await sqliteEngine.create({ path: db });
      const out = [];
      for (const table of ['assets', 'keys', 'counts']) out.push(await engine.sql!(`SELECT * FROM "${table}" ORDER BY key`));
      await engine.close();
      return out;
    };
    const before = await python();
    expect(before.map((rows) => rows.length)).toEqual([1, 1, 1]);
    const { tracker, assets } = await openTracker(db);
    const row = await tracker.log({ weights: new Float32Array([9]) });
    expect(await assets.get(row.weights as string)).toEqual(new Float32Array([9]));
    // the Python asset's hash in the `weights` column is not ours: gc neither frees nor counts it
    expect(await assets.gc({ graceMs: 0 })).toEqual({ removed: 0, bytes: 0, kept: 0 });
    await tracker.close();
    expect(await python()).toEqual(before);
  });

  it('rejects a serializer named like a built-in, or two with one name', () => {
    expect(() => assetStore({ path: tempDb(), serializers: [{ ...modelSerializer, name: 'v8' }] })).toThrow(/taken/);
    expect(() => assetStore({ path: tempDb(), serializers: [modelSerializer, modelSerializer] })).toThrow(/unique/);
  });
});
