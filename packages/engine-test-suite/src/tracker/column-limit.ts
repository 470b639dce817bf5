import { expect, it } from 'vitest';
import { isXetrackError } from '@xetrack/core';
import { defineGroup, type TrackerGroup } from './tracker-suite-context.js';

export const columnLimitGroup: TrackerGroup = defineGroup({ name: 'column-limit', title: 'a column the database refuses' }, ({ tracker, factory }) => {
  it.skipIf(factory.maxColumns === undefined)('a row past the column limit fails alone, naming its keys; later rows are logged, alone or grouped', async () => {
    const t = await tracker();
    await t.log({ a: 1 });
    // track_id, timestamp and a are there: one column more than the limit allows
    const wide = Object.fromEntries(Array.from({ length: factory.maxColumns! - 2 }, (_, i) => [`wide_${i}`, i]));
    const error = await t.log(wide).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(isXetrackError(error), String(error)).toBe(true);
    expect(error!.message).toContain('"wide_0"');
    await t.log({ a: 2 });
    const grouped = await Promise.allSettled([t.log({ a: 3 }), t.log(wide), t.log({ a: 4 })]);
    expect(grouped.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    await expect(t.logBatch([{ a: 5 }, wide])).rejects.toThrow(/wide_0/);
    await t.logBatch([{ a: 6 }, { a: 7 }]);
    expect(await t.values('a')).toEqual([1, 2, 3, 4, 6, 7]);
    expect(await t.columns()).toEqual(['track_id', 'timestamp', 'a']);
  });
});
