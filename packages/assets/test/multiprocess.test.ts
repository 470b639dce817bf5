import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tracker } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { describe, expect, it } from 'vitest';
import type { KeyvAssetStore } from '../src/index.js';
import { tempDb, tempDir } from './helpers.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** Runs a fixture script in a child `node` (importing the built packages); resolves its exit code and output. */
function run(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(fixtures, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('two processes on one SQLite file', () => {
  it('assets written while another process logs rows: both succeed, everything readable', async () => {
    const db = tempDb();
    const barrier = path.join(tempDir('xt-barrier-'), 'b');
    mkdirSync(barrier);
    const [assets, rows] = await Promise.all([run('writer.mjs', [db, barrier, 'assets', '60']), run('writer.mjs', [db, barrier, 'rows', '200'])]);
    expect(assets.code, assets.stderr).toBe(0);
    expect(rows.code, rows.stderr).toBe(0);
    expect(assets.stderr + rows.stderr).not.toMatch(/BUSY|LOCKED/);

    const rowsLogged = (JSON.parse(rows.stdout) as { logged: number }).logged;
    expect(rowsLogged).toBeGreaterThanOrEqual(200);
    const plain = await Tracker.open(db, { engine: sqliteEngine, table: 'rows' });
    expect(await plain.countAll()).toBe(rowsLogged);
    await plain.close();
    const tracker = await Tracker.open(db, { engine: sqliteEngine, table: 'assets', assets: true });
    const logged = await tracker.toRows({ all: true });
    expect(logged).toHaveLength(60);
    const store = tracker.assets as KeyvAssetStore;
    for (const row of logged) expect(await store.get(row.weights as string)).toEqual(new Float32Array(2_000).fill(row.step as number));
    expect(await store.list()).toHaveLength(60);
    expect((await store.gc({ graceMs: 0 })).removed).toBe(0);
    await tracker.close();
  });
});
