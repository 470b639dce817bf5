import { KEY_COLUMNS, type Engine, type Row } from './engine/contract.js';
import { guardEngine } from './engine/guard-engine.js';
import { openEngine, type EngineChoice } from './engine/load-engine.js';
import { XetrackError } from './errors.js';
import { dataFileFormat } from './export/export-table.js';
import { AbsentRuns } from './absent-runs.js';
import { copyAssets } from './copy-assets.js';
import { insertNewRows, type RowConflict } from './insert-new-rows.js';
import { checkTableName } from './schema/identifiers.js';

export interface CopyOptions {
  /** Tables to copy (default: every tracking table of the source). */
  tables?: string[];
  /** The source's engine (default: the one its location implies). */
  sourceEngine?: EngineChoice;
  /** The target's engine (default: the one its location implies). */
  targetEngine?: EngineChoice;
  /** Rows read, checked and written per step (default 5,000). */
  batchSize?: number;
  /** Called after every step, e.g. to draw a progress bar. */
  onProgress?(progress: CopyProgress): void;
  /** Called for each row the target holds with other values (same track_id and timestamp); that row is kept. */
  onConflict?(conflict: RowConflict): void;
  /** Also copy the asset store (`@xetrack/assets`) when both sides are SQLite files (default false). */
  assets?: boolean;
}

export interface CopyProgress {
  table: string;
  /** Source rows looked at so far, of `total`. */
  done: number;
  total: number;
  copied: number;
}

export interface TableCopyResult {
  copied: number;
  /** Rows the target already had (same track_id and timestamp). */
  skipped: number;
  /** Of `skipped`, rows the target holds with other values (see `onConflict`). */
  conflicts: number;
  columnsAdded: number;
}

export interface CopyResult {
  copied: number;
  skipped: number;
  conflicts: number;
  tables: Record<string, TableCopyResult>;
  /** Assets copied (`assets: true`). */
  assets: number;
}

/**
 * Copies tracking tables from one database to another, across engines (SQLite, DuckDB, PostgreSQL,
 * any plugin). Idempotent: rows the target already has (same track_id and timestamp) are skipped,
 * so copying twice copies nothing the second time; one held with other values is a conflict, kept as
 * it is and reported (`onConflict`, `conflicts`). Missing columns are added to the target with the
 * source's types. The source is only read: a missing source table is an error, never created.
 */
export async function copy(source: string | Engine, target: string | Engine, options: CopyOptions = {}): Promise<CopyResult> {
  const format = typeof target === 'string' && options.targetEngine === undefined ? dataFileFormat(target) : undefined;
  if (format !== undefined) {
    throw new XetrackError(
      'INVALID_ARGUMENT',
      `${target as string} names a ${format} file, and copy() writes databases (it would have made a SQLite file of that name). Export a table with reader.exportTo(file) (or xt copy / xt export), or pass targetEngine to make a database of that name.`,
    );
  }
  const from = await openSide(source, options.sourceEngine, true);
  try {
    const to = await openSide(target, options.targetEngine, false);
    try {
      const available = await from.engine.tables();
      const tables = options.tables ?? available;
      for (const table of tables) {
        checkTableName(table);
        if (!available.includes(table)) {
          throw new XetrackError('UNKNOWN_TABLE', `No table ${JSON.stringify(table)} in ${from.engine.location}. Tables there: ${available.join(', ') || 'none'}.`);
        }
      }
      refuseCaseMerges(tables, to.engine);
      const result: CopyResult = { copied: 0, skipped: 0, conflicts: 0, tables: {}, assets: 0 };
      for (const table of tables) {
        const one = await copyTable(from.engine, to.engine, table, options);
        result.tables[table] = one;
        addCounts(result, one);
      }
      if (options.assets) result.assets = await copyAssets(from.engine, to.engine);
      return result;
    } finally {
      if (to.owned) await to.engine.close();
    }
  } finally {
    if (from.owned) await from.engine.close();
  }
}

/**
 * Two source tables whose names differ only in letter case (PostgreSQL's `CaseTable` and
 * `casetable`) would land in one table of a target that folds case (SQLite, DuckDB): refused,
 * naming both, before anything is copied.
 */
export function refuseCaseMerges(tables: readonly string[], target: Engine): void {
  if (target.capabilities.caseSensitiveTables) return;
  const seen = new Map<string, string>();
  for (const table of tables) {
    const lower = table.replace(/[A-Z]+/g, (letters) => letters.toLowerCase()); // SQLite and DuckDB fold ASCII letters only
    const other = seen.get(lower);
    if (other !== undefined && other !== table) {
      throw new XetrackError(
        'INVALID_ARGUMENT',
        `The tables ${JSON.stringify(other)} and ${JSON.stringify(table)} differ only in letter case, and ${target.location} (${target.name}) treats them as one table: copying both would merge them. Nothing was copied. Copy one of them at a time into different databases (--table), or rename one first.`,
      );
    }
    seen.set(lower, table);
  }
}

