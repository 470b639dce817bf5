import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sqliteEngine } from '../src/index.js';
import { useTempDirs } from './support/temp-dirs.js';

const tempDir = useTempDirs();
const WRITER = fileURLToPath(new URL('./support/concurrent-writer.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));

interface WriterResult {
  id: number;
  rows: number;
  errors: string[];
}

/** Starts a writer process; resolves `ready` once it waits for the start signal, `done` with its report. */
function startWriter(args: string[]): { ready: Promise<void>; done: Promise<WriterResult> } {
  const child = spawn(process.execPath, [WRITER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let signalReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (signalReady = resolve));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.startsWith('ready\n')) signalReady();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<WriterResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      signalReady();
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0) reject(new Error(`writer ${args[1]} exited with ${String(code)}: ${stderr}`));
      else resolve(JSON.parse(last) as WriterResult);
    });
  });
  return { ready, done };
}

describe('several processes writing one file', () => {
  it('4 processes adding overlapping columns and inserting at once: no errors, every row and column there', async () => {
    expect(existsSync(DIST), `${DIST} is missing: build the package first (pnpm --filter @xetrack/engine-sqlite build)`).toBe(true);
    const dir = tempDir();
    const file = path.join(dir, 'shared.db');
    const go = path.join(dir, 'go');
    const rounds = 25;
    const writers = [0, 1, 2, 3].map((id) => startWriter([file, String(id), String(rounds), go]));
    await Promise.all(writers.map((w) => w.ready));
    writeFileSync(go, '');
    const results = await Promise.all(writers.map((w) => w.done));

    expect(results.flatMap((r) => r.errors)).toEqual([]);
    expect(results.map((r) => r.rows)).toEqual([0, 1, 2, 3].map(() => rounds * 12));

    const engine = await sqliteEngine.create({ path: file, fileMustExist: true });
    expect(await engine.count('runs')).toBe(4 * rounds * 12);
    for (const id of [0, 1, 2, 3]) {
      expect(await engine.count('runs', [{ column: 'track_id', op: '=', value: `writer-${id}` }])).toBe(rounds * 12);
    }
    const columns = (await engine.describe('runs')).map((c) => c.name);
    const expected = ['track_id', 'timestamp'];
    for (let round = 0; round < rounds; round++) {
      expected.push(`shared_${round}`, `half_${round}_0`, `half_${round}_1`);
      for (const id of [0, 1, 2, 3]) expected.push(`own_${id}_${round}`);
    }
    expect([...columns].sort()).toEqual([...expected].sort());
    expect(new Set(columns).size).toBe(columns.length);
    // Every row carries its round's values.
    const rows = await engine.select('runs', { where: [{ column: 'track_id', op: '=', value: 'writer-3' }, { column: 'shared_7', op: '=', value: 7 }] });
    expect(rows).toHaveLength(12);
    for (const row of rows) expect(row).toMatchObject({ half_7_1: 'w3', own_3_7: expect.any(Number) as number });
    await engine.close();
  }, 120_000);
});
