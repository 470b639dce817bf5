import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Row } from '@xetrack/core/engine';
import { duckdbEngine, type DuckdbEngine } from '../src/index.js';
import { keyRow, rejectsWith, useTempDirs } from './support/temp-dirs.js';

const { tempDir, track } = useTempDirs();

async function open(): Promise<DuckdbEngine> {
  return track((await duckdbEngine.create({ path: path.join(tempDir(), 'insert.duckdb') })) as DuckdbEngine);
}

describe('insert through the appender', () => {
  it('keeps nothing of a batch larger than the appender flushes on its own when its last row is a duplicate', { timeout: 600_000 }, async () => {
    // DuckDB's appender flushes by itself every ~200k rows; the transaction around it must still undo all.
    const engine = await open();
    await engine.ensureColumns('t', [
      { name: 'n', type: 'integer' },
      { name: 's', type: 'text' },
    ]);
    await engine.insert('t', [keyRow(0, { n: 0 })]);
    const rows: Row[] = Array.from({ length: 250_000 }, (_, i) => ({ track_id: 'big', timestamp: String(i), n: i, s: `r${i}` }));
    rows.push(keyRow(0, { n: -1 }));
    const error = await rejectsWith(engine.insert('t', rows), 'DUPLICATE_KEY');
    expect(error.message).toContain('nothing of this call was written');
    expect(await engine.count('t')).toBe(1);
    rows.pop();
    expect(await engine.insert('t', rows)).toBe(250_000);
    expect(await engine.count('t')).toBe(250_001);
  });

  // Up to 16 rows go in one multi-row INSERT, more through the appender: both paths, same results.
  for (const [route, pad] of [
    ['multi-row INSERT', 0],
    ['appender', 40],
  ] as const) {
    /** `rows` followed by `pad` more rows of their own run, which never collide. */
    const padded = (rows: Row[]): Row[] => [...rows, ...Array.from({ length: pad }, (_, i) => keyRow(i, {}, 'padding'))];

    describe(`(${route})`, () => {
      it('a duplicate inside the batch and a duplicate of a stored row are both DUPLICATE_KEY, and the engine stays usable', async () => {
        const engine = await open();
        await engine.ensureColumns('t', [{ name: 'n', type: 'integer' }]);
        await engine.insert('t', [keyRow(1, { n: 1 })]);
        await rejectsWith(engine.insert('t', padded([keyRow(2, { n: 2 }), keyRow(2, { n: 3 })])), 'DUPLICATE_KEY');
        await rejectsWith(engine.insert('t', padded([keyRow(3, { n: 3 }), keyRow(1, { n: 4 })])), 'DUPLICATE_KEY');
        expect(await engine.count('t')).toBe(1);
        expect(await engine.insert('t', padded([keyRow(2, { n: 2 }), keyRow(3, { n: 3 })]))).toBe(2 + pad);
        expect((await engine.select('t', { where: [{ column: 'track_id', op: '=', value: 'run' }], orderBy: [{ column: 'timestamp' }] })).map((r) => r.n)).toEqual([1, 2, 3]);
      });

      it('a bad value or an unknown key anywhere in the batch keeps nothing of it', async () => {
        const engine = await open();
        await engine.ensureColumns('t', [
          { name: 'n', type: 'integer' },
          { name: 'j', type: 'json' },
        ]);
        await rejectsWith(engine.insert('t', padded([keyRow(1, { n: 1 }), keyRow(2, { n: 2n ** 64n }), keyRow(3, { n: 3 })])), 'INVALID_VALUE');
        await rejectsWith(engine.insert('t', padded([keyRow(1, { n: 1 }), keyRow(2, { j: '{oops' })])), 'INVALID_VALUE');
        await rejectsWith(engine.insert('t', padded([keyRow(1, { n: 1 }), keyRow(2, { nope: 1 })])), 'UNKNOWN_COLUMN');
        expect(await engine.count('t')).toBe(0);
      });

      it('takes keys in any case and in any order, and explicit undefined as missing', async () => {
        const engine = await open();
        await engine.ensureColumns('t', [
          { name: 'Alpha', type: 'integer' },
          { name: 'beta', type: 'text' },
        ]);
        const rows: Row[] = [
          { BETA: 'b1', ALPHA: 1, TIMESTAMP: 't1', Track_Id: 'r' },
          { track_id: 'r', timestamp: 't2', beta: undefined as never, Alpha: 2 },
          { track_id: 'r', timestamp: 't3' },
        ];
        expect(await engine.insert('t', padded(rows))).toBe(3 + pad);
        expect(await engine.insert('t', [{ ALPHA: 4, track_id: 'r', timestamp: 't4' }])).toBe(1);
        expect(await engine.select('t', { where: [{ column: 'track_id', op: '=', value: 'r' }], orderBy: [{ column: 'timestamp' }] })).toEqual([
          { track_id: 'r', timestamp: 't1', Alpha: 1, beta: 'b1' },
          { track_id: 'r', timestamp: 't2', Alpha: 2, beta: null },
          { track_id: 'r', timestamp: 't3', Alpha: null, beta: null },
          { track_id: 'r', timestamp: 't4', Alpha: 4, beta: null },
        ]);
        await rejectsWith(engine.insert('t', padded([{ track_id: 'r', timestamp: 't5', alpha: 1, ALPHA: 2 }, keyRow(6)])), 'INVALID_ARGUMENT');
        await rejectsWith(engine.insert('t', [{ track_id: 'r', timestamp: 't5', alpha: 1, ALPHA: 2 }]), 'INVALID_ARGUMENT');
      });

      it('widens a column in the middle of a batch and keeps every value', async () => {
        const engine = await open();
        await engine.ensureColumns('t', [{ name: 'v', type: 'integer' }]);
        expect(await engine.insert('t', padded([keyRow(1, { v: 1 }), keyRow(2, { v: 2.5 }), keyRow(3, { v: 'three' })]))).toBe(3 + pad);
        expect((await engine.select('t', { where: [{ column: 'track_id', op: '=', value: 'run' }], orderBy: [{ column: 'timestamp' }] })).map((r) => r.v)).toEqual([1, 2.5, 'three']);
      });
    });
  }

  it('into a missing table rejects with UNKNOWN_TABLE and creates nothing', async () => {
    const engine = await open();
    const error = await rejectsWith(engine.insert('nope', [keyRow(1)]), 'UNKNOWN_TABLE');
    expect(error.message).toContain('ensureColumns');
    expect(await engine.tables()).toEqual([]);
  });

  it('un-awaited calls run in call order and all resolve', async () => {
    const engine = await open();
    await engine.ensureColumns('t', [{ name: 'n', type: 'integer' }]);
    const calls: Promise<number>[] = [];
    for (let i = 0; i < 300; i++) calls.push(i % 3 === 0 ? engine.insert('t', [keyRow(2 * i, { n: i }), keyRow(2 * i + 1, { n: i })]) : engine.insert('t', [keyRow(2 * i, { n: i })]));
    const dup = engine.insert('t', [keyRow(0, { n: -1 })]);
    const counted = engine.count('t');
    expect((await Promise.all(calls)).reduce((a, b) => a + b, 0)).toBe(400);
    await rejectsWith(dup, 'DUPLICATE_KEY');
    expect(await counted).toBe(400);
  });

  it('a table that is not a tracking table is SCHEMA_MISMATCH for ensureColumns and insert', async () => {
    const engine = await open();
    await engine.sql('CREATE TABLE plain (k VARCHAR, v BLOB)');
    await rejectsWith(engine.ensureColumns('plain', [{ name: 'x', type: 'integer' }]), 'SCHEMA_MISMATCH');
    await rejectsWith(engine.insert('plain', [{ k: 'a' }]), 'SCHEMA_MISMATCH');
    expect(await engine.tables()).toEqual([]);
  });
});

describe('insert without a key', () => {
  it('a row without track_id or timestamp is INVALID_VALUE, on every path', async () => {
    const engine = track((await duckdbEngine.create({ path: ':memory:' })) as DuckdbEngine);
    await engine.ensureColumns('t', [{ name: 'n', type: 'integer' }]);
    await rejectsWith(engine.insert('t', [{ n: 1 }]), 'INVALID_VALUE');
    await rejectsWith(engine.insert('t', [keyRow(1), { track_id: 'r', n: 2 }]), 'INVALID_VALUE');
    await rejectsWith(engine.insert('t', [...Array.from({ length: 30 }, (_, i) => keyRow(i)), { timestamp: 'x' }]), 'INVALID_VALUE');
    expect(await engine.count('t')).toBe(0);
  });
});
