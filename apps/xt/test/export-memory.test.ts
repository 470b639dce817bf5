import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from './support/add-on-temp.js';

const child = fileURLToPath(new URL('./support/export-child.mjs', import.meta.url));

/** Runs the child in a fresh process, so earlier work in this one does not blur its memory figure. */
function run(...args: string[]): string {
  return execFileSync(process.execPath, [child, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
}

async function countLines(file: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(file)) for (const byte of chunk as Buffer) if (byte === 10) lines++;
  return lines;
}

// This test asserts memory, not speed: how long 1,000,000 rows take belongs to `pnpm bench`. The limit
// below only turns a hang into a failure; a loaded 2-core machine takes minutes, and that is fine.
const HANG_GUARD_MS = 30 * 60_000;

describe('exporting 1,000,000 rows streams: memory stays bounded', () => {
  it('CSV (RSS grows < 150 MB) and Parquet through DuckDB (< 250 MB; its memory limit is 128 MB): every row written', { timeout: HANG_GUARD_MS }, async () => {
    const dir = tempDir('xt-export-memory-');
    const db = path.join(dir, 'big.db');
    run('fill', db);

    const csv = path.join(dir, 'big.csv');
    const fromCsv = JSON.parse(run('export', db, csv)) as { rows: number; growthMb: number };
    expect(fromCsv.rows).toBe(1_000_000);
    expect(await countLines(csv)).toBe(1_000_001);
    expect(fromCsv.growthMb).toBeLessThan(150); // holding the 1,000,000 rows would take several hundred MB

    const parquet = path.join(dir, 'big.parquet');
    const fromParquet = JSON.parse(run('export', db, parquet)) as { rows: number; growthMb: number };
    expect(fromParquet.rows).toBe(1_000_000);
    const { duckdbEngine } = await import('@xetrack/engine-duckdb');
    const engine = await duckdbEngine.create({ path: ':memory:' });
    const [count] = await engine.sql!(`SELECT count(*) AS n, max(i) AS top FROM read_parquet('${parquet.replaceAll("'", "''")}')`);
    expect(count).toEqual({ n: 1_000_000, top: 999_999 });
    await engine.close();
    expect(fromParquet.growthMb).toBeLessThan(250);
    // the figures, for the record
    console.log(`export of 1,000,000 rows: CSV +${fromCsv.growthMb.toFixed(0)} MB RSS, Parquet +${fromParquet.growthMb.toFixed(0)} MB RSS`);
  });
});
