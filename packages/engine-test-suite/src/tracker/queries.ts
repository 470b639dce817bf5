import { expect, it } from 'vitest';
import { defineGroup, type TrackerGroup } from './tracker-suite-context.js';

export const queriesGroup: TrackerGroup = defineGroup({ name: 'queries', title: 'queries' }, ({ tracker, reader }) => {
  it('head, tail, rowAt, values, countRun and countAll', async () => {
    const t = await tracker({ trackId: 'q' });
    const other = await tracker({ trackId: 'other' });
    await other.log({ k: -1 });
    await t.logBatch([0, 1, 2, 3, 4, 5].map((k) => ({ k })));
    expect((await t.head(2)).map((r) => r.k)).toEqual([0, 1]);
    expect((await t.tail(2)).map((r) => r.k)).toEqual([4, 5]);
    expect((await t.rowAt(0))?.k).toBe(0);
    expect((await t.rowAt(-1))?.k).toBe(5);
    expect(await t.rowAt(99)).toBeUndefined();
    expect(await t.values('k')).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await t.countRun()).toBe(6);
    expect(await t.countAll()).toBe(7);
    expect((await t.toRows({ all: true })).length).toBe(7);
  });

  it('keeps several tables apart in one database', async () => {
    const a = await tracker({ table: 'a', trackId: 'r' });
    const b = await tracker({ table: 'b', trackId: 'r' });
    await a.log({ x: 1 });
    await b.log({ y: 2 });
    expect(await a.columns()).toEqual(['track_id', 'timestamp', 'x']);
    expect(await b.columns()).toEqual(['track_id', 'timestamp', 'y']);
    expect(await (await reader({ table: 'b' })).tables()).toEqual(['a', 'b']);
  });
});
