import { expect, it } from 'vitest';
import { defineGroup, type TrackerGroup } from './tracker-suite-context.js';

export const severalWritersGroup: TrackerGroup = defineGroup({ name: 'several-writers', title: 'several writers' }, ({ tracker, reader }) => {
  it('picks up a column another tracker added, without error', async () => {
    const a = await tracker({ trackId: 'a' });
    const b = await tracker({ trackId: 'b' });
    await a.log({ x: 1 });
    await b.log({ y: 2 });
    await a.log({ y: 3 });
    await b.log({ x: 4 });
    const r = await reader();
    expect(await r.count()).toBe(4);
    expect((await r.toRows()).map((row) => [row.x, row.y])).toEqual([
      [1, null],
      [null, 2],
      [null, 3],
      [4, null],
    ]);
  });
});
