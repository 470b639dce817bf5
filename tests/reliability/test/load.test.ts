/**
 * Load: several processes log into one SQLite file at once, each adding columns of its own.
 * Afterwards every row is there exactly once, each process's rows are complete and in order, and
 * no call failed. Figures (rows, rows/s) go to figures.jsonl.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { integrityCheck, LONG, openRaw, q, recordFigure, removeTempDirs, seedFor, startWorker, tableInfo, tempDir } from '../src/support.js';

afterAll(removeTempDirs);

interface WriterReport {
  id: number;
  rows: number;
  errors: string[];
  errorCount: number;
  ms: number;
}

/** Runs `processes` writers of `rows` rows each on one new file; returns the file and the figures. */
async function load(processes: number, rows: number, mode: 'burst' | 'awaited') {
  const dir = tempDir();
  const file = path.join(dir, 'load.db');
  const go = path.join(dir, 'go');
  const seed = seedFor(`load ${processes}x${rows} ${mode}`);
  const workers = Array.from({ length: processes }, (_, id) => startWorker('load-writer.mjs', [file, String(id), String(rows), go, String(seed), mode]));
  await Promise.all(workers.map((w) => w.waitFor((line) => line === 'ready')));
  const started = performance.now();
  writeFileSync(go, '');
  const exits = await Promise.all(workers.map((w) => w.exited));
  const seconds = (performance.now() - started) / 1000;
  const reports = workers.map((w, i) => {
    expect(exits[i], `writer ${i} stderr:\n${w.stderr()}`).toEqual({ code: 0, signal: null });
    return JSON.parse(w.lines.at(-1) ?? 'null') as WriterReport;
  });
  return { file, seconds, reports };
}

/** Every check of a load run, on the file as SQLite sees it (not through the library). */
function checkFile(file: string, processes: number, rows: number): void {
  expect(integrityCheck(file)).toBe('ok');
  const db = openRaw(file, { readonly: true });
  try {
    expect(db.prepare('SELECT count(*) AS n FROM "default"').get()).toEqual({ n: processes * rows });
    const columns = tableInfo(db, 'default').map((c) => c.name);
    for (let id = 0; id < processes; id++) {
      // this writer's rows in timestamp order: seq 0..rows-1, each once, in order, complete
      const own = `own_${id}`;
      const mine = db.prepare(`SELECT timestamp, seq, value, writer, ${q(own)} AS own FROM "default" WHERE track_id = ? ORDER BY timestamp`).all(`writer-${id}`) as {
        timestamp: string;
        seq: number;
        value: number;
        writer: number;
        own: string;
      }[];
      expect(mine.length, `rows of writer ${id}`).toBe(rows);
      const broken = mine.findIndex((r, i) => r.seq !== i || r.value !== i / 4 || r.writer !== id || r.own !== `w${id}-${i}`);
      expect(broken, `writer ${id}: first row out of order or incomplete: ${JSON.stringify(mine[broken])}`).toBe(-1);
      // in order by insertion (rowid) too: group commit keeps call order
      const byRowid = db.prepare('SELECT seq FROM "default" WHERE track_id = ? ORDER BY rowid').pluck().all(`writer-${id}`) as number[];
      expect(byRowid.every((s, i) => s === i)).toBe(true);
      // its own columns exist and hold its values only
      for (let k = 0; k * 500 < rows; k++) {
        const column = `own_${id}_${k}`;
        expect(columns).toContain(column);
        const cells = db.prepare(`SELECT track_id, seq, ${q(column)} AS v FROM "default" WHERE ${q(column)} IS NOT NULL`).all();
        expect(cells).toEqual([{ track_id: `writer-${id}`, seq: k * 500, v: k * 500 }]);
      }
      const strangers = db.prepare(`SELECT count(*) AS n FROM "default" WHERE ${q(own)} IS NOT NULL AND track_id != ?`).get(`writer-${id}`);
      expect(strangers).toEqual({ n: 0 });
    }
    // the columns every writer added at about the same time exist once each, with every writer's value
    for (let k = 0; k * 1000 < rows; k++) {
      expect(columns.filter((c) => c.toLowerCase() === `shared_${k}`)).toHaveLength(1);
      const values = db
        .prepare(`SELECT ${q(`shared_${k}`)} AS v FROM "default" WHERE ${q(`shared_${k}`)} IS NOT NULL ORDER BY 1`)
        .pluck()
        .all();
      expect(values).toEqual(Array.from({ length: processes }, (_, i) => i));
    }
  } finally {
    db.close();
  }
}

const SIZES: { processes: number; rows: number }[] = LONG
  ? [
      { processes: 4, rows: 5_000 },
      { processes: 8, rows: 5_000 },
      { processes: 8, rows: 50_000 },
      { processes: 16, rows: 10_000 },
    ]
  : [
      { processes: 4, rows: 5_000 },
      { processes: 8, rows: 5_000 },
    ];

describe('load: many processes log into one SQLite file', () => {
  for (const { processes, rows } of SIZES) {
    for (const mode of ['awaited', 'burst'] as const) {
      const how = mode === 'awaited' ? 'each log() awaited (one commit per row)' : 'bursts of 1-16 un-awaited log() (group commit)';
      it(`${processes} processes x ${rows} rows, ${how}: every row once, in order, 0 errors`, async () => {
        const { file, seconds, reports } = await load(processes, rows, mode);
        for (const report of reports) {
          expect(report.errors, `writer ${report.id} errors`).toEqual([]);
          expect(report.errorCount).toBe(0);
          expect(report.rows).toBe(rows);
        }
        checkFile(file, processes, rows);
        recordFigure('load', {
          processes,
          rowsPerProcess: rows,
          mode,
          totalRows: processes * rows,
          seconds: Number(seconds.toFixed(2)),
          rowsPerSecond: Math.round((processes * rows) / seconds),
          errors: reports.reduce((n, r) => n + r.errorCount, 0),
        });
      });
    }
  }
});
