/**
 * Spool mode: many processes append rows to their own fragment files, `ingest()`
 * and `xt ingest` load them into a database while the writers still run and some are SIGKILLed;
 * every row whose call resolved must end up in the database exactly once.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingest, Reader, Tracker, type IngestResult } from '@xetrack/core';
import { duckdbEngine } from '@xetrack/engine-duckdb';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { postgresEngine } from '@xetrack/engine-postgres';
import { cliPath, LONG, recordFigure, removeTempDirs, seedFor, startWorker, tempDir, type Worker } from '../src/support.js';

afterAll(removeTempDirs);

const PG_URL = process.env.XT_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/test';
const WORKERS = 16;
const ROWS = LONG ? 20_000 : 2_000;
const KILLED = [2, 7, 11]; // workers SIGKILLed part-way
const PHASES = 5; // each worker writes in 5 parts, and waits for the next ingest round between them

/** `xt ingest SPOOL DB --json` in a child process, as a cron job would run it. */
function xtIngest(spool: string, db: string): Promise<IngestResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath(), 'ingest', spool, db, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    child.stderr.on('data', (c: Buffer) => (err += c));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as IngestResult) : reject(new Error(`xt ingest exited ${code}: ${err}`))));
  });
}

/** Every (track_id, seq) in the table and how often. */
async function seqCounts(location: string, engine: NonNullable<Parameters<typeof Reader.open>[1]>['engine']): Promise<Map<string, number>> {
  const reader = await Reader.open(location, { engine });
  const counts = new Map<string, number>();
  for await (const row of reader.iterate()) {
    const key = `${row.track_id as string}#${row.seq as number}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  await reader.close();
  return counts;
}

describe('spool mode: 16 writers, repeated ingests, SIGKILLed workers', () => {
  it('ends with every resolved row in the database exactly once', async () => {
    const dir = tempDir('xt-spool-');
    const spool = path.join(dir, 'spool');
    const db = path.join(dir, 'results.db');
    const seed = seedFor('spool');
    mkdirSync(spool); // ingest runs from the start; a spool that does not exist is an error (a typo)
    const started = Date.now();
    const workers: Worker[] = Array.from({ length: WORKERS }, (_, i) => startWorker('spool-writer.mjs', [spool, `w${i}`, String(ROWS), String(seed + i), String(PHASES)]));
    const exits = workers.map((w) => w.exited);
    let running = true;
    void Promise.all(exits).then(() => (running = false));

    // Kill three workers part-way (in phases 2, 3 and 4); which row each is on when the signal lands is up to the scheduler.
    const kills = KILLED.map(async (i, k) => {
      await workers[i]!.waitFor((line) => line === `ok ${(k + 1) * (ROWS / PHASES) + 100}`);
      workers[i]!.child.kill('SIGKILL');
    });

    // Ingest over and over while they write: the API and `xt ingest` at the same time.
    let rounds = 0;
    let ingestedWhileWriting = 0;
    while (running) {
      const [api, cli] = await Promise.all([ingest(spool, db, { targetEngine: sqliteEngine }), xtIngest(spool, db)]);
      ingestedWhileWriting += api.rows + cli.rows;
      expect(api.damaged).toEqual([]);
      expect(cli.damaged).toEqual([]);
      rounds++;
      for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.stdin.write('go\n');
    }
    await Promise.all(kills);
    const outcomes = await Promise.all(exits);
    const final = await ingest(spool, db);
    const seconds = (Date.now() - started) / 1000;

    // What each worker saw resolve.
    const resolved = new Map<string, Set<number>>();
    for (const [i, w] of workers.entries()) {
      const mine = new Set(w.lines.filter((l) => l.startsWith('ok ')).map((l) => Number(l.slice(3))));
      resolved.set(`w${i}`, mine);
      if (KILLED.includes(i)) expect(outcomes[i]!.signal).toBe('SIGKILL');
      else {
        expect(outcomes[i], w.stderr()).toEqual({ code: 0, signal: null });
        expect(mine.size).toBe(ROWS);
      }
    }

    const counts = await seqCounts(db, sqliteEngine);
    const duplicates = [...counts].filter(([, n]) => n !== 1);
    expect(duplicates).toEqual([]);
    let unresolvedPresent = 0;
    for (const [trackId, seqs] of resolved) {
      const missing = [...seqs].filter((s) => !counts.has(`${trackId}#${s}`));
      expect(missing, `${trackId}: resolved rows missing`).toEqual([]);
      const present = [...counts.keys()].filter((k) => k.startsWith(`${trackId}#`)).length;
      unresolvedPresent += present - seqs.size; // a killed worker's last group may be written but not reported
    }
    const expectedAtLeast = [...resolved.values()].reduce((n, s) => n + s.size, 0);
    expect(counts.size).toBeGreaterThanOrEqual(expectedAtLeast);

    // Each surviving worker's fragment is finished; a killed worker's never gets its closing line.
    expect(final.damaged).toEqual([]);
    const fragments = readdirSync(spool);
    expect(fragments).toHaveLength(WORKERS);
    const ended = fragments.filter((f) => readFileSync(path.join(spool, f), 'utf8').endsWith('{"end":true}\n'));
    expect(ended).toHaveLength(WORKERS - KILLED.length);

    // A worker killed in the middle of a write leaves a torn last line: it is never ingested.
    const killedFragment = fragments.find((f) => !ended.includes(f))!;
    appendFileSync(path.join(spool, killedFragment), '{"table":"default","rows":[{"track_id":"w2","timestamp":"2099-01-01 00:00:00.000000","seq":-1');
    const torn = await ingest(spool, db);
    expect(torn).toMatchObject({ rows: 0, damaged: [] });
    expect(torn.incomplete).toEqual([{ fragment: killedFragment, bytes: expect.any(Number) }]);
    expect((await seqCounts(db, sqliteEngine)).size).toBe(counts.size);

    // The same spool into another engine, in one go, gives the same rows.
    const duck = path.join(dir, 'results.duckdb');
    const intoDuck = await ingest(spool, duck);
    expect(intoDuck.rows).toBe(counts.size);
    expect(await seqCounts(duck, duckdbEngine)).toEqual(counts);

    recordFigure('spool', {
      workers: WORKERS,
      rowsPerWorker: ROWS,
      killed: KILLED.length,
      ingestRounds: rounds,
      ingestedWhileWriting,
      rowsInDatabase: counts.size,
      resolvedRows: expectedAtLeast,
      unresolvedPresent,
      seconds,
      seed,
    });
  });

  it('ingests on close into PostgreSQL, and `remove` deletes only finished fragments', async () => {
    const dir = tempDir('xt-spool-close-');
    const spool = path.join(dir, 'spool');
    const engine = await postgresEngine.create({ url: PG_URL, schema: `xt_spool_${process.pid}` });
    try {
      const open = await Tracker.open(PG_URL, { spool, trackId: 'still-open', warnings: false });
      await open.log({ step: 1 });
      const tracker = await Tracker.open(PG_URL, { spool: { dir: spool, ingestOnClose: true }, engine, trackId: 'closing', warnings: false });
      await tracker.logBatch([
        { step: 1, loss: 0.5 },
        { step: 2, loss: 0.25, note: 'x' },
      ]);
      await tracker.close(); // ingests the whole spool: both fragments' rows so far
      const reader = await Reader.open(PG_URL, { engine });
      expect((await reader.toRows()).map((r) => [r.track_id, r.step, r.loss, r.note]).sort()).toEqual([
        ['closing', 1, 0.5, null],
        ['closing', 2, 0.25, 'x'],
        ['still-open', 1, null, null],
      ]);
      const removed = await ingest(spool, engine, { remove: true });
      expect(removed).toMatchObject({ rows: 0, removed: 1, finished: 0 });
      expect(readdirSync(spool)).toHaveLength(1); // the open tracker's fragment stays
      await open.log({ step: 2 });
      await open.close();
      expect(await ingest(spool, engine, { remove: true })).toMatchObject({ rows: 1, finished: 1, removed: 1 });
      expect(readdirSync(spool)).toEqual([]);
      expect(await reader.toRows({ trackId: 'still-open' })).toHaveLength(2);
      await reader.close();
    } finally {
      await engine.sql!(`DROP SCHEMA IF EXISTS "xt_spool_${process.pid}" CASCADE`);
      await engine.close();
    }
  });

  it('rejects what a spool cannot do, clearly', async () => {
    const dir = tempDir('xt-spool-bad-');
    await expect(Tracker.open('x.db', { spool: dir, assets: true })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const tracker = await Tracker.open('x.db', { spool: dir, warnings: false });
    await tracker.log({ a: 1 });
    await expect(tracker.setValue('a', 2)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/only appends rows/) });
    await tracker.log({ a: 3 }); // still usable
    await tracker.close();
    await expect(ingest(path.join(dir, 'missing'), path.join(dir, 'x.db'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // A line that is complete but not a spool line is listed, and every other row still lands.
    const [fragment] = readdirSync(dir);
    appendFileSync(path.join(dir, fragment!), 'not json\n');
    const result = await ingest(dir, path.join(dir, 'x.db'));
    expect(result.rows).toBe(2);
    expect(result.damaged).toEqual([{ fragment, offset: expect.any(Number), reason: expect.stringMatching(/JSON/) }]);
  });
});
