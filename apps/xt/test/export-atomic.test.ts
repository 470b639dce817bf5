import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Reader, Tracker } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { tempDir } from './support/add-on-temp.js';

const CHILD = fileURLToPath(new URL('./support/export-stall-child.mjs', import.meta.url));
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Starts an export in a child process, waits until it is half-way (500 rows handed over), and SIGKILLs it. */
async function killMidExport(db: string, out: string, tmp: string): Promise<number> {
  const ready = path.join(path.dirname(db), `ready-${path.basename(out)}`);
  const child = spawn(process.execPath, [CHILD, db, out, ready], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TMPDIR: tmp } });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let done = false;
  void exited.then(() => (done = true));
  // polled, not timed: the loop ends when the child is ready (or died, which fails below)
  while (!existsSync(ready) && !done) await sleep(20);
  expect(existsSync(ready), `the child ended before it was half-way: ${stderr}`).toBe(true);
  child.kill('SIGKILL');
  await exited;
  expect(child.signalCode, `exit code ${child.exitCode}: ${stderr}`).toBe('SIGKILL');
  return child.pid!;
}

let tmp: string;
let savedTmpdir: string | undefined;
beforeEach(() => {
  // the staging folders of this test, apart from the machine's
  tmp = path.join(tempDir('xt-export-atomic-'), 'tmp');
  mkdirSync(tmp);
  savedTmpdir = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
});
afterEach(() => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
});

describe('exports are atomic: a killed re-export leaves the earlier file whole', () => {
  for (const format of ['csv', 'jsonl', 'parquet'] as const) {
    it(`${format}: SIGKILL mid-export leaves the old file byte for byte; the next export sweeps what the killed one left`, async () => {
      const dir = path.dirname(tmp);
      const db = path.join(dir, 'track.db');
      const tracker = await Tracker.open(db, { warnings: false, trackId: 'run' });
      await tracker.logBatch(Array.from({ length: 3 }, (_, i) => ({ i })));
      const out = path.join(dir, `rows.${format}`);
      const write = { csv: tracker.toCsv, jsonl: tracker.toJsonl, parquet: tracker.toParquet }[format].bind(tracker);
      expect(await write(out)).toBe(3); // the good, short export
      await tracker.logBatch(Array.from({ length: 5000 }, (_, i) => ({ i: i + 3, text: `row ${i}` })));
      await tracker.close();
      const good = sha256(out);

      const pid = await killMidExport(db, out, tmp);
      expect(sha256(out), 'the earlier export is untouched').toBe(good);
      const leftovers = readdirSync(dir).filter((name) => name.startsWith(`.rows.${format}.xt-export-${pid}-`));
      // CSV and JSONL had started their file beside the target; Parquet writes its file at the end
      expect(leftovers, 'the killed export wrote beside the target, not over it').toHaveLength(format === 'parquet' ? 0 : 1);
      const staging = readdirSync(tmp).filter((name) => name.startsWith(`xt-parquet-${pid}-`));
      expect(staging).toHaveLength(format === 'parquet' ? 1 : 0);

      const reader = await Reader.open(db);
      expect(await reader.exportTo(out)).toBe(5003);
      await reader.close();
      expect(
        readdirSync(dir).filter((name) => name.startsWith(`.rows.${format}.xt-export-`)),
        'swept',
      ).toEqual([]);
      expect(readdirSync(tmp), 'no staging folder left, the killed one swept').toEqual([]);
      expect(sha256(out)).not.toBe(good);
    });
  }

  it('an export that fails half-way (the rows stop coming) leaves the old file and no temporary file', async () => {
    const dir = path.dirname(tmp);
    const db = path.join(dir, 'track.db');
    const tracker = await Tracker.open(db, { warnings: false });
    await tracker.logBatch(Array.from({ length: 10 }, (_, i) => ({ i })));
    await tracker.close();
    for (const format of ['csv', 'jsonl', 'parquet'] as const) {
      const out = path.join(dir, `rows.${format}`);
      const reader = await Reader.open(db);
      await reader.exportTo(out);
      await reader.close();
      const good = sha256(out);
      const inner = await sqliteEngine.create({ path: db, readonly: true });
      async function* iterate(table: string, options: unknown) {
        let n = 0;
        for await (const row of inner.iterate!(table, options as never)) {
          yield row;
          if (++n === 5) throw new Error('the disk went away');
        }
      }
      // the engine with its iterate() replaced (its methods bound: they use private fields)
      const failing = new Proxy(inner, {
        get: (target, key) => {
          if (key === 'iterate') return iterate;
          const value = Reflect.get(target, key) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const broken = await Reader.open(db, { engine: failing });
      await expect(broken.exportTo(out)).rejects.toThrow(/the disk went away/);
      await broken.close();
      await inner.close();
      expect(sha256(out), format).toBe(good);
    }
    expect(
      readdirSync(dir)
        .filter((name) => !name.startsWith('track.db'))
        .sort(),
    ).toEqual(['rows.csv', 'rows.jsonl', 'rows.parquet', 'tmp']);
    expect(readdirSync(tmp)).toEqual([]);
  });
});
