import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copy, isXetrackError, openEngine, Reader, Tracker, type Engine, type EngineChoice, type XetrackErrorCode } from '@xetrack/core';

/**
 * Where the Tracker/Reader suite runs: a fresh, empty location per test (a file path in a new temp
 * directory, a URL of a fresh database or schema) and how to open an engine there.
 */
export interface TrackerSuiteFactory {
  /** A location no test has used, and its clean-up. */
  newLocation(): Promise<{ location: string; cleanup?(): Promise<void> }>;
  /** The engine choice passed as `engine` (a plugin or a name); the Tracker creates and owns it. */
  engine: EngineChoice;
  /** Extra engine options for every open. */
  engineOptions?: Record<string, unknown>;
  /** A location that does not exist, for Reader's NOT_FOUND test; omit to skip that test. */
  missingLocation?(): Promise<string>;
  /** The most columns a table may have, where the database has a limit (SQLite 2,000, PostgreSQL 1,600); omit to skip that test. */
  maxColumns?: number;
}

async function expectCode(promise: Promise<unknown>, code: XetrackErrorCode): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isXetrackError(error, code), `expected a XetrackError ${code}, got ${String(error)}`).toBe(true);
  return error as Error;
}

/**
 * The behaviour of `Tracker` and `Reader` on top of an engine: what users see, identical on every
 * engine. Register it in a vitest file: `trackerConformance('my-engine', factory)`.
 */
