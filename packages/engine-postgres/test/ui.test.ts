/**
 * `xt report` and `xt ui` (@xetrack/ui) on a PostgreSQL store, through the built binary run from a
 * project that has this engine installed; a run logged while the dashboard is open reaches its
 * event stream.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tracker } from '@xetrack/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresEngine } from '../src/index.js';
import { dropSchema, uniqueSchema, urlFor } from './support/server.js';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const CLI = path.join(path.dirname(createRequire(import.meta.url).resolve('@xetrack/cli/package.json')), 'dist', 'cli.js');

describe('xt report and xt ui on a PostgreSQL store', () => {
  const schema = uniqueSchema('ui');
  const url = urlFor(schema);
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'xt-pg-ui-'));
    for (const [id, lr] of [
      ['run-a', 0.1],
      ['run-b', 0.01],
    ] as const) {
      const tracker = await Tracker.open(url, { engine: postgresEngine, trackId: id, params: { model: 'mlp', lr } });
      await tracker.logBatch([
        { epoch: 1, loss: lr * 5 },
        { epoch: 2, loss: lr * 2 },
      ]);
      await tracker.close();
    }
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await dropSchema(schema);
  });

  it('xt report writes the page with both runs and their comparison', () => {
    const file = path.join(dir, 'report.html');
    const result = spawnSync(process.execPath, [CLI, 'report', url, '-o', file, '--baseline', 'run-a', '--check', 'loss:lower'], { cwd: PACKAGE_DIR, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    const data = JSON.parse(/<script id="xt-data" type="application\/json">(.*?)<\/script>/s.exec(readFileSync(file, 'utf8'))![1]!);
    expect(data.meta.engine).toBe('postgres');
    expect(data.tables.default.runs.map((r: { track_id: string; params: { lr: number } }) => [r.track_id, r.params.lr])).toEqual([
      ['run-a', 0.1],
      ['run-b', 0.01],
    ]);
    expect(data.tables.default.comparison.lines.find((l: { name: string }) => l.name === 'loss').verdict).toEqual([null, 'improved']);
  });

  it('xt ui serves the store and streams a run logged while it is open', async () => {
    const child = spawn(process.execPath, [CLI, 'ui', url, '--port', '0'], { cwd: PACKAGE_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const base = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', () => {
          const match = /at (http:\/\/\S+)/.exec(out);
          if (match) resolve(match[1]!);
        });
        void exited.then((code) => reject(new Error(`xt ui exited ${code}: ${out}`)));
      });
      const runs = (await (await fetch(`${base}api/runs?q=${encodeURIComponent('lr < 0.05')}`)).json()) as { runs: { track_id: string }[] };
      expect(runs.runs.map((r) => r.track_id)).toEqual(['run-b']);
      const meta = (await (await fetch(`${base}api/table`)).json()) as { cursor: string };
      const controller = new AbortController();
      const stream = (await fetch(`${base}api/events?cursor=${encodeURIComponent(meta.cursor)}`, { signal: controller.signal })).body!.getReader();
      const tracker = await Tracker.open(url, { engine: postgresEngine, trackId: 'run-live', params: { model: 'live' } });
      await tracker.log({ epoch: 1, loss: 0.25 });
      await tracker.close();
      let text = '';
      while (!/event: rows\nid: [^\n]*\ndata: [^\n]*\n\n/.test(text)) text += new TextDecoder().decode((await stream.read()).value);
      controller.abort();
      const event = JSON.parse(/data: ([^\n]*)/.exec(text.slice(text.indexOf('event: rows')))![1]!) as { columns: string[]; rows: unknown[][] };
      expect(event.rows.map((r) => r[event.columns.indexOf('track_id')])).toEqual(['run-live']);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});
