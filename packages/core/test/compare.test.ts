import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { compare, diffRuns, isXetrackError, parseCompareConfig, Reader, Tracker, type Engine } from '../src/index.js';

/** Runs in logging order: each has params and per-epoch accuracy and latency samples. */
const RUNS = [
  { id: 'r1', params: { model: 'mlp', branch: 'main', git_commit_hash: 'aaa111' }, acc: [0.5, 0.7, 0.8], latency: [10, 11, 12] },
  { id: 'r2', params: { model: 'lr', branch: 'main', git_commit_hash: 'aaa111' }, acc: [0.6, 0.65], latency: [20, 21] },
  { id: 'r3', params: { model: 'mlp', branch: 'feature', git_commit_hash: 'bbb222' }, acc: [0.55, 0.75, 0.7], latency: [13, 9, 14] },
  { id: 'r4', params: { model: 'lr', branch: 'feature', git_commit_hash: 'bbb222' }, acc: [0.62, 0.7], latency: [19, 18] },
];

let dir: string;
let db: string;
beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'xt-compare-'));
  db = path.join(dir, 'track.db');
  for (const run of RUNS) {
    const tracker = await Tracker.open(db, { engine: sqliteEngine, trackId: run.id, params: run.params, warnings: false });
    for (let epoch = 0; epoch < run.acc.length; epoch++) await tracker.log({ epoch, acc: run.acc[epoch]!, latency_ms: run.latency[epoch]!, label: `e${epoch}` });
    await tracker.close();
  }
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The reader (the engine's own aggregate()), and the same table through an engine with neither aggregate() nor SQL (core aggregates its rows). */
async function sources(): Promise<{ name: string; reader: Reader; source: { engine: Engine; table: string } }[]> {
  const reader = await Reader.open(db, { engine: sqliteEngine });
  const other = await Reader.open(db, { engine: sqliteEngine });
  const { sql: _sql, aggregate: _aggregate, ...rest } = other.engine;
  const scan = { ...rest, name: 'scan-only', capabilities: { ...other.engine.capabilities, rawSql: false, aggregate: false } } as Engine;
  return [
    { name: 'sql', reader, source: reader },
    { name: 'scan', reader: other, source: { engine: scan, table: 'default' } },
  ];
}

const byId = (id: string) => RUNS.find((r) => r.id === id)!;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const med = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

describe('compare() on SQLite, in the database and by scanning', () => {
  it('every aggregate matches the rows, per run, on both paths', async () => {
    for (const { name, reader, source } of await sources()) {
      const expected: Record<string, (xs: number[]) => number> = {
        last: (xs) => xs[xs.length - 1]!,
        first: (xs) => xs[0]!,
        mean,
        median: med,
        min: (xs) => Math.min(...xs),
        max: (xs) => Math.max(...xs),
      };
      for (const [aggregate, f] of Object.entries(expected)) {
        const result = await compare(source, { baseline: 'run:r1', candidate: 'run:r3', metrics: [`latency_ms:lower::${aggregate}`] });
        const metric = result.groups[0]!.metrics[0]!;
        expect(metric.baseline!.value, `${name} ${aggregate}`).toBeCloseTo(f(byId('r1').latency), 12);
        expect(metric.candidate!.value, `${name} ${aggregate}`).toBeCloseTo(f(byId('r3').latency), 12);
        expect(metric.delta!.absolute).toBeCloseTo(f(byId('r3').latency) - f(byId('r1').latency), 12);
      }
      const samples = await compare(source, { baseline: 'run:r1', candidate: 'run:r3', metrics: ['latency_ms:lower::samples'] });
      expect(samples.groups[0]!.metrics[0]!.baseline).toMatchObject({ n: 3, value: 11, min: 10, max: 12 });
      await reader.close();
    }
  });

  it("per group, latest and previous pick each group's own runs; both paths agree", async () => {
    const results = [];
    for (const { reader, source } of await sources()) {
      results.push(await compare(source, { baseline: 'previous', candidate: 'latest', groupBy: ['model'], metrics: ['acc:higher:0.01', 'latency_ms:lower:10%'] }));
      await reader.close();
    }
    const [sql, scan] = results;
    expect({ ...scan!, engine: 'sqlite' }).toEqual(sql);
    expect(scan!.engine).toBe('scan-only');
    expect(sql!.groups.map((g) => g.label)).toEqual(['model=lr', 'model=mlp']);
    expect(sql!.baseline.runs).toEqual(['r1', 'r2']);
    expect(sql!.candidate.runs).toEqual(['r3', 'r4']);
    const [lr, mlp] = sql!.groups;
    // lr: acc 0.65 -> 0.70 improved; latency 21 -> 18 improved (beyond 10% of 21)
    expect(lr!.metrics.map((m) => m.verdict)).toEqual(['improved', 'improved']);
    // mlp: acc 0.8 -> 0.7 regressed; latency 12 -> 14 regressed (2 > 1.2)
    expect(mlp!.metrics.map((m) => [m.metric, m.verdict, m.baseline!.value, m.candidate!.value])).toEqual([
      ['acc', 'regressed', 0.8, 0.7],
      ['latency_ms', 'regressed', 12, 14],
    ]);
    expect(sql!.verdict).toBe('regressed');
    expect(sql!.counts).toEqual({ regressed: 2, missing: 0, inconclusive: 0, improved: 2, unchanged: 0 });
    expect(JSON.parse(JSON.stringify(sql))).toEqual(sql);
  });

  it('commit prefixes, params and conditions select sides; several runs become samples', async () => {
    const reader = await Reader.open(db, { engine: sqliteEngine });
    const byCommit = await compare(reader, { baseline: 'commit:aaa', candidate: 'commit:bbb2', metrics: ['acc:higher'] });
    expect(byCommit.baseline.runs).toEqual(['r1', 'r2']);
    expect(byCommit.candidate.runs).toEqual(['r3', 'r4']);
    // two runs a side: the medians of the runs' last values, compared by threshold
    expect(byCommit.groups[0]!.metrics[0]).toMatchObject({ method: 'threshold', baseline: { n: 2, value: med([0.8, 0.65]) }, candidate: { n: 2, value: med([0.7, 0.7]) } });
    const byParam = await compare(reader, {
      baseline: { params: { branch: 'main' }, where: [{ column: 'model', op: '=', value: 'mlp' }] },
      candidate: 'branch=feature,model~ml%',
      metrics: ['acc:higher'],
    });
    expect([byParam.baseline.runs, byParam.candidate.runs]).toEqual([['r1'], ['r3']]);
    expect(byParam.baseline.rows).toBe(3);
    const numeric = await compare(reader, { baseline: 'epoch<1', candidate: 'epoch>=2', metrics: ['acc:higher::samples'] });
    expect(numeric.groups[0]!.metrics[0]!.baseline!.n).toBe(4);
    expect(numeric.groups[0]!.metrics[0]!.candidate!.n).toBe(2);
    await reader.close();
  });

  it('a group on one side only is missing, not a pass', async () => {
    const reader = await Reader.open(db, { engine: sqliteEngine });
    const result = await compare(reader, { baseline: 'run:r1,run:r2', candidate: 'run:r3', groupBy: ['model'], metrics: ['acc:higher'] });
    const lr = result.groups.find((g) => g.label === 'model=lr')!;
    expect(lr.metrics[0]).toMatchObject({ verdict: 'missing', candidate: null, delta: null });
    expect(result.verdict).toBe('regressed');
    expect(result.counts.missing).toBe(1);
    await reader.close();
  });

  it('clear errors: unknown metric or column, text metric, empty side, no previous run', async () => {
    const reader = await Reader.open(db, { engine: sqliteEngine });
    const expectError = async (promise: Promise<unknown>, code: string, message: RegExp) => {
      const error = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isXetrackError(error), String(error)).toBe(true);
      expect(error).toMatchObject({ code });
      expect((error as Error).message).toMatch(message);
    };
    await expectError(compare(reader, { baseline: 'r1', candidate: 'r3', metrics: ['accuracy:higher'] }), 'UNKNOWN_COLUMN', /No column "accuracy" \(metric\).*Columns: .*acc/);
    await expectError(compare(reader, { baseline: 'r1', candidate: 'r3', metrics: ['label:higher'] }), 'INVALID_ARGUMENT', /holds text values/);
    await expectError(compare(reader, { baseline: 'r1', candidate: 'nope', metrics: ['acc:higher'] }), 'EMPTY_SELECTION', /candidate \(run:nope\) matches no rows/);
    await expectError(compare(reader, { baseline: 'r1', candidate: 'r3', groupBy: ['gpu'], metrics: ['acc:higher'] }), 'UNKNOWN_COLUMN', /"gpu" \(group-by\)/);
    await expectError(compare(reader, { baseline: 'previous,run:r1', candidate: 'r3', metrics: ['acc:higher'] }), 'EMPTY_SELECTION', /no previous run/);
    await expectError(compare(reader, { baseline: 'r1', candidate: 'r3', metrics: [] }), 'INVALID_ARGUMENT', /at least one metric/);
    await expectError(compare(reader, { baseline: 'seed=1', candidate: 'r3', metrics: ['acc:higher'] }), 'UNKNOWN_COLUMN', /"seed"/);
    await reader.close();
  });

  it('a config file holds the same options', () => {
    const config = parseCompareConfig({
      baseline: 'branch=main',
      candidate: { pick: 'latest' },
      groupBy: 'model',
      metrics: ['acc:higher:0.01', { name: 'latency_ms', direction: 'lower', tolerance: '5%', aggregate: 'mean' }],
    });
    expect(config).toEqual({
      baseline: 'branch=main',
      candidate: { pick: 'latest' },
      groupBy: ['model'],
      metrics: [
        { name: 'acc', direction: 'higher', tolerance: { absolute: 0.01 } },
        { name: 'latency_ms', direction: 'lower', tolerance: { relative: 0.05 }, aggregate: 'mean' },
      ],
    });
    expect(() => parseCompareConfig({ metric: [] }, 'check.json')).toThrow(/check.json: unknown key "metric"/);
    expect(() => parseCompareConfig([], 'check.json')).toThrow(/must be a JSON object/);
    expect(() => parseCompareConfig({ metrics: [{ name: 'a', direction: 'up', tolerance: { relative: -1 } }] })).toThrow(/non-negative/);
  });
});

