import Database from 'better-sqlite3';
import { BENCH_COLUMNS, benchRow, type BenchRow } from './bench-rows.js';
import { timeMs, type Timing } from './measure.js';
import { BENCH_TRACK_ID, FIRST_INDEX, PRIME_INDEX, type Workloads } from './workloads.js';

/** The table name xetrack uses by default. */
export const TABLE = 'default';
const QUOTED = `"${TABLE}"`;

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * A unique timestamp text for row `i` in xetrack's format (`YYYY-MM-DD HH:MM:SS.ffffff`), made by
 * plain arithmetic: what a hand-written logger would do instead of reading the clock.
 */
export function rawTimestamp(i: number): string {
  const second = Math.floor(i / 1_000_000);
  return `2025-01-01 ${pad2(Math.floor(second / 3600) % 24)}:${pad2(Math.floor(second / 60) % 60)}:${pad2(second % 60)}.${String(i % 1_000_000).padStart(6, '0')}`;
}

/**
 * The raw baseline: better-sqlite3 used the way a careful user would by hand, on the same table
 * layout xetrack writes (`track_id`, `timestamp` TEXT, PRIMARY KEY (track_id, timestamp), then the
 * 12 data columns) and the same pragmas (WAL, synchronous=NORMAL). One prepared INSERT binding
 * positional values; autocommit for single rows, one transaction for many.
 */
export class RawSqlite {
  readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly insertAll: (rows: readonly BenchRow[], trackId: string, from: number) => void;

  private constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    const columns = BENCH_COLUMNS.map(([name, type]) => `"${name}" ${type}`).join(', ');
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${QUOTED} (track_id TEXT, timestamp TEXT, ${columns}, PRIMARY KEY (track_id, timestamp))`);
    const names = ['track_id', 'timestamp', ...BENCH_COLUMNS.map(([name]) => name)].map((n) => `"${n}"`).join(', ');
    this.insert = this.db.prepare(
      `INSERT INTO ${QUOTED} (${names}) VALUES (${Array(BENCH_COLUMNS.length + 2)
        .fill('?')
        .join(', ')})`,
    );
    this.insertAll = this.db.transaction((rows: readonly BenchRow[], trackId: string, from: number) => {
      for (let k = 0; k < rows.length; k++) this.insertRow(rows[k]!, trackId, from + k);
    });
  }

  /** Opens (creating when needed) a database file with the pragmas and the table. */
  static open(path: string): RawSqlite {
    return new RawSqlite(path);
  }

  /** One row, its own autocommit transaction. `i` numbers the row (its timestamp). */
  insertRow(r: BenchRow, trackId: string, i: number): void {
    this.insert.run(trackId, rawTimestamp(i), r.epoch, r.step, r.batch, r.seed, r.loss, r.accuracy, r.lr, r.f1, r.model, r.split, r.note, r.ok ? 1 : 0);
  }

  /** Many rows in one transaction; row k gets number `from + k`. */
  insertMany(rows: readonly BenchRow[], trackId: string, from: number): void {
    this.insertAll(rows, trackId, from);
  }

  /**
   * Writes `count` generated rows in one transaction, spread over `runs` track ids, without
   * holding them in memory: the quick way to build a large file to read back.
   */
  fill(count: number, runs: number): void {
    this.db.transaction(() => {
      for (let i = 0; i < count; i++) this.insertRow(benchRow(i), `run-${i % runs}`, i);
    })();
  }

  /** One run's rows in timestamp order, as objects: what `SELECT *` gives a user. */
  selectRun(trackId: string): unknown[] {
    return this.db.prepare(`SELECT * FROM ${QUOTED} WHERE track_id = ? ORDER BY timestamp`).all(trackId);
  }

  /** Every row in timestamp order, streamed by SQLite's own cursor. */
  iterateAll(): IterableIterator<unknown> {
    return this.db.prepare(`SELECT * FROM ${QUOTED} ORDER BY timestamp`).iterate();
  }

  close(): void {
    this.db.close();
  }
}

/** Opens a fresh baseline database, inserts the priming row, times `work`, closes. */
async function timedRaw(path: string, work: (raw: RawSqlite) => void): Promise<Timing> {
  const raw = RawSqlite.open(path);
  try {
    raw.insertRow(benchRow(PRIME_INDEX), BENCH_TRACK_ID, PRIME_INDEX);
    return await timeMs(() => work(raw));
  } finally {
    raw.close();
    lastClosed = raw;
  }
}

/** The last handle closed, kept reachable so its hidden classes (and the code optimized for them) survive the GC between rounds, as ours does (`core-sqlite.ts`). */
let lastClosed: RawSqlite | undefined;

/** The raw better-sqlite3 side of the SQLite figures. */
export const rawSqlite: Workloads = {
  label: 'better-sqlite3',

  logSingle: (path, rows) =>
    timedRaw(path, (raw) => {
      for (let k = 0; k < rows.length; k++) raw.insertRow(rows[k]!, BENCH_TRACK_ID, FIRST_INDEX + k);
    }),

  // A raw driver has no group commit: the fastest honest equivalent of a burst is one transaction.
  logBurst: (path, rows) => timedRaw(path, (raw) => raw.insertMany(rows, BENCH_TRACK_ID, FIRST_INDEX)),

  logBatch: (path, rows) => timedRaw(path, (raw) => raw.insertMany(rows, BENCH_TRACK_ID, FIRST_INDEX)),

  async readRun(path, trackId) {
    const raw = RawSqlite.open(path);
    try {
      let count = 0;
      const timing = await timeMs(() => {
        count = raw.selectRun(trackId).length;
      });
      return { timing, rows: count };
    } finally {
      raw.close();
    }
  },
};
