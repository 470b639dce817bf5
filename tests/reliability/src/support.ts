/**
 * Shared helpers of the reliability suite: temp dirs, child-process workers, a seeded random
 * generator, raw SQLite checks and the figures each test records for the README.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

/** `XT_RELIABILITY_LONG=1` runs the big variants (more processes, rows, kills and fuzz cases). */
export const LONG = process.env.XT_RELIABILITY_LONG === '1';

/** The package folder (tests/reliability). */
export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WORKERS_DIR = path.join(PACKAGE_DIR, 'workers');
/** Figures of the last run, one JSON object per line (gitignored; summarized into README.md by hand). */
export const FIGURES_FILE = path.join(PACKAGE_DIR, 'figures.jsonl');

/** Temp directories made by `tempDir()`, removed by `removeTempDirs()` (call it in afterAll/afterEach). */
const made: string[] = [];

export function tempDir(prefix = 'xt-rel-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A seed from `XT_RELIABILITY_SEED` (to replay a run) or a fresh one; printed so any failure can be replayed. */
export function seedFor(what: string): number {
  const fromEnv = process.env.XT_RELIABILITY_SEED;
  const seed = fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
  console.log(`[reliability] ${what}: seed ${seed} (replay with XT_RELIABILITY_SEED=${seed})`);
  return seed;
}

/** mulberry32: a small seeded generator of floats in [0, 1) (core's, which seeds comparisons). */
export { seededRandom as random } from '@xetrack/core';

/** Records a figure for the README (and prints it). */
export function recordFigure(test: string, figures: Record<string, unknown>): void {
  const line = JSON.stringify({ test, long: LONG, at: new Date().toISOString(), ...figures });
  console.log(`[reliability] figures ${line}`);
  appendFileSync(FIGURES_FILE, `${line}\n`);
}

/** A running worker: its process, every stdout line so far, and a promise of its exit. */
export interface Worker {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  stderr: () => string;
  /** Resolves with the exit code and signal once the process has exited and its streams are drained. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once a stdout line satisfies `match` (rejects if the process exits first). */
  waitFor(match: (line: string) => boolean): Promise<string>;
}

/**
 * Starts `node workers/NAME ...args` with the package folder as working directory; `wrap` runs it
 * through a command first (`['ip', 'netns', 'exec', NS]`), which must exec node in its own place.
 */
export function startWorker(name: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, wrap: readonly string[] = []): Worker {
  const argv = [...wrap, process.execPath, path.join(WORKERS_DIR, name), ...args];
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: PACKAGE_DIR,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  let err = '';
  const waiters: { match: (line: string) => boolean; resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    partial += chunk;
    let newline: number;
    while ((newline = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, newline);
      partial = partial.slice(newline + 1);
      lines.push(line);
      for (let i = waiters.length - 1; i >= 0; i--) {
        const waiter = waiters[i]!;
        if (waiter.match(line)) {
          waiters.splice(i, 1);
          waiter.resolve(line);
        }
      }
    }
  });
  child.stderr.on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      if (partial !== '') lines.push(partial); // a line cut by a kill is kept, for the record
      partial = '';
      for (const waiter of waiters.splice(0)) {
        waiter.reject(new Error(`worker ${name} exited (code ${code}, signal ${signal}) before the expected line. stderr:\n${err}`));
      }
      resolve({ code, signal });
    });
  });
  return {
    child,
    lines,
    stderr: () => err,
    exited,
    waitFor(match) {
      const found = lines.find(match);
      if (found !== undefined) return Promise.resolve(found);
      if (child.exitCode !== null || child.signalCode !== null) {
        return Promise.reject(new Error(`worker ${name} already exited. stderr:\n${err}`));
      }
      return new Promise((resolve, reject) => waiters.push({ match, resolve, reject }));
    },
  };
}

/** Runs a worker to its end and returns its stdout lines; throws with its stderr on a non-zero exit. */
export async function runWorker(name: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const worker = startWorker(name, args, env);
  const { code, signal } = await worker.exited;
  if (code !== 0) throw new Error(`worker ${name} ${args.join(' ')} failed (code ${code}, signal ${signal}):\n${worker.stderr()}`);
  return worker.lines;
}

/** A raw better-sqlite3 connection, for checks that must not go through the library. */
export function openRaw(file: string, options: { readonly?: boolean } = {}): Database.Database {
  return new Database(file, { readonly: options.readonly ?? false, fileMustExist: true });
}

/** `PRAGMA integrity_check` of the file (after the WAL recovery a normal open performs). */
export function integrityCheck(file: string): string {
  const db = openRaw(file);
  try {
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

/** Every schema object of the file (type, name, tbl_name, sql), sorted: what DDL may have changed. */
export function schemaOf(db: Database.Database): { type: string; name: string; sql: string | null }[] {
  // SQLite's own objects (sqlite_autoindex_…, sqlite_sequence); `_` is a LIKE wildcard, hence the escape
  return db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name").all() as {
    type: string;
    name: string;
    sql: string | null;
  }[];
}

/** Columns of a table as SQLite reports them (name, declared type, position in the primary key). */
export function tableInfo(db: Database.Database, table: string): { name: string; type: string; pk: number; notnull: number }[] {
  return db.prepare('SELECT name, type, pk, "notnull" FROM pragma_table_info(?) ORDER BY cid').all(table) as {
    name: string;
    type: string;
    pk: number;
    notnull: number;
  }[];
}

/** `name` as a double-quoted identifier, written independently of the library's own quoting. */
export function q(name: string): string {
  return `"${name.split('"').join('""')}"`;
}

/** The built `xt` binary (apps/xt/dist/cli.js), resolved through the workspace dependency. */
/**
 * Whether a test that needs a package's build skips without it. CI builds every package before the
 * tests, so there a missing build is a failure (the test runs and says what is missing); on a
 * developer's machine, part-way through a build, it is a skip naming what to build.
 */
export const SKIP_UNBUILT = !process.env.CI;

export function cliPath(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@xetrack/cli/package.json')), 'dist', 'cli.js');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
