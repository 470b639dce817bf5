import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { xxh64Hex } from '@xetrack/assets';
import { Reader } from '@xetrack/core';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const APP = fileURLToPath(new URL('..', import.meta.url));

interface EvalRow {
  track_id: string;
  sweep: string;
  lr: number;
  hidden: number;
  val_loss: number;
  val_accuracy: number;
}

/** Runs `pnpm demo`'s script (tsx src/main.ts) as a child process against `dbPath`. */
async function demo(dbPath: string, options: { args?: readonly string[]; env?: NodeJS.ProcessEnv } = {}): Promise<{ stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, XT_DEMO_DB: dbPath, ...options.env };
  if (!options.env?.XT_DEMO_ENGINE) delete env.XT_DEMO_ENGINE; // the database checks below read SQLite
  if (!options.env?.XT_DEMO_GIT_ROOT) delete env.XT_DEMO_GIT_ROOT;
  return run(process.execPath, ['--import', import.meta.resolve('tsx'), 'src/main.ts', ...(options.args ?? [])], { cwd: APP, env });
}

/** Whether the test's working directory is inside a git checkout with a commit. */
function gitHead(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: APP, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** The track_id and value printed on the `best <metric>:` line. */
function printedBest(stdout: string, metric: 'val_accuracy' | 'val_loss'): { trackId: string; value: number } {
  const match = new RegExp(`^best ${metric}:\\s+(\\S+) \\(lr=[^)]*\\) ${metric}=([0-9.]+)$`, 'm').exec(stdout);
  expect(match, `no "best ${metric}" line in:\n${stdout}`).not.toBeNull();
  return { trackId: match![1]!, value: Number(match![2]) };
}

function sweepOf(stdout: string): string {
  const match = /sweep: (\S+)/.exec(stdout);
  expect(match, stdout).not.toBeNull();
  return match![1]!;
}

describe('pnpm demo', () => {
  let dir: string;
  let dbPath: string;
  let first: string;
  let second: string;
  let firstErr: string;
  let db: Database.Database;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'xetrack-demo-'));
    dbPath = join(dir, 'nested', 'demo.db');
    ({ stdout: first, stderr: firstErr } = await demo(dbPath));
    ({ stdout: second } = await demo(dbPath));
    db = new Database(dbPath, { readonly: true });
  }, 0); // two child processes: no wall-clock limit

  afterAll(() => {
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const evaluations = (sweep: string) => db.prepare(`SELECT track_id, sweep, lr, hidden, val_loss, val_accuracy FROM "default" WHERE sweep = ? AND function_name = 'evaluate'`).all(sweep) as EvalRow[];

  it('logs 6 runs per sweep, one per grid point, and appends a new sweep on each run', () => {
    const sweeps = db.prepare(`SELECT sweep, count(DISTINCT track_id) AS runs FROM "default" GROUP BY sweep ORDER BY sweep`).all() as { sweep: string; runs: number }[];
    expect(sweeps.map((s) => s.sweep)).toEqual([sweepOf(first), sweepOf(second)]);
    expect(sweeps.map((s) => s.runs)).toEqual([6, 6]);
    const grid = db.prepare(`SELECT DISTINCT lr, hidden, model, seed FROM "default" WHERE sweep = ? ORDER BY lr, hidden`).all(sweepOf(first));
    expect(grid).toEqual([0.05, 0.2, 0.8].flatMap((lr) => [4, 16].map((hidden) => ({ lr, hidden, model: 'mlp', seed: 7 }))));
  });

  it('logs one row per epoch for every run', () => {
    const epochs = db
      .prepare(
        `SELECT track_id, count(*) AS n, min(epoch) AS first, max(epoch) AS last, count(train_loss) AS losses, count(train_accuracy) AS accuracies FROM "default" WHERE sweep = ? AND epoch IS NOT NULL GROUP BY track_id`,
      )
      .all(sweepOf(first)) as { n: number; first: number; last: number; losses: number; accuracies: number }[];
    expect(epochs).toHaveLength(6);
    for (const run of epochs) expect(run).toMatchObject({ n: 30, first: 1, last: 30, losses: 30, accuracies: 30 });
  });

  it('logs the evaluation through track(): function_name, the result columns and the unpacked arguments', () => {
    const rows = db.prepare(`SELECT * FROM "default" WHERE sweep = ? AND function_name = 'evaluate'`).all(sweepOf(first)) as Record<string, unknown>[];
    expect(rows).toHaveLength(6);
    expect(new Set(rows.map((r) => r.track_id)).size).toBe(6);
    for (const row of rows) {
      expect(row.error).toBe('');
      expect(row.val_loss).toEqual(expect.any(Number));
      expect(row.val_accuracy).toEqual(expect.any(Number));
      expect(row.function_time).toEqual(expect.any(Number));
      expect(row.model_hidden).toBe(row.hidden);
      expect(row.validation_size).toBe(200);
    }
  });

  it('ends by writing demo-report.html and saying how to open it and how to start xt ui', () => {
    const file = join(dir, 'nested', 'demo-report.html');
    const html = readFileSync(file, 'utf8');
    const best = printedBest(second, 'val_accuracy');
    expect(html).toContain(`"baseline":"${best.trackId}"`);
    for (const run of evaluations(sweepOf(second))) expect(html).toContain(`"track_id":"${run.track_id}"`);
    expect(second).toContain(`$ xt report demo.db -o demo-report.html --baseline ${best.trackId} --check val_accuracy:higher --check val_loss:lower`);
    expect(second).toContain(`open file://${file} (one file: no server, no network)`);
    expect(second).toMatch(/live dashboard, updated as runs are logged: pnpm xt ui \S*demo\.db, then open http:\/\/127\.0\.0\.1:8787\//);
  });

  it('learns the task: the best validation accuracy is clearly above 85%', () => {
    const best = Math.max(...evaluations(sweepOf(first)).map((r) => r.val_accuracy));
    expect(best).toBeGreaterThan(0.85);
  });

  it('prints the best run per metric as the database has it', () => {
    for (const stdout of [first, second]) {
      const rows = evaluations(sweepOf(stdout));
      const topAccuracy = Math.max(...rows.map((r) => r.val_accuracy));
      const accuracyWinner = rows.filter((r) => r.val_accuracy === topAccuracy).sort((a, b) => a.val_loss - b.val_loss)[0]!;
      const printedAccuracy = printedBest(stdout, 'val_accuracy');
      expect(printedAccuracy.trackId).toBe(accuracyWinner.track_id);
      expect(printedAccuracy.value).toBeCloseTo(topAccuracy, 4);

      const lossWinner = [...rows].sort((a, b) => a.val_loss - b.val_loss)[0]!;
      const printedLoss = printedBest(stdout, 'val_loss');
      expect(printedLoss.trackId).toBe(lossWinner.track_id);
      expect(printedLoss.value).toBeCloseTo(lossWinner.val_loss, 4);
    }
  });

  it("prints only this sweep's runs (the first sweep's ids only as lineage), in a tidy summary", () => {
    const secondIds = evaluations(sweepOf(second)).map((r) => r.track_id);
    const firstIds = evaluations(sweepOf(first)).map((r) => r.track_id);
    for (const id of secondIds) expect(second).toMatch(new RegExp(`^${id} `, 'm'));
    for (const id of firstIds) {
      expect(second).not.toMatch(new RegExp(`^${id} `, 'm'));
      expect(second).toMatch(new RegExp(`cache ${id}$`, 'm'));
    }
    for (const stdout of [first, second]) expect(stdout.trimEnd().split('\n').length).toBeLessThanOrEqual(40);
  });

  it('caches the evaluation: the second sweep hits, with the first sweep as lineage', () => {
    const rows = (sweep: string) =>
      db.prepare(`SELECT track_id, lr, hidden, cache, function_time, val_accuracy FROM "default" WHERE sweep = ? AND function_name = 'evaluate' ORDER BY lr, hidden`).all(sweep) as {
        track_id: string;
        lr: number;
        hidden: number;
        cache: string;
        function_time: number;
        val_accuracy: number;
      }[];
    const computed = rows(sweepOf(first));
    const hits = rows(sweepOf(second));
    expect(computed.map((r) => r.cache)).toEqual(Array(6).fill(''));
    for (const r of computed) expect(r.function_time).toBeGreaterThan(0);
    expect(hits.map((r) => r.cache)).toEqual(computed.map((r) => r.track_id));
    expect(hits.map((r) => r.function_time)).toEqual(Array(6).fill(0));
    expect(hits.map((r) => r.val_accuracy)).toEqual(computed.map((r) => r.val_accuracy));
    expect(first).toMatch(/^evaluation: 6 computed, 0 cache hits/m);
    expect(second).toContain(`evaluation: 6 cache hits, 0 computed (computed by sweep ${sweepOf(first)};`);
    expect(existsSync(join(dir, 'nested', 'demo-cache'))).toBe(true);
  });

  it('monitors the computed evaluations and stamps every row with the git commit', () => {
    const rows = db.prepare(`SELECT * FROM "default" WHERE sweep = ? AND function_name = 'evaluate'`).all(sweepOf(first)) as Record<string, unknown>[];
    for (const row of rows) {
      for (const column of ['cpu_percent', 'p_cpu_percent', 'ram_percent', 'p_memory_percent', 'heap_used_mb']) expect(row[column], column).toEqual(expect.any(Number));
    }
    const head = gitHead();
    if (head) {
      const stamps = db.prepare(`SELECT DISTINCT git_commit_hash FROM "default"`).all() as { git_commit_hash: string | null }[];
      expect(stamps).toEqual([{ git_commit_hash: head }]);
      expect(first).toContain(`git_commit_hash ${head.slice(0, 12)}`);
    } else {
      expect(firstErr).toMatch(/not inside a git repository/);
    }
  });

  it('warns once and stamps nothing when the git root is outside a repository', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'xetrack-demo-nogit-'));
    try {
      const { stdout, stderr } = await demo(join(outside, 'demo.db'), { env: { XT_DEMO_GIT_ROOT: outside } });
      expect(stderr.match(/is not inside a git repository/g)).toHaveLength(1);
      expect(stdout).toContain('no git_commit_hash');
      const other = new Database(join(outside, 'demo.db'), { readonly: true });
      try {
        const columns = (other.prepare(`PRAGMA table_info("default")`).all() as { name: string }[]).map((c) => c.name);
        expect(columns).toContain('cpu_percent');
        expect(columns).not.toContain('git_commit_hash');
      } finally {
        other.close();
      }
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  }, 0);

  it('prints the best run and a histogram with xt, matching the database', () => {
    for (const stdout of [first, second]) {
      const best = printedBest(stdout, 'val_accuracy');
      const top = new RegExp(`^\\$ xt stats top demo\\.db val_accuracy --track-id ${best.trackId} --json\\n.*track_id.*\\n  ${best.trackId}  0\\.8 +16 +([0-9.]+) `, 'm').exec(stdout);
      expect(top, stdout).not.toBeNull();
      const dbBest = Math.max(...evaluations(sweepOf(stdout)).map((r) => r.val_accuracy));
      expect(Number(top![1])).toBeCloseTo(dbBest, 4);
      expect(stdout).toContain(`$ xt plot hist demo.db train_loss --track-id ${best.trackId}`);
      const n = db.prepare(`SELECT count(train_loss) AS n FROM "default" WHERE track_id = ?`).get(best.trackId) as { n: number };
      expect(stdout).toMatch(new RegExp(`^  n=${n.n}  min=`, 'm'));
    }
  });

  it('stores the best model as an asset and exports it with xt assets export', () => {
    for (const stdout of [first, second]) {
      const match = /^best model: asset ([0-9a-f]{16}) \(column best_model of (\S+)\); xt assets export demo\.db \1 best-model\.bin → (.+) \((\d+) bytes, xxh64 matches\)$/m.exec(stdout);
      expect(match, stdout).not.toBeNull();
      const [, hash, trackId, file, size] = match!;
      expect(trackId).toBe(printedBest(stdout, 'val_accuracy').trackId);
      expect(file).toBe(join(dir, 'nested', 'best-model.bin'));
      const bytes = readFileSync(file!);
      expect(bytes.length).toBe(Number(size));
      expect(bytes.length).toBeGreaterThan(0);
      expect(xxh64Hex(bytes)).toBe(hash);
      const numbers = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
      expect([...numbers.subarray(0, 2)]).toEqual([2, 16]); // inputs, hidden, then 16·2 + 16 + 16 + 1 weights
      expect(numbers.length).toBe(2 + 65);
      const row = db.prepare(`SELECT best_model FROM "default" WHERE track_id = ? AND best_model IS NOT NULL`).all(trackId) as { best_model: string }[];
      expect(row).toEqual([{ best_model: hash }]);
    }
  });
});

