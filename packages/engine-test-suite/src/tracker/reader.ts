import { expect, it } from 'vitest';
import { Reader } from '@xetrack/core';
import { defineGroup, expectCode, HEAVY, type TrackerGroup } from './tracker-suite-context.js';

export const readerGroup: TrackerGroup = defineGroup({ name: 'reader', title: 'Reader' }, (suite) => {
  const { tracker, reader, factory } = suite;

  it('never creates a table: an unknown table is UNKNOWN_TABLE and stays absent', async () => {
    const t = await tracker({ table: 'exists' });
    await t.log({ a: 1 });
    const error = await expectCode(Reader.open(suite.location, { engine: factory.engine, engineOptions: factory.engineOptions, table: 'nope' }), 'UNKNOWN_TABLE');
    expect(error.message).toContain('exists');
    expect(await (await reader({ table: 'exists' })).tables()).toEqual(['exists']);
  });

  const missingTitle = factory.missingLocation ? 'a missing location is NOT_FOUND' : 'a missing location is NOT_FOUND (skipped: the factory gives no missingLocation)';
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
    expect(await r.runs()).toEqual([expect.objectContaining({ track_id: 'zebra-run-0001', rows: 1 }), expect.objectContaining({ track_id: 'aardvark-run-0002', rows: 2 })]);
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

  it('iterate() streams the same rows as toRows() and allows writes between rows', HEAVY, async () => {
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

  it('iterateArrays() gives the rows of iterate() as arrays of values, in batches, JSON decoded; anyOrder the same rows', HEAVY, async () => {
    const t = await tracker({ trackId: 'it' });
    await t.logBatch(Array.from({ length: 3_000 }, (_, i) => ({ i, obj: { i }, s: `s${i % 3}`, ok: i % 2 === 0 })));
    const other = await tracker({ trackId: 'other' });
    await other.logBatch([{ i: -1 }]);
    const r = await reader();
    const arrays = async (query: Parameters<typeof r.iterateArrays>[0]) => {
      const out: unknown[][] = [];
      for await (const batch of r.iterateArrays(query)) out.push(...batch);
      return out;
    };
    const rows = await r.toRows({ trackId: 'it' });
    const picked = rows.map((row) => [row.obj, row.ok, row.i]);
    expect(await arrays({ trackId: 'it', columns: ['obj', 'ok', 'i'] })).toEqual(picked);
    const unordered = await arrays({ trackId: 'it', columns: ['obj', 'ok', 'i'], anyOrder: true });
    expect([...unordered].sort((a, b) => (a[2] as number) - (b[2] as number))).toEqual(picked);
    const columns = await r.columns();
    expect(await arrays({ where: { i: { lt: 2 } } })).toEqual((await r.toRows({ where: { i: { lt: 2 } } })).map((row) => columns.map((c) => row[c] ?? null)));
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
    const ids = async (where: NonNullable<Parameters<typeof r.toRows>[0]>['where']) => (await r.toRows({ where })).map((x) => `${String(x.track_id).slice(4)}${String(x.split)[0]}`);
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

  it('sql<T>() types its rows; its errors carry the hints xt sql gives', async () => {
    const r = await sweep();
    if (!r.engine.capabilities.rawSql) return;
    const rows = await r.sql<{ n: number }>('SELECT count(*) AS n FROM "default"');
    expect(Number(rows[0]!.n)).toBe(12);
    const keyword = await expectCode(r.sql('SELECT * FROM default'), 'ENGINE_FAILURE');
    expect(keyword.message).toContain('write it in double quotes, e.g. SELECT * FROM "default"');
    const column = await expectCode(r.sql('SELECT acuracy FROM "default"'), 'UNKNOWN_COLUMN');
    expect(column.message).toMatch(/no column acuracy\. Columns of "default": track_id, timestamp, model, temperature, split, accuracy, note/);
    expect(column.message).not.toContain('ensureColumns');
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
