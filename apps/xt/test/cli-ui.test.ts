/**
 * `xt report` and `xt ui` through the built binary, as a shell calls them, on SQLite and DuckDB
 * files: what they write and serve, and one clear line with exit 1 on bad input.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import duckdbEngine from '@xetrack/engine-duckdb';
import sqliteEngine from '@xetrack/engine-sqlite';
import { describe, expect, it } from 'vitest';
import { writeDatabase } from './support/databases.js';
import { CLI } from './support/paths.js';
import { runXt, type XtResult } from './support/run-xt.js';
import { useTempDir } from './support/temp-dir.js';

function expectOneLineError(result: XtResult, pattern: RegExp): void {
  expect(result.status, result.stderr).toBe(1);
  expect(result.stderr).toMatch(/^xt: [^\n]+\n$/);
  expect(result.stderr).toMatch(pattern);
}

/** Starts `xt ui`, waits for the line with its address, and hands back the address and a stopper. */
async function startUi(args: string[]): Promise<{ url: string; output: () => string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [CLI, 'ui', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const match = /at (http:\/\/\S+)/.exec(out);
      if (match && (!args.includes('--expose') || out.includes('Access token'))) resolve(match[1]!);
    };
    child.stdout.on('data', check);
    void exited.then((code) => reject(new Error(`xt ui exited ${code}: ${out}`)));
  });
  return {
    url,
    output: () => out,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

describe.each([
  ['sqlite', sqliteEngine, 'track.db'],
  ['duckdb', duckdbEngine, 'track.duckdb'],
] as const)('xt report and xt ui on %s', (_name, engine, file) => {
  const tempDir = useTempDir();

  it('xt report writes one self-contained page holding the runs', async () => {
    const db = await writeDatabase(engine, tempDir(), file);
    const out = path.join(tempDir(), 'report.html');
    const result = runXt(['report', db, '-o', out, '--metrics', 'acc,loss', '--max-rows', '3', '--baseline', 'run-a', '--check', 'acc:higher']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Wrote .*report\.html \(\d+ KB\)\. Open it in a browser/);
    const html = readFileSync(out, 'utf8');
    const data = JSON.parse(/<script id="xt-data" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!);
    expect(data.tables.default.runs.map((r: { track_id: string }) => r.track_id)).toEqual(['run-a', 'run-b']);
    expect(Object.keys(data.tables.default.series)).toEqual(['acc', 'loss']);
    expect(data.tables.default.rows.rows).toHaveLength(3);
    expect(data.meta.limits.dropped.default.rows).toBe(2);
    expect(html).not.toMatch(/<script[^>]+src=/);
    // the comparison core's compare() made: run-b's last acc (0.8) against run-a's (0.75)
    const comparison = data.tables.default.comparison;
    expect(comparison.runs).toEqual(['run-a', 'run-b']);
    expect(comparison.checks).toEqual(['acc:higher']);
    expect(comparison.lines.find((l: { name: string }) => l.name === 'acc').verdict).toEqual([null, 'improved']);
  });

  it('xt ui serves the page and paged JSON until SIGTERM', async () => {
    const db = await writeDatabase(engine, tempDir(), file);
    const ui = await startUi([db, '--port', '0']);
    try {
      expect(ui.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const page = await fetch(ui.url);
      expect(await page.text()).toContain('<div id="app"');
      const runs = (await (await fetch(`${ui.url}api/runs?q=${encodeURIComponent('model = "mlp"')}`)).json()) as { runs: { track_id: string }[] };
      expect(runs.runs.map((r: { track_id: string }) => r.track_id)).toEqual(['run-b']);
      const rows = (await (await fetch(`${ui.url}api/rows?limit=2`)).json()) as { rows: unknown[]; total: number };
      expect(rows.rows).toHaveLength(2);
      expect(rows.total).toBe(5);
    } finally {
      expect(await ui.stop()).toBe(0);
    }
  });
});

describe('xt report and xt ui: bad input is one line and exit 1', () => {
  const tempDir = useTempDir();

  it('a missing file, a file that is not a database, an unknown table', async () => {
    const missing = path.join(tempDir(), 'missing.db');
    expectOneLineError(runXt(['report', missing, '-o', path.join(tempDir(), 'r.html')]), /No database at .*missing\.db/);
    expectOneLineError(runXt(['ui', missing]), /No database at/);
    expect(existsSync(missing)).toBe(false);
    const text = path.join(tempDir(), 'notes.db');
    writeFileSync(text, 'not a database at all, just text\n'.repeat(100));
    expectOneLineError(runXt(['report', text]), /not a SQLite database/);
    expectOneLineError(runXt(['ui', text]), /not a SQLite database/);
    const db = await writeDatabase(sqliteEngine, tempDir());
    expectOneLineError(runXt(['report', db, '--table', 'nope', '-o', path.join(tempDir(), 'r.html')]), /No table "nope"/);
    expectOneLineError(runXt(['ui', db, '--table', 'nope']), /No table "nope"/);
    expectOneLineError(runXt(['report', db, '--metrics', 'nope', '-o', path.join(tempDir(), 'r.html')]), /No column nope/);
    expect(existsSync(path.join(tempDir(), 'r.html'))).toBe(false);
    expectOneLineError(runXt(['report', db, '-o', path.join(tempDir(), 'no', 'such', 'dir.html')]), /Could not write the report/);
    expectOneLineError(runXt(['report', db, '-o', path.join(tempDir(), 'r.html'), '--baseline', 'nope']), /baseline nope is not among/);
    expectOneLineError(runXt(['report', db, '-o', path.join(tempDir(), 'r.html'), '--baseline', 'run-a', '--check', 'acc:sideways']), /direction must be "higher" or "lower"/);
    expect(existsSync(path.join(tempDir(), 'r.html'))).toBe(false);
  });

  it('a port in use says so; another address needs --expose, and then prints the token', async () => {
    const db = await writeDatabase(sqliteEngine, tempDir());
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      expectOneLineError(runXt(['ui', db, '--port', String(port)]), new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is in use`));
    } finally {
      blocker.close();
    }
    expectOneLineError(runXt(['ui', db, '--host', '0.0.0.0', '--port', '0']), /add --expose/);
    const ui = await startUi([db, '--host', '127.0.0.1', '--expose', '--port', '0']);
    try {
      const token = /Access token: (\S+)/.exec(ui.output())![1]!;
      expect(ui.url).toContain(`?token=${token}`);
      const origin = new URL(ui.url).origin;
      expect((await fetch(`${origin}/api/meta`)).status).toBe(401);
      expect((await fetch(`${origin}/api/meta?token=${token}`)).status).toBe(200);
    } finally {
      await ui.stop();
    }
  });
});
