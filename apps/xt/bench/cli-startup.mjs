#!/usr/bin/env node
/**
 * Start-up time of `xt head DB --n 5` on a 1,000-row SQLite file, as whole-process wall time, next
 * to bare `node -e ''` measured in the same loop (runs alternate, so both see the same machine load).
 * Prints one JSON object: { "median_ms", "node_baseline_ms", "runs" }.
 *
 *   node bench/cli-startup.mjs [--runs 20]
 *
 * Needs the built CLI (dist/cli.js) and the built workspace packages.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tracker } from '@xetrack/core';
import sqliteEngine from '@xetrack/engine-sqlite';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(cli)) {
  console.error(`${cli} is missing: build the CLI first (pnpm --filter @xetrack/cli build).`);
  process.exit(1);
}
const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 20;
const WARMUP = 2;

const dir = mkdtempSync(path.join(tmpdir(), 'xt-bench-'));
try {
  const db = path.join(dir, 'track.db');
  const tracker = await Tracker.open(db, { engine: sqliteEngine, params: { model: 'bench' }, warnings: false });
  await tracker.logBatch(Array.from({ length: 1000 }, (_, i) => ({ step: i, loss: 1 / (i + 1), accuracy: i / 1000, split: i % 2 ? 'train' : 'test' })));
  await tracker.close();

  const env = { ...process.env };
  delete env.NODE_PATH;
  delete env.NODE_OPTIONS;
  const time = (args) => {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
    return ms;
  };
  const xt = [];
  const node = [];
  for (let i = 0; i < runs + WARMUP; i++) {
    const a = time([cli, 'head', db, '--n', '5']);
    const b = time(['-e', '']);
    if (i >= WARMUP) {
      xt.push(a);
      node.push(b);
    }
  }
  const median = (values) => {
    const sorted = [...values].sort((x, y) => x - y);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  const round = (ms) => Math.round(ms * 10) / 10;
  console.log(JSON.stringify({ median_ms: round(median(xt)), node_baseline_ms: round(median(node)), runs }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
