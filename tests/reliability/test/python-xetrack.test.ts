/**
 * Interop with the real Python xetrack 0.7.0, both ways: its Reader and `xt head` read a database
 * written here (values and types), a database it writes is read and appended to here, and it reads
 * the rows we append; its log files and JSONL are read here, and ours by its readers.
 *
 * The library is not part of this repository: give its location on the Python path in
 * XETRACK_PYTHONPATH (see fixtures/README.md; CI sets it when it has the library). Without it these
 * tests are skipped, saying so.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Reader, Tracker } from '@xetrack/core';
import { integrityCheck, removeTempDirs, tempDir, WORKERS_DIR } from '../src/support.js';

afterAll(removeTempDirs);

const PYTHONPATH = process.env.XETRACK_PYTHONPATH ?? '';
const SKIP_REASON = 'skip: real Python xetrack not available (set XETRACK_PYTHONPATH, see fixtures/README)';
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
/** Python's `xt` entry point: in XT_PYTHON_XETRACK_DIR/shims, or in a folder on XETRACK_PYTHONPATH. */
const PY_XT = [process.env.XT_PYTHON_XETRACK_DIR ? path.join(process.env.XT_PYTHON_XETRACK_DIR, 'shims') : '', ...PYTHONPATH.split(':')]
  .filter((dir) => dir !== '')
  .map((dir) => path.join(dir, 'xt'))
  .find((file) => existsSync(file));

function runPython(args: string[]): string {
  return execFileSync(PYTHON, args, { encoding: 'utf8', env: { ...process.env, PYTHONPATH }, maxBuffer: 16 << 20 });
}

/** A value as the worker prints it: exact integers beyond 2^53 come as {"int": "digits"}, bytes as {"bytes": hex}. */
type PyValue = null | boolean | number | string | { int: string } | { bytes: string } | PyValue[] | { [key: string]: PyValue };

/** Runs a command of workers/python-xetrack.py (the real library) and parses what it prints. */
function python<T>(command: string, ...args: string[]): T {
  return JSON.parse(runPython([path.join(WORKERS_DIR, 'python-xetrack.py'), command, ...args])) as T;
}

interface PythonRead {
  /** Python's mapping of each declared type (`int`, `bool`, `bytearray`; null: read raw). */
  dtypes: Record<string, string | null>;
  len: number;
  columns: string[];
  /** Each value as [python type name, value]. */
  rows: Record<string, [string, PyValue]>[];
}

/** Our value in the form the worker prints Python's. */
function asPython(value: unknown): PyValue {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : { int: String(value) };
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString('hex') };
  if (typeof value === 'boolean') return value ? 1 : 0; // Python xetrack stores and reads booleans as 1/0
  return value as PyValue;
}

const describePython = describe.skipIf(PYTHONPATH === '');

