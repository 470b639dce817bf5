import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tracker } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { describe, expect, it } from 'vitest';
import { cacheStore, scanCache, type CacheEntry } from '../src/index.js';
import { tempDir } from './helpers.js';

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

describe('two processes', () => {
  it('computing the same key both succeed and leave one valid entry', async () => {
    const dir = tempDir();
    const db = path.join(tempDir('xt-db-'), 'track.db');
    const barrier = path.join(tempDir('xt-barrier-'), 'b');
    mkdirSync(barrier);
    const [a, b] = await Promise.all([run('compute-same-key.mjs', [db, dir, barrier, 'a']), run('compute-same-key.mjs', [db, dir, barrier, 'b'])]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const ids = [JSON.parse(a.stdout).trackId, JSON.parse(b.stdout).trackId] as string[];
    expect(JSON.parse(a.stdout).score).toBe(5);

    const entries: CacheEntry[] = [];
    for await (const entry of scanCache(dir)) entries.push(entry);
    expect(entries).toHaveLength(1);
    expect(ids).toContain(entries[0]!.trackId);
    expect(entries[0]!.result).toEqual({ score: 5, weights: new Float64Array([1, 2, 3]) });

    // both computed (neither hit), and a third run hits the one entry
    const tracker = await Tracker.open(db, { engine: sqliteEngine, cache: cacheStore(dir) });
    const all = await tracker.toRows({ all: true });
    expect(all.map((r) => r.cache)).toEqual(['', '']);
    let calls = 0;
    async function train(config: { lr: number }) {
      calls += 1;
      return { score: config.lr };
    }
    expect(await tracker.track(train, { args: [{ lr: 0.5 }] })).toEqual({ score: 5, weights: new Float64Array([1, 2, 3]) });
    expect(calls).toBe(0);
    expect((await tracker.toRows())[0]!.cache).toBe(entries[0]!.trackId);
    await tracker.close();
  });
});
