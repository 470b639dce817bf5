import { expect, it } from 'vitest';
import { defineGroup, expectCode, type TrackerGroup } from './tracker-suite-context.js';

export const paramsGroup: TrackerGroup = defineGroup({ name: 'params', title: 'params and updates' }, ({ tracker }) => {
  it('setParam adds a column now and a value to every later row', async () => {
    const t = await tracker({ params: { model: 'm' } });
    await t.log({ a: 1 });
    expect(await t.setParam('lr', 0.01)).toBe('lr');
    expect(await t.columns()).toContain('lr');
    await t.log({ a: 2 });
    await t.setParams({ seed: 7, opt: 'adam' });
    await t.log({ a: 3 });
    expect(t.params).toEqual({ model: 'm', lr: 0.01, seed: 7, opt: 'adam' });
    const rows = await t.toRows();
    expect(rows.map((r) => [r.lr, r.seed])).toEqual([
      [null, null],
      [0.01, null],
      [0.01, 7],
    ]);
  });

  it('setValue changes every row of this run and no other', async () => {
    const a = await tracker({ trackId: 'a' });
    const b = await tracker({ trackId: 'b' });
    await a.log({ x: 1 });
    await a.log({ x: 2 });
    await b.log({ x: 3 });
    expect(await a.setValue('status', 'done')).toBe(2);
    expect(await a.values('status')).toEqual(['done', 'done']);
    expect(await b.values('status')).toEqual([null]);
  });

  it('setWhere changes the matching rows of this run', async () => {
    const t = await tracker({ trackId: 'w' });
    await t.logBatch([{ epoch: 1 }, { epoch: 2 }, { epoch: 2 }]);
    expect(await t.setWhere('note', 'edited', 'epoch', 2)).toBe(2);
    expect(await t.values('note')).toEqual([null, 'edited', 'edited']);
    await expectCode(t.setWhere('note', 'x', 'no_such_column', 1), 'UNKNOWN_COLUMN');
  });

  it('reset empties the table', async () => {
    const first = await tracker();
    await first.log({ a: 1 });
    const second = await tracker({ reset: true });
    expect(await second.countAll()).toBe(0);
  });
});
