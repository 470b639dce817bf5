import { expect, it } from 'vitest';
import type { ColumnSpec } from '@xetrack/core/engine';
import { defineGroup, type EngineGroup, expectCode, HEAVY, keyRow } from './engine-suite-context.js';

export const insertGroup: EngineGroup = defineGroup({ name: 'insert', title: 'insert' }, ({ engine, table }) => {
  const columns: ColumnSpec[] = [
    { name: 'a', type: 'integer' },
    { name: 'b', type: 'text' },
  ];

  it('[] resolves 0, also for a missing table, and creates nothing', async () => {
    await table('t', columns);
    expect(await engine.insert('t', [])).toBe(0);
    expect(await engine.insert('missing', [])).toBe(0);
    expect(await engine.tables()).toEqual(['t']);
    expect(await engine.count('t')).toBe(0);
  });

  it('resolves the number of rows and stores them', async () => {
    await table('t', columns);
    expect(await engine.insert('t', [keyRow(1, { a: 1, b: 'x' }), keyRow(2, { a: 2, b: 'y' })])).toBe(2);
    expect(await engine.insert('t', [keyRow(3, { a: 3, b: 'z' })])).toBe(1);
    expect(await engine.select('t', { orderBy: [{ column: 'timestamp' }] })).toEqual([keyRow(1, { a: 1, b: 'x' }), keyRow(2, { a: 2, b: 'y' }), keyRow(3, { a: 3, b: 'z' })]);
  });

  it('stores a missing key as NULL', async () => {
    await table('t', columns, [keyRow(1, { a: 1 })]);
    expect(await engine.select('t')).toEqual([keyRow(1, { a: 1, b: null })]);
  });

  it('accepts rows with different key sets in one call', async () => {
    await table('t', [...columns, { name: 'c', type: 'float' }]);
    const rows = [keyRow(1, { a: 1 }), keyRow(2, { b: 'two', c: 2.5 }), keyRow(3, { c: 3.5, a: 3 }), keyRow(4), keyRow(5, { a: 5, b: 'five', c: 5.5 })];
    expect(await engine.insert('t', rows)).toBe(5);
    expect(await engine.select('t', { orderBy: [{ column: 'timestamp' }] })).toEqual([
      keyRow(1, { a: 1, b: null, c: null }),
      keyRow(2, { a: null, b: 'two', c: 2.5 }),
      keyRow(3, { a: 3, b: null, c: 3.5 }),
      keyRow(4, { a: null, b: null, c: null }),
      keyRow(5, { a: 5, b: 'five', c: 5.5 }),
    ]);
  });

  it('stores many rows in one call', HEAVY, async () => {
    await table('t', columns);
    const rows = Array.from({ length: 10_000 }, (_, i) => keyRow(i, { a: i, b: `row ${i}` }));
    expect(await engine.insert('t', rows)).toBe(10_000);
    expect(await engine.count('t')).toBe(10_000);
    expect(await engine.select('t', { where: [{ column: 'a', op: '=', value: 9_999 }] })).toEqual([rows[9_999]]);
  });

  it('rejects an existing (track_id, timestamp) with DUPLICATE_KEY and keeps the old row', async () => {
    await table('t', columns, [keyRow(1, { a: 1, b: 'old' })]);
    await expectCode(engine.insert('t', [keyRow(1, { a: 2, b: 'new' })]), 'DUPLICATE_KEY');
    expect(await engine.select('t')).toEqual([keyRow(1, { a: 1, b: 'old' })]);
  });

  it('rejects a (track_id, timestamp) repeated within one call with DUPLICATE_KEY', async () => {
    await table('t', columns);
    await expectCode(engine.insert('t', [keyRow(1, { a: 1 }), keyRow(1, { a: 2 })]), 'DUPLICATE_KEY');
  });

  it('accepts the same timestamp under another track_id, and the same track_id at another timestamp', async () => {
    await table('t', columns, [keyRow(1, { a: 1 }, 'x')]);
    expect(await engine.insert('t', [keyRow(1, { a: 2 }, 'y'), keyRow(2, { a: 3 }, 'x')])).toBe(2);
    expect(await engine.count('t')).toBe(3);
  });
});
