import { expect, it } from 'vitest';
import { capabilityTitle, defineGroup, type EngineGroup } from './engine-suite-context.js';

export const engineObjectGroup: EngineGroup = defineGroup({ name: 'engine-object', title: 'the engine object' }, ({ engine, caps }) => {
  it('has a name, a location and capability flags', () => {
    expect(typeof engine.name).toBe('string');
    expect(engine.name.length).toBeGreaterThan(0);
    expect(typeof engine.location).toBe('string');
    expect(typeof engine.capabilities).toBe('object');
    for (const flag of ['transactions', 'rawSql', 'concurrentWriters', 'streaming'] as const) {
      expect(['boolean', 'undefined']).toContain(typeof engine.capabilities[flag]);
    }
  });

  it.skipIf(!caps.streaming)(capabilityTitle('has iterate(), as it declares streaming', caps.streaming === true, 'engine declares no streaming'), () => {
    expect(typeof engine.iterate).toBe('function');
  });

  it.skipIf(!caps.rawSql)(capabilityTitle('has sql(), as it declares rawSql', caps.rawSql === true, 'engine declares no rawSql'), () => {
    expect(typeof engine.sql).toBe('function');
  });
});
