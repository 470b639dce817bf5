import { expect, it } from 'vitest';
import { defineGroup, type EngineGroup, expectCode, keyRow, KEYS, names, ts } from './engine-suite-context.js';

export const updateDeleteGroup: EngineGroup = defineGroup({ name: 'update-delete', title: 'update and delete' }, ({ engine, table }) => {
  const setup = async (): Promise<void> => {
    await table(
      't',
      [
        { name: 'n', type: 'integer' },
        { name: 'tag', type: 'text' },
        { name: 'ok', type: 'boolean' },
      ],
      Array.from({ length: 6 }, (_, n) => keyRow(n, { n, tag: n < 3 ? 'low' : 'high', ok: null })),
    );
  };

  it('update sets values on the matching rows and resolves their count', async () => {
    await setup();
    expect(await engine.update('t', { ok: true, tag: 'LOW' }, [{ column: 'tag', op: '=', value: 'low' }])).toBe(3);
    const rows = await engine.select('t', { orderBy: [{ column: 'n' }] });
    expect(rows.map((r) => [r.tag, r.ok])).toEqual([
      ['LOW', true],
      ['LOW', true],
      ['LOW', true],
      ['high', null],
      ['high', null],
      ['high', null],
    ]);
  });

  it('update with no filters changes every row; with no match resolves 0', async () => {
    await setup();
    expect(await engine.update('t', { ok: false }, [])).toBe(6);
    expect(await engine.count('t', [{ column: 'ok', op: '=', value: false }])).toBe(6);
    expect(await engine.update('t', { ok: true }, [{ column: 'n', op: '>', value: 100 }])).toBe(0);
    expect(await engine.count('t', [{ column: 'ok', op: '=', value: true }])).toBe(0);
  });

  it('update can set NULL', async () => {
    await setup();
    expect(await engine.update('t', { tag: null }, [{ column: 'n', op: 'in', value: [1, 2] }])).toBe(2);
    expect(await engine.count('t', [{ column: 'tag', op: 'is null' }])).toBe(2);
  });

  it('update onto an existing (track_id, timestamp) rejects with DUPLICATE_KEY and changes nothing', async () => {
    await setup();
    await expectCode(engine.update('t', { timestamp: ts(0) }, [{ column: 'n', op: '=', value: 1 }]), 'DUPLICATE_KEY');
    expect((await engine.select('t', { orderBy: [{ column: 'n' }] })).map((r) => r.timestamp)).toEqual([0, 1, 2, 3, 4, 5].map(ts));
  });

  it('delete removes the matching rows and resolves their count', async () => {
    await setup();
    expect(await engine.delete('t', [{ column: 'n', op: '>=', value: 4 }])).toBe(2);
    expect(await engine.delete('t', [{ column: 'n', op: '>=', value: 4 }])).toBe(0);
    expect((await engine.select('t', { orderBy: [{ column: 'n' }] })).map((r) => r.n)).toEqual([0, 1, 2, 3]);
  });

  it('delete with no filters removes every row and keeps the table', async () => {
    await setup();
    expect(await engine.delete('t', [])).toBe(6);
    expect(await engine.count('t')).toBe(0);
    expect(await engine.tables()).toEqual(['t']);
    expect(names(await engine.describe('t'))).toEqual([...KEYS, 'n', 'tag', 'ok']);
  });
});
