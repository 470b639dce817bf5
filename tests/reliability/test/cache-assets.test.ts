/**
 * Cache and assets: several processes on one cache directory and on one asset store; a cache entry
 * truncated, deleted or garbled by hand; an asset whose blob was deleted or swapped by hand. Each
 * gives correct results, a miss (recomputed, with a warning) or a clear error: never a crash, never
 * a wrong value.
 */
import { readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isXetrackError, Reader, Tracker } from '@xetrack/core';
import { cacheStore } from '@xetrack/cache';
import { integrityCheck, LONG, openRaw, recordFigure, removeTempDirs, seedFor, startWorker, tempDir } from '../src/support.js';

afterAll(removeTempDirs);

const PROCESSES = LONG ? 8 : 4;
const KEYS = LONG ? 1_000 : 200;
const ASSET_ROWS = LONG ? 1_000 : 150;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/** Starts `processes` workers that wait for a go file, starts them together, and returns their last lines as JSON. */
async function together<T>(worker: string, args: (id: number, go: string) => string[], processes: number): Promise<{ reports: T[]; seconds: number }> {
  const go = path.join(tempDir(), 'go');
  const workers = Array.from({ length: processes }, (_, id) => startWorker(worker, args(id, go)));
  await Promise.all(workers.map((w) => w.waitFor((l) => l === 'ready')));
  const started = performance.now();
  writeFileSync(go, '');
  const exits = await Promise.all(workers.map((w) => w.exited));
  const seconds = (performance.now() - started) / 1000;
  const reports = workers.map((w, i) => {
    expect(exits[i], `worker ${i} stderr:\n${w.stderr()}`).toEqual({ code: 0, signal: null });
    return JSON.parse(w.lines.at(-1)!) as T;
  });
  return { reports, seconds };
}

describe('cache: one directory, several processes', () => {
  it(`${PROCESSES} processes x ${KEYS} cached calls: every result right, every hit's lineage names the process that computed it`, async () => {
    const dir = tempDir();
    const db = path.join(dir, 'runs.db');
    const cache = path.join(dir, 'cache');
    const seed = seedFor('cache processes');
    const { reports, seconds } = await together<{ id: number; computed: number; hits: number; wrong: unknown[]; errors: string[] }>(
      'cache-worker.mjs',
      (id, go) => [db, cache, String(id), String(KEYS), go, String(seed)],
      PROCESSES,
    );
    for (const r of reports) {
      expect(r.errors, `process ${r.id}`).toEqual([]);
      expect(r.wrong, `process ${r.id}`).toEqual([]);
    }
    const computed = reports.reduce((n, r) => n + r.computed, 0);
    expect(computed).toBeGreaterThanOrEqual(KEYS); // each key at least once; two processes missing at once both compute
    // the rows: one per call; a computed row has cache '', a hit names the run that computed the entry
    const raw = openRaw(db, { readonly: true });
    const rows = raw.prepare('SELECT track_id, k, square, "by", cache, function_name, error FROM "default" ORDER BY rowid').all() as {
      track_id: string;
      k: number;
      square: number;
      by: number;
      cache: string;
      function_name: string;
      error: string;
    }[];
    raw.close();
    expect(rows).toHaveLength(PROCESSES * KEYS);
    for (const row of rows) {
      expect(row).toMatchObject({ function_name: 'square', error: '', square: row.k * row.k });
      if (row.cache === '') expect(row.track_id, JSON.stringify(row)).toBe(`proc-${row.by}`);
      else expect(row.cache, JSON.stringify(row)).toBe(`proc-${row.by}`);
    }
    for (let k = 0; k < KEYS; k++)
      expect(
        rows.some((r) => r.k === k && r.cache === ''),
        `key ${k} computed by someone`,
      ).toBe(true);
    // the directory holds one readable entry per key
    const warnings: string[] = [];
    const store = cacheStore(cache, { onWarning: (m) => warnings.push(m) });
    const entries = [];
    for await (const entry of store.scan()) entries.push(entry);
    expect(entries).toHaveLength(KEYS);
    for (const entry of entries) {
      const result = entry.result as { k: number; square: number; by: number };
      expect(result.square).toBe(result.k * result.k);
      expect(entry.trackId).toBe(`proc-${result.by}`);
    }
    expect(warnings).toEqual([]);
    expect(integrityCheck(db)).toBe('ok');
    recordFigure('cache-processes', { processes: PROCESSES, keys: KEYS, calls: PROCESSES * KEYS, computed, hits: PROCESSES * KEYS - computed, seconds: Number(seconds.toFixed(2)), seed });
  });
});