type Counts = { copied: number; skipped: number; conflicts: number };

/** Adds a part's counts (a table's, a source's) to a total. */
export function addCounts(total: Counts, part: Counts): void {
  total.copied += part.copied;
  total.skipped += part.skipped;
  total.conflicts += part.conflicts;
}

/** Opens one side of a copy: an engine as given (not closed here), or one for the location (`owned`). */
export async function openSide(location: string | Engine, choice: EngineChoice | undefined, mustExist: boolean): Promise<{ engine: Engine; owned: boolean }> {
  if (typeof location !== 'string') return { engine: guardEngine(location), owned: false };
  const opened = await openEngine(location, choice, { mustExist });
  return { engine: guardEngine(opened.engine), owned: opened.owned };
}

/** A column set on every copied row, e.g. merge's provenance (which source a row came from). */
export interface StampColumn {
  name: string;
  value: string;
}

/**
 * Copies one table; `stamp` adds a text column to the target and sets it on every row written
 * that has no value there yet (a row merged before keeps the store it first came from).
 */
export async function copyTable(from: Engine, to: Engine, table: string, options: CopyOptions & { stamp?: StampColumn }): Promise<TableCopyResult> {
  const stamp = options.stamp;
  const sourceColumns = await from.describe(table);
  const before = new Set((await to.describe(table)).map((c) => c.name.toLowerCase()));
  if (before.size > 0 && !KEY_COLUMNS.every((k) => before.has(k))) {
    throw new XetrackError('SCHEMA_MISMATCH', `The table ${JSON.stringify(table)} in ${to.location} is not a tracking table (no track_id/timestamp): copy into another database.`);
  }
  const extra = sourceColumns.filter((c) => !KEY_COLUMNS.includes(c.name.toLowerCase() as (typeof KEY_COLUMNS)[number]));
  if (stamp && !extra.some((c) => c.name.toLowerCase() === stamp.name.toLowerCase())) extra.push({ name: stamp.name, type: 'text' });
  await to.ensureColumns(table, extra);
  const columnsAdded = extra.filter((c) => !before.has(c.name.toLowerCase())).length;
  // The target may spell a column with other letter case; rows are written under its spelling.
  const targetName = new Map((await to.describe(table)).map((c) => [c.name.toLowerCase(), c.name]));
  const rename = sourceColumns.filter((c) => targetName.get(c.name.toLowerCase()) !== c.name);

  const total = await from.count(table);
  const batchSize = options.batchSize ?? 5_000;
  const stampName = stamp ? targetName.get(stamp.name.toLowerCase())! : undefined;
  const result: TableCopyResult = { copied: 0, skipped: 0, conflicts: 0, columnsAdded };
  let done = 0;
  let batch: Row[] = [];
  const absent = new AbsentRuns(to, table);
  const flush = async () => {
    const written = await insertNewRows(to, table, batch, stampName ? [stampName] : [], await absent.of(batch));
    result.copied += written.inserted;
    result.skipped += batch.length - written.inserted;
    result.conflicts += written.conflicts.length;
    for (const conflict of written.conflicts) options.onConflict?.(conflict);
    done += batch.length;
    batch = [];
    options.onProgress?.({ table, done, total, copied: result.copied });
  };
  for await (const row of readRows(from, table, batchSize)) {
    for (const column of rename) {
      row[targetName.get(column.name.toLowerCase())!] = row[column.name] ?? null;
      delete row[column.name];
    }
    if (stampName) row[stampName] ??= stamp!.value;
    batch.push(row);
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length > 0 || done === 0) await flush();
  return result;
}

/**
 * The source's rows: streamed in the source's own order where it can (a copy's outcome does not
 * depend on the order, and a sort of the whole table would cost more than the copy), else in
 * pages of a fixed order.
 */
async function* readRows(engine: Engine, table: string, pageSize: number): AsyncIterable<Row> {
  if (engine.iterate) {
    yield* engine.iterate(table);
    return;
  }
  const order = { orderBy: [{ column: 'timestamp' }, { column: 'track_id' }] };
  for (let offset = 0; ; offset += pageSize) {
    const page = await engine.select(table, { ...order, offset, limit: pageSize });
    yield* page;
    if (page.length < pageSize) return;
  }
}
