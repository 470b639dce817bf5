import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tracker } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { describe, expect, it } from 'vitest';
import { keyvCacheStore, scanCache, type CacheEntry } from '../src/index.js';
import { tempDir } from './helpers.js';
import { rawKeys, redisAdapter, REDIS_URL, uniqueNamespace, useRedis } from './redis.js';

useRedis();

const FIXTURE = fileURLToPath(new URL('./fixtures/track-on-redis.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));

interface Report {
  trackId: string;
  calls: number;
  result: { score: number; weights: (string | number)[]; tags: string[] };
  rows: { cache: string; function_time: number; score: number }[];
}

const children = new Set<ChildProcess>();

/** Runs the fixture in a child `node` (importing the built packages); resolves its report, rejects (ending the other children) on failure. */
function run(args: string[]): Promise<Report> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FIXTURE, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      children.delete(child);
      if (code === 0) return resolve(JSON.parse(stdout.trim().split('\n').pop()!) as Report);
      for (const other of children) other.kill();
      reject(new Error(`track-on-redis.mjs exited with ${code}: ${stderr}`));
    });
  });
}

const db = () => path.join(tempDir('xt-db-'), 'track.db');
const COMPUTED = { score: 5, weights: ['Float64Array', 0.1, -2, 1e300], tags: ['a'] };

describe('two processes sharing a cache on Redis', () => {
  it('the second process hits what the first computed: its row names the first run, the result is the computed one', async () => {
    expect(existsSync(DIST), `${DIST} is missing: build the package first (pnpm build)`).toBe(true);
    const namespace = uniqueNamespace();
    const first = await run([REDIS_URL, namespace, db()]);
    const second = await run([REDIS_URL, namespace, db()]);

    expect(second.trackId).not.toBe(first.trackId);
    expect(first.calls).toBe(1);
    expect(first.rows).toEqual([{ cache: '', function_time: expect.any(Number), score: 5 }]);
    expect(second.calls).toBe(0); // not run again
    expect(second.rows).toEqual([{ cache: first.trackId, function_time: 0, score: 5 }]);
    expect(first.result).toEqual(COMPUTED);
    expect(second.result).toEqual(first.result);
    expect(await rawKeys(namespace)).toHaveLength(1);
  });

  it('computing the same key at once: both compute, one valid entry is left, and a third run hits it', async () => {
    const namespace = uniqueNamespace();
    const barrier = path.join(tempDir('xt-barrier-'), 'b');
    mkdirSync(barrier);
    const [a, b] = await Promise.all([run([REDIS_URL, namespace, db(), barrier, 'a']), run([REDIS_URL, namespace, db(), barrier, 'b'])]);
    expect([a.calls, b.calls]).toEqual([1, 1]);
    expect([a.rows[0]!.cache, b.rows[0]!.cache]).toEqual(['', '']);

    const cache = keyvCacheStore(redisAdapter(), { namespace });
    const entries: CacheEntry[] = [];
    for await (const entry of scanCache(cache)) entries.push(entry);
    expect(entries).toHaveLength(1);
    expect([a.trackId, b.trackId]).toContain(entries[0]!.trackId);
    expect(entries[0]!.result).toEqual({ score: 5, weights: new Float64Array([0.1, -2, 1e300]), tags: new Set(['a']) });

    const tracker = await Tracker.open(db(), { engine: sqliteEngine, cache });
    let calls = 0;
    async function train(config: { lr: number }) {
      calls += 1;
      return { score: config.lr };
    }
    expect(await tracker.track(train, { args: [{ lr: 0.5 }] })).toMatchObject({ score: 5 });
    expect(calls).toBe(0);
    expect((await tracker.toRows())[0]!.cache).toBe(entries[0]!.trackId);
    await tracker.close();
  });
});
