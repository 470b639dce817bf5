import { afterEach, expect, it } from 'vitest';
import { copy, openEngine, type Engine, type Row, type RowConflict } from '@xetrack/core';
import { defineGroup, type TrackerGroup } from './tracker-suite-context.js';

export const copyGroup: TrackerGroup = defineGroup({ name: 'copy', title: 'copy' }, (suite) => {
  const { factory } = suite;

  /** Engines opened on a location of the suite's kind, the way `copy()` and `Tracker` open them. */
  const engines: Engine[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.close();
    for (const c of cleanups.splice(0)) await c();
  });
  const engineAt = async (where: string): Promise<Engine> => {
    const { engine } = await openEngine(where, factory.engine, { options: factory.engineOptions });
    engines.push(engine);
    return engine;
  };

  it('keeps two runs that share a timestamp apart: both are copied, and copying again copies 0', async () => {
    // Two machines can log at the same microsecond: their rows differ only by track_id.
    const stamp = '2026-03-01 12:00:00.000001';
    const later = '2026-03-01 12:00:00.000002';
    const elsewhere = await factory.newLocation();
    if (elsewhere.cleanup) cleanups.push(elsewhere.cleanup);
    const source = await engineAt(elsewhere.location);
    await source.ensureColumns('default', [
      { name: 'machine', type: 'text' },
      { name: 'loss', type: 'float' },
    ]);
    await source.insert('default', [{ track_id: 'run-a', timestamp: stamp, machine: 'a', loss: 0.5 }]);
    const target = await engineAt(suite.location);

    // Machine a's row reaches the target first; machine b's row at the same microsecond joins the
    // source later (a merge), with one more row of a's: the next copy must add b's row.
    expect(await copy(source, target)).toMatchObject({ copied: 1, skipped: 0 });
    await source.insert('default', [
      { track_id: 'run-b', timestamp: stamp, machine: 'b', loss: 0.25 },
      { track_id: 'run-a', timestamp: later, machine: 'a', loss: 0.4 },
    ]);
    expect(await copy(source, target)).toMatchObject({ copied: 2, skipped: 1 });
    expect(await copy(source, target)).toMatchObject({ copied: 0, skipped: 3 });

    // Both runs' rows at that microsecond, each with its own values, in a target that never saw them together.
    const fresh = await factory.newLocation();
    if (fresh.cleanup) cleanups.push(fresh.cleanup);
    const empty = await engineAt(fresh.location);
    expect(await copy(source, empty)).toMatchObject({ copied: 3, skipped: 0 });
    expect(await copy(source, empty)).toMatchObject({ copied: 0, skipped: 3 });

    for (const copied of [target, empty]) {
      const rows = await copied.select('default', { orderBy: [{ column: 'timestamp' }, { column: 'track_id' }] });
      expect(rows).toEqual([
        { track_id: 'run-a', timestamp: stamp, machine: 'a', loss: 0.5 },
        { track_id: 'run-b', timestamp: stamp, machine: 'b', loss: 0.25 },
        { track_id: 'run-a', timestamp: later, machine: 'a', loss: 0.4 },
      ]);
    }
  });

  it('reports a row another writer adds mid-copy to a run the target lacked as a conflict, and keeps it', async () => {
    // Rows of a run the target does not hold are written without a lookup; a collision must still
    // roll the batch back and report the other writer's row, never overwrite it.
    const stamps = ['2026-03-01 12:00:00.000001', '2026-03-01 12:00:00.000002', '2026-03-01 12:00:00.000003'];
    const elsewhere = await factory.newLocation();
    if (elsewhere.cleanup) cleanups.push(elsewhere.cleanup);
    const source = await engineAt(elsewhere.location);
    await source.ensureColumns('default', [{ name: 'loss', type: 'float' }]);
    await source.insert(
      'default',
      stamps.map((timestamp, i) => ({ track_id: 'run-c', timestamp, loss: i / 4 })),
    );
    const target = await engineAt(suite.location);
    await target.ensureColumns('default', [{ name: 'loss', type: 'float' }]);
    let interfered = false;
    const racing = new Proxy(target, {
      get(engine, key) {
        if (key === 'insert') {
          return async (table: string, rows: Row[]) => {
            if (!interfered) {
              interfered = true;
              await engine.insert(table, [{ track_id: 'run-c', timestamp: stamps[1]!, loss: 9 }]);
            }
            return engine.insert(table, rows);
          };
        }
        const value = Reflect.get(engine, key) as unknown;
        return typeof value === 'function' ? value.bind(engine) : value;
      },
    });
    const conflicts: RowConflict[] = [];
    const first = await copy(source, racing, { onConflict: (c) => conflicts.push(c) });
    expect(first).toMatchObject({ copied: 2, skipped: 1 });
    if (target.capabilities.transactions) {
      // Without atomic inserts, a row written between the lookup and the write counts as already there.
      expect(first.conflicts).toBe(1);
      expect(conflicts).toEqual([{ table: 'default', track_id: 'run-c', timestamp: stamps[1], columns: [{ column: 'loss', target: 9, incoming: 0.25 }] }]);
    }
    const rows = await target.select('default', { orderBy: [{ column: 'timestamp' }] });
    expect(rows.map((r) => r.loss)).toEqual([0, 9, 0.5]);
    expect(await copy(source, target)).toMatchObject({ copied: 0, skipped: 3, conflicts: 1 });
  });
});
