import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Reader, Tracker } from '@xetrack/core';
import { sqliteEngine } from '../src/index.js';
import { useTempDirs } from './support/temp-dirs.js';

const tempDir = useTempDirs();
const PYTHONPATH = process.env.XETRACK_PYTHONPATH;

/** A column widened from integer to float reads as float in Python xetrack (it goes by SQLite's declared type). */
describe('Python xetrack reads a widened column as float', () => {
  const title = PYTHONPATH ? 'temperature 0 then 0.7: float64 in pandas' : 'temperature 0 then 0.7: float64 in pandas (skipped: XETRACK_PYTHONPATH is not set; .ci/run sets it)';
  it.skipIf(!PYTHONPATH)(title, async () => {
    const db = path.join(tempDir(), 'widened.db');
    const tracker = await Tracker.open(db, { engine: sqliteEngine, params: { model: 'gpt' }, warnings: false });
    await tracker.log({ temperature: 0, step: 1 });
    await tracker.log({ temperature: 0.7, step: 2 });
    await tracker.close();
    const reader = await Reader.open(db, { engine: sqliteEngine });
    expect(await reader.columnTypes()).toMatchObject({ temperature: 'float', step: 'integer' });
    await reader.close();
    const script = [
      'import json, sys',
      'from xetrack import Reader',
      'df = Reader(sys.argv[1]).to_df()',
      'print(json.dumps({"dtypes": {c: str(t) for c, t in df.dtypes.items()}, "temperature": df["temperature"].tolist()}))',
    ].join('\n');
    const result = spawnSync('/usr/bin/python3', ['-c', script, db], { encoding: 'utf8', env: { ...process.env, PYTHONPATH } });
    expect(result.status, result.stderr).toBe(0);
    const read = JSON.parse(result.stdout.trim().split('\n').pop()!) as { dtypes: Record<string, string>; temperature: number[] };
    expect(read.dtypes).toMatchObject({ temperature: 'float64', step: 'int64' });
    expect(read.temperature).toEqual([0, 0.7]);
  });
});
