/** Rows out of DuckDB: results read chunk by chunk into row objects in the contract's JS forms (see `cellReaderFor`). */
import type { DuckDBDataChunk, DuckDBMaterializedResult } from '@duckdb/node-api';
import type { Row } from '@xetrack/core/engine';
import { cellReaderFor, type CellReader } from './duckdb-types.js';

/** Every row of a materialized result. */
export function readAll(result: DuckDBMaterializedResult): Row[] {
  const names = result.deduplicatedColumnNames();
  const readers = result.columnTypes().map(cellReaderFor);
  const rows: Row[] = [];
  const count = result.chunkCount;
  for (let i = 0; i < count; i++) readChunk(result.getChunk(i), names, readers, rows);
  return rows;
}

/** Appends the chunk's rows to `out`, column by column; a column named `__proto__` stays a plain key. */
export function readChunk(chunk: DuckDBDataChunk, names: string[], readers: CellReader[], out: Row[]): void {
  const size = chunk.rowCount;
  if (size === 0) return;
  const columns = chunk.getColumns();
  const width = names.length;
  const start = out.length;
  for (let r = 0; r < size; r++) out.push({});
  for (let c = 0; c < width; c++) {
    const name = names[c]!;
    const read = readers[c]!;
    const values = columns[c]!;
    if (name === '__proto__') {
      for (let r = 0; r < size; r++) {
        Object.defineProperty(out[start + r], name, { value: read(values[r]!), enumerable: true, writable: true, configurable: true });
      }
    } else {
      for (let r = 0; r < size; r++) out[start + r]![name] = read(values[r]!);
    }
  }
}
