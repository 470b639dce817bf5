import path from 'node:path';
import { isFileHeld, isXetrackError } from '@xetrack/core/engine';
import { describe, expect, it } from 'vitest';
import { SqliteEngine } from '../src/index.js';
import { useTempDirs } from './support/temp-dirs.js';

const tempDir = useTempDirs();

async function all(entries: AsyncIterable<[string, string]>): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for await (const entry of entries) out.push(entry);
  return out;
}

describe('keyValueTable: a key-value table on the engine connection', () => {
  it('get/set/delete/entries/clear, in @keyv/sqlite layout; entries by prefix, in key order, across pages', async () => {
    const engine = new SqliteEngine({ path: path.join(tempDir(), 'kv.db') });
    const kv = engine.keyValueTable('xetrack_assets');
    expect(await kv.get('a:1')).toBeUndefined(); // no table yet: nothing, and nothing created
    expect(await engine.sql("SELECT name FROM sqlite_master WHERE name = 'xetrack_assets'")).toEqual([]);
    for (let i = 0; i < 1200; i++) await kv.set(`a:${String(i).padStart(4, '0')}`, `v${i}`);
    await kv.set('b:x', 'other');
    await kv.set('a:0001', 'again');
    expect(await kv.get('a:0001')).toBe('again');
    const listed = await all(kv.entries('a:'));
    expect(listed).toHaveLength(1200);
    expect(listed[0]).toEqual(['a:0000', 'v0']);
    expect(listed.map(([k]) => k)).toEqual([...listed.map(([k]) => k)].sort());
    expect(await all(kv.entries('b:'))).toEqual([['b:x', 'other']]);
    expect(await kv.delete('b:x')).toBe(true);
    expect(await kv.delete('b:x')).toBe(false);
    await kv.clear('a:');
    expect(await all(kv.entries(''))).toEqual([]);
    const columns = await engine.sql("SELECT name, type, pk FROM pragma_table_info('xetrack_assets')");
    expect(columns).toEqual([
      { name: 'key', type: 'VARCHAR(255)', pk: 1 },
      { name: 'value', type: 'TEXT', pk: 0 },
    ]);
    expect(await engine.tables()).toEqual([]); // not a tracking table
    await engine.close();
  });

  it('a table dropped by hand reads as empty, and the next write creates it again', async () => {
    const engine = new SqliteEngine({ path: path.join(tempDir(), 'kv.db') });
    const kv = engine.keyValueTable('xetrack_assets');
    await kv.set('k', 'v');
    await engine.sql('DROP TABLE xetrack_assets');
    expect(await kv.get('k')).toBeUndefined();
    expect(await all(kv.entries(''))).toEqual([]);
    expect(await kv.delete('k')).toBe(false);
    await kv.set('k', 'back');
    expect(await kv.get('k')).toBe('back');
    await engine.close();
  });

  it('a closed engine: CLOSED; the engine holds its file (for add-ons that must not open it with another SQLite) until close', async () => {
    const file = path.join(tempDir(), 'kv.db');
    const engine = new SqliteEngine({ path: file });
    const kv = engine.keyValueTable('t');
    expect(isFileHeld(file)).toBe(true);
    await engine.close();
    expect(isFileHeld(file)).toBe(false);
    const failure = await kv.set('k', 'v').catch((error: unknown) => error);
    expect(isXetrackError(failure, 'CLOSED')).toBe(true);
  });
});
