import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import type { CellValue, ColumnSpec, Row, SelectOptions } from '../engine/contract.js';
import { XetrackError } from '../errors.js';
import { importOptional } from '../optional-import.js';
import type { TrackingTable } from '../table/tracking-table.js';
import { csvHeader, csvLine, jsonLine } from './row-formats.js';

export type ExportFormat = 'csv' | 'jsonl' | 'parquet';

/** The format a file name implies: `.csv`, `.jsonl`/`.ndjson`, `.parquet`. */
export function exportFormatFor(file: string): ExportFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.parquet') return 'parquet';
  throw new XetrackError('INVALID_ARGUMENT', `Cannot tell the export format of ${file}: name the file .csv, .jsonl or .parquet.`);
}

/**
 * What `@xetrack/engine-duckdb` exports to write Parquet: rows streamed into DuckDB's own writer,
 * so memory stays bounded whatever the row count.
 */
type ParquetWriter = (file: string, columns: ColumnSpec[], rows: AsyncIterable<Row>) => Promise<number>;

/**
 * Streams the rows matching `options` into `file` (CSV, JSONL or Parquet) and resolves the row
 * count. Rows are read page by page and written with back-pressure, so a table bigger than memory
 * exports in bounded memory. Parquet needs `@xetrack/engine-duckdb`.
 */
export async function exportTable(store: TrackingTable, file: string, options: SelectOptions, format: ExportFormat = exportFormatFor(file)): Promise<number> {
  const columns = await store.columns();
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  if (format === 'parquet') {
    const duckdb = await importOptional('@xetrack/engine-duckdb', 'Parquet export');
    if (typeof duckdb.writeParquet !== 'function') {
      throw new XetrackError('ENGINE_NOT_FOUND', 'The installed @xetrack/engine-duckdb has no Parquet writer: update it to the version of @xetrack/core.');
    }
    return (duckdb.writeParquet as ParquetWriter)(file, columns, store.iterateCells(options));
  }
  const out = createWriteStream(file);
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
  } finally {
    out.end();
  }
  await Promise.race([once(out, 'finish'), failed]);
  return count;
}
