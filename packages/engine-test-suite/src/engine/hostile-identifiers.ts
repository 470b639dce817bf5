import { expect, it } from 'vitest';
import type { ColumnSpec, Row } from '@xetrack/core/engine';
import { byKey, defineGroup, type EngineGroup, HEAVY, HOSTILE_NAMES, keyRow, KEYS, names, ts } from './engine-suite-context.js';

export const hostileIdentifiersGroup: EngineGroup = defineGroup({ name: 'hostile-identifiers', title: 'hostile identifiers' }, ({ engine, table }) => {
  const sentinel = async (): Promise<void> => {
    await table('sentinel', [{ name: 'v', type: 'integer' }], [keyRow(1, { v: 1 })]);
  };
  const sentinelIntact = async (): Promise<void> => {
    expect(await engine.select('sentinel')).toEqual([keyRow(1, { v: 1 })]);
  };

  it('work as table names, and nothing else is created or dropped', HEAVY, async () => {
    await sentinel();
    for (const [index, t] of HOSTILE_NAMES.entries()) {
      const i = index + 1;
      await engine.ensureColumns(t, [{ name: 'v', type: 'integer' }]);
      expect(names(await engine.describe(t)), t).toEqual([...KEYS, 'v']);
      expect(await engine.insert(t, [keyRow(1, { v: i }), keyRow(2, { v: -i })]), t).toBe(2);
      expect(await engine.count(t, [{ column: 'v', op: '=', value: i }]), t).toBe(1);
      expect(await engine.update(t, { v: 100 }, [{ column: 'v', op: '=', value: -i }]), t).toBe(1);
      expect(await engine.select(t, { orderBy: [{ column: 'timestamp' }] }), t).toEqual([keyRow(1, { v: i }), keyRow(2, { v: 100 })]);
      if (engine.iterate) {
        const seen: Row[] = [];
        for await (const row of engine.iterate(t)) seen.push(row);
        expect(seen.sort(byKey), t).toEqual([keyRow(1, { v: i }), keyRow(2, { v: 100 })]);
      }
      expect(await engine.delete(t, [{ column: 'v', op: '=', value: 100 }]), t).toBe(1);
      expect(await engine.count(t), t).toBe(1);
    }
    expect(await engine.tables()).toEqual(['sentinel', ...HOSTILE_NAMES].sort());
    await sentinelIntact();
  });

  it('work as column names in every method, and nothing else is created or dropped', HEAVY, async () => {
    await sentinel();
    const columns = HOSTILE_NAMES.map((n): ColumnSpec => ({ name: n, type: 'text' }));
    await engine.ensureColumns('hostile', columns);
    expect(names(await engine.describe('hostile'))).toEqual([...KEYS, ...HOSTILE_NAMES]);
    await engine.ensureColumns('hostile', columns);
    expect(names(await engine.describe('hostile'))).toEqual([...KEYS, ...HOSTILE_NAMES]);

    // Object.fromEntries makes `__proto__` an own key, as a parsed or computed key would be.
    const rowOf = (i: number): Row => Object.fromEntries([...Object.entries(keyRow(i)), ...HOSTILE_NAMES.map((n, j) => [n, `${i}:${j}:${n}`])]);
    const rows = [rowOf(1), rowOf(2), rowOf(3)];
    expect(await engine.insert('hostile', rows)).toBe(3);

    const all = await engine.select('hostile', { orderBy: [{ column: 'timestamp' }] });
    expect(all.map((r) => Object.keys(r))).toEqual(rows.map(() => [...KEYS, ...HOSTILE_NAMES]));
    for (const [i, row] of all.entries()) {
      for (const n of HOSTILE_NAMES) {
        expect(Object.getOwnPropertyDescriptor(row, n)?.value, n).toBe(`${i + 1}:${HOSTILE_NAMES.indexOf(n)}:${n}`);
      }
    }
    for (const [j, n] of HOSTILE_NAMES.entries()) {
      const value = `2:${j}:${n}`;
      const picked = await engine.select('hostile', {
        where: [{ column: n, op: '=', value }],
        columns: [n, 'timestamp'],
        orderBy: [{ column: n, desc: true }],
      });
      expect(
        picked.map((r) => Object.entries(r)),
        n,
      ).toEqual([
        [
          [n, value],
          ['timestamp', ts(2)],
        ],
      ]);
      expect(await engine.count('hostile', [{ column: n, op: 'in', value: [value, 'none'] }]), n).toBe(1);
    }
    const last = HOSTILE_NAMES[HOSTILE_NAMES.length - 1] as string;
    for (const n of HOSTILE_NAMES) {
      expect(await engine.update('hostile', Object.fromEntries([[n, 'changed']]), [{ column: last, op: '=', value: `3:${HOSTILE_NAMES.length - 1}:${last}` }]), n).toBe(1);
    }
    const [changed] = await engine.select('hostile', { where: [{ column: 'timestamp', op: '=', value: ts(3) }] });
    for (const n of HOSTILE_NAMES) expect(Object.getOwnPropertyDescriptor(changed, n)?.value, n).toBe('changed');
    expect(
      await engine.delete('hostile', [
        { column: HOSTILE_NAMES[0] as string, op: 'is not null' },
        { column: 'timestamp', op: '<', value: ts(3) },
      ]),
    ).toBe(2);
    expect(await engine.count('hostile')).toBe(1);
    expect(await engine.tables()).toEqual(['hostile', 'sentinel']);
    await sentinelIntact();
  });
});
