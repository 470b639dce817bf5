import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isXetrackError, parseLogText, Reader, Tracker } from '../src/index.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'xt-logs-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Daily file names come from the local date when a line is written. The tests that check them fix
 * the clock (`Date` only: timers and the row timestamps run as usual) at noon of this day, so a run
 * across midnight cannot split the lines over two files.
 */
const DAY = '2026-03-01';
const fixDate = () => vi.useFakeTimers({ toFake: ['Date'], now: new Date(2026, 2, 1, 12, 0, 0) });

/** What Python xetrack 0.7.0 (loguru) writes to a log file, verbatim, including lines that are not entries. */
const PYTHON_LOG = [
  '2023-12-14 21:46:55.290 | TRACKING | xetrack.logging:log:177!📁!{"accuracy":0.9,"timestamp":"2023-12-14 21:46:55.290098","track_id":"marvellous-stork-4885"}',
  '2023-12-14 21:46:55.301 | MONITOR  | xetrack.logging:log:177!📁!{"cpu_percent":12.5,"ram_percent":40.1}',
  '2023-12-14 21:46:55.312 | WARNING  | xetrack.logging:warning:189!📁!Column accuracy already exists',
  '2023-12-14 21:46:55.320 | EXPERIMENT | xetrack.logging:log:177!📁!{',
  '  "name": "sweep",',
  '  "lr": [',
  '    0.1,',
  '    0.01',
  '  ],',
  '  "model": {',
  '    "layers": 3',
  '  }',
  '}',
  '2023-12-14 21:46:55.330 | INFO     | xetrack.logging:info:193!📁!starting epoch 2',
  '2026-11-27 02:01:07.260 | TRACKING | xetrack.logging:log:177!📁!{"a":1,"n":"None","d":"{\'k\': 1}","track_id":"tiny-otter-1916","timestamp":"2026-11-27 02:01:07.260699"}',
  '2026-11-27 02:01:07.262 | TRACKING | xetrack.logging:log:177!📁!{}',
  '2026-11-27 02:01:07.270 | TRACKING | xetrack.logging:log:177!📁!{"path":"a!📁!b","loss":null}',
  '',
].join('\n');

