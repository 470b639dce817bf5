import { expect, it } from 'vitest';
import type { CellValue, Engine, Row } from '@xetrack/core/engine';
import { byKey, declares, defineGroup, type EngineGroup, expectCode, HEAVY, keyRow } from './engine-suite-context.js';

export const iterateGroup: EngineGroup = defineGroup({ name: 'iterate', title: 'iterate (streaming)', unavailable: declares('streaming') }, ({ engine, table }) => {
  const collect = async (t: string, options?: Parameters<Engine['select']>[1]): Promise<Row[]> => {
    const rows: Row[] = [];
    for await (const row of (engine.iterate as NonNullable<Engine['iterate']>)(t, options)) rows.push(row);
    return rows;
  };
  const big = async (count: number): Promise<Row[]> => {
    const rows = Array.from({ length: count }, (_, i) => keyRow(i, { n: i, grp: i % 7 === 0 ? null : i % 3, s: `s${i % 11}`, ok: i % 2 === 0, big: i === 5 ? 2n ** 62n : i }));
    await table(
      'it',
      [
        { name: 'n', type: 'integer' },
        { name: 'grp', type: 'integer' },
        { name: 's', type: 'text' },
        { name: 'ok', type: 'boolean' },
        { name: 'big', type: 'integer' },
      ],
      rows,
    );
    return rows;
  };

  it('yields every row once, as select returns them', HEAVY, async () => {
    const rows = await big(12_345);
    const seen = await collect('it');
    expect(seen).toHaveLength(rows.length);
    expect([...seen].sort(byKey)).toEqual([...(await engine.select('it'))].sort(byKey));
    expect([...seen].sort(byKey)).toEqual([...rows].sort(byKey));
  });

  it('matches select for where, columns, orderBy, limit and offset', HEAVY, async () => {
    await big(12_345);
    const cases: NonNullable<Parameters<Engine['select']>[1]>[] = [
      { orderBy: [{ column: 'n', desc: true }] },
      { where: [{ column: 'ok', op: '=', value: true }], orderBy: [{ column: 'timestamp' }] },
      { columns: ['big', 'n'], orderBy: [{ column: 'n' }], limit: 7000, offset: 10 },
      { orderBy: [{ column: 's' }, { column: 'n', desc: true }], offset: 5003 },
      { where: [{ column: 'n', op: '<', value: 100 }], orderBy: [{ column: 'n' }], limit: 10 },
      { orderBy: [{ column: 'n' }], limit: 0 },
    ];
    for (const options of cases) {
      expect(
        await collect('it', options),
        JSON.stringify(options, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
      ).toEqual(await engine.select('it', options));
    }
  });

  it('orders by a column with ties and NULLs like select, each row once', HEAVY, async () => {
    await big(12_345);
    for (const desc of [false, true]) {
      const options = { orderBy: [{ column: 'grp', desc }] };
      const seen = await collect('it', options);
      const selected = await engine.select('it', options);
      expect(seen.map((r) => r.grp)).toEqual(selected.map((r) => r.grp));
      expect([...seen].sort(byKey)).toEqual([...selected].sort(byKey));
    }
  });

  it('allows writes through the same engine between yields', HEAVY, async () => {
    await big(12_345);
    await table('log', [{ name: 'seen', type: 'integer' }]);
    let seen = 0;
    for await (const row of (engine.iterate as NonNullable<Engine['iterate']>)('it', { orderBy: [{ column: 'n' }] })) {
      if (seen % 1000 === 0) {
        await engine.insert('log', [keyRow(seen, { seen })]);
        await engine.update('it', { s: 'touched' }, [{ column: 'n', op: '=', value: row.n as number }]);
        expect(await engine.count('log')).toBe(seen / 1000 + 1);
      }
      seen++;
    }
    expect(seen).toBe(12_345);
    expect(await engine.count('log')).toBe(13);
    expect(await engine.count('it', [{ column: 's', op: '=', value: 'touched' }])).toBe(13);
  });

  it('can be abandoned, and the engine keeps working', async () => {
    await big(100);
    for await (const row of (engine.iterate as NonNullable<Engine['iterate']>)('it')) {
      expect(row.track_id).toBe('run');
      break;
    }
    expect(await engine.insert('it', [keyRow(1000, { n: 1000 })])).toBe(1);
    expect(await engine.count('it')).toBe(101);
  });

  it('iterateArrays (optional) gives the rows of iterate as arrays of values, columns order or table order, in non-empty batches', HEAVY, async () => {
    const iterateArrays = engine.iterateArrays?.bind(engine);
    if (iterateArrays === undefined) return; // core builds the arrays from iterate
    const arrays = async (t: string, options?: Parameters<Engine['select']>[1]): Promise<CellValue[][]> => {
      const out: CellValue[][] = [];
      for await (const batch of iterateArrays(t, options)) {
        expect(batch.length).toBeGreaterThan(0);
        out.push(...batch);
      }
      return out;
    };
    await big(12_345);
    const all = (await engine.describe('it')).map((c) => c.name);
    const cases: NonNullable<Parameters<Engine['select']>[1]>[] = [
      { orderBy: [{ column: 'n', desc: true }] },
      { columns: ['big', 'ok', 'n', 'big'], where: [{ column: 'grp', op: '=', value: 1 }], orderBy: [{ column: 'timestamp' }] },
      { columns: ['s', 'n'], orderBy: [{ column: 'n' }], limit: 7000, offset: 10 },
    ];
    for (const options of cases) {
      const names = options.columns ?? all;
      const expected = (await engine.select('it', options)).map((row) => names.map((name) => row[name]));
      expect(await arrays('it', options), JSON.stringify(options)).toEqual(expected);
    }
    expect(await arrays('missing')).toEqual([]);
    await expectCode(arrays('it', { columns: ['nope'] }), 'UNKNOWN_COLUMN');
  });

  it('yields nothing for a missing table', async () => {
    expect(await collect('missing')).toEqual([]);
  });

  it('rejects an unknown column with UNKNOWN_COLUMN', async () => {
    await big(3);
    await expectCode(collect('it', { where: [{ column: 'nope', op: '=', value: 1 }] }), 'UNKNOWN_COLUMN');
  });
});
