import { describe, expect, it } from 'vitest';
import type { ColumnSpec, ColumnType } from '@xetrack/core/engine';
import { capabilityTitle, defineGroup, type EngineGroup, HEAVY, keyRow, KEYS, names } from './engine-suite-context.js';

export const ensureColumnsGroup: EngineGroup = defineGroup({ name: 'ensure-columns', title: 'ensureColumns' }, ({ engine, table, another, canOpenAnother }) => {
  it('creates the table with track_id and timestamp first, then the columns in order', async () => {
    await engine.ensureColumns('t', [
      { name: 'b', type: 'float' },
      { name: 'a', type: 'integer' },
    ]);
    expect(await engine.describe('t')).toEqual([
      { name: 'track_id', type: 'text' },
      { name: 'timestamp', type: 'text' },
      { name: 'b', type: 'float' },
      { name: 'a', type: 'integer' },
    ]);
    expect(await engine.tables()).toEqual(['t']);
  });

  it('with [] creates a table of only the key columns', async () => {
    await engine.ensureColumns('t', []);
    expect(names(await engine.describe('t'))).toEqual(KEYS);
    expect(await engine.select('t')).toEqual([]);
    expect(await engine.count('t')).toBe(0);
  });

  it('stores every column type so that describe reads it back', async () => {
    const types: ColumnType[] = ['integer', 'float', 'text', 'boolean', 'blob', 'json'];
    await engine.ensureColumns(
      't',
      types.map((type) => ({ name: `c_${type}`, type })),
    );
    expect((await engine.describe('t')).slice(2)).toEqual(types.map((type) => ({ name: `c_${type}`, type })));
  });

  it('is idempotent', async () => {
    const columns: ColumnSpec[] = [
      { name: 'a', type: 'integer' },
      { name: 'b', type: 'text' },
    ];
    await engine.ensureColumns('t', columns);
    const before = await engine.describe('t');
    await engine.ensureColumns('t', columns);
    await engine.ensureColumns('t', [columns[1] as ColumnSpec]);
    await engine.ensureColumns('t', []);
    expect(await engine.describe('t')).toEqual(before);
  });

  it('matches existing columns case-insensitively', async () => {
    await engine.ensureColumns('t', [{ name: 'Acc', type: 'float' }]);
    await engine.ensureColumns('t', [
      { name: 'acc', type: 'float' },
      { name: 'ACC', type: 'integer' },
      { name: 'TRACK_ID', type: 'text' },
      { name: 'TimeStamp', type: 'text' },
    ]);
    expect(await engine.describe('t')).toEqual([
      { name: 'track_id', type: 'text' },
      { name: 'timestamp', type: 'text' },
      { name: 'Acc', type: 'float' },
    ]);
  });

  it('adds only the missing columns, after the existing ones', async () => {
    await table('t', [{ name: 'a', type: 'integer' }], [keyRow(1, { a: 1 })]);
    await engine.ensureColumns('t', [
      { name: 'b', type: 'text' },
      { name: 'a', type: 'integer' },
      { name: 'c', type: 'boolean' },
    ]);
    expect(names(await engine.describe('t'))).toEqual([...KEYS, 'a', 'b', 'c']);
    expect(await engine.select('t')).toEqual([keyRow(1, { a: 1, b: null, c: null })]);
  });

  it('leaves other tables alone', async () => {
    await table('one', [{ name: 'a', type: 'integer' }], [keyRow(1, { a: 1 })]);
    await engine.ensureColumns('two', [{ name: 'b', type: 'text' }]);
    expect(names(await engine.describe('one'))).toEqual([...KEYS, 'a']);
    expect(await engine.select('one')).toEqual([keyRow(1, { a: 1 })]);
  });

  const shared = capabilityTitle('from two connections', canOpenAnother, 'the factory has no openAnother');
  describe.skipIf(!canOpenAnother)(shared, () => {
    it('adding overlapping columns at the same time succeeds on both, each column once', HEAVY, async () => {
      const other = await another();
      await engine.ensureColumns('t', []);
      for (let round = 0; round < 20; round++) {
        await Promise.all([
          engine.ensureColumns('t', [
            { name: `shared_${round}`, type: 'integer' },
            { name: `mine_${round}`, type: 'text' },
          ]),
          other.ensureColumns('t', [
            { name: `theirs_${round}`, type: 'float' },
            { name: `SHARED_${round}`, type: 'integer' },
          ]),
        ]);
      }
      const mine = names(await engine.describe('t'));
      const theirs = names(await other.describe('t'));
      expect(theirs).toEqual(mine);
      expect(new Set(mine.map((n) => n.toLowerCase())).size).toBe(mine.length);
      expect(mine).toHaveLength(2 + 20 * 3);
    });

    it('creating the same table at the same time succeeds on both', async () => {
      const other = await another();
      await Promise.all([engine.ensureColumns('fresh', [{ name: 'a', type: 'integer' }]), other.ensureColumns('fresh', [{ name: 'b', type: 'integer' }])]);
      expect(names(await engine.describe('fresh')).sort()).toEqual([...KEYS, 'a', 'b'].sort());
    });

    it('a column another connection added is seen by describe, insert, select and ensureColumns', async () => {
      const other = await another();
      await table('t', [{ name: 'a', type: 'integer' }], [keyRow(1, { a: 1 })]);
      await engine.select('t');
      await other.ensureColumns('t', [{ name: 'late', type: 'text' }]);
      expect(names(await engine.describe('t'))).toEqual([...KEYS, 'a', 'late']);
      await engine.ensureColumns('t', [{ name: 'late', type: 'text' }]);
      expect(await engine.insert('t', [keyRow(2, { a: 2, late: 'x' })])).toBe(1);
      expect(await engine.select('t', { where: [{ column: 'late', op: '=', value: 'x' }] })).toEqual([keyRow(2, { a: 2, late: 'x' })]);
      expect(names(await engine.describe('t'))).toEqual([...KEYS, 'a', 'late']);
    });
  });
});
