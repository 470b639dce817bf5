import { expect, it } from 'vitest';
import { defineGroup, expectCode, HEAVY, type TrackerGroup } from './tracker-suite-context.js';

export const groupCommitGroup: TrackerGroup = defineGroup({ name: 'group-commit', title: 'group commit and batches' }, ({ tracker }) => {
  it('commits un-awaited log() calls in call order, all of them', HEAVY, async () => {
    const t = await tracker();
    const pending = Array.from({ length: 1000 }, (_, i) => t.log({ i }));
    const rows = await Promise.all(pending);
    expect(rows.map((r) => r.i)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    const stamps = rows.map((r) => r.timestamp);
    expect([...stamps].sort()).toEqual(stamps);
    expect(new Set(stamps).size).toBe(1000);
    expect((await t.values('i')).length).toBe(1000);
  });

  it('rejects only the bad call of a group, and commits the others', async () => {
    const t = await tracker();
    const results = await Promise.allSettled([t.log({ a: 1 }), t.log({ a: () => 2 } as never), t.log({ a: 3 })]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await t.values('a')).toEqual([1, 3]);
  });

  it('logBatch writes every row with distinct increasing timestamps', async () => {
    const t = await tracker({ params: { p: 'x' } });
    const rows = await t.logBatch([{ a: 1 }, { a: 2, b: 'new column' }, {}]);
    expect(rows).toHaveLength(3);
    expect(rows[0]!.timestamp < rows[1]!.timestamp && rows[1]!.timestamp < rows[2]!.timestamp).toBe(true);
    expect(await t.toRows()).toEqual(rows.map((r) => ({ b: null, a: null, ...r })));
    expect(t.latest).toEqual(rows[2]);
    expect(await t.logBatch([])).toEqual([]);
  });

  it('logBatch is all or nothing', async () => {
    const t = await tracker();
    await t.log({ a: 0 });
    await expectCode(t.logBatch([{ a: 1 }, { a: () => 1 } as never]), 'INVALID_VALUE');
    expect(await t.values('a')).toEqual([0]);
  });
});
