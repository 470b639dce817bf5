import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { APP_DIR, ROOT_DIR } from './support/paths.js';
import { runXt } from './support/run-xt.js';

/** Result files the real tools wrote (test/fixtures/bench/generate.sh made them). */
const FIXTURES = path.join(APP_DIR, 'test', 'fixtures', 'bench');
const fixture = (name: string) => path.join(FIXTURES, name);
const read = (name: string) => JSON.parse(readFileSync(fixture(name), 'utf8')) as any;

/** What each fixture must import as: per benchmark [group, bench, samples in ms]. */
const EXPECTED: Record<string, { tool: string; benches: [string | null, string, number[], number][] }> = {
  'vitest.json': { tool: 'vitest', benches: read('vitest.json').files[0].groups[0].benchmarks.map((b: any) => ['sum', b.name, [], b.mean]) },
  'tinybench.json': { tool: 'tinybench', benches: read('tinybench.json').map((t: any) => [null, t.name, t.result.latency.samples, t.result.latency.mean]) },
  'mitata.json': { tool: 'mitata', benches: read('mitata.json').benchmarks.map((b: any) => ['sum', b.alias, b.runs[0].stats.samples.map((s: number) => s / 1e6), b.runs[0].stats.avg / 1e6]) },
  'hyperfine.json': { tool: 'hyperfine', benches: read('hyperfine.json').results.map((r: any) => [null, r.command, r.times.map((t: number) => t * 1000), r.mean * 1000]) },
};

