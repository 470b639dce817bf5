import { expect, it } from 'vitest';
import { aggregateRows, type AggregateOptions, type Measure, type Row } from '@xetrack/core/engine';
import { capabilityTitle, defineGroup, type EngineGroup, expectCode, keyRow, ts } from './engine-suite-context.js';

export const aggregateGroup: EngineGroup = defineGroup(
  { name: 'aggregate', title: "aggregate (in the engine where it has the capability, else core's fallback; both must agree)" },
  ({ engine, table, caps }) => {
    // three runs; n per run, x a float with a NULL, s text, b boolean, j json
    const fixture = async (): Promise<void> => {
      const rows: Row[] = [];
      let i = 0;
      for (const [run, values] of [
        ['r1', [1, 5, 3]],
        ['r2', [7, 2]],
        ['r3', [4, 4, 4, 9]],
      ] as const) {
        for (const n of values) {
          rows.push(keyRow(i, { n, x: n === 5 ? null : n / 2, s: `s${n}`, b: n % 2 === 0, j: JSON.stringify({ n }) }, run));
          i++;
        }
      }
      rows.push(keyRow(i, { n: 6, x: null, s: null, b: null, j: null }, 'r2'));
      await table(
        'g',
        [
          { name: 'n', type: 'integer' },
          { name: 'x', type: 'float' },
          { name: 's', type: 'text' },
          { name: 'b', type: 'boolean' },
          { name: 'j', type: 'json' },
        ],
        rows,
      );
    };
    const both = async (options: AggregateOptions): Promise<Row[]> => {
      const fallback = await aggregateRows(engine, 'g', options);
      if (!caps.aggregate || !engine.aggregate) return fallback;
      const native = await engine.aggregate('g', options);
      expect(native, "the engine and core's fallback disagree").toEqual(fallback);
      return native;
    };

    it('computes every function per group, groups in ascending order', async () => {
      await fixture();
      const rows = await both({
        groupBy: ['track_id'],
        measures: [
          { fn: 'count', as: 'rows' },
          { fn: 'count', column: 'x', as: 'xs' },
          { fn: 'count_distinct', column: 'n', as: 'distinct' },
          { fn: 'min', column: 'n', as: 'min' },
          { fn: 'max', column: 's', as: 'max' },
          { fn: 'sum', column: 'n', as: 'sum' },
          { fn: 'avg', column: 'x', as: 'avg' },
          { fn: 'first', column: 'x', as: 'first' },
          { fn: 'last', column: 's', as: 'last' },
          { fn: 'min', column: 'timestamp', as: 'start' },
        ],
      });
      expect(rows).toEqual([
        { track_id: 'r1', rows: 3, xs: 2, distinct: 3, min: 1, max: 's5', sum: 9, avg: 1, first: 0.5, last: 's3', start: ts(0) },
        { track_id: 'r2', rows: 3, xs: 2, distinct: 3, min: 2, max: 's7', sum: 15, avg: 2.25, first: 3.5, last: 's2', start: ts(3) },
        { track_id: 'r3', rows: 4, xs: 4, distinct: 2, min: 4, max: 's9', sum: 21, avg: 2.625, first: 2, last: 's9', start: ts(5) },
      ]);
    });

    it('keeps each column type: booleans, json text, floats', async () => {
      await fixture();
      const [row] = await both({
        where: [{ column: 'track_id', op: '=', value: 'r3' }],
        measures: [
          { fn: 'min', column: 'b', as: 'anyFalse' },
          { fn: 'max', column: 'b', as: 'anyTrue' },
          { fn: 'last', column: 'j', as: 'j' },
          { fn: 'max', column: 'x', as: 'x' },
        ],
      });
      expect(row).toEqual({ anyFalse: false, anyTrue: true, j: JSON.stringify({ n: 9 }), x: 4.5 });
    });

    it('filters with where (and/or) before aggregating; first/last honour it', async () => {
      await fixture();
      const rows = await both({
        where: [
          {
            or: [
              { column: 'n', op: '<', value: 4 },
              { column: 'n', op: '=', value: 9 },
            ],
          },
        ],
        groupBy: ['track_id'],
        measures: [
          { fn: 'count', as: 'rows' },
          { fn: 'last', column: 'n', as: 'last' },
          { fn: 'first', column: 'n', as: 'first' },
        ],
      });
      expect(rows).toEqual([
        { track_id: 'r1', rows: 2, last: 3, first: 1 },
        { track_id: 'r2', rows: 1, last: 2, first: 2 },
        { track_id: 'r3', rows: 1, last: 9, first: 9 },
      ]);
    });

    it('groups by several columns, NULL being a group of its own, first', async () => {
      await fixture();
      const rows = await both({ groupBy: ['b', 'track_id'], measures: [{ fn: 'count', as: 'rows' }] });
      expect(rows).toEqual([
        { b: null, track_id: 'r2', rows: 1 },
        { b: false, track_id: 'r1', rows: 3 },
        { b: false, track_id: 'r2', rows: 1 },
        { b: false, track_id: 'r3', rows: 1 },
        { b: true, track_id: 'r2', rows: 1 },
        { b: true, track_id: 'r3', rows: 3 },
      ]);
    });

    it('without groupBy gives one row, also over no rows; a missing table gives []', async () => {
      await fixture();
      const measures: Measure[] = [
        { fn: 'count', as: 'rows' },
        { fn: 'count_distinct', column: 's', as: 'd' },
        { fn: 'max', column: 'n', as: 'max' },
        { fn: 'sum', column: 'x', as: 'sum' },
        { fn: 'last', column: 'n', as: 'last' },
      ];
      expect(await both({ measures })).toEqual([{ rows: 10, d: 7, max: 9, sum: 17, last: 6 }]);
      expect(await both({ where: [{ column: 'n', op: '>', value: 100 }], measures })).toEqual([{ rows: 0, d: 0, max: null, sum: null, last: null }]);
      if (caps.aggregate && engine.aggregate) expect(await engine.aggregate('missing', { measures })).toEqual([]);
    });

    it("core's fallback rejects an unknown column with UNKNOWN_COLUMN", async () => {
      await fixture();
      await expectCode(aggregateRows(engine, 'g', { measures: [{ fn: 'max', column: 'nope', as: 'm' }] }), 'UNKNOWN_COLUMN');
      await expectCode(aggregateRows(engine, 'g', { groupBy: ['nope'], measures: [{ fn: 'count', as: 'm' }] }), 'UNKNOWN_COLUMN');
    });

    it.skipIf(!caps.aggregate)(capabilityTitle('rejects an unknown column with UNKNOWN_COLUMN', caps.aggregate === true, 'engine declares no aggregate'), async () => {
      await fixture();
      await expectCode(engine.aggregate!('g', { measures: [{ fn: 'max', column: 'nope', as: 'm' }] }), 'UNKNOWN_COLUMN');
      await expectCode(engine.aggregate!('g', { groupBy: ['nope'], measures: [{ fn: 'count', as: 'm' }] }), 'UNKNOWN_COLUMN');
    });
  },
);
