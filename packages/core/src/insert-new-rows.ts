import { KEY_COLUMNS, type CellValue, type Engine, type Row } from './engine/contract.js';
import { isXetrackError } from './errors.js';

/** A row the target already holds under the same (track_id, timestamp) with other values: never overwritten. */
export interface RowConflict {
  table: string;
  track_id: string;
  timestamp: string;
  /** The columns whose values differ: the target's value and the incoming one. */
  columns: { column: string; target: CellValue; incoming: CellValue }[];
}

export interface NewRowsResult {
  /** Rows written now. */
  inserted: number;
  /** Rows the target already held with the same values. */
  same: number;
  /** Rows the target holds with other values: left as they are. */
  conflicts: RowConflict[];
}

/**
 * Writes the rows of `batch` that `table` does not hold yet, keyed by (track_id, timestamp): never
 * by timestamp alone, so two runs that logged at the same microsecond both land. A key the target
 * has is compared value by value (columns in `ignore` aside): equal is "already there", different
 * is a conflict, and the target's row is kept. Safe to repeat, and against concurrent writers.
 *
 * `unheld` marks rows known to be new (their run was absent from the target, see `AbsentRuns`):
 * they are written without a lookup. Should one collide after all (another writer added its key
 * since), nothing of the write is kept and every row of the batch is looked up, as without `unheld`.
 */
export async function insertNewRows(to: Engine, table: string, batch: Row[], ignore: readonly string[] = [], unheld?: (row: Row) => boolean): Promise<NewRowsResult> {
  const result: NewRowsResult = { inserted: 0, same: 0, conflicts: [] };
  if (batch.length === 0) return result;
  const lookedUp = unheld && to.capabilities.transactions ? batch.filter((row) => !unheld(row)) : batch;
  const existing = lookedUp.length > 0 ? await existingRows(to, table, lookedUp) : new Map<string, Row>();
  const fresh: Row[] = [];
  for (const row of batch) {
    const held = existing.size === 0 ? undefined : existing.get(keyOf(row));
    if (!held) {
      fresh.push(row);
      continue;
    }
    const columns = differingColumns(held, row, ignore);
    if (columns.length === 0) result.same++;
    else result.conflicts.push({ table, track_id: String(row.track_id), timestamp: String(row.timestamp), columns });
  }
  if (lookedUp.length < batch.length) {
    try {
      result.inserted = await to.insert(table, fresh);
      return result;
    } catch (error) {
      if (!isXetrackError(error, 'DUPLICATE_KEY')) throw error;
    }
    return insertNewRows(to, table, batch, ignore); // atomic, so nothing was kept: look every row up
  }
  result.inserted = await insertSkippingDuplicates(to, table, fresh);
  result.same += fresh.length - result.inserted; // written by a concurrent writer meanwhile
  return result;
}

const keyOf = (row: Row) => `${String(row.track_id)}\u0000${String(row.timestamp)}`;

/** The target's rows whose (track_id, timestamp) is one of the batch's, by key. */
async function existingRows(to: Engine, table: string, batch: Row[]): Promise<Map<string, Row>> {
  const ids = [...new Set(batch.map((r) => r.track_id ?? null))];
  const stamps = batch.map((r) => String(r.timestamp));
  const first = stamps.reduce((a, b) => (a < b ? a : b));
  const last = stamps.reduce((a, b) => (a > b ? a : b));
  const rows = await to.select(table, {
    where: [
      { column: 'track_id', op: 'in', value: ids },
      { column: 'timestamp', op: '>=', value: first },
      { column: 'timestamp', op: '<=', value: last },
    ],
  });
  return new Map(rows.map((row) => [keyOf(row), row]));
}

/** Columns of `incoming` whose value differs from the target's (names matched case-insensitively). */
function differingColumns(held: Row, incoming: Row, ignore: readonly string[]): RowConflict['columns'] {
  const heldByName = new Map(Object.entries(held).map(([k, v]) => [k.toLowerCase(), v]));
  const skip = new Set([...KEY_COLUMNS, ...ignore.map((c) => c.toLowerCase())]);
  const columns: RowConflict['columns'] = [];
  for (const [column, value] of Object.entries(incoming)) {
    if (skip.has(column.toLowerCase())) continue;
    const target = heldByName.get(column.toLowerCase()) ?? null;
    if (!sameCell(target, value ?? null)) columns.push({ column, target, incoming: value ?? null });
  }
  return columns;
}

/**
 * Whether two cells hold the same value once each engine's storage is allowed for: booleans as
 * 1/0 or text, numbers as text in a widened column, bigints as numbers, JSON re-serialized (JSONB
 * reorders keys and spacing).
 */
export function sameCell(a: CellValue, b: CellValue): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: CellValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'n:1' : 'n:0';
  if (typeof value === 'number' || typeof value === 'bigint') return `n:${Object.is(value, -0) ? 0 : String(value)}`;
  if (value instanceof Uint8Array) return `b:${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
  const text = value.trim();
  if (text === 'true' || text === 'false') return text === 'true' ? 'n:1' : 'n:0';
  if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text)) {
    const n = Number(text);
    if (!Number.isSafeInteger(n) && /^[-+]?\d+$/.test(text)) return `n:${BigInt(text.replace(/^\+/, '')).toString()}`;
    return `n:${Object.is(n, -0) ? 0 : String(n)}`;
  }
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      return `j:${stableJson(JSON.parse(text))}`;
    } catch {
      // not JSON: plain text
    }
  }
  return `s:${value}`;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Inserts in one transaction; if a concurrent writer added one of the keys meanwhile, row by row. */
async function insertSkippingDuplicates(to: Engine, table: string, rows: Row[]): Promise<number> {
  if (rows.length === 0) return 0;
  try {
    return await to.insert(table, rows);
  } catch (error) {
    if (!isXetrackError(error, 'DUPLICATE_KEY')) throw error;
  }
  let inserted = 0;
  for (const row of rows) {
    try {
      inserted += await to.insert(table, [row]);
    } catch (error) {
      if (!isXetrackError(error, 'DUPLICATE_KEY')) throw error;
    }
  }
  return inserted;
}
