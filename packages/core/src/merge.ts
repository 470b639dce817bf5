import type { Engine } from './engine/contract.js';
import type { EngineChoice } from './engine/load-engine.js';
import { addCounts, copyTable, openSide, refuseCaseMerges, type CopyProgress, type TableCopyResult } from './copy.js';
import { copyAssets } from './copy-assets.js';
import { XetrackError } from './errors.js';
import type { RowConflict } from './insert-new-rows.js';
import { checkTableName } from './schema/identifiers.js';

export interface MergeOptions {
  /** Tables to merge (default: every tracking table of every source); a source without one is passed over. */
  tables?: string[];
  /** The sources' engine (default: the one each location implies). */
  sourceEngine?: EngineChoice;
  /** The target's engine (default: the one its location implies). */
  targetEngine?: EngineChoice;
  /**
   * A text column naming the store each row came from, by its engine's location (a path, or a URL
   * without password); `true`: the column `source_store`. Rows merged before
   * keep their value, so merging a merged store keeps the original names.
   */
  provenance?: string | boolean;
  /** Rows read, checked and written per step (default 5,000). */
  batchSize?: number;
  /** Carry each SQLite source's asset store (`@xetrack/assets`) into a SQLite target (default true). */
  assets?: boolean;
  /** Called after every step, e.g. to draw a progress bar. */
  onProgress?(progress: MergeProgress): void;
  /** Called for each row the target holds with other values (same track_id and timestamp); that row is kept. */
  onConflict?(conflict: MergeConflict): void;
}

export interface MergeProgress extends CopyProgress {
  /** The source being merged, and its position among all of them (0-based). */
  source: string;
  sourceIndex: number;
  sources: number;
}

export interface MergeConflict extends RowConflict {
  /** The source holding the differing row (its engine's location: a path, or a URL without password). */
  source: string;
}

export interface SourceMergeResult {
  source: string;
  copied: number;
  skipped: number;
  conflicts: number;
  tables: Record<string, TableCopyResult>;
  /** Assets carried from this source. */
  assets: number;
}

export interface MergeResult {
  /** Rows written into the target. */
  copied: number;
  /** Rows the target already held (same track_id and timestamp), conflicts included. */
  skipped: number;
  /** Rows held with other values: kept as the target has them, and listed in `conflictRows` (up to 1,000). */
  conflicts: number;
  conflictRows: MergeConflict[];
  sources: SourceMergeResult[];
  /** Assets carried, from all sources. */
  assets: number;
}

const LISTED_CONFLICTS = 1_000;

/**
 * Merges many stores (any engines) into one, source after source. Built on `copy()`: idempotent
 * (a row is keyed by track_id and timestamp, so a run merged twice, or present in two sources, is
 * there once), columns unioned (a column of any source appears in the target; a later value of
 * another type is stored as logging stores it), a row the target holds with other values reported
 * as a conflict and never overwritten. Rows keep their `cache` column, so a cache hit still names
 * the run that computed it once both runs are merged; SQLite sources' assets come along into a
 * SQLite target. Sources are only read.
 */
export async function merge(target: string | Engine, sources: (string | Engine)[], options: MergeOptions = {}): Promise<MergeResult> {
  if (sources.length === 0) throw new XetrackError('INVALID_ARGUMENT', 'merge() needs at least one source store to read.');
  for (const table of options.tables ?? []) checkTableName(table);
  const column = options.provenance === true ? 'source_store' : options.provenance || undefined;
  if (column !== undefined) checkTableName(column);
  const opened: { engine: Engine; owned: boolean; name: string; tables: string[] }[] = [];
  try {
    for (const source of sources) {
      const side = await openSide(source, options.sourceEngine, true);
      opened.push({ ...side, name: side.engine.location, tables: [] });
      opened.at(-1)!.tables = await side.engine.tables();
    }
    const missing = (options.tables ?? []).filter((t) => !opened.some((o) => o.tables.includes(t)));
    if (missing.length > 0) {
      throw new XetrackError(
        'UNKNOWN_TABLE',
        `No source has the table ${missing.map((t) => JSON.stringify(t)).join(', ')}. Tables there: ${[...new Set(opened.flatMap((o) => o.tables))].join(', ') || 'none'}.`,
      );
    }
    const to = await openSide(target, options.targetEngine, false);
    try {
      const merged = new Set(opened.flatMap((o) => (options.tables ? o.tables.filter((t) => options.tables!.includes(t)) : o.tables)));
      refuseCaseMerges([...merged], to.engine);
      const result: MergeResult = { copied: 0, skipped: 0, conflicts: 0, conflictRows: [], sources: [], assets: 0 };
      for (const [sourceIndex, from] of opened.entries()) {
        const one = await mergeSource(from, to.engine, [sourceIndex, opened.length], column, result, options);
        result.sources.push(one);
        addCounts(result, one);
        result.assets += one.assets;
      }
      return result;
    } finally {
      if (to.owned) await to.engine.close();
    }
  } finally {
    for (const side of opened) if (side.owned) await side.engine.close();
  }
}

/** Merges every table of one source (or those of `options.tables` it has) into the target. */
async function mergeSource(
  from: { engine: Engine; name: string; tables: string[] },
  to: Engine,
  [sourceIndex, sources]: [number, number],
  column: string | undefined,
  result: MergeResult,
  options: MergeOptions,
): Promise<SourceMergeResult> {
  const { name } = from;
  const one: SourceMergeResult = { source: name, copied: 0, skipped: 0, conflicts: 0, tables: {}, assets: 0 };
  for (const table of options.tables ? options.tables.filter((t) => from.tables.includes(t)) : from.tables) {
    const copied = await copyTable(from.engine, to, table, {
      batchSize: options.batchSize,
      stamp: column === undefined ? undefined : { name: column, value: name },
      onProgress: (p) => options.onProgress?.({ ...p, source: name, sourceIndex, sources }),
      onConflict: (conflict) => {
        if (result.conflictRows.length < LISTED_CONFLICTS) result.conflictRows.push({ ...conflict, source: name });
        options.onConflict?.({ ...conflict, source: name });
      },
    });
    one.tables[table] = copied;
    addCounts(one, copied);
  }
  if (options.assets ?? true) one.assets = await copyAssets(from.engine, to);
  return one;
}
