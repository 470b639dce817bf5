import { Reader, Tracker } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { benchRow, type BenchRow } from './bench-rows.js';
import { timeMs, type Timing } from './measure.js';
import { BENCH_TRACK_ID, PRIME_INDEX, type Workloads } from './workloads.js';

/** A Tracker and how to close it with its engine. */
export interface OpenedTracker {
  tracker: Tracker<BenchRow>;
  close(): Promise<void>;
}

/**
 * A Tracker on `path` through `@xetrack/engine-sqlite` with WAL and synchronous=NORMAL (the
 * baseline's pragmas). The engine is created here and passed in, so no lazy import happens inside
 * a timed region; `close()` closes both.
 */
export async function openTracker(path: string, trackId: string = BENCH_TRACK_ID): Promise<OpenedTracker> {
  const engine = await sqliteEngine.create({ path, synchronous: 'normal' });
  const tracker = await Tracker.open<BenchRow>(path, { engine, trackId });
  const opened: OpenedTracker = {
    tracker,
    async close() {
      await tracker.close();
      await engine.close();
      lastClosed = opened;
    },
  };
  return opened;
}

/**
 * The last tracker closed, kept reachable: the warm-up round is there to measure warm code, but
 * the full GC before each measurement collected the closed tracker of the round before, and with
 * it the hidden classes (V8 maps) of its objects; optimized code checks those maps, so V8 dropped
 * it and every round ran cold code for its first thousands of rows. A user's process, with a
 * tracker open, keeps them. The raw side keeps its last handle the same way (`raw-sqlite.ts`).
 */
let lastClosed: OpenedTracker | undefined;

/** A Reader on an existing file, same engine and pragmas. */
export async function openReader(path: string): Promise<{ reader: Reader<BenchRow>; close(): Promise<void> }> {
  const engine = await sqliteEngine.create({ path, synchronous: 'normal', fileMustExist: true });
  const reader = await Reader.open<BenchRow>(path, { engine });
  return {
    reader,
    async close() {
      await reader.close();
      await engine.close();
    },
  };
}

/** Opens a fresh tracker, logs the priming row, times `work`, closes. */
async function timedTracker(path: string, work: (tracker: Tracker<BenchRow>) => Promise<unknown>): Promise<Timing> {
  const opened = await openTracker(path);
  try {
    await opened.tracker.log(benchRow(PRIME_INDEX));
    return await timeMs(() => work(opened.tracker));
  } finally {
    await opened.close();
  }
}

/** A trivial synchronous function for `track()`: returns its row, merged in as columns. */
export function trivial(i: number): BenchRow {
  return benchRow(i);
}

/**
 * Our side of the SQLite figures: `Tracker` and `Reader` from `@xetrack/core` on
 * `@xetrack/engine-sqlite`, used the way the README tells users to.
 */
export const coreSqlite: Workloads & {
  trackCalls(path: string, count: number): Promise<Timing>;
  logTrackedRows(path: string, count: number): Promise<Timing>;
} = {
  label: 'xetrack',

  logSingle: (path, rows) =>
    timedTracker(path, async (tracker) => {
      for (const row of rows) await tracker.log(row);
    }),

  logBurst: (path, rows) => timedTracker(path, (tracker) => Promise.all(rows.map((row) => tracker.log(row)))),

  logBatch: (path, rows) => timedTracker(path, (tracker) => tracker.logBatch(rows)),

  async readRun(path, trackId) {
    const opened = await openTracker(path, trackId);
    try {
      let count = 0;
      const timing = await timeMs(async () => {
        count = (await opened.tracker.toRows()).length;
      });
      return { timing, rows: count };
    } finally {
      await opened.close();
    }
  },

  /** `count` awaited `track(trivial, { args: [i] })` calls. */
  trackCalls: (path, count) =>
    timedTracker(path, async (tracker) => {
      await tracker.track(trivial, { args: [PRIME_INDEX] }); // creates the function_* columns untimed
      for (let i = 1; i <= count; i++) await tracker.track(trivial, { args: [i] });
    }),

  /**
   * `count` awaited `log()` calls of exactly the row `track(trivial, { args: [i] })` stores, so the
   * difference to `trackCalls` is track()'s own bookkeeping.
   */
  logTrackedRows: (path, count) =>
    timedTracker(path, async (tracker) => {
      const row = (i: number) => ({ function_name: 'trivial', function_time: 0.000_001, args: `[${i}]`, error: '', ...benchRow(i) });
      await tracker.log(row(PRIME_INDEX));
      for (let i = 1; i <= count; i++) await tracker.log(row(i));
    }),
};
