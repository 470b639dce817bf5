import { expect, it } from 'vitest';
import { defineGroup, type EngineGroup } from './engine-suite-context.js';

export const tablesGroup: EngineGroup = defineGroup({ name: 'tables', title: 'tables and describe' }, ({ engine }) => {
  it('a new store has no tables', async () => {
    expect(await engine.tables()).toEqual([]);
  });

  it('describe of a missing table is []', async () => {
    expect(await engine.describe('missing')).toEqual([]);
  });

  it('tables() lists every tracking table, sorted', async () => {
    for (const t of ['zeta', 'alpha', 'Beta', 'default', 'm_1']) await engine.ensureColumns(t, []);
    expect(await engine.tables()).toEqual(['zeta', 'alpha', 'Beta', 'default', 'm_1'].sort());
  });
});
