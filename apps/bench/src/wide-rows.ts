import { copyFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { openTracker } from './core-sqlite.js';
import { timeMs, type Timing } from './measure.js';
import { rawTimestamp, TABLE } from './raw-sqlite.js';
import { scratchPath } from './scratch.js';
import { BENCH_TRACK_ID } from './workloads.js';

/**
 * Wide rows: one column per metric or param, as evaluation tables have (a few hundred keys is
 * normal). Column `c<j>` holds, by `j % 8`: integers (0, 1), floats (2-5), text (6), a boolean (7).
 */
export type WideRow = Record<string, number | string | boolean>;

const QUOTED = `"${TABLE}"`;
/** Columns the pre-filled rows carry; the wider columns are added by ALTER TABLE (NULL in old rows, stored in none). */
const FILLED_COLUMNS = 12;

function columnName(j: number): string {
  return `c${j}`;
}

function declaredType(j: number): string {
  const kind = j % 8;
  return kind < 2 ? 'INTEGER' : kind < 6 ? 'REAL' : kind === 6 ? 'TEXT' : 'BOOLEAN';
}

/**
 * Row `i` of `width` columns. Built key by key, as code that collects metrics does, so rows past
 * V8's fast-property limit are dictionary-mode objects, as they are in real use.
 */
export function wideRow(width: number, i: number): WideRow {
  const row: WideRow = {};
  for (let j = 0; j < width; j++) {
    const kind = j % 8;
    row[columnName(j)] = kind < 2 ? i + j : kind < 6 ? (i % 1000) / 1000 + j + 0.25 : kind === 6 ? `v${i % 97}-${j}` : (i + j) % 3 !== 0;
  }
  return row;
}

export function wideRows(width: number, count: number, from: number): WideRow[] {
  return Array.from({ length: count }, (_, k) => wideRow(width, from + k));
}

/**
 * A file holding `rows` rows of the first 12 wide columns (100 runs), in the xetrack layout and
 * pragmas, written by raw better-sqlite3 in one transaction: built once, copied per measurement.
 */
export function buildPrefilled(dir: string, rows: number): string {
  const path = scratchPath(dir, `wide-prefilled-${rows}`);
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const columns = Array.from({ length: FILLED_COLUMNS }, (_, j) => `"${columnName(j)}" ${declaredType(j)}`);
    db.exec(`CREATE TABLE ${QUOTED} (track_id TEXT, timestamp TEXT, ${columns.join(', ')}, PRIMARY KEY (track_id, timestamp))`);
    const insert = db.prepare(
      `INSERT INTO ${QUOTED} VALUES (${Array(FILLED_COLUMNS + 2)
        .fill('?')
        .join(', ')})`,
    );
    const params: unknown[] = new Array(FILLED_COLUMNS + 2);
    db.transaction(() => {
      for (let i = 0; i < rows; i++) {
        params[0] = `run-${i % 100}`;
        params[1] = rawTimestamp(i);
        const row = wideRow(FILLED_COLUMNS, i);
        for (let j = 0; j < FILLED_COLUMNS; j++) params[j + 2] = cell(row[columnName(j)]!);
        insert.run(params);
      }
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return path;
}

/** A copy of the pre-filled file at `path`, widened to `width` columns (ALTER TABLE ADD COLUMN: no row is rewritten). */
export function copyWidened(prefilled: string, path: string, width: number): void {
  copyFileSync(prefilled, path);
  const db = new Database(path);
  try {
    for (let j = FILLED_COLUMNS; j < width; j++) db.exec(`ALTER TABLE ${QUOTED} ADD COLUMN "${columnName(j)}" ${declaredType(j)}`);
  } finally {
    db.close();
  }
}

/** A value as a hand-written logger binds it (better-sqlite3 refuses booleans). */
function cell(value: number | string | boolean): number | string {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

/** How rows are written: each awaited on its own (`log`), or all in one call (`batch`). */
export type WideKind = 'log' | 'batch';

/**
 * The raw baseline at the same width: one prepared INSERT naming every column, values bound
 * positionally from one reused array filled from the known column list; autocommit per row for
 * `log`, one transaction for `batch`.
 */
export async function rawWideWrite(path: string, kind: WideKind, width: number, rows: readonly WideRow[]): Promise<Timing> {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const names = Array.from({ length: width }, (_, j) => columnName(j));
    const insert = db.prepare(
      `INSERT INTO ${QUOTED} (track_id, timestamp, ${names.map((n) => `"${n}"`).join(', ')}) VALUES (${Array(width + 2)
        .fill('?')
        .join(', ')})`,
    );
    const params: unknown[] = new Array(width + 2);
    params[0] = BENCH_TRACK_ID;
    const write = (row: WideRow, i: number) => {
      params[1] = rawTimestamp(i);
      for (let j = 0; j < width; j++) params[j + 2] = cell(row[names[j]!]!);
      insert.run(params);
    };
    write(rows[0]!, 0); // the priming row, as ours logs one
    const writeAll = db.transaction(() => {
      for (let k = 1; k < rows.length; k++) write(rows[k]!, k);
    });
    return await timeMs(() => {
      if (kind === 'batch') writeAll();
      else for (let k = 1; k < rows.length; k++) write(rows[k]!, k);
    });
  } finally {
    db.close();
  }
}

/** Ours: `await tracker.log(row)` per row, or one `tracker.logBatch(rows)`, after one untimed priming row. */
export async function oursWideWrite(path: string, kind: WideKind, rows: readonly WideRow[]): Promise<Timing> {
  const opened = await openTracker(path);
  try {
    const tracker = opened.tracker as unknown as { log(row: WideRow): Promise<unknown>; logBatch(rows: readonly WideRow[]): Promise<unknown> };
    await tracker.log(rows[0]!);
    const timed = rows.slice(1);
    return await timeMs(async () => {
      if (kind === 'batch') await tracker.logBatch(timed);
      else for (const row of timed) await tracker.log(row);
    });
  } finally {
    await opened.close();
  }
}
