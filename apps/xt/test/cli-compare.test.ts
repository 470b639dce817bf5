import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom, Tracker } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { APP_DIR, ROOT_DIR } from './support/paths.js';
import { runXt, type XtResult } from './support/run-xt.js';

/** N draws of Normal(mean, sd) from a seeded generator (Box-Muller). */
function normal(n: number, mean: number, sd: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => mean + sd * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
}

/**
 * Four runs in logging order: two on main (commit aaa111…), two on a feature branch (bbb222…), one
 * per model each. Per run: accuracy per epoch, then 8 latency samples. Against its main run the
 * feature's mlp loses 0.01 accuracy at the same latency; its lr gains 0.08 accuracy but is 20% slower.
 */
const RUNS = [
  { id: 'b-mlp', params: { model: 'mlp', branch: 'main', git_commit_hash: 'aaa111f00d', lr: 0.01 }, acc: [0.5, 0.7, 0.8], latency: normal(8, 100, 1, 1) },
  { id: 'b-lr', params: { model: 'lr', branch: 'main', git_commit_hash: 'aaa111f00d', lr: 0.01 }, acc: [0.6, 0.62], latency: normal(8, 50, 0.5, 2) },
  { id: 'c-mlp', params: { model: 'mlp', branch: 'feature', git_commit_hash: 'bbb222cafe', lr: 0.02 }, acc: [0.55, 0.79], latency: normal(8, 100, 1, 3) },
  { id: 'c-lr', params: { model: 'lr', branch: 'feature', git_commit_hash: 'bbb222cafe', lr: 0.02 }, acc: [0.6, 0.7], latency: normal(8, 60, 0.5, 4) },
];

const PG_DIR = path.join(ROOT_DIR, 'packages', 'engine-postgres');
const PG_BASE = process.env.XT_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/test';

interface Store {
  name: string;
  /** The database argument xt gets. */
  db: () => string;
  /** Where xt runs (it finds engine packages from there). */
  cwd: string;
}

const dir = mkdtempSync(path.join(tmpdir(), 'xt-compare-cli-'));
const source = path.join(dir, 'track.db');
const schema = `xt_compare_${process.pid}_${randomBytes(4).toString('hex')}`;
const pgUrl = (() => {
  const url = new URL(PG_BASE);
  url.searchParams.set('schema', schema);
  return url.toString();
})();

const STORES: Store[] = [
  { name: 'sqlite', db: () => source, cwd: APP_DIR },
  { name: 'duckdb', db: () => path.join(dir, 'track.duckdb'), cwd: APP_DIR },
  { name: 'postgres', db: () => pgUrl, cwd: PG_DIR },
];

beforeAll(async () => {
  for (const run of RUNS) {
    const tracker = await Tracker.open(source, { engine: sqliteEngine, trackId: run.id, params: run.params, warnings: false });
    for (let epoch = 0; epoch < run.acc.length; epoch++) await tracker.log({ epoch, acc: run.acc[epoch]! });
    await tracker.logBatch(run.latency.map((latency_ms, sample) => ({ sample, latency_ms })));
    await tracker.close();
  }
  // the same rows in DuckDB and PostgreSQL, through xt copy
  for (const store of STORES.slice(1)) {
    const copied = runXt(['copy', source, store.db()], { cwd: store.cwd });
    expect(copied.status, copied.stderr).toBe(0);
  }
});