describe('reading logs in the Python xetrack format', () => {
  it('returns each JSON entry with its level: multi-line EXPERIMENT joined, non-JSON and {} lines skipped', async () => {
    const dir = tempDir();
    const file = path.join(dir, '2023-12-14.log');
    writeFileSync(file, PYTHON_LOG);
    const rows = await Reader.readLogs(file);
    expect(rows).toEqual([
      { level: 'TRACKING', accuracy: 0.9, timestamp: '2023-12-14 21:46:55.290098', track_id: 'marvellous-stork-4885' },
      { level: 'MONITOR', cpu_percent: 12.5, ram_percent: 40.1 },
      { level: 'EXPERIMENT', name: 'sweep', lr: [0.1, 0.01], model: { layers: 3 } },
      { level: 'TRACKING', a: 1, n: 'None', d: "{'k': 1}", track_id: 'tiny-otter-1916', timestamp: '2026-11-27 02:01:07.260699' },
      { level: 'TRACKING', path: 'a!📁!b', loss: null }, // the delimiter inside a value is kept
    ]);
    expect(await Reader.readLogs(dir)).toEqual(rows); // the directory holding it
  });

  it('reads loguru serialized lines ({"text": ...}) and coloured stdout captures', () => {
    const serialized = JSON.stringify({
      text: '2024-01-02 10:00:00.000 | TRACKING | xetrack.logging:log:177!📁!{"loss":0.5,"track_id":"calm-fox-0001"}\n',
      record: { level: { name: 'TRACKING', no: 27 }, message: '{"loss":0.5,"track_id":"calm-fox-0001"}' },
    });
    const coloured = '\x1b[32m2024-01-02 10:00:01.000\x1b[0m | \x1b[34mMONITOR \x1b[0m | \x1b[36mxetrack.logging\x1b[0m:\x1b[36mlog\x1b[0m:\x1b[36m177\x1b[0m!📁!\x1b[34m{"gpu":1}\x1b[0m';
    expect(parseLogText(`${serialized}\n${coloured}\n`)).toEqual([
      { level: 'TRACKING', loss: 0.5, track_id: 'calm-fox-0001' },
      { level: 'MONITOR', gpu: 1 },
    ]);
  });

  it('keeps a one-line entry that is followed by non-JSON output (a traceback)', () => {
    const text = [
      '2024-01-02 10:00:00.000 | TRACKING | xetrack.logging:log:177!📁!{"step":1}',
      'Traceback (most recent call last):',
      '  File "train.py", line 3, in <module>',
      '2024-01-02 10:00:01.000 | TRACKING | xetrack.logging:log:177!📁!{"step":2}',
    ].join('\n');
    expect(parseLogText(text)).toEqual([
      { level: 'TRACKING', step: 1 },
      { level: 'TRACKING', step: 2 },
    ]);
  });

  it('walks a directory recursively, oldest file first; limit keeps the newest files; levels filters', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'nested'));
    const line = (day: string, data: object, level = 'TRACKING') => `${day} 12:00:00.000 | ${level.padEnd(8)} | xetrack.logging:log:177!📁!${JSON.stringify(data)}\n`;
    writeFileSync(path.join(dir, '2024-01-02.log'), line('2024-01-02', { day: 2 }) + line('2024-01-02', { m: 1 }, 'MONITOR'));
    writeFileSync(path.join(dir, '2024-01-01.log'), line('2024-01-01', { day: 1 }));
    writeFileSync(path.join(dir, 'nested', '2024-01-03.log'), line('2024-01-03', { day: 3 }));
    writeFileSync(path.join(dir, 'notes.txt'), line('2024-01-04', { day: 4 })); // not a .log file
    const days = (rows: Record<string, unknown>[]) => rows.map((r) => r.day ?? `m${r.m}`);
    expect(days(await Reader.readLogs(dir))).toEqual([1, 2, 'm1', 3]);
    expect(days(await Reader.readLogs(dir, { limit: 2 }))).toEqual([2, 'm1', 3]);
    expect(days(await Reader.readLogs(dir, { levels: ['tracking'] }))).toEqual([1, 2, 3]);
    expect(days(await Reader.readLogs(dir, { pattern: '*.txt' }))).toEqual([1, 2, 'm1', 3, 4]);
  });

  it('a missing path is NOT_FOUND', async () => {
    const missing = path.join(tempDir(), 'nope');
    await expect(Reader.readLogs(missing)).rejects.toSatisfy((e: unknown) => isXetrackError(e, 'NOT_FOUND'));
    await expect(Reader.readJsonl(missing)).rejects.toSatisfy((e: unknown) => isXetrackError(e, 'NOT_FOUND'));
  });
});

describe('reading JSONL', () => {
  it('reads Python xetrack JSONL entries; skips blank and torn lines', async () => {
    const file = path.join(tempDir(), 'run.jsonl');
    writeFileSync(
      file,
      [
        '{"timestamp":"2026-01-23T13:00:44.614170+01:00","level":"TRACKING","accuracy":0.9,"track_id":"tiny-otter-1916"}',
        '',
        '{"timestamp":"2026-01-23T13:00:44.615000+01:00","level":"EXPERIMENT","name":"sweep","lr":[0.1,0.01]}',
        '{"timestamp":"2026-01-23T13:00:44.6', // the writer died mid-line
      ].join('\n'),
    );
    expect(await Reader.readJsonl(file)).toEqual([
      { timestamp: '2026-01-23T13:00:44.614170+01:00', level: 'TRACKING', accuracy: 0.9, track_id: 'tiny-otter-1916' },
      { timestamp: '2026-01-23T13:00:44.615000+01:00', level: 'EXPERIMENT', name: 'sweep', lr: [0.1, 0.01] },
    ]);
  });
});