describe('pnpm demo on DuckDB', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'xetrack-demo-duckdb-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [how, options] of [
    ['XT_DEMO_ENGINE=duckdb', { env: { XT_DEMO_ENGINE: 'duckdb' } }],
    ['--engine duckdb', { args: ['--engine', 'duckdb'] }],
  ] as const) {
    it(`runs with ${how} and writes a .duckdb file with the runs`, async () => {
      const file = join(dir, how.startsWith('--') ? 'flag' : 'env', 'demo.duckdb');
      const { stdout } = await demo(file, options);
      expect(stdout).toContain('(engine: duckdb)');
      expect(stdout).toContain('best model: not stored as an asset');
      const best = printedBest(stdout, 'val_accuracy');
      expect(stdout).toContain(`$ xt stats top demo.duckdb val_accuracy --track-id ${best.trackId} --json --engine duckdb`);
      const reader = await Reader.open(file, { engine: 'duckdb' });
      try {
        const rows = [];
        for await (const row of reader.iterate()) if (row.function_name === 'evaluate') rows.push(row);
        expect(rows).toHaveLength(6);
        expect(rows.map((r) => r.sweep)).toEqual(Array(6).fill(sweepOf(stdout)));
        expect(Math.max(...rows.map((r) => Number(r.val_accuracy)))).toBeCloseTo(best.value, 4);
      } finally {
        await reader.close();
      }
    }, 0);
  }
});
