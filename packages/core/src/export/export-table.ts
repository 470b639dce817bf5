import { createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import type { CellValue, ColumnSpec, SelectOptions } from '../engine/contract.js';
import { XetrackError } from '../errors.js';
import { loadParquetWriter } from '../optional-packages.js';
import type { TrackingTable } from '../table/tracking-table.js';
import { csvHeader, csvLine, jsonLine } from './row-formats.js';
import { removeOnExit, sweepStale, tempName } from './temp-files.js';

export type ExportFormat = 'csv' | 'jsonl' | 'parquet';

/** Export formats by file extension. */
const FORMATS: ReadonlyMap<string, ExportFormat> = new Map([
  ['.csv', 'csv'],
  ['.jsonl', 'jsonl'],
  ['.ndjson', 'jsonl'],
  ['.parquet', 'parquet'],
]);

/** Data files that cannot hold rows as exported here. */
const OTHER_DATA_FILES = new Set(['.json', '.tsv']);

/** The format a file name implies: `.csv`, `.jsonl`/`.ndjson`, `.parquet`. */
export function exportFormatFor(file: string): ExportFormat {
  const format = FORMATS.get(path.extname(file).toLowerCase());
  if (format === undefined) throw new XetrackError('INVALID_ARGUMENT', `Cannot tell the export format of ${file}: name the file .csv, .jsonl or .parquet.`);
  return format;
}

/**
 * The export format a copy's target names (`.csv`, `.jsonl`, `.parquet`), or undefined for a
 * database: a data file is exported to, never opened as a database (a SQLite file named `.parquet`
 * would be a trap). `.json` and `.tsv` are refused: nothing here writes them.
 */
export function dataFileFormat(location: string): ExportFormat | undefined {
  const extension = path.extname(location).toLowerCase();
  if (OTHER_DATA_FILES.has(extension)) {
    throw new XetrackError(
      'INVALID_ARGUMENT',
      `${location} names a data file, not a database, and none is written in that format: copy to a database (.db, .duckdb, postgres://), or export to .csv, .jsonl or .parquet.`,
    );
  }
  return FORMATS.get(extension);
}

/**
 * What `@xetrack/engine-duckdb` exports to write Parquet: rows streamed into DuckDB's own writer,
 * so memory stays bounded whatever the row count.
 */

/**
 * Streams the rows matching `options` into `file` (CSV, JSONL or Parquet) and resolves the row
 * count. Rows are read page by page and written with back-pressure, so a table bigger than memory
 * exports in bounded memory. Parquet needs `@xetrack/engine-duckdb`.
 *
 * The file appears whole or not at all: rows go to a temporary file beside it (same directory, so
 * same file system), renamed over `file` at the end. An export that fails or is interrupted leaves
 * an earlier `file` as it was; one killed outright leaves its temporary file, removed by the next
 * export to that directory.
 */
export async function exportTable(store: TrackingTable, file: string, options: SelectOptions, format: ExportFormat = exportFormatFor(file)): Promise<number> {
  const columns = await store.columns();
  const target = path.resolve(file);
  const dir = path.dirname(target);
  mkdirSync(dir, { recursive: true });
  const prefix = `.${path.basename(target)}.xt-export-`;
  sweepStale(dir, prefix);
  const temp = path.join(dir, tempName(prefix));
  const release = removeOnExit(temp);
  try {
    const count = await writeRows(store, temp, columns, options, format, file);
    renameSync(temp, target);
    return count;
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  } finally {
    release();
  }
}

async function writeRows(store: TrackingTable, temp: string, columns: ColumnSpec[], options: SelectOptions, format: ExportFormat, file: string): Promise<number> {
  if (format === 'parquet') {
    const writeParquet = await loadParquetWriter('Parquet export');
    return writeParquet(temp, columns, store.iterateCells(options));
  }
  const out = createWriteStream(temp);
  const failed = once(out, 'error').then(([error]) => {
    throw new XetrackError('ENGINE_FAILURE', `Could not write ${file}: ${(error as Error).message}. Check the path and free space.`, { cause: error });
  });
  failed.catch(() => undefined); // observed through the races below
  const write = async (text: string) => {
    if (!out.write(text)) await Promise.race([once(out, 'drain'), failed]);
  };
  let count = 0;
  try {
    if (format === 'csv') await write(csvHeader(columns));
    const line = format === 'csv' ? csvLine : jsonLine;
    for await (const row of store.iterateCells(options)) {
      await write(line(columns, row as Record<string, CellValue>));
      count++;
    }
  } catch (error) {
    // closed before the caller removes the file (the stream opens it asynchronously)
    if (!out.closed) await once(out.destroy(), 'close');
    throw error;
  }
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
  return count;
}
