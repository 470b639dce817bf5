/**
 * `pnpm demo`: a small, real ML experiment tracked with xetrack. Trains a one-hidden-layer MLP on
 * a seeded two-moons data set for every point of a learning-rate × hidden-units grid, logs each
 * run into one database (appending a new sweep each time) with the evaluation cached, monitored and
 * git-stamped, stores the best model as an asset, then reads the sweep back and prints it, and
 * prints the best run and a histogram with the `xt` CLI.
 *
 * Flags: --engine NAME (as XT_DEMO_ENGINE; the flag wins).
 * Env: XT_DEMO_DB (database path; default demo.db, or demo.duckdb, where pnpm was invoked),
 * XT_DEMO_ENGINE (an engine name, e.g. duckdb; default: the SQLite engine Tracker.open loads by
 * itself), XT_DEMO_GIT_ROOT (the directory whose repository stamps the rows; default: this file's).
 */
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { xxh64Hex } from '@xetrack/assets';
import { cacheStore } from '@xetrack/cache';
import { gitCommitHash } from '@xetrack/git';
import { logBestModel } from './best-model.js';
import { makeMoons } from './dataset.js';
import { formatCacheLine, formatSummary, summarizeSweep } from './report.js';
import { DEFAULT_GRID, runParams, runSweep } from './sweep.js';
import { xt } from './xt.js';

