import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
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
async function demo(dbPath: string): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, XT_DEMO_DB: dbPath };
  delete env.XT_DEMO_ENGINE; // the database checks below read SQLite
  const { stdout } = await run(process.execPath, ['--import', import.meta.resolve('tsx'), 'src/main.ts'], { cwd: APP, env });
  return stdout;
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
  let db: Database.Database;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'xetrack-demo-'));
    dbPath = join(dir, 'nested', 'demo.db');
    first = await demo(dbPath);
    second = await demo(dbPath);
    db = new Database(dbPath, { readonly: true });
  }, 0); // two child processes: no wall-clock limit

  afterAll(() => {
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const evaluations = (sweep: string) =>
    db.prepare(`SELECT track_id, sweep, lr, hidden, val_loss, val_accuracy FROM "default" WHERE sweep = ? AND function_name = 'evaluate'`).all(sweep) as EvalRow[];

  it('logs 6 runs per sweep, one per grid point, and appends a new sweep on each run', () => {
    const sweeps = db.prepare(`SELECT sweep, count(DISTINCT track_id) AS runs FROM "default" GROUP BY sweep ORDER BY sweep`).all() as { sweep: string; runs: number }[];
    expect(sweeps.map((s) => s.sweep)).toEqual([sweepOf(first), sweepOf(second)]);
    expect(sweeps.map((s) => s.runs)).toEqual([6, 6]);
    const grid = db.prepare(`SELECT DISTINCT lr, hidden, model, seed FROM "default" WHERE sweep = ? ORDER BY lr, hidden`).all(sweepOf(first));
    expect(grid).toEqual(
      [0.05, 0.2, 0.8].flatMap((lr) => [4, 16].map((hidden) => ({ lr, hidden, model: 'mlp', seed: 7 }))),
    );
  });

  it('logs one row per epoch for every run', () => {
    const epochs = db
      .prepare(`SELECT track_id, count(*) AS n, min(epoch) AS first, max(epoch) AS last, count(train_loss) AS losses, count(train_accuracy) AS accuracies FROM "default" WHERE sweep = ? AND epoch IS NOT NULL GROUP BY track_id`)
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

  it("prints only this sweep's runs, in a tidy summary", () => {
    const secondIds = evaluations(sweepOf(second)).map((r) => r.track_id);
    const firstIds = evaluations(sweepOf(first)).map((r) => r.track_id);
    for (const id of secondIds) expect(second).toContain(id);
    for (const id of firstIds) expect(second).not.toContain(id);
    expect(second.trimEnd().split('\n').length).toBeLessThanOrEqual(30);
  });
});
