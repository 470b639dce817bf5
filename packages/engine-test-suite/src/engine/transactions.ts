import { expect, it } from 'vitest';
import { declares, defineGroup, type EngineGroup, expectCode, keyRow } from './engine-suite-context.js';

export const transactionsGroup: EngineGroup = defineGroup({ name: 'transactions', title: 'atomic insert (transactions)', unavailable: declares('transactions') }, ({ engine, table }) => {
  it('keeps nothing of a call rejected for a duplicate key in the call', async () => {
    await table('t', [{ name: 'a', type: 'integer' }], [keyRow(0, { a: 0 })]);
    const rows = Array.from({ length: 1000 }, (_, i) => keyRow(i + 1, { a: i + 1 }));
    rows.push(keyRow(500, { a: -1 }));
    await expectCode(engine.insert('t', rows), 'DUPLICATE_KEY');
    expect(await engine.select('t')).toEqual([keyRow(0, { a: 0 })]);
  });

  it('keeps nothing of a call whose last row collides with a stored row', async () => {
    await table('t', [{ name: 'a', type: 'integer' }], [keyRow(0, { a: 0 })]);
    const rows = [keyRow(1, { a: 1 }), keyRow(2, { a: 2 }), keyRow(0, { a: 99 })];
    await expectCode(engine.insert('t', rows), 'DUPLICATE_KEY');
    expect(await engine.select('t')).toEqual([keyRow(0, { a: 0 })]);
    expect(await engine.insert('t', rows.slice(0, 2))).toBe(2);
    expect(await engine.count('t')).toBe(3);
  });
});
