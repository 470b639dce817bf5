import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { duckdbEngine } from '../src/index.js';
import { keyRow, rejectsWith, useTempDirs } from './support/temp-dirs.js';

const { tempDir, track } = useTempDirs();
const here = path.dirname(fileURLToPath(import.meta.url));
const holder = path.join(here, 'support', 'hold-lock.mjs');
const built = path.join(here, '..', 'dist', 'index.js');

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Starts a real `node` process that opens `file` for writing with the built engine; resolves once it holds it. */
function holdInChild(file: string): Promise<{ child: ChildProcessWithoutNullStreams; pid: number; output: () => string }> {
  if (!existsSync(built)) throw new Error(`${built} is missing: run \`pnpm --filter @xetrack/engine-duckdb build\` first.`);
  const child = spawn(process.execPath, [holder, file], { stdio: 'pipe' });
  children.push(child);
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (data: Buffer) => {
      out += data.toString();
      const ready = /ready (\d+)/.exec(out);
      if (ready) resolve({ child, pid: Number(ready[1]), output: () => out });
    });
    child.stderr.on('data', (data: Buffer) => (err += data.toString()));
    child.on('exit', (code) => reject(new Error(`the holder exited (${code}) before it was ready: ${err}`)));
  });
}

function exited(child: ChildProcessWithoutNullStreams): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.on('exit', () => resolve())));
}

describe('one writer process per file', () => {
  it('a second process gets LOCKED, saying who holds the file and what to do; afterwards the file is intact', async () => {
    const file = path.join(tempDir(), 'locked.duckdb');
    const { child, pid, output } = await holdInChild(file);

    const error = await rejectsWith(duckdbEngine.create({ path: file }), 'LOCKED');
    expect(error.message).toContain(file);
    expect(error.message).toContain(`Another process (PID ${pid}) holds the lock`);
    expect(error.message).toMatch(/SQLite or PostgreSQL/);
    expect(error.message).toContain('readonly: true');
    expect((error as Error & { cause?: unknown }).cause).toBeInstanceOf(Error);
    // A reader cannot share the file with a writer of another process either.
    await rejectsWith(duckdbEngine.create({ path: file, readonly: true }), 'LOCKED');

    child.stdin.end();
    await exited(child);
    expect(output()).toContain('closed');

    const engine = track(await duckdbEngine.create({ path: file }));
    expect(await engine.select('t')).toEqual([{ track_id: 'child', timestamp: '2024-01-01 00:00:00.000001', v: 1 }]);
    expect(await engine.insert('t', [keyRow(2, { v: 2 })])).toBe(1);
  });

  it('a writer process killed without closing leaves a file that opens with every committed row', async () => {
    const file = path.join(tempDir(), 'killed.duckdb');
    const { child } = await holdInChild(file);
    child.kill('SIGKILL');
    await exited(child);
    const engine = track(await duckdbEngine.create({ path: file }));
    expect(await engine.count('t')).toBe(1);
    expect(await engine.describe('t')).toEqual([
      { name: 'track_id', type: 'text' },
      { name: 'timestamp', type: 'text' },
      { name: 'v', type: 'integer' },
    ]);
  });
});
