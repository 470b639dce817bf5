import { expect, it } from 'vitest';
import { defineGroup, expectCode, type TrackerGroup } from './tracker-suite-context.js';

export const logGroup: TrackerGroup = defineGroup({ name: 'log', title: 'log' }, ({ tracker, reader }) => {
  it('stores params then data, with the run id and a microsecond timestamp', async () => {
    const t = await tracker({ params: { model: 'mlp' }, trackId: 'run-1' });
    const row = await t.log({ accuracy: 0.9, epoch: 1 });
    expect(row).toMatchObject({ track_id: 'run-1', model: 'mlp', accuracy: 0.9, epoch: 1 });
    expect(row.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/);
    expect(t.latest).toEqual(row);
    expect(await t.toRows()).toEqual([row]);
    expect(await t.columns()).toEqual(['track_id', 'timestamp', 'model', 'accuracy', 'epoch']);
  });

  it('generates readable run ids', async () => {
    const t = await tracker();
    expect(t.trackId).toMatch(/^[a-z]+-[a-z]+-\d{4}$/);
  });

  it('lets logged data win a clash with params, and never takes track_id or timestamp from data', async () => {
    const t = await tracker({ params: { model: 'a' }, trackId: 'mine' });
    const row = await t.log({ model: 'b', track_id: 'theirs', timestamp: 'then' });
    expect(row.model).toBe('b');
    expect(row.track_id).toBe('mine');
    expect(row.timestamp).not.toBe('then');
    expect((await t.toRows())[0]).toMatchObject({ model: 'b', track_id: 'mine' });
  });

  it('types a column by its first value and reads every type back', async () => {
    const t = await tracker();
    const when = new Date('2024-01-02T03:04:05.678Z');
    await t.log({
      i: 42,
      f: 0.5,
      b: true,
      s: 'héllo 🎉',
      big: 2n ** 62n,
      blob: new Uint8Array([0, 1, 255]),
      when,
      list: [1, 'two', { three: 3 }],
      obj: { lr: 0.1, layers: [1, 2] },
    });
    const [row] = await t.toRows();
    expect(row).toMatchObject({ i: 42, f: 0.5, b: true, s: 'héllo 🎉', big: 2n ** 62n, when: when.toISOString() });
    expect(Array.from(row!.blob as Uint8Array)).toEqual([0, 1, 255]);
    expect(row!.list).toEqual([1, 'two', { three: 3 }]);
    expect(row!.obj).toEqual({ lr: 0.1, layers: [1, 2] });
    expect(await t.columnTypes()).toMatchObject({ i: 'integer', f: 'float', b: 'boolean', s: 'text', big: 'integer', blob: 'blob', when: 'text', list: 'json', obj: 'json' });
  });

  it('stores NaN and undefined as null, and creates no column for a key seen only as null', async () => {
    const t = await tracker();
    await t.log({ loss: Number.NaN, gone: undefined, nothing: null, x: 1 });
    expect(await t.columns()).toEqual(['track_id', 'timestamp', 'loss', 'x']);
    expect((await t.toRows())[0]).toMatchObject({ loss: null, x: 1 });
    await t.log({ nothing: 'now typed' });
    expect(await t.columnTypes()).toMatchObject({ nothing: 'text' });
  });

  it('keeps a later value of another type as given', async () => {
    const t = await tracker();
    await t.log({ v: 1 });
    await t.log({ v: 'text now' });
    expect(await t.values('v')).toEqual([1, 'text now']);
  });

  it('stores a later string in a JSON column and reads it back as the same string', async () => {
    const t = await tracker();
    await t.log({ cfg: { a: 1 } });
    await t.log({ cfg: 'plain' });
    await t.log({ cfg: 7 });
    expect(await t.values('cfg')).toEqual([{ a: 1 }, 'plain', 7]);
  });

  it('cleans keys into column names by the Python rule', async () => {
    const t = await tracker();
    const row = await t.log({ 'val-loss': 0.25, 'é x': 1, ['k'.repeat(80)]: 2 });
    expect(row).toMatchObject({ val_loss: 0.25, __x: 1, ['k'.repeat(64)]: 2 });
    // JS enumerates integer-like keys first, so '7' becomes the first new column
    await t.log({ a: 1, '7': 'seven' });
    expect(await t.columns()).toEqual(['track_id', 'timestamp', 'val_loss', '__x', 'k'.repeat(64), '_7', 'a']);
    expect((await t.toRows())[1]).toMatchObject({ _7: 'seven', a: 1 });
  });

  it('matches keys to existing columns case-insensitively', async () => {
    const t = await tracker();
    await t.log({ Acc: 1 });
    await t.log({ acc: 2 });
    expect(await t.columns()).toEqual(['track_id', 'timestamp', 'Acc']);
    expect(await t.values('Acc')).toEqual([1, 2]);
  });

  it('rejects what no store can hold, with the key named, and keeps earlier rows', async () => {
    const t = await tracker();
    await t.log({ ok: 1 });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    for (const bad of [{ f: () => 1 }, { s: Symbol('x') }, { big: 2n ** 64n }, { c: circular }, { d: new Date(Number.NaN) }]) {
      const error = await expectCode(t.log(bad), 'INVALID_VALUE');
      expect(error.message).toContain(Object.keys(bad)[0]!);
    }
    await expectCode(t.log({ '': 1 }), 'INVALID_IDENTIFIER');
    await expectCode(t.log([1, 2] as never), 'INVALID_ARGUMENT');
    expect(await t.countRun()).toBe(1);
    expect(await t.columns()).toEqual(['track_id', 'timestamp', 'ok']);
  });

  it('takes only plain objects as rows: a Map, a Date, an array or a class instance is INVALID_ARGUMENT, nothing stored', async () => {
    const t = await tracker();
    await t.log({ ok: 1 });
    class Config {
      lr = 0.1;
    }
    for (const row of [new Map([['a', 1]]), new Date(), [1, 2], new Config()]) {
      const error = await expectCode(t.log(row as never), 'INVALID_ARGUMENT');
      expect(error.message).toMatch(/plain object/);
      await expectCode(t.logBatch([{ ok: 2 }, row as never]), 'INVALID_ARGUMENT');
    }
    expect(await t.values('ok')).toEqual([1]);
    expect(await t.columns()).toEqual(['track_id', 'timestamp', 'ok']);
  });

  it('refuses values JSON would store as {} (Promise, Error, RegExp, WeakMap, WeakSet, ArrayBuffer, class instances), at any depth, naming the key', async () => {
    const t = await tracker();
    await t.log({ ok: 1 });
    class Model {
      #weights = [1, 2];
      get size(): number {
        return this.#weights.length;
      }
    }
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const bad: Record<string, unknown> = {
      promise: Promise.resolve(1),
      error: new Error('boom'),
      regexp: /x/g,
      weakmap: new WeakMap(),
      weakset: new WeakSet(),
      buffer: new ArrayBuffer(4),
      model: new Model(),
      nested: { inner: [new Model()] },
      revoked: proxy,
    };
    for (const [key, value] of Object.entries(bad)) {
      const error = await expectCode(t.log({ fresh: 1, [key]: value }), 'INVALID_VALUE');
      expect(error.message, key).toContain(`"${key}"`);
    }
    // the tracker goes on, and no column of a rejected row was added
    await t.log({ ok: 2 });
    expect(await t.values('ok')).toEqual([1, 2]);
    expect(await t.columns()).toEqual(['track_id', 'timestamp', 'ok']);
  });

  it('keeps storing the objects it supports: Map, Set, typed arrays, Date, Uint8Array, Buffer and objects with toJSON()', async () => {
    const t = await tracker();
    class Money {
      constructor(readonly cents: number) {}
      toJSON(): string {
        return `${this.cents / 100} EUR`;
      }
    }
    const when = new Date('2024-01-02T03:04:05.000Z');
    await t.log({ map: new Map([['a', 1]]), set: new Set([1, 2]), floats: new Float32Array([0.5]), when, bytes: new Uint8Array([1, 2]), buf: Buffer.from([3]), price: new Money(250) });
    const [row] = await t.toRows();
    expect(row).toMatchObject({ map: { a: 1 }, set: [1, 2], floats: [0.5], when: when.toISOString(), price: '2.5 EUR' });
    expect(Array.from(row!.bytes as Uint8Array)).toEqual([1, 2]);
    expect(Array.from(row!.buf as Uint8Array)).toEqual([3]);
  });

  it('a rejected row adds none of its columns, in log() and in logBatch()', async () => {
    const t = await tracker();
    await t.log({ a: 1 });
    await expectCode(t.log({ fresh_column: 1, bad: Symbol('x') }), 'INVALID_VALUE');
    await expectCode(t.logBatch([{ from_batch: 1 }, { bad: () => 1 }]), 'INVALID_VALUE');
    await t.log({ a: 2 });
    expect(await t.columns()).toEqual(['track_id', 'timestamp', 'a']);
  });

  it('stores the value of a key named "__proto__" (as JSON.parse gives it), through every row path', async () => {
    const t = await tracker();
    const data = () => JSON.parse('{"__proto__": 42, "other": 1}') as Record<string, unknown>;
    for (let i = 0; i < 3; i++) await t.log(data()); // the third row takes the compiled row builder
    await t.logBatch([data(), data()]);
    expect(await t.values('__proto__')).toEqual([42, 42, 42, 42, 42]);
    expect(await t.values('other')).toEqual([1, 1, 1, 1, 1]);
  });

  it('stores a string with an unpaired surrogate with U+FFFD in its place, as UTF-8 encoders do', async () => {
    const t = await tracker();
    await t.log({ s: 'half an emoji: \uD83D', ok: 'whole 😀' });
    await t.log({ s: '\uDE00 low first' });
    expect(await t.values('s')).toEqual(['half an emoji: \uFFFD', '\uFFFD low first']);
    expect(await t.values('ok')).toEqual(['whole 😀', null]);
  });

  it('stores hostile keys and values as data, running no other SQL', async () => {
    const t = await tracker({ table: 'default' });
    const keys = ['"; DROP TABLE "default"; --', "it's", 'default', 'order', 'select', 'a b', 'ключ', '🎉'];
    for (const key of keys) await t.log({ [key]: `${key} value'); DROP TABLE x; --` });
    expect(await t.countRun()).toBe(keys.length);
    const r = await reader();
    expect(await r.tables()).toEqual(['default']);
    expect((await r.toRows()).length).toBe(keys.length);
  });
});
