import { describe, expect, it } from 'vitest';
import { isXetrackError } from '@xetrack/core/engine';
import { ENGINE_GROUPS, engineConformance, registerGroups, type EngineSuite } from '../src/index.js';
import { MemoryEngine } from '../src/memory.js';

// Opting out by name, with and without a reason: the groups are still listed, skipped, saying why.
engineConformance(
  'memory (opting out)',
  { create: async () => ({ engine: new MemoryEngine() }) },
  { skip: ['hostile-identifiers', { group: 'values', reason: 'values are checked in another file' }] },
);

describe('skip', () => {
  it('shows an opted-out group as a skipped describe naming the reason; the others run', ({ task }) => {
    const suite = task.file.tasks.find((t) => t.name === 'engine conformance: memory (opting out)');
    const groups = suite?.type === 'suite' ? suite.tasks : [];
    const byTitle = new Map(groups.map((g) => [g.name, g]));
    const hostile = byTitle.get("hostile identifiers (skipped: the test file opts out of 'hostile-identifiers')");
    const values = byTitle.get('values round trip (skipped: values are checked in another file)');
    for (const group of [hostile, values]) {
      expect(group?.mode).toBe('skip');
      expect(group?.type === 'suite' && group.tasks.length > 0 && group.tasks.every((t) => t.mode === 'skip')).toBe(true);
    }
    expect(byTitle.get('insert')?.mode).toBe('run');
    expect(groups).toHaveLength(ENGINE_GROUPS.length);
  });

  it('rejects a name no group has with INVALID_ARGUMENT, listing the names', () => {
    let error: unknown;
    try {
      registerGroups(ENGINE_GROUPS, {} as EngineSuite, ['hostile-identifier' as never]);
    } catch (e) {
      error = e;
    }
    expect(isXetrackError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toContain('hostile-identifiers, select-filters');
  });
});
