import { expect, it } from 'vitest';
import { defineGroup, type EngineGroup, keyRow } from './engine-suite-context.js';

export const wideningGroup: EngineGroup = defineGroup({ name: 'widening', title: 'widening' }, ({ engine, table }) => {
  it('a fractional number arriving in an integer column widens it to float, every value kept', async () => {
    await table(
      'w',
      [
        { name: 'n', type: 'integer' },
        { name: 'other', type: 'integer' },
      ],
      [keyRow(0, { n: 0, other: 1 }), keyRow(1, { n: 1, other: 2 })],
    );
    await engine.insert('w', [keyRow(2, { n: 0.7, other: 3 })]);
    expect((await engine.describe('w')).map((c) => c.type)).toEqual(['text', 'text', 'float', 'integer']);
    expect((await engine.select('w', { orderBy: [{ column: 'timestamp' }] })).map((r) => [r.n, r.other])).toEqual([
      [0, 1],
      [1, 2],
      [0.7, 3],
    ]);
    await engine.insert('w', [keyRow(3, { n: 2, other: 4 }), keyRow(4, { n: 2.5, other: 5 })]);
    expect(await engine.count('w', [{ column: 'n', op: '>', value: 1.5 }])).toBe(2);
  });

  it('ensureColumns with float for an existing integer column widens it; asking integer for a float column changes nothing', async () => {
    await table(
      'w',
      [
        { name: 'n', type: 'integer' },
        { name: 'x', type: 'float' },
      ],
      [keyRow(0, { n: 3, x: 0.5 })],
    );
    await engine.ensureColumns('w', [
      { name: 'N', type: 'float' },
      { name: 'x', type: 'integer' },
    ]);
    expect((await engine.describe('w')).slice(2)).toEqual([
      { name: 'n', type: 'float' },
      { name: 'x', type: 'float' },
    ]);
    expect(await engine.select('w', { columns: ['n', 'x'] })).toEqual([{ n: 3, x: 0.5 }]);
  });
});
