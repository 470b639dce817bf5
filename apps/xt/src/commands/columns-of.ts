import { columnNameFor, type ColumnSpec, type Reader, type TrackedRow, type UntypedRow } from '@xetrack/core';

/**
 * The column `name` names: an existing column of that exact name first (case-insensitive), then
 * what core's key rule maps it to (`val-loss` → `val_loss`). Core's `Reader.column` only does the
 * latter, so a column Python created from a numeric key (`"7"`) would be reported missing.
 */
export async function resolveColumn(reader: Reader, name: string): Promise<ColumnSpec> {
  const types = await reader.columnTypes();
  const exact = Object.keys(types).find((c) => c.toLowerCase() === name.toLowerCase());
  return exact === undefined ? reader.column(name) : { name: exact, type: types[exact] ?? 'text' };
}

/**
 * Rows (of one run, with `trackId`) holding at least `columns`, in timestamp order. Asks the
 * reader for just those columns when core's key rule leaves their names as they are, and for
 * whole rows otherwise (the reader would map `"7"` to `_7`).
 */
export function rowsWith(reader: Reader, columns: readonly string[], trackId: string | undefined): AsyncIterable<TrackedRow<UntypedRow>> {
  const safe = columns.every((c) => columnNameFor(c).toLowerCase() === c.toLowerCase());
  return reader.iterate({ trackId, ...(safe ? { columns: [...new Set(columns)] } : {}) }) as AsyncIterable<TrackedRow<UntypedRow>>;
}
