import type { CellValue, ColumnSpec } from '@xetrack/core/engine';

/** One tracking table of the reference engine. */
export interface MemoryTable {
  /** In table order: `track_id` and `timestamp` first. */
  columns: ColumnSpec[];
  /** One array of values per row, in column order, so adding a column is one push per row. */
  rows: CellValue[][];
}

/**
 * The tables of one in-memory store. Every `MemoryEngine` opened on the same store sees the same
 * tables, as connections to one database file do; the store outlives the engines that close.
 */
export class MemoryStore {
  readonly tables = new Map<string, MemoryTable>();
}