describe('cache: entries damaged by hand', () => {
  const damages: Record<string, (cache: string) => void> = {
    'its content file truncated': (cache) => {
      for (const f of filesUnder(path.join(cache, 'content-v2'))) truncateSync(f, Math.floor(statSync(f).size / 2));
    },
    'its content file deleted': (cache) => {
      for (const f of filesUnder(path.join(cache, 'content-v2'))) rmSync(f);
    },
    'its content file altered (same size)': (cache) => {
      for (const f of filesUnder(path.join(cache, 'content-v2'))) writeFileSync(f, Buffer.alloc(statSync(f).size, 0x41));
    },
    'its index file garbled': (cache) => {
      for (const f of filesUnder(path.join(cache, 'index-v5'))) writeFileSync(f, '\u0000garbage{"not": json\n');
    },
    'its index file truncated to nothing': (cache) => {
      for (const f of filesUnder(path.join(cache, 'index-v5'))) truncateSync(f, 0);
    },
  };
  for (const [name, damage] of Object.entries(damages)) {
    it(`${name}: a miss, recomputed and logged with cache '', then a hit again; never a wrong value`, async () => {
      const dir = tempDir();
      const cache = path.join(dir, 'cache');
      const warnings: string[] = [];
      const store = cacheStore(cache, { onWarning: (m) => warnings.push(m), memoryBytes: 0 });
      const tracker = await Tracker.open(path.join(dir, 'runs.db'), { trackId: 'run', cache: store, warnings: false });
      let calls = 0;
      const square = (k: number) => (calls++, { k, square: k * k });
      expect(await tracker.track(square, { args: [12], name: 'square' })).toEqual({ k: 12, square: 144 });
      expect(await tracker.track(square, { args: [12], name: 'square' })).toEqual({ k: 12, square: 144 });
      expect(calls).toBe(1);
      damage(cache);
      expect(await tracker.track(square, { args: [12], name: 'square' })).toEqual({ k: 12, square: 144 });
      expect(calls, 'the damaged entry is a miss: computed again').toBe(2);
      expect(await tracker.track(square, { args: [12], name: 'square' })).toEqual({ k: 12, square: 144 });
      expect(calls, 'rewritten: a hit again').toBe(2);
      expect(await tracker.values('cache')).toEqual(['', 'run', '', 'run']);
      await tracker.close();
      // a damaged content file is warned about; cacache skips index lines that fail their own checksum, so a garbled index is a plain miss
      if (name.startsWith('its content')) expect(warnings.join('\n')).toMatch(/damaged/);
    });
  }

  it('a cache path that is a file: calls still run and are logged; the cache is skipped with a warning', async () => {
    const dir = tempDir();
    const notADir = path.join(dir, 'cache');
    writeFileSync(notADir, 'a file where the cache directory should be');
    const warnings: string[] = [];
    const tracker = await Tracker.open(path.join(dir, 'runs.db'), { cache: cacheStore(notADir, { onWarning: (m) => warnings.push(m) }), warnings: false });
    const error = await tracker
      .track((k: number) => k + 1, { args: [1], name: 'inc' })
      .then(
        (v) => ({ v }),
        (e: unknown) => ({ e }),
      );
    await tracker.close();
    expect(error).toEqual({ v: 2 });
    expect(warnings.join('\n')).toMatch(/could not be read|not cached|ENOTDIR|EEXIST/);
  });
});