describe("a tracker's own log sinks", () => {
  it('writes the Python line format to daily files and reads its rows back', async () => {
    fixDate();
    const dir = tempDir();
    const tracker = await Tracker.open('unused.db', { skipInsert: true, logsPath: dir, params: { model: 'cnn' } });
    const logged = [await tracker.log({ epoch: 1, acc: 0.5 }), await tracker.log({ epoch: 2, acc: 0.75, tags: ['a', 'b'] })];
    tracker.logger!.experiment({ name: 'sweep', grid: { lr: [0.1, 0.01] } });
    tracker.logger!.monitor([{ cpu_percent: 10 }, { cpu_percent: 20 }]);
    await tracker.close();

    expect(readdirSync(dir)).toEqual([`${DAY}.log`]);
    const lines = readFileSync(path.join(dir, `${DAY}.log`), 'utf8').split('\n');
    expect(lines[0]).toMatch(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} \| TRACKING \| [\w.]+:\w+:\d+!📁!\{"track_id":"[a-z]+-[a-z]+-\d{4}","timestamp":"[^"]+","model":"cnn","epoch":1,"acc":0\.5\}$/,
    );
    expect(lines[2]).toMatch(/ \| EXPERIMENT \| .*!📁!\{$/); // indented JSON over the next lines
    expect(lines).toContain('  "name": "sweep",');
    expect(lines.filter((l) => l.includes(' | MONITOR  | '))).toHaveLength(2);

    const rows = await Reader.readLogs(dir);
    expect(rows).toEqual([
      { level: 'TRACKING', ...logged[0] },
      { level: 'TRACKING', ...logged[1] },
      { level: 'EXPERIMENT', name: 'sweep', grid: { lr: [0.1, 0.01] } },
      { level: 'MONITOR', cpu_percent: 10 },
      { level: 'MONITOR', cpu_percent: 20 },
    ]);
  });

  it('writes JSONL entries (loguru-style timestamp with offset, level, data) and reads them back', async () => {
    const file = path.join(tempDir(), 'deep', 'run.jsonl'); // the folder is created
    const tracker = await Tracker.open('unused.db', { skipInsert: true, jsonl: file });
    const row = await tracker.log({ loss: 0.25 });
    tracker.logger!.experiment({ name: 'exp' });
    await tracker.close();
    const rows = await Reader.readJsonl(file);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({ timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}[+-]\d{2}:\d{2}$/), level: 'TRACKING', track_id: row.track_id, loss: 0.25 });
    expect(rows[1]).toMatchObject({ level: 'EXPERIMENT', name: 'exp' });
  });

  it('names daily files by logsFileFormat ({date} or Python’s {time:YYYY-MM-DD}), sub-folders included', async () => {
    fixDate();
    const dir = tempDir();
    for (const format of ['run-{date}.txt', 'py-{time:YYYY-MM-DD}.log', '{date}/train.log']) {
      const tracker = await Tracker.open('unused.db', { skipInsert: true, logsPath: dir, logsFileFormat: format });
      await tracker.log({ format });
      await tracker.close();
    }
    expect(existsSync(path.join(dir, `run-${DAY}.txt`))).toBe(true);
    expect(existsSync(path.join(dir, `py-${DAY}.log`))).toBe(true);
    expect(existsSync(path.join(dir, DAY, 'train.log'))).toBe(true);
    const formats = async (options?: Parameters<typeof Reader.readLogs>[1]) => (await Reader.readLogs(dir, options)).map((r) => r.format).sort();
    expect(await formats()).toEqual(['py-{time:YYYY-MM-DD}.log', '{date}/train.log']); // *.log only
    expect(await formats({ pattern: 'run-{date}.txt' })).toEqual(['py-{time:YYYY-MM-DD}.log', 'run-{date}.txt', '{date}/train.log']);
  });

  it('two trackers with different sinks never affect each other (Python’s global logger bug), nor does reading logs', async () => {
    const dirA = tempDir();
    const dirB = tempDir();
    const jsonlB = path.join(dirB, 'b.jsonl');
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const a = await Tracker.open('a.db', { skipInsert: true, logsPath: dirA, logsStdout: true });
    const b = await Tracker.open('b.db', { skipInsert: true, jsonl: jsonlB });
    await a.log({ who: 'a', n: 1 });
    await b.log({ who: 'b', n: 1 });
    await Reader.readLogs(dirA); // Python's Reader.read_logs removes every live sink: ours must not
    await a.log({ who: 'a', n: 2 });
    await b.log({ who: 'b', n: 2 });
    await a.close();
    await b.close();
    const printed = stdout.mock.calls.map((c) => String(c[0])).join('');
    stdout.mockRestore();

    expect((await Reader.readLogs(dirA)).map((r) => `${r.who}${r.n}`)).toEqual(['a1', 'a2']);
    expect((await Reader.readJsonl(jsonlB)).map((r) => `${r.who}${r.n}`)).toEqual(['b1', 'b2']);
    expect(readdirSync(dirB)).toEqual(['b.jsonl']); // b has no daily files
    const stdoutRows = parseLogText(printed);
    expect(stdoutRows.map((r) => `${r.who}${r.n}`)).toEqual(['a1', 'a2']); // only a prints
  });
});

