import type { BenchRow } from './bench-rows.js';
import type { Timing } from './measure.js';

/**
 * The same work done by one side: ours (xetrack on an engine) or a raw baseline (the database's
 * driver used by hand). Each write workload creates a fresh database at `path`, writes one
 * untimed priming row (ours creates its columns on the first row; the baseline created its table
 * up front), times the work, closes, and resolves with the timing of the timed part only.
 * A new database kind (DuckDB, PostgreSQL) is a new pair of these, run by the same suites.
 */
export interface Workloads {
  /** For headers and messages, e.g. `better-sqlite3`. */
  label: string;
  /** `rows` written one at a time, each committed before the next starts. */
  logSingle(path: string, rows: readonly BenchRow[]): Promise<Timing>;
  /** `rows` issued all at once and committed together (ours: un-awaited `log()` calls, group commit). */
  logBurst(path: string, rows: readonly BenchRow[]): Promise<Timing>;
  /** `rows` in one call and one transaction. */
  logBatch(path: string, rows: readonly BenchRow[]): Promise<Timing>;
  /** Reads run `trackId` of the existing database at `path` into row objects; the timing and the row count. */
  readRun(path: string, trackId: string): Promise<{ timing: Timing; rows: number }>;
}

/** The row every write workload logs before its timer starts. */
export const PRIME_INDEX = 0;
/** Timed rows are numbered from here (the priming row is 0). */
export const FIRST_INDEX = 1;

/**
 * The run every write figure's two sides log into: the same bytes per row on both sides. Ours
 * would otherwise get a generated id (`fair-coyote-6259`, 16 characters to the baseline's 7),
 * about 10% more pages to write and index, and the figure would measure the name, not the code.
 */
export const BENCH_TRACK_ID = 'raw-run';

/** One database kind's two sides; suites built from it are named `${engine}.<figure>`. */
export interface EnginePair {
  engine: string;
  ours: Workloads;
  raw: Workloads;
}
