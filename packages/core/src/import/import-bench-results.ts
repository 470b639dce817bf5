import type { CellValue } from '../engine/contract.js';
import type { EngineChoice } from '../engine/load-engine.js';
import { Tracker } from '../tracker.js';
import { parseBenchResults, type BenchResults, type BenchTool } from './bench-results.js';

export interface ImportBenchOptions {
  /** Table to write (default `default`). */
  table?: string;
  /** The engine (instance, plugin or name); by default the one the location implies. */
  engine?: EngineChoice;
  /** Extra columns on every row, e.g. `{ branch: 'main', git_commit_hash: sha }`. */
  params?: Record<string, CellValue>;
  /** The file's name, for messages. */
  file?: string;
}

export interface ImportBenchResult {
  tool: BenchTool;
  /** The run the rows belong to: derived from the file's bytes. */
  trackId: string;
  benchmarks: number;
  /** Rows written (0 when the file was imported before). */
  rows: number;
  /** The same file was imported before: nothing was written. */
  alreadyImported: boolean;
}

/**
 * Imports a benchmark tool's result file (its text, or what `parseBenchResults` made of it) into
 * `location` as one run whose id comes from the file's bytes, in one transaction. The whole file is
 * checked before anything is opened, so a malformed one writes nothing; importing the same file
 * again writes nothing either.
 */
export async function importBenchResults(location: string, results: string | BenchResults, options: ImportBenchOptions = {}): Promise<ImportBenchResult> {
  const parsed = typeof results === 'string' ? parseBenchResults(results, options.file) : results;
  const tracker = await Tracker.open(location, { engine: options.engine, table: options.table, trackId: parsed.trackId, params: options.params, warnings: false });
  try {
    const result = { tool: parsed.tool, trackId: parsed.trackId, benchmarks: parsed.benchmarks };
    if ((await tracker.countRun()) > 0) return { ...result, rows: 0, alreadyImported: true };
    await tracker.logBatch(parsed.rows);
    return { ...result, rows: parsed.rows.length, alreadyImported: false };
  } finally {
    await tracker.close();
  }
}
