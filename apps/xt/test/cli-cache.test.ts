// The `xt cache` commands, run in-process with an injected context.
import path from 'node:path';
import { Tracker } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { describe, expect, it } from 'vitest';
import { cacheDelete, cacheLs } from '../src/commands/cache.js';
import { createContext } from '../src/context.js';
import { scanCache } from '@xetrack/cache';
import { tempDir } from './support/add-on-temp.js';

function memory() {
  const out = { stdout: '', stderr: '' };
  const context = createContext({ stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) }, color: false });
  return { context, out };
}

async function filledCache() {
  const dir = tempDir();
  const tracker = await Tracker.open(path.join(tempDir('xt-db-'), 'track.db'), { engine: sqliteEngine, cache: dir });
  await tracker.track((x: number) => x + 1, { args: [1], name: 'inc' });
  await tracker.track((x: number) => x * 2, { args: [3], name: 'double' });
  await tracker.close();
  return { dir, trackId: tracker.trackId };
}

describe('xt cache', () => {
  it('ls prints one row per entry: track_id, function, created, bytes, key', async () => {
    const { dir, trackId } = await filledCache();
    const { context, out } = memory();
    await cacheLs(context, { dir, json: false });
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\| track_id +\| function +\| created +\| +bytes \| key +\|$/);
    expect(lines).toHaveLength(4);
    expect(lines.slice(2).every((l) => l.includes(trackId))).toBe(true);
    expect(out.stdout).toMatch(/\| inc /);
    expect(out.stdout).toMatch(/\| double /);
    expect(out.stderr).toBe('');
  });

  it('ls --json prints the entries as JSON; an empty cache says so', async () => {
    const { dir, trackId } = await filledCache();
    const { context, out } = memory();
    await cacheLs(context, { dir, json: true });
    const rows = JSON.parse(out.stdout) as Record<string, unknown>[];
    expect(rows.map((r) => r.function).sort()).toEqual(['double', 'inc']);
    expect(rows[0]).toMatchObject({ track_id: trackId });
    expect(rows[0]!.key).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(rows[0]!)).toEqual(['track_id', 'function', 'created', 'bytes', 'key']);

    const empty = memory();
    await cacheLs(empty.context, { dir: tempDir(), json: false });
    expect(empty.out.stdout).toBe('');
    expect(empty.out.stderr).toMatch(/is empty/);
    const emptyJson = memory();
    await cacheLs(emptyJson.context, { dir: tempDir(), json: true });
    expect(emptyJson.out.stdout).toBe('[]\n');
  });

  it("delete removes a run's entries and reports the count; an unknown run or directory is an error", async () => {
    const { dir, trackId } = await filledCache();
    const { context, out } = memory();
    await cacheDelete(context, { dir, trackId });
    expect(out.stderr).toBe(`Deleted 2 cache entries for track_id '${trackId}'.\n`);
    const left: unknown[] = [];
    for await (const entry of scanCache(dir)) left.push(entry);
    expect(left).toEqual([]);
    await expect(cacheDelete(context, { dir, trackId })).rejects.toThrow(/No cache entries of run/);
    await expect(cacheLs(context, { dir: path.join(dir, 'missing'), json: false })).rejects.toThrow(/No cache directory/);
  });
});
