import { coreSqlite } from './core-sqlite.js';
import { rawSqlite } from './raw-sqlite.js';
import type { Suite } from './suite.js';
import { cacheHitDistinctSuite, cacheHitSuite } from './suites/cache-hit.js';
import { cliStartupSuite } from './suites/cli-startup.js';
import { compareSuite } from './suites/compare-suite.js';
import { copySuites } from './suites/copy-suite.js';
import { describeSuite } from './suites/describe-suite.js';
import { duckdbSuites } from './suites/duckdb.js';
import { iterateMemorySuite } from './suites/iterate-memory-suite.js';
import { postgresSuites } from './suites/postgres.js';
import { runsSuites } from './suites/runs-suite.js';
import { toRowsLargeSuite } from './suites/to-rows-large-suite.js';
import { toRowsSuite } from './suites/to-rows-suite.js';
import { trackSuite } from './suites/track-suite.js';
import { dashboardRenderSuite, reportSizeSuite } from './suites/ui.js';
import { wideWriteSuites } from './suites/wide-write-suites.js';
import { writeSuites } from './suites/write-suites.js';
import type { EnginePair } from './workloads.js';

const sqlite: EnginePair = { engine: 'sqlite', ours: coreSqlite, raw: rawSqlite };

/**
 * Every suite, in the order they run. A new figure (DuckDB, PostgreSQL, cache hits, the CLI as a
 * whole process) is a module exporting a `Suite`, added here.
 */
export const suites: readonly Suite[] = [
  ...writeSuites(sqlite),
  trackSuite,
  ...wideWriteSuites,
  toRowsSuite(sqlite),
  toRowsLargeSuite,
  ...runsSuites,
  iterateMemorySuite,
  cacheHitSuite,
  cacheHitDistinctSuite,
  cliStartupSuite,
  describeSuite,
  compareSuite,
  ...duckdbSuites,
  ...postgresSuites,
  ...copySuites,
  dashboardRenderSuite,
  reportSizeSuite,
];
