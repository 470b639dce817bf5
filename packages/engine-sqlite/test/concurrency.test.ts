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
    const rows = await engine.select('runs', {
      where: [
        { column: 'track_id', op: '=', value: 'writer-3' },
        { column: 'shared_7', op: '=', value: 7 },
      ],
    });
    expect(rows).toHaveLength(12);
    for (const row of rows) expect(row).toMatchObject({ half_7_1: 'w3', own_3_7: expect.any(Number) as number });
    await engine.close();
  }, 120_000);
});

describe('widening an integer column while another process writes', () => {
  it('the rebuild waits for the other writer and it for the rebuild: every row kept, the column REAL for both', async () => {
    expect(existsSync(DIST), `${DIST} is missing: build the package first`).toBe(true);
    const dir = tempDir();
    const file = path.join(dir, 'widen.db');
    const engine = await sqliteEngine.create({ path: file });
    await engine.ensureColumns('t', [
      { name: 'n', type: 'integer' },
      { name: 'who', type: 'text' },
    ]);
    await engine.insert('t', [{ track_id: 'parent', timestamp: 'p-0000', n: 1, who: 'parent' }]);
    // the child knows the column as INTEGER (it has inserted into it) before the parent widens it
    const script = `
      const { sqliteEngine } = await import(${JSON.stringify(DIST)});
      const engine = await sqliteEngine.create({ path: ${JSON.stringify(file)} });
      await engine.insert('t', [{ track_id: 'child', timestamp: 'c-0000', n: 0, who: 'child' }]);
      process.stdout.write('ready\\n');
      const errors = [];
      for (let i = 1; i < 300; i++) {
        try { await engine.insert('t', [{ track_id: 'child', timestamp: 'c-' + String(i).padStart(4, '0'), n: i % 7 === 0 ? i + 0.25 : i, who: 'child' }]); }
        catch (e) { errors.push(String(e.message)); }
      }
      await engine.close();
      process.stdout.write(JSON.stringify({ id: 1, rows: 300, errors }) + '\\n');`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const ready = new Promise<void>((resolve) => child.stdout.setEncoding('utf8').on('data', (chunk: string) => ((stdout += chunk), stdout.startsWith('ready\n') && resolve())));
    const done = new Promise<number | null>((resolve) => child.on('close', resolve));
    await ready;
    for (let i = 1; i < 100; i++) await engine.insert('t', [{ track_id: 'parent', timestamp: `p-${String(i).padStart(4, '0')}`, n: i === 1 ? 0.5 : i, who: 'parent' }]);
    expect(await done, stderr).toBe(0);
    const report = JSON.parse(stdout.trim().split('\n').pop()!) as WriterResult;
    expect(report.errors).toEqual([]);
    expect((await engine.describe('t')).find((c) => c.name === 'n')?.type).toBe('float');
    expect(await engine.count('t')).toBe(400);
    expect(await engine.count('t', [{ column: 'n', op: '=', value: 7.25 }])).toBe(1);
    expect(await engine.count('t', [{ column: 'n', op: '=', value: 0.5 }])).toBe(1);
    const declared = await engine.sql!("SELECT type FROM pragma_table_info('t') WHERE name = 'n'");
    expect(declared).toEqual([{ type: 'REAL' }]);
    await engine.close();
  });
});
