import type { CellValue, Row } from './contract.js';

/**
 * `rows` as arrays of the values of `names`, `size` to a batch: `iterateArrays` for an engine that
 * streams rows as objects (core's fallback, and the SQLite engine's paged reads of a file not in WAL).
 */
export async function* arrayBatches(rows: AsyncIterable<Row>, names: readonly string[], size = 1_000): AsyncGenerator<CellValue[][]> {
  let batch: CellValue[][] = [];
  for await (const row of rows) {
    batch.push(names.map((name) => row[name] ?? null));
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
