import { expect, it } from 'vitest';
import type { CellValue, Filter, Row, Where } from '@xetrack/core/engine';
import { byKey, defineGroup, type EngineGroup, expectCode, keyRow, KEYS } from './engine-suite-context.js';

export const selectFiltersGroup: EngineGroup = defineGroup({ name: 'select-filters', title: 'select, count and filters' }, ({ engine, table }) => {
  // n: 0..9 and one NULL row; x: n/2 except NULL at n=3; s: cycles a/b/c; b: n even.
  const fixture = async (): Promise<Row[]> => {
    const rows: Row[] = Array.from({ length: 10 }, (_, n) => keyRow(n, { n, x: n === 3 ? null : n / 2, s: 'abc'[n % 3] as string, b: n % 2 === 0 }));
    rows.push(keyRow(10, { n: null, x: null, s: null, b: null }));
    await table(
      'm',
      [
        { name: 'n', type: 'integer' },
        { name: 'x', type: 'float' },
        { name: 's', type: 'text' },
        { name: 'b', type: 'boolean' },
      ],
      rows,
    );
    return rows;
  };
  const ns = async (where: Where[]): Promise<(CellValue | undefined)[]> => (await engine.select('m', { where, orderBy: [{ column: 'timestamp' }] })).map((r) => r.n);

  it('without options returns every row with every column in table order', async () => {
    const rows = await fixture();
    const all = await engine.select('m');
    expect([...all].sort(byKey)).toEqual(rows);
    for (const row of all) expect(Object.keys(row)).toEqual([...KEYS, 'n', 'x', 's', 'b']);
  });

  it('= != < <= > >= compare values', async () => {
    await fixture();
    expect(await ns([{ column: 'n', op: '=', value: 4 }])).toEqual([4]);
    expect(await ns([{ column: 'n', op: '!=', value: 4 }])).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 9]);
    expect(await ns([{ column: 'n', op: '<', value: 3 }])).toEqual([0, 1, 2]);
    expect(await ns([{ column: 'n', op: '<=', value: 3 }])).toEqual([0, 1, 2, 3]);
    expect(await ns([{ column: 'n', op: '>', value: 7 }])).toEqual([8, 9]);
    expect(await ns([{ column: 'n', op: '>=', value: 7 }])).toEqual([7, 8, 9]);
    expect(await ns([{ column: 'x', op: '>', value: 3.5 }])).toEqual([8, 9]);
    expect(await ns([{ column: 's', op: '=', value: 'b' }])).toEqual([1, 4, 7]);
    expect(await ns([{ column: 's', op: '>=', value: 'b' }])).toEqual([1, 2, 4, 5, 7, 8]);
  });

  it('comparisons follow SQL: NULL matches none of them', async () => {
    await fixture();
    expect(await ns([{ column: 'x', op: '!=', value: 0 }])).toEqual([1, 2, 4, 5, 6, 7, 8, 9]);
    expect(await ns([{ column: 'x', op: '<', value: 100 }])).toHaveLength(9);
  });

  it('filters booleans with true and false', async () => {
    await fixture();
    expect(await ns([{ column: 'b', op: '=', value: true }])).toEqual([0, 2, 4, 6, 8]);
    expect(await ns([{ column: 'b', op: '=', value: false }])).toEqual([1, 3, 5, 7, 9]);
  });

  it('in matches any listed value; in [] matches nothing', async () => {
    await fixture();
    expect(await ns([{ column: 'n', op: 'in', value: [9, 2, 5, 42] }])).toEqual([2, 5, 9]);
    expect(await ns([{ column: 's', op: 'in', value: ['c'] }])).toEqual([2, 5, 8]);
    expect(await ns([{ column: 'n', op: 'in', value: [] }])).toEqual([]);
    expect(await engine.count('m', [{ column: 'n', op: 'in', value: [] }])).toBe(0);
  });

  it('is null and is not null', async () => {
    await fixture();
    expect(await ns([{ column: 'x', op: 'is null' }])).toEqual([3, null]);
    expect(await ns([{ column: 'n', op: 'is not null' }])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('several filters are joined with AND', async () => {
    await fixture();
    expect(
      await ns([
        { column: 'n', op: '>=', value: 2 },
        { column: 'b', op: '=', value: true },
        { column: 's', op: '!=', value: 'c' },
      ]),
    ).toEqual([4, 6]);
  });

  it('and/or nest to any depth; empty and matches all, empty or nothing', async () => {
    await fixture();
    // n < 2 OR (s = 'c' AND b = true) OR n IN (9)
    const tree: Where[] = [
      {
        or: [
          { column: 'n', op: '<', value: 2 },
          {
            and: [
              { column: 's', op: '=', value: 'c' },
              { column: 'b', op: '=', value: true },
            ],
          },
          { column: 'n', op: 'in', value: [9] },
        ],
      },
    ];
    expect(await ns(tree)).toEqual([0, 1, 2, 8, 9]);
    expect(
      await ns([
        { column: 'n', op: '>', value: 0 },
        {
          or: [
            { column: 'x', op: 'is null' },
            { column: 'n', op: '=', value: 4 },
          ],
        },
      ]),
    ).toEqual([3, 4]);
    expect(await ns([{ or: [{ and: [{ or: [{ column: 'n', op: '=', value: 1 }] }] }, { column: 'n', op: 'in', value: [] }] }])).toEqual([1]);
    expect(await ns([{ and: [] }])).toHaveLength(11);
    expect(await ns([{ or: [] }])).toEqual([]);
    expect(await engine.count('m', tree)).toBe(5);
    expect(await engine.count('m', [{ or: [] }])).toBe(0);
  });

  it('like matches % and _ patterns, ASCII letters in either case, \\ escapes, NULL never', async () => {
    await table(
      'l',
      [
        { name: 't', type: 'text' },
        { name: 'n', type: 'integer' },
      ],
      [
        keyRow(0, { t: 'gpt-4o', n: 10 }),
        keyRow(1, { t: 'GPT-3.5', n: 25 }),
        keyRow(2, { t: 'claude_3', n: 3 }),
        keyRow(3, { t: 'claude-3', n: 110 }),
        keyRow(4, { t: '100%', n: null }),
        keyRow(5, { t: null, n: 1 }),
      ],
    );
    const ts = async (where: Where[]) => (await engine.select('l', { where, orderBy: [{ column: 'timestamp' }] })).map((r) => r.t);
    expect(await ts([{ column: 't', op: 'like', value: 'gpt%' }])).toEqual(['gpt-4o', 'GPT-3.5']);
    expect(await ts([{ column: 't', op: 'like', value: 'claude_3' }])).toEqual(['claude_3', 'claude-3']);
    expect(await ts([{ column: 't', op: 'like', value: 'claude\\_3' }])).toEqual(['claude_3']);
    expect(await ts([{ column: 't', op: 'like', value: '%\\%' }])).toEqual(['100%']);
    expect(await ts([{ column: 't', op: 'like', value: '%' }])).toHaveLength(5);
    // a number matches as its text
    expect(await ts([{ column: 'n', op: 'like', value: '1%' }])).toEqual(['gpt-4o', 'claude-3', null]);
    expect(
      await engine.count('l', [
        {
          or: [
            { column: 't', op: 'like', value: 'GPT%' },
            { column: 'n', op: '=', value: 3 },
          ],
        },
      ]),
    ).toBe(3);
  });

  it('update and delete take and/or trees', async () => {
    await fixture();
    const tree: Where[] = [
      {
        or: [
          { column: 'n', op: '=', value: 1 },
          { column: 's', op: 'like', value: 'C' },
        ],
      },
    ];
    expect(await engine.update('m', { x: 99 }, tree)).toBe(4);
    expect(await ns([{ column: 'x', op: '=', value: 99 }])).toEqual([1, 2, 5, 8]);
    expect(await engine.delete('m', tree)).toBe(4);
    expect(await engine.count('m')).toBe(7);
  });

  it('filters a bigint beyond 2^53 exactly', async () => {
    await table('big', [{ name: 'v', type: 'integer' }], [keyRow(1, { v: 2n ** 62n }), keyRow(2, { v: 2n ** 62n + 1n })]);
    expect(await engine.select('big', { where: [{ column: 'v', op: '=', value: 2n ** 62n + 1n }] })).toEqual([keyRow(2, { v: 2n ** 62n + 1n })]);
    expect(await engine.count('big', [{ column: 'v', op: '>', value: 2n ** 62n }])).toBe(1);
  });

  it('columns picks and orders the columns', async () => {
    await fixture();
    const rows = await engine.select('m', { columns: ['s', 'n'], where: [{ column: 'n', op: '<', value: 2 }], orderBy: [{ column: 'n' }] });
    expect(rows.map((r) => Object.entries(r))).toEqual([
      [
        ['s', 'a'],
        ['n', 0],
      ],
      [
        ['s', 'b'],
        ['n', 1],
      ],
    ]);
  });

  it('orderBy sorts ascending, descending and by several columns', async () => {
    await fixture();
    const notNull: Filter[] = [{ column: 'n', op: 'is not null' }];
    expect((await engine.select('m', { where: notNull, orderBy: [{ column: 'n', desc: true }] })).map((r) => r.n)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect((await engine.select('m', { where: notNull, orderBy: [{ column: 's' }, { column: 'n', desc: true }] })).map((r) => r.n)).toEqual([9, 6, 3, 0, 7, 4, 1, 8, 5, 2]);
    expect((await engine.select('m', { where: notNull, orderBy: [{ column: 'b', desc: true }, { column: 'n' }] })).map((r) => r.n)).toEqual([0, 2, 4, 6, 8, 1, 3, 5, 7, 9]);
  });

  it('limit and offset page through ordered rows', async () => {
    await fixture();
    const page = async (limit?: number, offset?: number) =>
      (
        await engine.select('m', {
          where: [{ column: 'n', op: 'is not null' }],
          orderBy: [{ column: 'n' }],
          ...(limit === undefined ? {} : { limit }),
          ...(offset === undefined ? {} : { offset }),
        })
      ).map((r) => r.n);
    expect(await page(3)).toEqual([0, 1, 2]);
    expect(await page(3, 3)).toEqual([3, 4, 5]);
    expect(await page(3, 8)).toEqual([8, 9]);
    expect(await page(undefined, 7)).toEqual([7, 8, 9]);
    expect(await page(0)).toEqual([]);
    expect(await page(5, 100)).toEqual([]);
  });

  it('count counts all rows, or the matching ones', async () => {
    await fixture();
    expect(await engine.count('m')).toBe(11);
    expect(await engine.count('m', [])).toBe(11);
    expect(await engine.count('m', [{ column: 'b', op: '=', value: true }])).toBe(5);
    expect(await engine.count('m', [{ column: 'x', op: 'is null' }])).toBe(2);
  });

  it('a missing table: select [], count 0, update 0, delete 0, and it is not created', async () => {
    expect(await engine.select('missing')).toEqual([]);
    expect(await engine.select('missing', { where: [{ column: 'a', op: '=', value: 1 }], orderBy: [{ column: 'a' }], limit: 1 })).toEqual([]);
    expect(await engine.count('missing')).toBe(0);
    expect(await engine.count('missing', [{ column: 'a', op: '=', value: 1 }])).toBe(0);
    expect(await engine.update('missing', { a: 1 }, [])).toBe(0);
    expect(await engine.delete('missing', [])).toBe(0);
    expect(await engine.tables()).toEqual([]);
  });

  it('an unknown column rejects with UNKNOWN_COLUMN', async () => {
    await fixture();
    const where: Filter[] = [{ column: 'nope', op: '=', value: 'nope' }];
    await expectCode(engine.select('m', { where }), 'UNKNOWN_COLUMN');
    await expectCode(engine.select('m', { columns: ['n', 'nope'] }), 'UNKNOWN_COLUMN');
    await expectCode(engine.select('m', { orderBy: [{ column: 'nope' }] }), 'UNKNOWN_COLUMN');
    await expectCode(engine.count('m', where), 'UNKNOWN_COLUMN');
    await expectCode(engine.update('m', { n: 1 }, where), 'UNKNOWN_COLUMN');
    await expectCode(engine.update('m', { nope: 1 }, []), 'UNKNOWN_COLUMN');
    await expectCode(engine.delete('m', where), 'UNKNOWN_COLUMN');
    expect(await engine.count('m')).toBe(11);
  });
});
