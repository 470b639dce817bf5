import { afterEach, beforeEach, describe, expect } from 'vitest';
import type { ColumnSpec, Engine, EngineCapabilities, Row } from '@xetrack/core/engine';
import { registerGroups, type ConformanceOptions } from './suite-groups.js';
import type { EngineFactory, EngineGroup, EngineGroupName, EngineHarness, EngineSuite } from './engine/engine-suite-context.js';
import { engineObjectGroup } from './engine/engine-object.js';
import { closeGroup } from './engine/close.js';
import { tablesGroup } from './engine/tables.js';
import { ensureColumnsGroup } from './engine/ensure-columns.js';
import { insertGroup } from './engine/insert.js';
import { transactionsGroup } from './engine/transactions.js';
import { valuesGroup } from './engine/values.js';
import { hostileIdentifiersGroup } from './engine/hostile-identifiers.js';
import { selectFiltersGroup } from './engine/select-filters.js';
import { aggregateGroup } from './engine/aggregate.js';
import { wideningGroup } from './engine/widening.js';
import { updateDeleteGroup } from './engine/update-delete.js';
import { iterateGroup } from './engine/iterate.js';
import { sqlGroup } from './engine/sql.js';
import { concurrentWritersGroup } from './engine/concurrent-writers.js';

export type { EngineFactory, EngineGroup, EngineGroupName, EngineHarness, EngineSuite } from './engine/engine-suite-context.js';
export { HOSTILE_NAMES } from './engine/hostile-names.js';

/** The groups of the engine suite in the order they run: `skip` takes their names; each one's tests are a file of `src/engine/`. */
export const ENGINE_GROUPS: readonly EngineGroup[] = Object.freeze([
  engineObjectGroup,
  closeGroup,
  tablesGroup,
  ensureColumnsGroup,
  insertGroup,
  transactionsGroup,
  valuesGroup,
  hostileIdentifiersGroup,
  selectFiltersGroup,
  aggregateGroup,
  wideningGroup,
  updateDeleteGroup,
  iterateGroup,
  sqlGroup,
  concurrentWritersGroup,
]);

/**
 * The engine-contract conformance suite. Call it at the top level of a vitest test file:
 * `engineConformance('my-engine', { create: async () => ({ engine: await myEngine.create(...) }) })`.
 * Every test gets a fresh engine from `factory.create()` and closes it; optional features run
 * when the engine declares them and are skipped, with the reason in the test name, when not.
 * `options.skip` opts out of groups by name (`ENGINE_GROUPS` lists them); they show as skipped.
 */
export function engineConformance(name: string, factory: EngineFactory, options: ConformanceOptions<EngineGroupName> = {}): void {
  describe(`engine conformance: ${name}`, async () => {
    // Capabilities decide which groups run, so read them from one engine at collection time.
    const probe = await factory.create();
    const caps: EngineCapabilities = { ...probe.engine.capabilities };
    const canOpenAnother = typeof probe.openAnother === 'function';
    await probe.engine.close();
    await probe.cleanup?.();

    let harness: EngineHarness;
    let engine: Engine;
    const others: Engine[] = [];

    beforeEach(async () => {
      harness = await factory.create();
      engine = harness.engine;
    });
    afterEach(async () => {
      for (const other of others.splice(0)) await other.close().catch(() => undefined);
      await engine.close().catch(() => undefined);
      await harness.cleanup?.();
    });

    const suite: EngineSuite = {
      engine: runningEngine(() => engine),
      caps,
      canOpenAnother,
      placeholder: factory.sqlPlaceholder ?? (() => '?'),
      async another(): Promise<Engine> {
        const other = await (harness.openAnother as () => Promise<Engine>)();
        others.push(other);
        return other;
      },
      async table(t: string, columns: ColumnSpec[], rows: Row[] = []): Promise<void> {
        await engine.ensureColumns(t, columns);
        if (rows.length > 0) expect(await engine.insert(t, rows)).toBe(rows.length);
      },
    };
    registerGroups(ENGINE_GROUPS, suite, options.skip);
  });
}

/**
 * The engine the groups hold: each property read is forwarded to the running test's engine (a fresh
 * one per test, made in `beforeEach`), so a group can take it once, when its tests are collected.
 */
function runningEngine(current: () => Engine): Engine {
  return new Proxy({} as Engine, {
    get(_, key) {
      const engine = current();
      const value: unknown = Reflect.get(engine, key);
      return typeof value === 'function' ? value.bind(engine) : value;
    },
    has: (_, key) => Reflect.has(current(), key),
  });
}