describe('diffRuns()', () => {
  it('shows only differing columns with numeric deltas against the first run, or all', async () => {
    const reader = await Reader.open(db, { engine: sqliteEngine });
    const diff = await diffRuns(reader, ['r1', 'r3']);
    expect(diff.rows.map((r) => r.column)).toEqual(['branch', 'git_commit_hash', 'acc', 'latency_ms']);
    const acc = diff.rows.find((r) => r.column === 'acc')!;
    expect(acc.values).toEqual([0.8, 0.7]);
    expect(acc.constant).toBe(false);
    expect(acc.deltas[1]!.absolute).toBeCloseTo(-0.1, 12);
    expect(acc.deltas[1]!.relative).toBeCloseTo(-0.125, 12);
    expect(diff.rows.find((r) => r.column === 'branch')).toMatchObject({ values: ['main', 'feature'], constant: true, deltas: [null, null] });
    const all = await diffRuns(reader, ['r1', 'r3', 'r2'], { all: true });
    expect(all.rows.map((r) => r.column)).toEqual(['model', 'branch', 'git_commit_hash', 'epoch', 'acc', 'latency_ms', 'label']);
    expect(all.rows.find((r) => r.column === 'epoch')).toMatchObject({ values: [2, 2, 1], differs: true });
    await expect(diffRuns(reader, ['r1', 'zzz'])).rejects.toMatchObject({ code: 'EMPTY_SELECTION' });
    await reader.close();
  });
});
