import { afterEach, beforeEach, describe } from 'vitest';
import { Reader, Tracker } from '@xetrack/core';
import { registerGroups, type ConformanceOptions } from './suite-groups.js';
import type { TrackerGroup, TrackerGroupName, TrackerSuite, TrackerSuiteFactory } from './tracker/tracker-suite-context.js';
import { logGroup } from './tracker/log.js';
import { hostileTableNamesGroup } from './tracker/hostile-table-names.js';
import { groupCommitGroup } from './tracker/group-commit.js';
import { columnLimitGroup } from './tracker/column-limit.js';
import { paramsGroup } from './tracker/params.js';
import { queriesGroup } from './tracker/queries.js';
import { trackWrapGroup } from './tracker/track-wrap.js';
import { severalWritersGroup } from './tracker/several-writers.js';
import { declaredColumnsGroup } from './tracker/declared-columns.js';
import { copyGroup } from './tracker/copy.js';
import { readerGroup } from './tracker/reader.js';

export type { TrackerGroup, TrackerGroupName, TrackerSuite, TrackerSuiteFactory } from './tracker/tracker-suite-context.js';

/** The groups of the Tracker/Reader suite in the order they run: `skip` takes their names; each one's tests are a file of `src/tracker/`. */
export const TRACKER_GROUPS: readonly TrackerGroup[] = Object.freeze([
  logGroup,
  hostileTableNamesGroup,
  groupCommitGroup,
  columnLimitGroup,
  paramsGroup,
  queriesGroup,
  trackWrapGroup,
  severalWritersGroup,
  declaredColumnsGroup,
  copyGroup,
  readerGroup,
]);

/**
 * The behaviour of `Tracker` and `Reader` on top of an engine: what users see, identical on every
 * engine. Register it in a vitest file: `trackerConformance('my-engine', factory)`; `options.skip`
 * opts out of groups by name (`TRACKER_GROUPS` lists them), which then show as skipped.
 */
export function trackerConformance(name: string, factory: TrackerSuiteFactory, options: ConformanceOptions<TrackerGroupName> = {}): void {
  describe(`Tracker and Reader on ${name}`, () => {
    let location: string;
    let cleanup: (() => Promise<void>) | undefined;
    const open: Tracker[] = [];
    const readers: Reader[] = [];

    beforeEach(async () => {
      const fresh = await factory.newLocation();
      location = fresh.location;
      cleanup = fresh.cleanup;
    });
    afterEach(async () => {
      for (const t of open.splice(0)) await t.close();
      for (const r of readers.splice(0)) await r.close();
      await cleanup?.();
    });

    const suite: TrackerSuite = {
      factory,
      get location() {
        return location;
      },
      async tracker<R = Record<string, unknown>>(options: Parameters<typeof Tracker.open>[1] = {}) {
        const t = await Tracker.open<R>(location, { engine: factory.engine, engineOptions: factory.engineOptions, warnings: false, ...options });
        open.push(t as Tracker);
        return t;
      },
      async reader(options: Parameters<typeof Reader.open>[1] = {}) {
        const r = await Reader.open(location, { engine: factory.engine, engineOptions: factory.engineOptions, ...options });
        readers.push(r);
        return r;
      },
    };
    registerGroups(TRACKER_GROUPS, suite, options.skip);
  });
}
