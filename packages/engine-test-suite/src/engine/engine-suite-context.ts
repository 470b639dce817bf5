import type { CellValue, ColumnSpec, Engine, EngineCapabilities, Row } from '@xetrack/core/engine';
import type { SuiteGroup } from '../suite-groups.js';

export { defineGroup, HEAVY } from '../suite-groups.js';

export { expectCode, rejection } from '../expect-code.js';
export { HOSTILE_NAMES } from './hostile-names.js';

/** What `EngineFactory.create()` returns: a fresh engine on a fresh, empty store. */
export interface EngineHarness {
  /** The engine under test; the suite closes it after the test. */
  engine: Engine;
  /**
   * Opens a second connection to the same store (for the concurrent-schema and concurrent-writer
   * tests). Omit it for stores that cannot be shared (e.g. in-memory); those tests are skipped.
   */
  openAnother?(): Promise<Engine>;
  /** Removes what `create()` made (temp directories, schemas); runs after every engine is closed. */
  cleanup?(): Promise<void>;
}

/** How the suite gets engines: one fresh store per test. */
export interface EngineFactory {
  /** A new engine on a new, empty store. Called once per test (and once to read the capabilities). */
  create(): Promise<EngineHarness>;
  /** The positional parameter marker of the engine's SQL for `sql()` tests: `?` (default) or e.g. `$1`. */
  sqlPlaceholder?(index: number): string;
}

/** What every group of the engine suite is given. */
export interface EngineSuite {
  /** The running test's engine (a fresh one per test, closed after it); safe to hold from collection on. */
  readonly engine: Engine;
  /** The capabilities the engine declares (read once, when the tests are collected). */
  readonly caps: EngineCapabilities;
  /** The factory can open a second connection to a test's store. */
  readonly canOpenAnother: boolean;
  /** The positional parameter marker of the engine's SQL (`?` by default). */
  placeholder(index: number): string;
  /** A second connection to the test's store, closed after the test. */
  another(): Promise<Engine>;
  /** Creates table `t` with the given columns and inserts `rows`. */
  table(t: string, columns: ColumnSpec[], rows?: Row[]): Promise<void>;
}

/** The groups of the engine suite, by the name `engineConformance`'s `skip` takes. */
export type EngineGroupName =
  | 'engine-object'
  | 'close'
  | 'tables'
  | 'ensure-columns'
  | 'insert'
  | 'transactions'
  | 'values'
  | 'hostile-identifiers'
  | 'select-filters'
  | 'aggregate'
  | 'widening'
  | 'update-delete'
  | 'iterate'
  | 'sql'
  | 'concurrent-writers';

export type EngineGroup = SuiteGroup<EngineSuite, EngineGroupName>;

/** A group's `unavailable`: the reason it cannot run, unless the engine declares the capability `flag`. */
export function declares(flag: keyof EngineCapabilities): (suite: EngineSuite) => string | undefined {
  return ({ caps }) => (caps[flag] === true ? undefined : `engine declares no ${flag}`);
}

export const KEYS = ['track_id', 'timestamp'];

/** A microsecond timestamp that sorts like `i`. */
export function ts(i: number): string {
  return `2024-01-01 00:00:00.${String(i).padStart(6, '0')}`;
}

export function keyRow(i: number, values: Record<string, CellValue> = {}, trackId = 'run'): Row {
  return { track_id: trackId, timestamp: ts(i), ...values };
}

/** Row keys in a stable order for comparing result sets whose order is not specified. */
export function byKey(a: Row, b: Row): number {
  const ka = `${String(a.track_id)}\u0000${String(a.timestamp)}`;
  const kb = `${String(b.track_id)}\u0000${String(b.timestamp)}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export function bytesEqual(actual: CellValue | undefined, expected: Uint8Array): boolean {
  if (!(actual instanceof Uint8Array)) return false;
  return Buffer.compare(Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength), Buffer.from(expected)) === 0;
}

export function names(columns: ColumnSpec[]): string[] {
  return columns.map((c) => c.name);
}

/** The title of a test that needs a capability, saying why it is skipped when it is. */
export function capabilityTitle(title: string, enabled: boolean, reason: string): string {
  return enabled ? title : `${title} (skipped: ${reason})`;
}
