import { describe, expect, it } from 'vitest';
import { guardEngine } from '../src/engine/guard-engine.js';
import { logOnlyEngine } from '../src/engine/log-only-engine.js';
import { composeWhere, referencedColumns } from '../src/engine/where.js';
import type { Engine, Filter } from '../src/engine/contract.js';
import { isXetrackError } from '../src/errors.js';

const leaf = (f: Filter) => `${f.column} ${f.op}${f.value === undefined ? '' : ` ${JSON.stringify(f.value)}`}`;

describe('composeWhere', () => {
  it('joins the list with AND and nests and/or in parentheses', () => {
    expect(composeWhere([], leaf)).toBe('');
    expect(composeWhere([{ column: 'a', op: '=', value: 1 }], leaf)).toBe('a = 1');
    expect(
      composeWhere(
        [
          { column: 'a', op: '>', value: 1 },
          {
            or: [
              { column: 'b', op: 'is null' },
              {
                and: [
                  { column: 'c', op: 'like', value: 'x%' },
                  { column: 'd', op: '<', value: 2 },
                ],
              },
            ],
          },
        ],
        leaf,
      ),
    ).toBe('(a > 1 AND (b is null OR (c like "x%" AND d < 2)))');
  });

  it('makes empty and ALWAYS, empty or and in [] NEVER, without calling leaf', () => {
    const never = () => {
      throw new Error('leaf called');
    };
    expect(composeWhere([{ and: [] }], never)).toBe('(1 = 1)');
    expect(composeWhere([{ or: [] }], never)).toBe('(1 = 0)');
    expect(composeWhere([{ column: 'a', op: 'in', value: [] }], never)).toBe('(1 = 0)');
  });

  it('referencedColumns lists every column options name, nested ones included', () => {
    expect(
      referencedColumns({
        where: [{ or: [{ column: 'a', op: '=', value: 1 }, { and: [{ column: 'b', op: 'is null' }] }] }],
        columns: ['c'],
        orderBy: [{ column: 'd' }],
        groupBy: ['e'],
        measures: [{ fn: 'max', column: 'f', as: 'm' }],
      }),
    ).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });
});

describe('the engine guard checks arguments once, before the engine', () => {
  const recording = () => {
    const calls: string[] = [];
    const inner = logOnlyEngine(':memory:');
    const engine: Engine = {
      ...inner,
      select: async (t, o) => (calls.push('select'), inner.select(t, o)),
      count: async (t, w) => (calls.push('count'), inner.count(t, w)),
      update: async (t, v, w) => (calls.push('update'), inner.update(t, v, w)),
      delete: async (t, w) => (calls.push('delete'), inner.delete(t, w)),
    };
    return { calls, guarded: guardEngine(engine) };
  };
  const invalid = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isXetrackError(error, 'INVALID_ARGUMENT'), String(error)).toBe(true);
    return (error as Error).message;
  };

  it('refuses bad limits, columns, orderBy, ops and values with INVALID_ARGUMENT', async () => {
    const { calls, guarded } = recording();
    expect(await invalid(guarded.select('t', { limit: -1 }))).toContain('limit');
    expect(await invalid(guarded.select('t', { offset: 0.5 }))).toContain('offset');
    expect(await invalid(guarded.select('t', { columns: [] }))).toContain('columns');
    expect(await invalid(guarded.select('t', { orderBy: [{ column: '' }] }))).toContain('orderBy');
    expect(await invalid(guarded.select('t', { where: [{ column: 'a', op: 'between' as never, value: 1 }] }))).toContain("'like'");
    expect(await invalid(guarded.select('t', { where: [{ column: 'a', op: 'in', value: 1 }] }))).toContain('array');
    expect(await invalid(guarded.select('t', { where: [{ column: 'a', op: '=', value: [1] }] }))).toContain("op 'in'");
    expect(await invalid(guarded.select('t', { where: [{ column: 'a', op: 'like', value: 1 }] }))).toContain('pattern');
    expect(await invalid(guarded.count('t', [{ or: [{ column: 'a', op: '=', value: {} as never }] }]))).toContain('takes a string');
    expect(await invalid(guarded.count('t', [{ and: [], or: [] } as never]))).toContain('either');
    expect(await invalid(guarded.update('t', { a: 1 }, 'a = 1' as never))).toContain('array');
    expect(await invalid(guarded.delete('t', [null as never]))).toContain('condition');
    expect(await invalid(guarded.aggregate!('t', { measures: [{ fn: 'median' as never, column: 'a', as: 'm' }] }))).toContain('count_distinct');
    expect(await invalid(guarded.aggregate!('t', { groupBy: ['m'], measures: [{ fn: 'max', column: 'a', as: 'm' }] }))).toContain('twice');
    expect(calls).toEqual([]);
    await guarded.select('t', { where: [{ or: [{ column: 'a', op: 'like', value: 'x%' }] }], limit: 0 });
    expect(calls).toEqual(['select']);
  });
});
