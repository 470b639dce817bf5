/**
 * `pnpm demo`: a small, real ML experiment tracked with xetrack. Trains a one-hidden-layer MLP on
 * a seeded two-moons data set for every point of a learning-rate × hidden-units grid, logs each
 * run into one database (appending a new sweep each time), then reads the sweep back and prints it.
 *
 * Env: XT_DEMO_DB (database path; default demo.db where pnpm was invoked), XT_DEMO_ENGINE (an
 * engine name, e.g. duckdb; default: the SQLite engine Tracker.open loads by itself).
 */
import path from 'node:path';
import { makeMoons } from './dataset.js';
import { formatSummary, summarizeSweep } from './report.js';
import { DEFAULT_GRID, runSweep } from './sweep.js';

/** A sortable, human-readable sweep id: the local start time to the millisecond. */
function sweepId(now = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}-${p(now.getMilliseconds(), 3)}`;
}

function databasePath(engine: string | undefined): string {
  const given = process.env.XT_DEMO_DB;
  if (given) return given;
  if (engine === 'postgres') throw new Error('XT_DEMO_ENGINE=postgres needs XT_DEMO_DB set to a postgres:// URL.');
  const file = engine === 'duckdb' ? 'demo.duckdb' : 'demo.db';
  return path.resolve(process.env.INIT_CWD || process.cwd(), file);
}

async function main(): Promise<void> {
  const started = performance.now();
  const engine = process.env.XT_DEMO_ENGINE || undefined;
  const dbPath = databasePath(engine);
  const sweep = sweepId();
  const data = makeMoons({ samples: 1000, noise: 0.2, seed: DEFAULT_GRID.seed });
  const grid = DEFAULT_GRID;
  const runs = await runSweep({ dbPath, sweep, data, grid, engine });
  const summary = await summarizeSweep(dbPath, sweep, engine);
  const engineName = runs[0]?.engine ?? engine ?? 'sqlite';
  const out = [
    `xetrack demo: ${runs.length} runs of an MLP (2 → hidden tanh → sigmoid) on two moons, ${grid.epochs} epochs each`,
    `grid: lr ∈ {${grid.learningRates.join(', ')}} × hidden ∈ {${grid.hiddenUnits.join(', ')}}; ${data.train.size} train / ${data.validation.size} validation points`,
    `database: ${dbPath} (engine: ${engineName}${engine ? '' : ', the default, loaded lazily'}); sweep: ${sweep}`,
    '',
    ...formatSummary(summary),
    '',
    `${summary.rows} rows logged and read back in ${((performance.now() - started) / 1000).toFixed(1)} s. Run again to append another sweep.`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