describe('logs keep every value', () => {
  const BIG = 2n ** 62n + 1n; // not a double: 4611686018427387905

  it('writes integers beyond 2^53 as exact JSON integers, and keeps keys logged as null (log files and JSONL)', async () => {
    fixDate();
    const dir = tempDir();
    const jsonl = path.join(dir, 'run.jsonl');
    const tracker = await Tracker.open(path.join(dir, 'track.db'), { logsPath: path.join(dir, 'logs'), jsonl, warnings: false });
    await tracker.log({ big: BIG, negative: -BIG, safe: 2n ** 53n - 1n, none: null, loss: 0.5 });
    await tracker.logBatch([{ big: 1n, none: null }]);
    tracker.logger!.experiment({ seed: BIG });
    await tracker.close();

    const line = readFileSync(path.join(dir, 'logs', `${DAY}.log`), 'utf8').split('\n')[0]!;
    expect(line).toContain('"big":4611686018427387905,"negative":-4611686018427387905,"safe":9007199254740991');
    expect(line).toContain('"none":null');
    expect(readFileSync(jsonl, 'utf8')).toContain('"big":4611686018427387905');

    const logged = await Reader.readLogs(path.join(dir, 'logs'));
    expect(logged[0]).toMatchObject({ big: BIG, negative: -BIG, safe: 9007199254740991, none: null, loss: 0.5 });
    expect(logged[1]).toMatchObject({ big: 1, none: null });
    expect(logged[2]).toEqual({ level: 'EXPERIMENT', seed: BIG });
    const entries = await Reader.readJsonl(jsonl);
    expect(entries[0]).toMatchObject({ big: BIG, negative: -BIG, none: null });
    expect(entries[2]).toMatchObject({ seed: BIG });
  });

  it("reads Python's big integers exactly; safe integers, floats and digits in strings stay as they are", () => {
    const text =
      '2024-01-02 10:00:00.000 | TRACKING | xetrack.logging:log:177!📁!{"id":12345678901234567890,"neg":-9007199254740993,"max":9007199254740991,"f":1.2345678901234567,"e":1e+300,"s":"12345678901234567890","list":[18446744073709551615]}';
    expect(parseLogText(text)).toEqual([
      { level: 'TRACKING', id: 12345678901234567890n, neg: -9007199254740993n, max: 9007199254740991, f: 1.2345678901234567, e: 1e300, s: '12345678901234567890', list: [18446744073709551615n] },
    ]);
  });
});