describePython(PYTHONPATH ? 'the real Python xetrack 0.7.0 reads what we write and writes what we read' : SKIP_REASON, () => {
  /** Three rows with every key (so pandas keeps each column's type), and a table with a blob and a tracked call. */
  async function writeHere(file: string): Promise<void> {
    const tracker = await Tracker.open(file, { trackId: 'ts-run', params: { model: 'cnn', seed: 7 }, warnings: false });
    await tracker.log({ epoch: 1, accuracy: 0.91, done: false, note: 'first', big: 2n ** 62n, cfg: { lr: 0.1 }, 'val-loss': 0.3 });
    await tracker.logBatch([
      { epoch: 2, accuracy: 0.93, done: true, note: 'naïve ✓', big: -(2n ** 62n), cfg: { lr: 0.01 }, 'val-loss': 0.2 },
      { epoch: 3, accuracy: 0.95, done: true, note: 'it\'s "third"', big: 7n, cfg: { lr: 0.001 }, 'val-loss': 0.1 },
    ]);
    await tracker.close();
    const calls = await Tracker.open(file, { table: 'calls', trackId: 'ts-run', warnings: false });
    await calls.log({ weights: new Uint8Array([0, 1, 2, 255]) });
    await calls.track((x: number) => x * 2, { args: [21], name: 'double' });
    await calls.close();
  }

  /** A new database from writeHere(), and its rows as we read them. */
  async function writtenHere(): Promise<{ file: string; rows: Awaited<ReturnType<Reader['toRows']>> }> {
    const file = path.join(tempDir(), 'ts.db');
    await writeHere(file);
    const reader = await Reader.open(file);
    const rows = await reader.toRows();
    await reader.close();
    return { file, rows };
  }

  it("Python's Reader and `xt head` read a database written here: every value, with the type Python gives it", async () => {
    const { file, rows: ours } = await writtenHere();

    const read = python<PythonRead>('read', file, 'default');
    expect(read.len).toBe(3);
    expect(read.columns).toEqual(['track_id', 'timestamp', 'model', 'seed', 'epoch', 'accuracy', 'done', 'note', 'big', 'cfg', 'val_loss']);
    expect(read.dtypes).toMatchObject({ seed: 'int', epoch: 'int', done: 'bool', big: 'int', accuracy: null, note: null, cfg: null });
    // Python's to_df() does not apply that mapping: a BOOLEAN column reads as the 0/1 it stores.
    expect(read.rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, [type]]) => [key, type])))).toEqual(
      Array.from({ length: 3 }, () => ({
        track_id: 'str',
        timestamp: 'str',
        model: 'str',
        seed: 'int',
        epoch: 'int',
        accuracy: 'float',
        done: 'int',
        note: 'str',
        big: 'int',
        cfg: 'str',
        val_loss: 'float',
      })),
    );
    // Every value as we read it; a json column is its JSON text to Python.
    const values = read.rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, [, value]]) => [key, value])));
    expect(values).toEqual(ours.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, key === 'cfg' ? JSON.stringify(value) : asPython(value)]))));
    expect(values.map((row) => row.big)).toEqual([{ int: '4611686018427387904' }, { int: '-4611686018427387904' }, 7]);
    expect(values.map((row) => row.note)).toEqual(['first', 'naïve ✓', 'it\'s "third"']);

    // A blob is bytes to Python, and a tracked call's row reads as Python's own.
    const calls = python<PythonRead>('read', file, 'calls');
    expect(calls.dtypes).toMatchObject({ weights: 'bytearray' });
    expect(calls.rows[0]!.weights).toEqual(['bytes', { bytes: '000102ff' }]);
    expect(calls.rows[1]).toMatchObject({ function_name: ['str', 'double'], args: ['str', '[21]'], function_result: ['float', 42] });

    // Python's command line: `xt head --json` prints the same rows (big is left out: JSON.parse rounds it).
    expect(PY_XT, "Python xetrack's xt (shims/xt) on XETRACK_PYTHONPATH or in XT_PYTHON_XETRACK_DIR").toBeDefined();
    const head = JSON.parse(runPython([PY_XT!, 'head', file, '--n', '10', '--json'])) as Record<string, unknown>[];
    expect(head.map(({ big, ...rest }) => rest)).toEqual(values.map(({ big, ...rest }) => rest));
    expect(integrityCheck(file)).toBe('ok');
  });

  it('Python appends to a database written here; we read its row, and ours are unchanged', async () => {
    const { file, rows: before } = await writtenHere();

    expect(python<{ track_id: string }>('append', file)).toEqual({ track_id: 'py-append' });
    const after = await Reader.open(file);
    // Python's new column reads as null in our rows; nothing else changed.
    expect(await after.toRows({ trackId: 'ts-run' })).toEqual(before.map((row) => ({ ...row, py_only: null })));
    const [appended, ...more] = await after.toRows({ trackId: 'py-append' });
    expect(more).toEqual([]);
    expect(appended).toMatchObject({ model: 'py-append', epoch: 4, accuracy: 0.97, note: 'appended by Python', py_only: 11 });
    expect(appended!.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/);
    expect((await after.columnTypes()).py_only).toBe('integer');
    await after.close();
    expect(integrityCheck(file)).toBe('ok');
  });

  it('a database Python wrote reads here value for value, takes our rows, and Python reads them back', async () => {
    const file = path.join(tempDir(), 'py.db');
    expect(python<{ track_id: string }>('write', file)).toEqual({ track_id: 'py-run' });

    const reader = await Reader.open(file);
    const rows = await reader.toRows();
    await reader.close();
    expect(rows.map((r) => [r.track_id, r.model, r.seed, r.epoch, r.loss, r.ok, r.name, r.val_loss, r.big])).toEqual([
      ['py-run', 'py-mlp', 3, 1, 0.5, 1, 'first', 0.25, 2n ** 62n],
      ['py-run', 'py-mlp', 3, 2, 0.25, 0, 'second', 0.125, -(2n ** 62n)],
      ['py-run', 'py-mlp', 3, 3, 0.125, 1, 'third ✓', 0.0625, 7],
      ['py-run', 'py-mlp', 3, null, null, null, null, null, null],
    ]);
    expect(rows[3]).toMatchObject({ function_name: 'double', args: '[21]', function_result: 42 });

    const tracker = await Tracker.open(file, { trackId: 'ts-append', params: { model: 'ts' }, warnings: false });
    const mine = await tracker.log({ epoch: 4, loss: 0.0625, name: 'from TypeScript', seed: 9, ts_only: 'here' });
    await tracker.close();

    const read = python<PythonRead>('read', file, 'default');
    expect(read.len).toBe(5);
    expect(read.dtypes).toMatchObject({ seed: 'int', epoch: 'int', ts_only: null });
    const last = Object.fromEntries(Object.entries(read.rows[4]!).map(([key, [, value]]) => [key, value]));
    // pandas reads a column with gaps as float: epoch 4 is 4.0 there
    expect(last).toMatchObject({ track_id: 'ts-append', timestamp: mine.timestamp, model: 'ts', seed: 9, epoch: 4, loss: 0.0625, name: 'from TypeScript', ts_only: 'here' });
    expect(read.rows[4]!.seed).toEqual(['int', 9]);
    expect(integrityCheck(file)).toBe('ok');
  });

  it("Python's log files and JSONL read here entry for entry", async () => {
    const dir = tempDir();
    const jsonl = path.join(dir, 'run.jsonl');
    python('write-logs', path.join(dir, 'logs'), jsonl);

    const entries = await Reader.readLogs(path.join(dir, 'logs'));
    expect(entries).toEqual([
      { level: 'TRACKING', epoch: 1, loss: 0.5, ok: true, note: 'naïve ✓', track_id: 'py-logs', timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2} /) },
      // Python logs a dict value as its str(), not JSON
      { level: 'TRACKING', epoch: 2, loss: 0.25, ok: false, note: 'second', cfg: "{'lr': 0.1, 'layers': [8, 4]}", track_id: 'py-logs', timestamp: expect.any(String) },
      { level: 'EXPERIMENT', name: 'sweep', grid: { lr: [0.1, 0.01] } },
    ]);
    const lines = await Reader.readJsonl(jsonl);
    expect(lines.filter((l) => Object.keys(l).length > 2)).toEqual([
      { timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*[+-]\d{2}:\d{2}$/), level: 'TRACKING', epoch: 1, loss: 0.5, ok: true, note: 'naïve ✓', track_id: 'py-logs' },
      { timestamp: expect.any(String), level: 'TRACKING', epoch: 2, loss: 0.25, ok: false, note: 'second', cfg: "{'lr': 0.1, 'layers': [8, 4]}", track_id: 'py-logs' },
      { timestamp: expect.any(String), level: 'EXPERIMENT', name: 'sweep', grid: { lr: [0.1, 0.01] } },
    ]);
  });

  it("our log files and JSONL read by Python's readers entry for entry", async () => {
    const dir = tempDir();
    const logs = path.join(dir, 'logs');
    const jsonl = path.join(dir, 'run.jsonl');
    const tracker = await Tracker.open('unused.db', { skipInsert: true, logsPath: logs, jsonl, trackId: 'ts-logs', params: { model: 'ts' } });
    const first = await tracker.log({ epoch: 1, loss: 0.5, ok: true, note: 'naïve ✓' });
    const second = await tracker.log({ epoch: 2, loss: 0.25, ok: false, note: 'second', cfg: { lr: 0.1, layers: [8, 4] } });
    tracker.logger!.experiment({ name: 'sweep', grid: { lr: [0.1, 0.01] } });
    await tracker.close();

    const fromLogs = python<Record<string, PyValue>[]>('read-logs', logs);
    const tracked = fromLogs.filter((entry) => entry.track_id !== null);
    expect(tracked).toHaveLength(2);
    expect(tracked[0]).toMatchObject({ track_id: 'ts-logs', timestamp: first.timestamp, model: 'ts', epoch: 1, loss: 0.5, ok: true, note: 'naïve ✓' });
    expect(tracked[1]).toMatchObject({ track_id: 'ts-logs', timestamp: second.timestamp, epoch: 2, loss: 0.25, ok: false, note: 'second', cfg: { lr: 0.1, layers: [8, 4] } });
    expect(fromLogs.filter((entry) => entry.name === 'sweep')).toEqual([expect.objectContaining({ grid: { lr: [0.1, 0.01] } })]);

    const fromJsonl = python<Record<string, PyValue>[]>('read-jsonl', jsonl);
    expect(fromJsonl).toHaveLength(3);
    expect(fromJsonl[0]).toMatchObject({ level: 'TRACKING', track_id: 'ts-logs', model: 'ts', epoch: 1, loss: 0.5, ok: true, note: 'naïve ✓' });
    expect(fromJsonl[1]).toMatchObject({ level: 'TRACKING', epoch: 2, cfg: { lr: 0.1, layers: [8, 4] } });
    expect(fromJsonl[2]).toMatchObject({ level: 'EXPERIMENT', name: 'sweep', grid: { lr: [0.1, 0.01] } });
  });
});