export function trackerConformance(name: string, factory: TrackerSuiteFactory): void {
  describe(`Tracker and Reader on ${name}`, () => {
    let location: string;
    let cleanup: (() => Promise<void>) | undefined;
    const open: Tracker[] = [];
    const readers: Reader[] = [];

    beforeEach(async () => {
      const fresh = await factory.newLocation();
      location = fresh.location;
      cleanup = fresh.cleanup;
    });
    afterEach(async () => {
      for (const t of open.splice(0)) await t.close();
      for (const r of readers.splice(0)) await r.close();
      await cleanup?.();
    });

    const tracker = async <R = Record<string, unknown>>(options: Parameters<typeof Tracker.open>[1] = {}) => {
      const t = await Tracker.open<R>(location, { engine: factory.engine, engineOptions: factory.engineOptions, warnings: false, ...options });
      open.push(t as Tracker);
      return t;
    };
    const reader = async (options: Parameters<typeof Reader.open>[1] = {}) => {
      const r = await Reader.open(location, { engine: factory.engine, engineOptions: factory.engineOptions, ...options });
      readers.push(r);
      return r;
    };

    describe('log', () => {
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

    describe('hostile table names', () => {
      it('quotes every table name: each is a table of its own and nothing else changes', async () => {
        const names = ['"; DROP TABLE "default"; --', "it's", 'order', 'select', 'a b', 'ключ 🎉', 'x'.repeat(128)];
        for (const table of names) {
          const t = await tracker({ table, trackId: 'h' });
          await t.log({ v: table });
        }
        const r = await reader({ table: names[0] });
        expect(await r.tables()).toEqual([...names].sort());
        for (const table of names) {
          const one = await reader({ table });
          expect((await one.toRows()).map((x) => x.v)).toEqual([table]);
        }
        await expectCode(tracker({ table: '' }), 'INVALID_IDENTIFIER');
        await expectCode(tracker({ table: 'sqlite_master' }), 'INVALID_IDENTIFIER');
        await expectCode(tracker({ table: 'x'.repeat(129) }), 'INVALID_IDENTIFIER');
      });
    });

    describe('group commit and batches', () => {
      it('commits un-awaited log() calls in call order, all of them', async () => {
        const t = await tracker();
        const pending = Array.from({ length: 1000 }, (_, i) => t.log({ i }));
        const rows = await Promise.all(pending);
        expect(rows.map((r) => r.i)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
        const stamps = rows.map((r) => r.timestamp);
        expect([...stamps].sort()).toEqual(stamps);
        expect(new Set(stamps).size).toBe(1000);
        expect((await t.values('i')).length).toBe(1000);
      });

      it('rejects only the bad call of a group, and commits the others', async () => {
        const t = await tracker();
        const results = await Promise.allSettled([t.log({ a: 1 }), t.log({ a: () => 2 } as never), t.log({ a: 3 })]);
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect(await t.values('a')).toEqual([1, 3]);
      });

      it('logBatch writes every row with distinct increasing timestamps', async () => {
        const t = await tracker({ params: { p: 'x' } });
        const rows = await t.logBatch([{ a: 1 }, { a: 2, b: 'new column' }, {}]);
        expect(rows).toHaveLength(3);
        expect(rows[0]!.timestamp < rows[1]!.timestamp && rows[1]!.timestamp < rows[2]!.timestamp).toBe(true);
        expect(await t.toRows()).toEqual(rows.map((r) => ({ b: null, a: null, ...r })));
        expect(t.latest).toEqual(rows[2]);
        expect(await t.logBatch([])).toEqual([]);
      });

      it('logBatch is all or nothing', async () => {
        const t = await tracker();
        await t.log({ a: 0 });
        await expectCode(t.logBatch([{ a: 1 }, { a: () => 1 } as never]), 'INVALID_VALUE');
        expect(await t.values('a')).toEqual([0]);
      });
    });

    describe('a column the database refuses', () => {
      it.skipIf(factory.maxColumns === undefined)('a row past the column limit fails alone, naming its keys; later rows are logged, alone or grouped', async () => {
        const t = await tracker();
        await t.log({ a: 1 });
        // track_id, timestamp and a are there: one column more than the limit allows
        const wide = Object.fromEntries(Array.from({ length: factory.maxColumns! - 2 }, (_, i) => [`wide_${i}`, i]));
        const error = await t.log(wide).then(
          () => undefined,
          (e: unknown) => e as Error,
        );
        expect(isXetrackError(error), String(error)).toBe(true);
        expect(error!.message).toContain('"wide_0"');
        await t.log({ a: 2 });
        const grouped = await Promise.allSettled([t.log({ a: 3 }), t.log(wide), t.log({ a: 4 })]);
        expect(grouped.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        await expect(t.logBatch([{ a: 5 }, wide])).rejects.toThrow(/wide_0/);
        await t.logBatch([{ a: 6 }, { a: 7 }]);
        expect(await t.values('a')).toEqual([1, 2, 3, 4, 6, 7]);
        expect(await t.columns()).toEqual(['track_id', 'timestamp', 'a']);
      });
    });

    describe('params and updates', () => {
      it('setParam adds a column now and a value to every later row', async () => {
        const t = await tracker({ params: { model: 'm' } });
        await t.log({ a: 1 });
        expect(await t.setParam('lr', 0.01)).toBe('lr');
        expect(await t.columns()).toContain('lr');
        await t.log({ a: 2 });
        await t.setParams({ seed: 7, opt: 'adam' });
        await t.log({ a: 3 });
        expect(t.params).toEqual({ model: 'm', lr: 0.01, seed: 7, opt: 'adam' });
        const rows = await t.toRows();
        expect(rows.map((r) => [r.lr, r.seed])).toEqual([
          [null, null],
          [0.01, null],
          [0.01, 7],
        ]);
      });

      it('setValue changes every row of this run and no other', async () => {
        const a = await tracker({ trackId: 'a' });
        const b = await tracker({ trackId: 'b' });
        await a.log({ x: 1 });
        await a.log({ x: 2 });
        await b.log({ x: 3 });
        expect(await a.setValue('status', 'done')).toBe(2);
        expect(await a.values('status')).toEqual(['done', 'done']);
        expect(await b.values('status')).toEqual([null]);
      });

      it('setWhere changes the matching rows of this run', async () => {
        const t = await tracker({ trackId: 'w' });
        await t.logBatch([{ epoch: 1 }, { epoch: 2 }, { epoch: 2 }]);
        expect(await t.setWhere('note', 'edited', 'epoch', 2)).toBe(2);
        expect(await t.values('note')).toEqual([null, 'edited', 'edited']);
        await expectCode(t.setWhere('note', 'x', 'no_such_column', 1), 'UNKNOWN_COLUMN');
      });

      it('reset empties the table', async () => {
        const first = await tracker();
        await first.log({ a: 1 });
        const second = await tracker({ reset: true });
        expect(await second.countAll()).toBe(0);
      });
    });

    describe('queries', () => {
      it('head, tail, rowAt, values, countRun and countAll', async () => {
        const t = await tracker({ trackId: 'q' });
        const other = await tracker({ trackId: 'other' });
        await other.log({ k: -1 });
        await t.logBatch([0, 1, 2, 3, 4, 5].map((k) => ({ k })));
        expect((await t.head(2)).map((r) => r.k)).toEqual([0, 1]);
        expect((await t.tail(2)).map((r) => r.k)).toEqual([4, 5]);
        expect((await t.rowAt(0))?.k).toBe(0);
        expect((await t.rowAt(-1))?.k).toBe(5);
        expect(await t.rowAt(99)).toBeUndefined();
        expect(await t.values('k')).toEqual([0, 1, 2, 3, 4, 5]);
        expect(await t.countRun()).toBe(6);
        expect(await t.countAll()).toBe(7);
        expect((await t.toRows({ all: true })).length).toBe(7);
      });

      it('keeps several tables apart in one database', async () => {
        const a = await tracker({ table: 'a', trackId: 'r' });
        const b = await tracker({ table: 'b', trackId: 'r' });
        await a.log({ x: 1 });
        await b.log({ y: 2 });
        expect(await a.columns()).toEqual(['track_id', 'timestamp', 'x']);
        expect(await b.columns()).toEqual(['track_id', 'timestamp', 'y']);
        expect(await (await reader({ table: 'b' })).tables()).toEqual(['a', 'b']);
      });
    });

    describe('track and wrap', () => {
      it('logs a synchronous call: name, time, args, result', async () => {
        const t = await tracker();
        function add(a: number, b: number) {
          return a + b;
        }
        expect(await t.track(add, { args: [1, 2] })).toBe(3);
        const row = t.latest!;
        expect(row).toMatchObject({ function_name: 'add', args: '[1,2]', error: '', function_result: 3 });
        expect(typeof row.function_time).toBe('number');
        expect(row.function_time as number).toBeGreaterThanOrEqual(0);
      });

      it('awaits an async function and measures its time', async () => {
        const t = await tracker();
        const slow = async (ms: number) => {
          await new Promise((r) => setTimeout(r, ms));
          return 'done';
        };
        expect(await t.track(slow, { args: [30] })).toBe('done');
        expect(t.latest!.function_result).toBe('done');
        expect(t.latest!.function_time as number).toBeGreaterThanOrEqual(0.025);
        expect(t.latest!.function_time as number).toBeLessThan(25); // seconds (30 ms), not milliseconds
      });

      it('merges a returned plain object as columns; per-call params win', async () => {
        const t = await tracker({ params: { model: 'm' } });
        const train = (lr: number) => ({ loss: 0.1, lr_used: lr });
        expect(await t.track(train, { args: [0.5], params: { phase: 'eval', loss: 0.2 } })).toEqual({ loss: 0.1, lr_used: 0.5 });
        expect(t.latest).toMatchObject({ model: 'm', loss: 0.2, lr_used: 0.5, phase: 'eval', function_name: 'train' });
        expect(await t.columns()).not.toContain('function_result');
      });

      it('logs an error, then re-throws it; raiseOnError false resolves undefined', async () => {
        const t = await tracker();
        const boom = (n: number) => {
          throw new Error(`bad input: ${n}`);
        };
        await expect(t.track(boom, { args: [13] })).rejects.toThrow('bad input: 13');
        expect(t.latest).toMatchObject({ function_name: 'boom', error: 'bad input: 13' });
        expect(t.latest!.function_result ?? null).toBeNull();
        expect(await t.track(boom, { args: [14], raiseOnError: false })).toBeUndefined();
        const quiet = await tracker({ raiseOnError: false });
        expect(await quiet.track(boom, { args: [15] })).toBeUndefined();
        expect(await t.values('error')).toEqual(['bad input: 13', 'bad input: 14']);
      });

      it('unpacks object arguments into {arg}_{field} columns, nested and class instances', async () => {
        const t = await tracker();
        class Optimizer {
          constructor(
            public name: string,
            public lr: number,
          ) {}
        }
        function fit(cfg: { layers: number; optimizer: Optimizer; tags: string[] }, seed: number) {
          return cfg.layers + seed;
        }
        await t.track(fit, { args: [{ layers: 3, optimizer: new Optimizer('adam', 0.1), tags: ['a'] }, 1] });
        expect(t.latest).toMatchObject({ cfg_layers: 3, cfg_optimizer_name: 'adam', cfg_optimizer_lr: 0.1, cfg_tags: ['a'], function_result: 4 });
      });

      it('names arguments arg0… when the parameter list gives no name, or by argNames', async () => {
        const t = await tracker();
        const destructured = ({ a }: { a: number }) => a;
        await t.track(destructured, { args: [{ a: 1 }] });
        expect(t.latest).toMatchObject({ arg0_a: 1 });
        await t.track(destructured, { args: [{ a: 2 }], argNames: ['config'] });
        expect(t.latest).toMatchObject({ config_a: 2 });
      });

      it('stops unpacking at cycles and at depth 10', async () => {
        const t = await tracker();
        const node1: Record<string, unknown> = { value: 1 };
        const node2: Record<string, unknown> = { value: 2, next: node1 };
        node1.next = node2;
        const walk = (node: unknown) => typeof node;
        await t.track(walk, { args: [node1] });
        expect(t.latest).toMatchObject({ node_value: 1, node_next_value: 2 });
        let deep: Record<string, unknown> = { value: 15 };
        for (let i = 14; i >= 1; i--) deep = { value: i, nested: deep };
        await t.track(walk, { args: [deep], argNames: ['c'] });
        const cols = (await t.columns()).filter((c) => c.startsWith('c_'));
        expect(cols).toHaveLength(10);
      });

      it('wrap returns a tracked function with the same parameters', async () => {
        const t = await tracker();
        const mul = t.wrap((a: number, b: number) => a * b, { name: 'mul', params: { via: 'wrap' } });
        expect(await mul(6, 7)).toBe(42);
        expect(t.latest).toMatchObject({ function_name: 'mul', function_result: 42, via: 'wrap', args: '[6,7]' });
      });
    });

    describe('several writers', () => {
      it('picks up a column another tracker added, without error', async () => {
        const a = await tracker({ trackId: 'a' });
        const b = await tracker({ trackId: 'b' });
        await a.log({ x: 1 });
        await b.log({ y: 2 });
        await a.log({ y: 3 });
        await b.log({ x: 4 });
        const r = await reader();
        expect(await r.count()).toBe(4);
        expect((await r.toRows()).map((row) => [row.x, row.y])).toEqual([
          [1, null],
          [null, 2],
          [null, 3],
          [4, null],
        ]);
      });
    });

    describe('copy', () => {
      /** Engines opened on a location of the suite's kind, the way `copy()` and `Tracker` open them. */
      const engines: Engine[] = [];
      const cleanups: (() => Promise<void>)[] = [];
      afterEach(async () => {
        for (const e of engines.splice(0)) await e.close();
        for (const c of cleanups.splice(0)) await c();
      });
      const engineAt = async (where: string): Promise<Engine> => {
        const { engine } = await openEngine(where, factory.engine, { options: factory.engineOptions });
        engines.push(engine);
        return engine;
      };

      it('keeps two runs that share a timestamp apart: both are copied, and copying again copies 0', async () => {
        // Two machines can log at the same microsecond: their rows differ only by track_id.
        const stamp = '2026-03-01 12:00:00.000001';
        const later = '2026-03-01 12:00:00.000002';
        const elsewhere = await factory.newLocation();
        if (elsewhere.cleanup) cleanups.push(elsewhere.cleanup);
        const source = await engineAt(elsewhere.location);
        await source.ensureColumns('default', [
          { name: 'machine', type: 'text' },
          { name: 'loss', type: 'float' },
        ]);
        await source.insert('default', [{ track_id: 'run-a', timestamp: stamp, machine: 'a', loss: 0.5 }]);
        const target = await engineAt(location);

        // Machine a's row reaches the target first; machine b's row at the same microsecond joins the
        // source later (a merge), with one more row of a's: the next copy must add b's row.
        expect(await copy(source, target)).toMatchObject({ copied: 1, skipped: 0 });
        await source.insert('default', [
          { track_id: 'run-b', timestamp: stamp, machine: 'b', loss: 0.25 },
          { track_id: 'run-a', timestamp: later, machine: 'a', loss: 0.4 },
        ]);
        expect(await copy(source, target)).toMatchObject({ copied: 2, skipped: 1 });
        expect(await copy(source, target)).toMatchObject({ copied: 0, skipped: 3 });

        // Both runs' rows at that microsecond, each with its own values, in a target that never saw them together.
        const fresh = await factory.newLocation();
        if (fresh.cleanup) cleanups.push(fresh.cleanup);
        const empty = await engineAt(fresh.location);
        expect(await copy(source, empty)).toMatchObject({ copied: 3, skipped: 0 });
        expect(await copy(source, empty)).toMatchObject({ copied: 0, skipped: 3 });

        for (const copied of [target, empty]) {
          const rows = await copied.select('default', { orderBy: [{ column: 'timestamp' }, { column: 'track_id' }] });
          expect(rows).toEqual([
            { track_id: 'run-a', timestamp: stamp, machine: 'a', loss: 0.5 },
            { track_id: 'run-b', timestamp: stamp, machine: 'b', loss: 0.25 },
            { track_id: 'run-a', timestamp: later, machine: 'a', loss: 0.4 },
          ]);
        }
      });
    });

    describe('Reader', () => {
      it('never creates a table: an unknown table is UNKNOWN_TABLE and stays absent', async () => {
        const t = await tracker({ table: 'exists' });
        await t.log({ a: 1 });
        const error = await expectCode(Reader.open(location, { engine: factory.engine, engineOptions: factory.engineOptions, table: 'nope' }), 'UNKNOWN_TABLE');
        expect(error.message).toContain('exists');
        expect(await (await reader({ table: 'exists' })).tables()).toEqual(['exists']);
      });

      const missingTitle = factory.missingLocation
        ? 'a missing location is NOT_FOUND'
        : 'a missing location is NOT_FOUND (skipped: the factory gives no missingLocation)';
      it.skipIf(!factory.missingLocation)(missingTitle, async () => {
        const missing = await factory.missingLocation!();
        await expectCode(Reader.open(missing, { engine: factory.engine, engineOptions: factory.engineOptions }), 'NOT_FOUND');
      });

      it('reads rows by run, head and tail, in timestamp order', async () => {
        const a = await tracker({ trackId: 'a' });
        const b = await tracker({ trackId: 'b' });
        for (let i = 0; i < 4; i++) {
          await a.log({ i });
          await b.log({ i: 10 + i });
        }
        const r = await reader();
        expect((await r.toRows()).map((x) => x.i)).toEqual([0, 10, 1, 11, 2, 12, 3, 13]);
        expect((await r.toRows({ trackId: 'b' })).map((x) => x.i)).toEqual([10, 11, 12, 13]);
        expect((await r.toRows({ head: 3 })).map((x) => x.i)).toEqual([0, 10, 1]);
        expect((await r.toRows({ tail: 3 })).map((x) => x.i)).toEqual([12, 3, 13]);
        expect((await r.toRows({ trackId: 'a', tail: 2 })).map((x) => x.i)).toEqual([2, 3]);
        expect(await r.count({ trackId: 'a' })).toBe(4);
        expect(await r.columns()).toEqual(['track_id', 'timestamp', 'i']);
      });

      it('latest() is the run with the newest row, not the greatest id', async () => {
        const zebra = await tracker({ trackId: 'zebra-run-0001' });
        await zebra.log({ v: 1 });
        const aardvark = await tracker({ trackId: 'aardvark-run-0002' });
        await aardvark.log({ v: 2 });
        await aardvark.log({ v: 3 });
        const r = await reader();
        expect((await r.latest()).map((x) => [x.track_id, x.v])).toEqual([
          ['aardvark-run-0002', 2],
          ['aardvark-run-0002', 3],
        ]);
        expect(await r.runs()).toEqual([
          expect.objectContaining({ track_id: 'zebra-run-0001', rows: 1 }),
          expect.objectContaining({ track_id: 'aardvark-run-0002', rows: 2 }),
        ]);
      });

      it('deleteRun, setValue and setWhere', async () => {
        const a = await tracker({ trackId: 'a' });
        const b = await tracker({ trackId: 'b' });
        await a.logBatch([{ e: 1 }, { e: 2 }]);
        await b.logBatch([{ e: 1 }, { e: 2 }]);
        const r = await reader();
        expect(await r.setValue('flag', true, { trackId: 'a' })).toBe(2);
        expect(await r.setWhere('note', 'x', 'e', 2)).toBe(2);
        expect((await r.toRows()).map((x) => [x.track_id, x.flag, x.note])).toEqual([
          ['a', true, null],
          ['a', true, 'x'],
          ['b', null, null],
          ['b', null, 'x'],
        ]);
        expect(await r.deleteRun('a')).toBe(2);
        expect(await r.count()).toBe(2);
      });

      it('iterate() streams the same rows as toRows() and allows writes between rows', async () => {
        const t = await tracker({ trackId: 'it' });
        await t.logBatch(Array.from({ length: 12_000 }, (_, i) => ({ i, obj: { i } })));
        const other = await tracker({ trackId: 'other' });
        await other.logBatch([{ i: -1 }, { i: -2 }]);
        const r = await reader();
        let n = 0;
        for await (const row of r.iterate({ trackId: 'it' })) {
          expect(row.i).toBe(n);
          expect(row.obj).toEqual({ i: n });
          // A write that changes rows, mid-stream: the stream goes on, the write lands.
          if (n === 6000) expect(await r.setValue('touched', 1, { trackId: 'other' })).toBe(2);
          n++;
        }
        expect(n).toBe(12_000);
        expect((await r.toRows({ trackId: 'other' })).map((row) => [row.i, row.touched])).toEqual([
          [-1, 1],
          [-2, 1],
        ]);
        expect(await r.count()).toBe(12_002);
      });

      /** An evaluation sweep: 2 models x 2 temperatures, each run scoring 3 splits. */
      const sweep = async () => {
        let run = 0;
        for (const model of ['gpt', 'claude']) {
          for (const temperature of [0, 0.7]) {
            const t = await tracker({ trackId: `run-${run}`, params: { model, temperature } });
            for (const [i, split] of ['dev', 'test', 'extra'].entries()) {
              await t.log({ split, accuracy: (run * 3 + i) / 12, note: i === 2 ? null : `${model} on ${split}` });
            }
            run++;
          }
        }
        return reader();
      };

      it('toRows takes where objects: equality, comparisons, in, like, null tests, and/or', async () => {
        const r = await sweep();
        const ids = async (where: NonNullable<Parameters<typeof r.toRows>[0]>['where']) =>
          (await r.toRows({ where })).map((x) => `${String(x.track_id).slice(4)}${String(x.split)[0]}`);
        expect(await ids({ model: 'gpt', split: 'dev' })).toEqual(['0d', '1d']);
        expect(await ids({ accuracy: { gte: 0.75 } })).toEqual(['3d', '3t', '3e']);
        expect(await ids({ accuracy: { gt: 0.1, lte: 0.25 } })).toEqual(['0e', '1d']);
        expect(await ids({ accuracy: { ne: 0 }, temperature: 0, split: { in: ['test', 'nope'] } })).toEqual(['0t', '2t']);
        expect(await ids({ note: { like: 'CLAUDE%TEST' } })).toEqual(['2t', '3t']);
        expect(await ids({ note: null, model: 'claude' })).toEqual(['2e', '3e']);
        expect(await ids({ note: { isNull: false }, temperature: { eq: 0.7 }, model: 'claude' })).toEqual(['3d', '3t']);
        expect(await ids({ split: 'dev', or: [{ model: 'claude', temperature: 0 }, { accuracy: { lt: 0.1 } }] })).toEqual(['0d', '2d']);
        expect(await ids({ or: [{ and: [{ split: 'extra' }, { model: 'gpt' }] }, { accuracy: 1 / 12 }] })).toEqual(['0t', '0e', '1e']);
        // keys are matched as log() names them, case-insensitively
        expect(await ids({ Split: 'extra', MODEL: 'claude' })).toEqual(['2e', '3e']);
        expect(await r.count({ where: { split: 'dev' } })).toBe(4);
      });

      it('toRows orders, pages and picks columns; Tracker.toRows queries its own run', async () => {
        const r = await sweep();
        const top = await r.toRows({ where: { split: 'test' }, orderBy: [['accuracy', 'desc']], limit: 2, columns: ['model', 'temperature', 'accuracy'] });
        expect(top).toEqual([
          { model: 'claude', temperature: 0.7, accuracy: 10 / 12 },
          { model: 'claude', temperature: 0, accuracy: 7 / 12 },
        ]);
        expect((await r.toRows({ orderBy: ['model', ['accuracy', 'asc']], offset: 5, limit: 2 })).map((x) => x.accuracy)).toEqual([11 / 12, 0]);
        expect((await r.toRows({ where: { model: 'gpt' }, orderBy: [['accuracy', 'desc']], tail: 2 })).map((x) => x.accuracy)).toEqual([1 / 12, 0]);
        expect((await r.toRows({ where: { model: 'gpt' }, head: 1, orderBy: [['accuracy', 'desc']] })).map((x) => x.accuracy)).toEqual([5 / 12]);
        const t = await tracker({ trackId: 'run-1' });
        expect((await t.toRows({ where: { split: { ne: 'dev' } } })).map((x) => x.split)).toEqual(['test', 'extra']);
        expect(await t.toRows({ where: { split: 'dev' }, all: true, columns: ['track_id'] })).toEqual(['run-0', 'run-1', 'run-2', 'run-3'].map((track_id) => ({ track_id })));
      });

      it('runs() gives each run its params and the last and best of chosen metrics, oldest run first', async () => {
        const r = await sweep();
        const t = await tracker({ trackId: 'run-0' }); // a later row without the params: they are no longer constant
        await t.log({ split: 'late', accuracy: 0.01 });
        const runs = await r.runs({ metrics: { accuracy: 'max', Note: 'min' } });
        expect(runs.map((x) => [x.track_id, x.rows, x.params])).toEqual([
          ['run-0', 4, {}],
          ['run-1', 3, { model: 'gpt', temperature: 0.7 }],
          ['run-2', 3, { model: 'claude', temperature: 0 }],
          ['run-3', 3, { model: 'claude', temperature: 0.7 }],
        ]);
        expect(runs.map((x) => x.metrics)).toEqual([
          { accuracy: { last: 0.01, best: 2 / 12 }, Note: { last: 'gpt on test', best: 'gpt on dev' } },
          { accuracy: { last: 5 / 12, best: 5 / 12 }, Note: { last: 'gpt on test', best: 'gpt on dev' } },
          { accuracy: { last: 8 / 12, best: 8 / 12 }, Note: { last: 'claude on test', best: 'claude on dev' } },
          { accuracy: { last: 11 / 12, best: 11 / 12 }, Note: { last: 'claude on test', best: 'claude on dev' } },
        ]);
        const [first] = await r.runs({ params: false, where: [{ column: 'split', op: '=', value: 'dev' }] });
        expect(first).toMatchObject({ track_id: 'run-0', rows: 1, params: {}, metrics: {} });
        // the winner in one call
        const best = (await r.runs({ metrics: { accuracy: 'max' } })).sort((a, b) => Number(b.metrics.accuracy!.best) - Number(a.metrics.accuracy!.best))[0];
        expect(best?.params).toEqual({ model: 'claude', temperature: 0.7 });
        await expectCode(r.runs({ metrics: { accuracy: 'best' as never } }), 'INVALID_ARGUMENT');
        await expectCode(r.runs({ metrics: { nope: 'max' } }), 'UNKNOWN_COLUMN');
      });

      it('a bad query is a clear error: unknown key, bad op, bad limit; nothing changes', async () => {
        const r = await sweep();
        const unknown = await expectCode(r.toRows({ where: { acuracy: { gt: 0.5 } } }), 'UNKNOWN_COLUMN');
        expect(unknown.message).toContain('acuracy');
        expect(unknown.message).toContain('accuracy');
        expect(unknown.message).not.toContain('ensureColumns');
        await expectCode(r.toRows({ orderBy: ['nope'] }), 'UNKNOWN_COLUMN');
        await expectCode(r.toRows({ where: [{ column: 'accuracy', op: 'between' as never, value: 1 }] }), 'INVALID_ARGUMENT');
        await expectCode(r.toRows({ where: { split: { like: 5 as never } } }), 'INVALID_ARGUMENT');
        await expectCode(r.toRows({ limit: -1 }), 'INVALID_ARGUMENT');
        await expectCode(r.toRows({ limit: 1.5 }), 'INVALID_ARGUMENT');
        await expectCode(r.toRows({ orderBy: [['accuracy', 'up' as never]] }), 'INVALID_ARGUMENT');
        expect(await r.count()).toBe(12);
      });

      it('quotes hostile column names and binds hostile values in queries', async () => {
        const t = await tracker();
        const key = 'x"; DROP TABLE "default"; --';
        await t.log({ [key]: "a' OR '1'='1", n: 1 });
        await t.log({ [key]: 'b', n: 2 });
        const r = await reader();
        expect((await r.toRows({ where: { [key]: { like: "a'%" } } })).map((x) => x.n)).toEqual([1]);
        expect((await r.toRows({ where: { [key]: "' OR 1=1 --" } })).map((x) => x.n)).toEqual([]);
        expect(await r.count()).toBe(2);
      });

      it('is closed after close(), and close() is safe twice', async () => {
        const t = await tracker();
        await t.log({ a: 1 });
        await t.close();
        await t.close();
        await expectCode(t.log({ a: 2 }), 'CLOSED');
        const r = await reader();
        await r.close();
        await r.close();
        await expectCode(r.toRows(), 'CLOSED');
      });
    });
  });
}
