import { expect, it } from 'vitest';
import { defineGroup, expectCode, type TrackerGroup } from './tracker-suite-context.js';

export const hostileTableNamesGroup: TrackerGroup = defineGroup({ name: 'hostile-table-names', title: 'hostile table names' }, ({ tracker, reader }) => {
  it('quotes every table name: each is a table of its own and nothing else changes', async () => {
    const names = ['"; DROP TABLE "default"; --', "it's", 'order', 'select', 'a b', 'ключ 🎉', 'x'.repeat(128)];
    for (const table of names) {
      const t = await tracker({ table, trackId: 'h' });
      await t.log({ v: table });
    }
    const r = await reader({ table: names[0] });
    expect(await r.tables()).toEqual([...names].sort());
    for (const table of names) {
      const one = await reader({ table });
      expect((await one.toRows()).map((x) => x.v)).toEqual([table]);
    }
    await expectCode(tracker({ table: '' }), 'INVALID_IDENTIFIER');
    await expectCode(tracker({ table: 'sqlite_master' }), 'INVALID_IDENTIFIER');
    await expectCode(tracker({ table: 'x'.repeat(129) }), 'INVALID_IDENTIFIER');
  });
});
