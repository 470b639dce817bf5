import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Reader, Tracker } from '@xetrack/core';
import { sqliteEngine } from '../src/index.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'xt-sqlite-logs-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('Tracker log sinks with the SQLite engine', () => {
  it('logs every committed row (log, logBatch, track) to the sinks, equal to what the database holds', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'track.db');
    const logs = path.join(dir, 'logs');
    const jsonl = path.join(dir, 'run.jsonl');
    const tracker = await Tracker.open(db, { engine: sqliteEngine, logsPath: logs, jsonl, params: { model: 'mlp' } });
    await tracker.log({ epoch: 1, acc: 0.5, cfg: { lr: 0.1 } });
    await tracker.logBatch([
      { epoch: 2, acc: 0.6 },
      { epoch: 3, acc: 0.7 },
    ]);
    await tracker.track((x: number) => x * 2, { args: [21], name: 'double' });
    await tracker.close();

    const reader = await Reader.open(db, { engine: sqliteEngine });
    const stored = await reader.toRows();
    await reader.close();
    expect(stored).toHaveLength(4);
    const fromLogs = await Reader.readLogs(logs);
    const strip = (rows: Record<string, unknown>[]) => rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k, v]) => k !== 'level' && v !== null)));
    expect(strip(fromLogs)).toEqual(strip(stored));
    expect(fromLogs.every((r) => r.level === 'TRACKING')).toBe(true);
    const fromJsonl = await Reader.readJsonl(jsonl);
    expect(fromJsonl.map((r) => r.track_id)).toEqual(stored.map((r) => r.track_id));
    expect(fromJsonl.map((r) => r.function_name ?? r.epoch)).toEqual([1, 2, 3, 'double']);
  });

  it('log-only mode (skipInsert, Python’s SKIP_INSERT) writes the sinks and creates no database file', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'never.db');
    const logs = path.join(dir, 'logs');
    const jsonl = path.join(dir, 'run.jsonl');
    const tracker = await Tracker.open(db, { engine: sqliteEngine, skipInsert: true, logsPath: logs, jsonl, params: { p: 1 } });
    const row = await tracker.log({ a: 1, n: null, d: { k: 1 } });
    await tracker.track(() => 'done', { name: 'job' });
    expect(await tracker.toRows()).toEqual([]);
    await tracker.close();

    expect(existsSync(db)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['logs', 'run.jsonl']); // no -wal/-shm either
    // Unlike Python: params are kept, objects stay JSON (not "{'k': 1}"), null is not "None", no extra
    // `{}` line. As in Python, a key logged as null is in the entry (it has no column, so not in the row).
    const rows = await Reader.readLogs(logs);
    expect(row).not.toHaveProperty('n');
    expect(rows).toEqual([
      { level: 'TRACKING', track_id: row.track_id, timestamp: row.timestamp, p: 1, a: 1, d: { k: 1 }, n: null },
      expect.objectContaining({ level: 'TRACKING', function_name: 'job', function_result: 'done', p: 1 }),
    ]);
    expect(await Reader.readJsonl(jsonl)).toHaveLength(2);
  });
});