/** A sortable, human-readable sweep id: the local start time to the millisecond. */
function sweepId(now = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}-${p(now.getMilliseconds(), 3)}`;
}

/** `--engine NAME` / `--engine=NAME` from the command line, else XT_DEMO_ENGINE. */
export function engineFrom(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--engine') {
      const value = argv[i + 1];
      if (!value || value.startsWith('-')) throw new Error('--engine needs a value, e.g. --engine duckdb');
      return value;
    }
    if (arg.startsWith('--engine=')) return arg.slice('--engine='.length) || undefined;
    if (arg !== '--') throw new Error(`unknown argument ${JSON.stringify(arg)}: the demo takes --engine NAME`);
  }
  return env.XT_DEMO_ENGINE || undefined;
}

const isUrl = (dbPath: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(dbPath);

/** A database as a shell command names it: quoted URL, a path relative to where pnpm ran when below it, else absolute. */
function shownPath(dbPath: string): string {
  if (isUrl(dbPath)) return `'${dbPath}'`;
  const relative = path.relative(process.env.INIT_CWD || process.cwd(), dbPath);
  return relative && !relative.startsWith('..') ? relative : dbPath;
}

function databasePath(engine: string | undefined): string {
  const given = process.env.XT_DEMO_DB;
  if (given) return isUrl(given) ? given : path.resolve(given);
  if (engine === 'postgres') throw new Error('--engine postgres needs XT_DEMO_DB set to a postgres:// URL.');
  const file = engine === 'duckdb' ? 'demo.duckdb' : 'demo.db';
  return path.resolve(process.env.INIT_CWD || process.cwd(), file);
}

/** `xt stats top --json`'s rows as a narrow table of the columns worth seeing (xt's own table has every column). */
function topTable(json: string): string {
  const rows = JSON.parse(json) as Record<string, unknown>[];
  const columns = ['track_id', 'lr', 'hidden', 'val_accuracy', 'val_loss', 'cache', 'cpu_percent', 'git_commit_hash'];
  const cell = (row: Record<string, unknown>, c: string) => {
    const v = row[c];
    if (v === null || v === undefined) return '';
    if (c === 'git_commit_hash') return String(v).slice(0, 12);
    return typeof v === 'number' && !Number.isInteger(v) ? String(Number(v.toFixed(4))) : String(v);
  };
  const table = [columns, ...rows.map((row) => columns.map((c) => cell(row, c)))];
  const widths = columns.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  return table
    .map((r) =>
      r
        .map((v, i) => v.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Indents a block of xt output under its command line. */
const block = (command: string, output: string) => [
  `$ ${command}`,
  ...output
    .trimEnd()
    .split('\n')
    .map((line) => `  ${line}`),
];

async function main(): Promise<void> {
  const started = performance.now();
  const engine = engineFrom(process.argv.slice(2));
  const dbPath = databasePath(engine);
  const beside = isUrl(dbPath) ? path.resolve(process.env.INIT_CWD || process.cwd()) : path.dirname(dbPath);
  mkdirSync(beside, { recursive: true });
  const cacheDir = path.join(beside, 'demo-cache');
  mkdirSync(cacheDir, { recursive: true });
  const cache = cacheStore(cacheDir);

  const gitDir = path.resolve(process.env.XT_DEMO_GIT_ROOT || import.meta.dirname);
  const commit = await gitCommitHash(gitDir);
  if (!commit) process.stderr.write(`demo: ${gitDir} is not inside a git repository with a commit: rows get no git_commit_hash.\n`);

  const sweep = sweepId();
  const grid = DEFAULT_GRID;
  const data = makeMoons({ samples: 1000, noise: 0.2, seed: grid.seed });
  const runs = await runSweep({ dbPath, sweep, data, grid, engine, cache, ...(commit ? { gitRoot: gitDir } : {}), monitorInterval: 100 });
  const summary = await summarizeSweep(dbPath, sweep, engine);
  const engineName = runs[0]?.engine ?? engine ?? 'sqlite';
  const out = [
    `xetrack demo: ${runs.length} runs of an MLP (2 → hidden tanh → sigmoid) on two moons, ${grid.epochs} epochs each`,
    `grid: lr ∈ {${grid.learningRates.join(', ')}} × hidden ∈ {${grid.hiddenUnits.join(', ')}}; ${data.train.size} train / ${data.validation.size} validation points`,
    `database: ${dbPath} (engine: ${engineName}${engine ? '' : ', the default, loaded lazily'}); sweep: ${sweep}`,
    `tracking: evaluation cached in ${cacheDir}; system monitor every 100 ms (cpu_percent of the machine, p_cpu_percent of this process, ram_percent, ... on evaluation rows); ${commit ? `git_commit_hash ${commit.slice(0, 12)}` : 'no git_commit_hash (not in a git repository)'}`,
    '',
    ...formatSummary(summary),
    formatCacheLine(summary, path.basename(cacheDir) + '/'),
  ];

  const best = summary.bestAccuracy;
  const bestRun = best && runs.find((r) => r.trackId === best.track_id);
  const engineArgs = engine ? ['--engine', engine] : [];
  if (best && bestRun) {
    if (engineName === 'sqlite') {
      const hash = await logBestModel(dbPath, best.track_id, runParams(sweep, best.lr, best.hidden, grid), bestRun.model, commit ? gitDir : undefined);
      const file = path.join(beside, 'best-model.bin');
      await xt(['assets', 'export', dbPath, hash, file]);
      const bytes = readFileSync(file);
      const check = xxh64Hex(bytes) === hash ? 'xxh64 matches' : `xxh64 ${xxh64Hex(bytes)} does NOT match`;
      out.push(
        `best model: asset ${hash} (column best_model of ${best.track_id}); xt assets export ${path.basename(dbPath)} ${hash} ${path.basename(file)} → ${file} (${statSync(file).size} bytes, ${check})`,
      );
    } else {
      out.push(`best model: not stored as an asset (assets: true keeps assets in the tracker's SQLite file; this database is ${engineName})`);
    }
    const top = ['stats', 'top', dbPath, 'val_accuracy', '--track-id', best.track_id, '--json', ...engineArgs];
    const hist = [
      'plot',
      'hist',
      dbPath,
      'train_loss',
      '--track-id',
      best.track_id,
      '--bins',
      '6',
      '--width',
      '40',
      '--height',
      '6',
      '--title',
      `train_loss over ${grid.epochs} epochs of ${best.track_id}`,
      ...engineArgs,
    ];
    const shown = (args: string[]) => `xt ${args.map((a) => (a === dbPath ? path.basename(dbPath) : /\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`;
    out.push('', '── with xt ──', ...block(shown(top), topTable(await xt(top))), ...block(shown(hist), await xt(hist)));
    // the whole database as one HTML page, every run checked against the best one
    const reportFile = path.join(beside, 'demo-report.html');
    const report = ['report', dbPath, '-o', reportFile, '--baseline', best.track_id, '--check', 'val_accuracy:higher', '--check', 'val_loss:lower', ...engineArgs];
    out.push(
      '',
      ...block(shown(report).replace(reportFile, path.basename(reportFile)), await xt(report)),
      `open ${pathToFileURL(reportFile).href} (one file: no server, no network)`,
      `live dashboard, updated as runs are logged: pnpm xt ui ${shownPath(dbPath)}${engine ? ` --engine ${engine}` : ''}, then open http://127.0.0.1:8787/`,
    );
  }
  out.push('', `${summary.rows} rows logged and read back in ${((performance.now() - started) / 1000).toFixed(1)} s. Run again to append another sweep.`);
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
