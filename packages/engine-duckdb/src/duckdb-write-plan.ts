/**
 * Writes planned before they run, as the PostgreSQL engine plans its inserts: every value is made
 * fit for its column first, and what stands in the way comes back as the plan instead of being
 * thrown mid-write: the columns to widen (all of them in one round), keys to rename to the stored
 * column names, or a key the schema does not know (a stale cache, or a real mistake). The engine
 * acts on the plan and plans again.
 */
import type { CellValue, Row } from '@xetrack/core/engine';
import { quoteIdentifier } from './duckdb-names.js';
import { findColumn, resolveColumn, sameColumnTwice, type Column, type TableSchema } from './duckdb-schema.js';
import { isWiden, paramFor, toColumnValue, widenTarget, type Param, type Widen, type WidenTarget } from './duckdb-values.js';

/**
 * Columns to widen before the values fit, each to the type its first misfit asked for. A column
 * asked DOUBLE and later VARIANT is widened step by step (the next plan asks again), so it ends as
 * it would have row by row: a VARIANT that remembers `float`.
 */
export type Widenings = Map<Column, WidenTarget>;

/** What inserting one row does next. */
export type RowPlan =
  /** Its prepared single-row INSERT and parameters. */
  | { readonly kind: 'row'; readonly sql: string; readonly params: Param[] }
  | { readonly kind: 'widen'; readonly widenings: Widenings }
  /** `key` names no column the schema knows. */
  | { readonly kind: 'unknown'; readonly key: string };

/** What inserting several rows does next. */
export type RowsPlan =
  /** Every value fitted its column and went to the sink. */
  | { readonly kind: 'rows' }
  | { readonly kind: 'widen'; readonly widenings: Widenings }
  /** Some key names its column in another case (or is undefined): rename the keys (`normalizeRows`), then plan again. */
  | { readonly kind: 'normalize' };

/** Where `planRows` puts each fitted value, row after row, every column of the table per row (null where a row has none). */
export interface ValueSink {
  value(column: Column, value: CellValue): void;
  endRow(): void;
}

/** One row: a prepared INSERT of the row's keys, its SQL remembered per key list (the hot path of `log()`). */
export function planRow(schema: TableSchema, row: Row): RowPlan {
  const keys = Object.keys(row);
  const signature = keys.join('\u0000');
  let shape = schema.inserts.get(signature);
  if (!shape) {
    const columns: Column[] = [];
    for (const key of keys) {
      const column = findColumn(schema, key);
      if (!column) return { kind: 'unknown', key };
      columns.push(column);
    }
    if (new Set(columns).size !== columns.length) throw sameColumnTwice(columns.find((c, i) => columns.indexOf(c) !== i)!);
    const list = columns.map((c) => quoteIdentifier(c.name)).join(', ');
    const sql = `INSERT INTO ${quoteIdentifier(schema.name)} (${list}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`;
    shape = { sql, columns };
    schema.inserts.set(signature, shape);
  }
  const params: Param[] = new Array(keys.length);
  let widenings: Widenings | undefined;
  for (let i = 0; i < keys.length; i++) {
    const column = shape.columns[i]!;
    const value = row[keys[i]!];
    // A key present with the value undefined is a missing key: NULL.
    const fitted = value === undefined ? null : toColumnValue(column, value, schema.name);
    if (isWiden(fitted)) widenings = widening(widenings, column, fitted);
    else params[i] = paramFor(column, fitted);
  }
  return widenings ? { kind: 'widen', widenings } : { kind: 'row', sql: shape.sql, params };
}

/**
 * Several rows, every column of the table per row; each key must match a column by its exact name
 * (otherwise: normalize). Values go to `sink` as they are fitted, so a large batch is read once
 * (planning first and writing after would hold every value of the batch in one more array, and
 * walk it twice); when the plan is not `rows`, the caller discards what the sink got.
 */
export function planRows(schema: TableSchema, rows: readonly Row[], sink: ValueSink): RowsPlan {
  const columns = schema.columns;
  const width = columns.length;
  let widenings: Widenings | undefined;
  for (const row of rows) {
    let present = 0;
    for (let c = 0; c < width; c++) {
      const column = columns[c]!;
      const value = column.inherited ? ownValue(row, column.name) : row[column.name];
      if (value === undefined) {
        sink.value(column, null);
        continue;
      }
      present++;
      const fitted = toColumnValue(column, value, schema.name);
      if (isWiden(fitted)) {
        widenings = widening(widenings, column, fitted);
        sink.value(column, null);
      } else {
        sink.value(column, fitted);
      }
    }
    if (present !== keyCount(row)) return { kind: 'normalize' };
    sink.endRow();
  }
  return widenings ? { kind: 'widen', widenings } : { kind: 'rows' };
}

/** What an update does next: the SET list and its parameters, or the columns to widen first. */
export type UpdatePlan = { readonly kind: 'set'; readonly sets: string[]; readonly params: Param[] } | { readonly kind: 'widen'; readonly widenings: Widenings };

/** The plan for setting `values` (undefined ones skipped); a key naming no column throws UNKNOWN_COLUMN. */
export function planUpdate(schema: TableSchema, values: Row): UpdatePlan {
  const sets: string[] = [];
  const params: Param[] = [];
  let widenings: Widenings | undefined;
  for (const key of Object.keys(values)) {
    const value = values[key];
    if (value === undefined) continue;
    const column = resolveColumn(schema, key);
    const fitted = toColumnValue(column, value, schema.name);
    if (isWiden(fitted)) {
      widenings = widening(widenings, column, fitted);
      continue;
    }
    params.push(paramFor(column, fitted));
    sets.push(`${quoteIdentifier(column.name)} = $${params.length}`);
  }
  return widenings ? { kind: 'widen', widenings } : { kind: 'set', sets, params };
}

/**
 * The rows with every key renamed to its column's stored name, or the first key that names no
 * column. Two keys for one column (names differing only in case) throw INVALID_ARGUMENT.
 */
export function normalizeRows(schema: TableSchema, rows: readonly Row[]): Row[] | { readonly unknown: string } {
  const out: Row[] = [];
  for (const row of rows) {
    const renamed: Row = {};
    for (const key of Object.keys(row)) {
      const value = row[key];
      if (value === undefined) continue;
      const column = findColumn(schema, key);
      if (!column) return { unknown: key };
      if (Object.hasOwn(renamed, column.name)) throw sameColumnTwice(column);
      Object.defineProperty(renamed, column.name, { value, enumerable: true, writable: true, configurable: true });
    }
    out.push(renamed);
  }
  return out;
}

function widening(widenings: Widenings | undefined, column: Column, widen: Widen): Widenings {
  const found = widenings ?? new Map<Column, WidenTarget>();
  if (!found.has(column)) found.set(column, widenTarget(widen));
  return found;
}

function ownValue(row: Row, name: string): CellValue | undefined {
  return Object.hasOwn(row, name) ? row[name] : undefined;
}

function keyCount(row: Row): number {
  let n = 0;
  for (const key in row) if (Object.hasOwn(row, key)) n++;
  return n;
}
