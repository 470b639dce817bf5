import type { EngineChoice, Reader, Tracker } from '@xetrack/core';
import type { SuiteGroup } from '../suite-groups.js';

export { expectCode } from '../expect-code.js';
export { defineGroup, HEAVY } from '../suite-groups.js';

/**
 * Where the Tracker/Reader suite runs: a fresh, empty location per test (a file path in a new temp
 * directory, a URL of a fresh database or schema) and how to open an engine there.
 */
export interface TrackerSuiteFactory {
  /** A location no test has used, and its clean-up. */
  newLocation(): Promise<{ location: string; cleanup?(): Promise<void> }>;
  /** The engine choice passed as `engine` (a plugin or a name); the Tracker creates and owns it. */
  engine: EngineChoice;
  /** Extra engine options for every open. */
  engineOptions?: Record<string, unknown>;
  /** A location that does not exist, for Reader's NOT_FOUND test; omit to skip that test. */
  missingLocation?(): Promise<string>;
  /** The most columns a table may have, where the database has a limit (SQLite 2,000, PostgreSQL 1,600); omit to skip that test. */
  maxColumns?: number;
}

/** What every group of the Tracker/Reader suite is given. */
export interface TrackerSuite {
  readonly factory: TrackerSuiteFactory;
  /** The running test's location: fresh and empty when the test starts. */
  readonly location: string;
  /** A Tracker on the test's location with the factory's engine, closed after the test. */
  tracker<R = Record<string, unknown>>(options?: Parameters<typeof Tracker.open>[1]): Promise<Tracker<R>>;
  /** A Reader on the test's location with the factory's engine, closed after the test. */
  reader(options?: Parameters<typeof Reader.open>[1]): Promise<Reader>;
}

/** The groups of the Tracker/Reader suite, by the name `trackerConformance`'s `skip` takes. */
export type TrackerGroupName = 'log' | 'hostile-table-names' | 'group-commit' | 'column-limit' | 'params' | 'queries' | 'track-wrap' | 'several-writers' | 'declared-columns' | 'copy' | 'reader';

export type TrackerGroup = SuiteGroup<TrackerSuite, TrackerGroupName>;