describe('assets: one store, several processes', () => {
  it(`${PROCESSES} processes x ${ASSET_ROWS} rows with assets in one SQLite file: every hash resolves to its value, shared values stored once`, async () => {
    const dir = tempDir();
    const db = path.join(dir, 'assets.db');
    const { reports, seconds } = await together<{ id: number; rows: number; errors: string[]; errorCount: number }>(
      'assets-worker.mjs',
      (id, go) => [db, String(id), String(ASSET_ROWS), go],
      PROCESSES,
    );
    for (const r of reports) {
      expect(r.errors, `process ${r.id}`).toEqual([]);
      expect(r.rows).toBe(ASSET_ROWS);
    }
    expect(integrityCheck(db)).toBe('ok');
    const tracker = await Tracker.open(db, { trackId: 'checker', assets: true, warnings: false });
    const rows = (await tracker.toRows({ all: true })) as unknown as { track_id: string; i: number; own: string; shared: string; bytes: string }[];
    expect(rows).toHaveLength(PROCESSES * ASSET_ROWS);
    const assets = tracker.assets!;
    expect(new Set(rows.map((r) => r.shared)).size).toBe(1);
    expect(await assets.get(rows[0]!.shared)).toEqual(new Float64Array([1, 2, 3]));
    for (const row of rows) {
      const id = Number(row.track_id.slice('proc-'.length));
      expect(row.own).toMatch(/^[0-9a-f]{16}$/);
      expect(await assets.get(row.own), `${row.track_id} row ${row.i}`).toEqual(new Float32Array([id, row.i, id * 1000 + row.i]));
      expect(new Uint8Array((await assets.get(row.bytes)) as Uint8Array)).toEqual(new Uint8Array([id, row.i % 256, 7]));
    }
    // every asset is referenced by a row: garbage collection frees nothing
    expect(await (assets as unknown as { gc(o: { graceMs: number }): Promise<{ removed: number }> }).gc({ graceMs: 0 })).toMatchObject({ removed: 0 });
    await tracker.close();
    recordFigure('assets-processes', { processes: PROCESSES, rowsPerProcess: ASSET_ROWS, assetsPerRow: 3, seconds: Number(seconds.toFixed(2)) });
  });
});

describe('assets: blobs damaged by hand', () => {
  async function logged(db: string) {
    const tracker = await Tracker.open(db, { trackId: 'run', assets: true, warnings: false });
    const a = (await tracker.log({ model: new Float32Array([1, 2, 3]) })).model as unknown as string;
    const b = (await tracker.log({ model: new Float32Array([4, 5, 6]) })).model as unknown as string;
    await tracker.close();
    return { a, b };
  }

  it('a blob deleted by hand: get() is a miss (undefined), rows still read, logging the value again restores it', async () => {
    const db = path.join(tempDir(), 'assets.db');
    const { a, b } = await logged(db);
    const raw = openRaw(db);
    expect(raw.prepare('DELETE FROM xetrack_assets WHERE key = ?').run(`xetrack-assets-blob:${a}`).changes).toBe(1);
    raw.close();
    const tracker = await Tracker.open(db, { trackId: 'again', assets: true, warnings: false });
    expect(await tracker.assets!.get(a)).toBeUndefined();
    expect(await tracker.assets!.get(b)).toEqual(new Float32Array([4, 5, 6]));
    const reader = await Reader.open(db);
    expect(await reader.count()).toBe(2);
    await reader.close();
    expect((await tracker.log({ model: new Float32Array([1, 2, 3]) })).model).toBe(a);
    expect(await tracker.assets!.get(a)).toEqual(new Float32Array([1, 2, 3]));
    await tracker.close();
    expect(integrityCheck(db)).toBe('ok');
  });

  it('two blobs swapped by hand: get() fails with a clear error naming the damaged asset, never returns the other value', async () => {
    const db = path.join(tempDir(), 'assets.db');
    const { a, b } = await logged(db);
    const raw = openRaw(db);
    const blob = (hash: string) => raw.prepare('SELECT value FROM xetrack_assets WHERE key = ?').pluck().get(`xetrack-assets-blob:${hash}`);
    const [va, vb] = [blob(a), blob(b)];
    raw.prepare('UPDATE xetrack_assets SET value = ? WHERE key = ?').run(vb, `xetrack-assets-blob:${a}`);
    raw.prepare('UPDATE xetrack_assets SET value = ? WHERE key = ?').run(va, `xetrack-assets-blob:${b}`);
    raw.close();
    const tracker = await Tracker.open(db, { trackId: 'again', assets: true, warnings: false });
    for (const hash of [a, b]) {
      const error = await tracker.assets!.get(hash).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isXetrackError(error), String(error)).toBe(true);
      expect((error as Error).message).toContain(hash);
      expect((error as Error).message).toMatch(/damaged/);
    }
    await tracker.log({ other: 1 }); // the tracker still works
    await tracker.close();
  });
});