afterAll(() => {
  const dropped = runXt(['sql', pgUrl, `DROP SCHEMA IF EXISTS "${schema}" CASCADE`, '--write'], { cwd: PG_DIR });
  expect(dropped.status, `the test's schema was not dropped: ${dropped.stderr}`).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

const last = (xs: number[]) => xs[xs.length - 1]!;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const run = (id: string) => RUNS.find((r) => r.id === id)!;

interface CheckJson {
  verdict: string;
  counts: Record<string, number>;
  baseline: { runs: string[]; rows: number };
  candidate: { runs: string[] };
  groups: {
    label: string;
    verdict: string;
    metrics: {
      metric: string;
      verdict: string;
      method: string;
      baseline: { n: number; value: number };
      candidate: { n: number; value: number };
      delta: { absolute: number; relative: number };
      test?: { pValue: number; cliffsDelta: number };
    }[];
  }[];
}

describe.each(STORES)('xt diff and xt check on $name (the real binary)', (store) => {
  const xt = (...args: string[]): XtResult => runXt(args, { cwd: store.cwd });
  const check = (...args: string[]) => xt('check', store.db(), ...args);
  const json = (result: XtResult): CheckJson => {
    expect(result.stdout, result.stderr).not.toBe('');
    return JSON.parse(result.stdout) as CheckJson;
  };
  const verdicts = (result: XtResult) => json(result).groups.map((g) => [g.label, ...g.metrics.map((m) => m.verdict)]);

  it('diff shows what differs with deltas against the first run; --all shows everything; --json', () => {
    const md = xt('diff', store.db(), 'b-mlp', 'c-mlp');
    expect(md.status, md.stderr).toBe(0);
    const lines = md.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^\| column +\| b-mlp +\| c-mlp +\| Δ c-mlp +\| Δ% c-mlp +\|$/);
    expect(lines.map((l) => l.split('|')[1]!.trim()).slice(2)).toEqual(['branch', 'git_commit_hash', 'lr', 'epoch', 'acc', 'latency_ms']);
    expect(md.stdout).toMatch(/\| acc +\| 0\.8 +\| 0\.79 +\| -0\.01 +\| -1\.3% +\|/);

    const data = JSON.parse(xt('diff', store.db(), 'b-mlp', 'c-mlp', 'c-lr', '--json').stdout) as {
      runs: string[];
      rows: { column: string; values: unknown[]; deltas: ({ absolute: number } | null)[] }[];
    };
    expect(data.runs).toEqual(['b-mlp', 'c-mlp', 'c-lr']);
    const latency = data.rows.find((r) => r.column === 'latency_ms')!;
    expect(latency.values).toEqual(['b-mlp', 'c-mlp', 'c-lr'].map((id) => last(run(id).latency)));
    expect(latency.deltas[2]!.absolute).toBeCloseTo(last(run('c-lr').latency) - last(run('b-mlp').latency), 9);
    expect(data.rows.find((r) => r.column === 'model')!.values).toEqual(['mlp', 'mlp', 'lr']);

    const all = JSON.parse(xt('diff', store.db(), 'b-mlp', 'c-mlp', '--all', '--json').stdout) as { rows: { column: string; differs: boolean }[] };
    expect(all.rows.filter((r) => !r.differs).map((r) => r.column)).toEqual(['model', 'sample']);

    const missing = xt('diff', store.db(), 'b-mlp', 'nope');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/No run "nope"/);
    expect(xt('diff', store.db(), 'b-mlp').status).toBe(2);
  });

  it('run ids (run:ID and bare) with every tolerance form decide the exit code', () => {
    // acc: 0.80 -> 0.79
    const cases: [string, number][] = [
      ['acc:higher:0.01', 0], // absolute, within
      ['acc:higher:0.005', 1], // absolute, beyond
      ['acc:higher:2%', 0], // relative: 0.016 allowed
      ['acc:higher:1%', 1], // relative: 0.008 allowed
      ['acc:higher:0.005+2%', 0], // both: the larger allowance
      ['acc:higher:0.005+1%', 1],
      ['acc:higher', 1], // none: any drop
      ['acc:lower:0.005', 0], // lower is better: a drop improves
    ];
    for (const [metric, code] of cases) {
      const result = check('--baseline', 'run:b-mlp', '--candidate', 'c-mlp', '--metric', metric);
      expect(result.status, `${metric}: ${result.stderr}`).toBe(code);
    }
    const out = json(check('--baseline', 'run:b-mlp', '--candidate', 'c-mlp', '--metric', 'acc:higher:0.005', '--json'));
    expect(out.groups[0]!.metrics[0]).toMatchObject({ verdict: 'regressed', method: 'threshold', baseline: { n: 1, value: 0.8 }, candidate: { n: 1, value: 0.79 } });
    expect(out.groups[0]!.metrics[0]!.delta.relative).toBeCloseTo(-0.0125, 12);
  });

  it('latest and previous per group, commits, param values and where-filters select the sides', () => {
    const metrics = ['--metric', 'acc:higher:0.01', '--metric', 'latency_ms:lower:5%:samples'];
    const picks = check('--baseline', 'previous', '--candidate', 'latest', '--group-by', 'model', ...metrics, '--json');
    expect(picks.status).toBe(1);
    expect(json(picks).baseline.runs).toEqual(['b-mlp', 'b-lr']);
    expect(json(picks).candidate.runs).toEqual(['c-mlp', 'c-lr']);
    // lr: accuracy up 0.08 (improved), latency up 20% (regressed, significant); mlp: unchanged on both
    expect(verdicts(picks)).toEqual([
      ['model=lr', 'improved', 'regressed'],
      ['model=mlp', 'unchanged', 'unchanged'],
    ]);
    const lrLatency = json(picks).groups[0]!.metrics[1]!;
    expect(lrLatency).toMatchObject({ method: 'mann-whitney-u+bootstrap', baseline: { n: 8 }, candidate: { n: 8 } });
    expect(lrLatency.baseline.value).toBeCloseTo(median(run('b-lr').latency), 9);
    // every candidate sample above every baseline sample: U = 64 of 64, Cliff's delta 1,
    // two-sided p = 2 * P(Z > (64 - 32 - 0.5) / sqrt(8 * 8 * 17 / 12)) = 0.000939
    // (scipy.stats.mannwhitneyu(..., method='asymptotic'): 0.0009391056991171899)
    expect(lrLatency.test!.cliffsDelta).toBe(1);
    expect(lrLatency.test!.pValue).toBeCloseTo(0.0009391056991171899, 12);

    for (const [baseline, candidate] of [
      ['commit:aaa111', 'commit:bbb2'],
      ['branch=main', 'branch=feature'],
      ['lr<0.015', 'lr>=0.015,git_commit_hash~bbb%'],
    ]) {
      const result = check('--baseline', baseline!, '--candidate', candidate!, '--group-by', 'model', ...metrics, '--json');
      expect(result.status, `${baseline} vs ${candidate}: ${result.stderr}`).toBe(1);
      expect(verdicts(result)).toEqual(verdicts(picks));
    }
    // without lr's latency, nothing regressed: exit 0
    expect(check('--baseline', 'branch=main', '--candidate', 'branch=feature', '--group-by', 'model', '--metric', 'acc:higher:0.01').status).toBe(0);
    // one side of a where-filter plus a param: only mlp
    const mlp = json(check('--baseline', 'model=mlp,branch=main', '--candidate', 'model~ml_,lr>0.015', '--metric', 'acc:higher:0.01', '--json'));
    expect([json(check('--baseline', 'model=mlp,branch=main', '--candidate', 'latest', '--metric', 'acc:higher', '--json')).candidate.runs, mlp.candidate.runs]).toEqual([['c-lr'], ['c-mlp']]);
  });

  it('a config file gives the same verdict; flags override it', () => {
    const file = path.join(dir, `check-${store.name}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        baseline: 'branch=main',
        candidate: 'branch=feature',
        groupBy: ['model'],
        metrics: ['acc:higher:0.01', { name: 'latency_ms', direction: 'lower', tolerance: '5%', aggregate: 'samples' }],
      }),
    );
    const fromFile = check('--config', file, '--json');
    expect(fromFile.status).toBe(1);
    expect(verdicts(fromFile)).toEqual([
      ['model=lr', 'improved', 'regressed'],
      ['model=mlp', 'unchanged', 'unchanged'],
    ]);
    const overridden = check('--config', file, '--metric', 'acc:higher:0.01', '--json');
    expect(overridden.status).toBe(0);
    expect(verdicts(overridden)).toEqual([
      ['model=lr', 'improved'],
      ['model=mlp', 'unchanged'],
    ]);
  });

  it('--md writes a pull-request comment; the default is a table with a summary line', () => {
    const md = check('--baseline', 'previous', '--candidate', 'latest', '--group-by', 'model', '--metric', 'latency_ms:lower:5%:samples', '--md');
    expect(md.status).toBe(1);
    expect(md.stdout).toMatch(/^### ❌ Regression detected\n/);
    expect(md.stdout).toMatch(/\| model=lr +\| latency_ms \(↓, samples\) +\| [\d.]+ \(n=8\) +\| [\d.]+ \(n=8\) +\| \+[\d.]+ +\| \+19\.8% +\| 5% +\| ❌ regressed +\| p=0\.00094, δ=1 large +\|/);
    expect(md.stdout).toContain('<details><summary>Why</summary>');
    const text = check('--baseline', 'run:b-mlp', '--candidate', 'run:c-mlp', '--metric', 'acc:higher:0.01');
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^baseline: +run:b-mlp \(1 runs, 11 rows\)\ncandidate: run:c-mlp/);
    expect(text.stdout.trim().split('\n').pop()).toBe('UNCHANGED: 1 unchanged (confidence 0.95).');
  });

  it('usage and data errors exit 2 with one clear line, never 0 or 1', () => {
    const base = ['--baseline', 'branch=main', '--candidate', 'branch=feature'];
    const cases: [string[], RegExp][] = [
      [[...base, '--metric', 'accuracy:higher'], /No column "accuracy" \(metric\)/],
      [[...base, '--metric', 'model:higher'], /holds text values, not numbers/],
      [['--baseline', 'branch=main', '--candidate', 'branch=nope', '--metric', 'acc:higher'], /candidate \(branch=nope\) matches no rows/],
      [['--baseline', 'previous,run:b-mlp', '--candidate', 'latest', '--metric', 'acc:higher'], /no previous run/],
      [[...base, '--metric', 'acc:sideways'], /direction must be "higher" or "lower"/],
      [[...base, '--metric', 'acc:higher:lots'], /tolerance must be a non-negative number/],
      [[...base, '--metric', 'acc:higher', '--group-by', 'gpu'], /No column "gpu" \(group-by\)/],
      [['--baseline', 'branch=main', '--metric', 'acc:higher'], /Missing --candidate/],
      [[...base, '--metric', 'acc:higher', '--confidence', '95'], /--confidence must be between 0 and 1/],
      [[...base, '--metric', 'acc:higher', '--config', path.join(dir, 'missing.json')], /Cannot read the config/],
      [['--baseline', 'commit:abc', '--candidate', 'latest', '--metric', 'acc:higher', '--table', 'nope'], /nope/],
    ];
    for (const [args, message] of cases) {
      const result = check(...args);
      expect(result.status, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    const badJson = path.join(dir, `bad-${store.name}.json`);
    writeFileSync(badJson, '{"baseline": ');
    expect(check('--config', badJson)).toMatchObject({ status: 2, stdout: '' });
  });
});

describe('xt check on a database that is not there', () => {
  it('exits 2', () => {
    const result = runXt(['check', path.join(dir, 'none.db'), '--baseline', 'latest', '--candidate', 'previous', '--metric', 'acc:higher']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^xt: /);
  });
});
