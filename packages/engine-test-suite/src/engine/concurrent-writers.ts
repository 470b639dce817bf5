import { expect, it } from 'vitest';
import { defineGroup, type EngineGroup, HEAVY, keyRow } from './engine-suite-context.js';

export const concurrentWritersGroup: EngineGroup = defineGroup(
  {
    name: 'concurrent-writers',
    title: 'two writers (concurrentWriters)',
    unavailable: ({ caps, canOpenAnother }) => (caps.concurrentWriters !== true ? 'engine declares no concurrentWriters' : !canOpenAnother ? 'the factory has no openAnother' : undefined),
  },
  ({ engine, table, another }) => {
    it('interleaved inserts from two connections are all kept', HEAVY, async () => {
      const other = await another();
      await table('t', [{ name: 'n', type: 'integer' }]);
      const writes: Promise<number>[] = [];
      for (let i = 0; i < 200; i++) {
        writes.push(engine.insert('t', [keyRow(i, { n: i }, 'a')]));
        writes.push(other.insert('t', [keyRow(i, { n: i }, 'b'), keyRow(i + 1000, { n: i }, 'b')]));
      }
      expect((await Promise.all(writes)).reduce((a, b) => a + b, 0)).toBe(600);
      expect(await engine.count('t')).toBe(600);
      expect(await other.count('t', [{ column: 'track_id', op: '=', value: 'b' }])).toBe(400);
    });
  },
);