const dir = mkdtempSync(path.join(tmpdir(), 'xt-import-'));
const PG_DIR = path.join(ROOT_DIR, 'packages', 'engine-postgres');
const schema = `xt_import_${process.pid}_${randomBytes(4).toString('hex')}`;
const pgUrl = (() => {
  const url = new URL(process.env.XT_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/test');
  url.searchParams.set('schema', schema);
  return url.toString();
})();

afterAll(() => {
  const dropped = runXt(['sql', pgUrl, `DROP SCHEMA IF EXISTS "${schema}" CASCADE`, '--write'], { cwd: PG_DIR });
  expect(dropped.status, `the test's schema was not dropped: ${dropped.stderr}`).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

const STORES = [
  { name: 'sqlite', db: path.join(dir, 'bench.db'), cwd: APP_DIR },
  { name: 'duckdb', db: path.join(dir, 'bench.duckdb'), cwd: APP_DIR },
  { name: 'postgres', db: pgUrl, cwd: PG_DIR },
];

describe.each(STORES)('xt import on $name (the real binary)', (store) => {
  const xt = (...args: string[]) => runXt(args, { cwd: store.cwd });
  const rows = (where = '1 = 1') => JSON.parse(xt('sql', store.db, `SELECT * FROM "default" WHERE ${where} ORDER BY timestamp`, '--json').stdout || '[]') as Record<string, any>[];

  it("imports each tool's file: a summary row per benchmark and a row per sample, in ms; twice is once", () => {
    let total = 0;
    for (const [file, expected] of Object.entries(EXPECTED)) {
      const first = xt('import', store.db, fixture(file), '--param', 'branch=main', '--json');
      expect(first.status, first.stderr).toBe(0);
      const result = JSON.parse(first.stdout) as { tool: string; trackId: string; rows: number; benchmarks: number; alreadyImported: boolean };
      const sampleCount = expected.benches.reduce((n, b) => n + b[2].length, 0);
      expect(result).toMatchObject({ tool: expected.tool, benchmarks: expected.benches.length, rows: expected.benches.length + sampleCount, alreadyImported: false });
      expect(result.trackId).toMatch(new RegExp(`^${expected.tool}-[0-9a-f]{16}$`));
      total += result.rows;

      const imported = rows(`track_id = '${result.trackId}'`);
      expect(imported).toHaveLength(result.rows);
      for (const [group, bench, samples, mean] of expected.benches) {
        const mine = imported.filter((r) => r.bench === bench);
        const summary = mine.filter((r) => r.kind === 'summary');
        expect(summary).toHaveLength(1);
        expect(summary[0]).toMatchObject({ tool: expected.tool, group, branch: 'main' });
        expect(summary[0]!.mean_ms).toBeCloseTo(mean, 9);
        const sampleRows = mine.filter((r) => r.kind === 'sample');
        expect(sampleRows.map((r) => r.sample)).toEqual(samples.map((_, i) => i));
        sampleRows.forEach((r, i) => expect(r.time_ms).toBeCloseTo(samples[i]!, 9));
      }

      const again = xt('import', store.db, fixture(file));
      expect(again.status).toBe(0);
      expect(again.stderr).toBe(`${fixture(file)} was imported before as run ${result.trackId}: nothing imported.\n`);
    }
    expect(rows()).toHaveLength(total);
  });

  it('a malformed file is a clear error and imports nothing', () => {
    const before = rows().length;
    const bad: [string, string, RegExp][] = [
      ['truncated.json', readFileSync(fixture('hyperfine.json'), 'utf8').slice(0, 200), /truncated\.json is not JSON/],
      ['other.json', '{"hello": "world"}', /is not a result file of vitest bench .*tinybench .*mitata .*hyperfine/],
      [
        'bad-field.json',
        JSON.stringify({
          results: [
            { command: 'a', mean: 1, min: 1, max: 1, times: [1, 2] },
            { command: 'b', mean: 'fast', min: 1, max: 1 },
          ],
        }),
        /results\[1\]\.mean must be a number, not "fast"/,
      ],
      ['bad-sample.json', JSON.stringify([{ name: 'x', result: { latency: { mean: 1, min: 1, max: 1, samples: [1, null] } } }]), /samples\[1\] must be a number/],
      ['empty.json', '{"results": []}', /holds no benchmark results/],
    ];
    for (const [name, text, message] of bad) {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      const result = xt('import', store.db, file);
      expect(result.status, name).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(rows()).toHaveLength(before);
    const missing = xt('import', store.db, path.join(dir, 'nope.json'));
    expect(missing.status).toBe(2);
    expect(xt('import', store.db, fixture('hyperfine.json'), '--param', 'novalue').status).toBe(2);
  });

  it('gates a slower candidate: imported runs compared per benchmark on their samples', () => {
    // a candidate made from the real tinybench file: `loop` 50% slower, `reduce` unchanged
    const tasks = read('tinybench.json');
    for (const task of tasks) {
      if (task.name !== 'loop') continue;
      task.result.latency.samples = task.result.latency.samples.map((s: number) => s * 1.5);
      task.result.latency.mean *= 1.5;
    }
    const candidate = path.join(dir, `candidate-${store.name}.json`);
    writeFileSync(candidate, JSON.stringify(tasks));
    expect(xt('import', store.db, candidate, '--param', 'branch=feature').status).toBe(0);
    const check = xt(
      'check',
      store.db,
      '--baseline',
      'tool=tinybench,branch=main',
      '--candidate',
      'tool=tinybench,branch=feature',
      '--group-by',
      'bench',
      '--metric',
      'time_ms:lower:10%:samples',
      '--json',
    );
    expect(check.status, check.stderr).toBe(1);
    const result = JSON.parse(check.stdout) as { groups: { label: string; metrics: { verdict: string; baseline: { n: number }; test?: { hodgesLehmann: { relative: number } } }[] }[] };
    expect(result.groups.map((g) => [g.label, g.metrics[0]!.verdict])).toEqual([
      ['bench=loop', 'regressed'],
      ['bench=reduce', 'unchanged'],
    ]);
    expect(result.groups[0]!.metrics[0]!.baseline.n).toBe(50);
    // the same check on the summary rows: one value a side, compared against the tolerance
    expect(xt('check', store.db, '--baseline', 'tool=tinybench,branch=main', '--candidate', 'tool=tinybench,branch=feature', '--group-by', 'bench', '--metric', 'mean_ms:lower:10%').status).toBe(1);
  });
});

describe('xt import creates nothing for a bad file', () => {
  it('leaves no database behind', () => {
    const target = path.join(dir, 'never.db');
    const file = path.join(dir, 'junk.json');
    writeFileSync(file, 'not json at all');
    expect(runXt(['import', target, file]).status).toBe(1);
    expect(existsSync(target)).toBe(false);
  });
});
