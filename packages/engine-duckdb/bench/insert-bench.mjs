// Engine insert paths against raw @duckdb/node-api doing the same work, run alternately.
// Run after `pnpm build`: node bench/insert-bench.mjs [rows] [singles]   (MEMORY=1 for :memory:, RUNS=n)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { duckdbEngine } from '../dist/index.js';

const N = Number(process.argv[2] ?? 100_000);
const SINGLES = Number(process.argv[3] ?? 2_000);
const RUNS = Number(process.env.RUNS ?? 7);
const MEMORY = process.env.MEMORY === '1';
const opts = { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' };
const rows = [];
for (let i = 0; i < N; i++) {
  rows.push({
    track_id: `run-${i % 7}`,
    timestamp: `2024-01-01 00:00:00.${String(i).padStart(7, '0')}`,
    i1: i,
    i2: i * 2,
    i3: i % 100,
    i4: -i,
    f1: i / 3,
    f2: Math.sqrt(i),
    f3: i * 0.5 + 0.25,
    f4: Math.sin(i),
    s1: `model-${i % 13}`,
    b1: i % 2 === 0,
  });
}
const specs = [
  ['i1', 'integer'],
  ['i2', 'integer'],
  ['i3', 'integer'],
  ['i4', 'integer'],
  ['f1', 'float'],
  ['f2', 'float'],
  ['f3', 'float'],
  ['f4', 'float'],
  ['s1', 'text'],
  ['b1', 'boolean'],
].map(([name, type]) => ({ name, type }));
const ddl =
  'CREATE TABLE t (track_id VARCHAR, timestamp VARCHAR, i1 BIGINT, i2 BIGINT, i3 BIGINT, i4 BIGINT, f1 DOUBLE, f2 DOUBLE, f3 DOUBLE, f4 DOUBLE, s1 VARCHAR, b1 BOOLEAN, PRIMARY KEY (track_id, timestamp))';

const dir = mkdtempSync(path.join(tmpdir(), 'xt-duckdb-bench-'));
let seq = 0;
const file = () => (MEMORY ? ':memory:' : path.join(dir, `b${seq++}.duckdb`));
// The contenders run alternately, so a slow moment of the machine hits both.
async function compare(entries) {
  const times = entries.map(() => []);
  for (let k = 0; k < RUNS; k++) for (let j = 0; j < entries.length; j++) times[j].push(await entries[j][1]());
  return entries.map(([label], j) => {
    const ts = times[j].sort((a, b) => a - b);
    const m = ts[Math.floor(RUNS / 2)];
    console.log(`${label.padEnd(44)} median ${m.toFixed(1)} ms  (${ts.map((t) => t.toFixed(0)).join(' ')})`);
    return m;
  });
}

async function rawSetup() {
  const instance = await DuckDBInstance.create(file(), opts);
  const c = await instance.connect();
  await c.run(ddl);
  return { instance, c };
}

const rawBatchFn = [
  `raw appender, ${N} rows x 12 cols`,
  async () => {
    const { instance, c } = await rawSetup();
    const t0 = performance.now();
    await c.run('BEGIN TRANSACTION');
    const a = await c.createAppender('t');
    for (const r of rows) {
      a.appendVarchar(r.track_id);
      a.appendVarchar(r.timestamp);
      a.appendBigInt(BigInt(r.i1));
      a.appendBigInt(BigInt(r.i2));
      a.appendBigInt(BigInt(r.i3));
      a.appendBigInt(BigInt(r.i4));
      a.appendDouble(r.f1);
      a.appendDouble(r.f2);
      a.appendDouble(r.f3);
      a.appendDouble(r.f4);
      a.appendVarchar(r.s1);
      a.appendBoolean(r.b1);
      a.endRow();
    }
    a.closeSync();
    await c.run('COMMIT');
    const t = performance.now() - t0;
    c.closeSync();
    instance.closeSync();
    return t;
  },
];
const engineBatchFn = [
  `engine.insert, ${N} rows x 12 cols`,
  async () => {
    const e = await duckdbEngine.create({ path: file() });
    await e.ensureColumns('t', specs);
    const t0 = performance.now();
    await e.insert('t', rows);
    const t = performance.now() - t0;
    await e.close();
    return t;
  },
];
const [rawBatch, engineBatch] = await compare([rawBatchFn, engineBatchFn]);
console.log(`batch: engine reaches ${((rawBatch / engineBatch) * 100).toFixed(0)}% of raw appender speed (${((N / engineBatch) * 1000).toFixed(0)} rows/s)`);

const rawSingleFn = [
  `raw prepared INSERT, ${SINGLES} single rows`,
  async () => {
    const { instance, c } = await rawSetup();
    const p = await c.prepare('INSERT INTO t VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)');
    const t0 = performance.now();
    for (let i = 0; i < SINGLES; i++) {
      const r = rows[i];
      p.bind([r.track_id, r.timestamp, r.i1, r.i2, r.i3, r.i4, r.f1, r.f2, r.f3, r.f4, r.s1, r.b1]);
      await p.run();
    }
    const t = performance.now() - t0;
    c.closeSync();
    instance.closeSync();
    return t;
  },
];
const rawSingleTypedFn = [
  `raw prepared INSERT, typed binds, ${SINGLES} rows`,
  async () => {
    const { instance, c } = await rawSetup();
    const p = await c.prepare('INSERT INTO t VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)');
    const t0 = performance.now();
    for (let i = 0; i < SINGLES; i++) {
      const r = rows[i];
      p.bindVarchar(1, r.track_id);
      p.bindVarchar(2, r.timestamp);
      p.bindBigInt(3, BigInt(r.i1));
      p.bindBigInt(4, BigInt(r.i2));
      p.bindBigInt(5, BigInt(r.i3));
      p.bindBigInt(6, BigInt(r.i4));
      p.bindDouble(7, r.f1);
      p.bindDouble(8, r.f2);
      p.bindDouble(9, r.f3);
      p.bindDouble(10, r.f4);
      p.bindVarchar(11, r.s1);
      p.bindBoolean(12, r.b1);
      await p.run();
    }
    const t = performance.now() - t0;
    c.closeSync();
    instance.closeSync();
    return t;
  },
];
const rawSingleRunFn = [
  `raw connection.run INSERT, ${SINGLES} rows`,
  async () => {
    const { instance, c } = await rawSetup();
    const t0 = performance.now();
    for (let i = 0; i < SINGLES; i++) {
      const r = rows[i];
      await c.run('INSERT INTO t VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)', [r.track_id, r.timestamp, r.i1, r.i2, r.i3, r.i4, r.f1, r.f2, r.f3, r.f4, r.s1, r.b1]);
    }
    const t = performance.now() - t0;
    c.closeSync();
    instance.closeSync();
    return t;
  },
];
const engineSingleFn = [
  `engine.insert, ${SINGLES} single rows`,
  async () => {
    const e = await duckdbEngine.create({ path: file() });
    await e.ensureColumns('t', specs);
    const t0 = performance.now();
    for (let i = 0; i < SINGLES; i++) await e.insert('t', [rows[i]]);
    const t = performance.now() - t0;
    await e.close();
    return t;
  },
];
const [rawSingle, rawSingleTyped, rawSingleRun, engineSingle] = await compare([rawSingleFn, rawSingleTypedFn, rawSingleRunFn, engineSingleFn]);
const us = (ms) => `${((ms / SINGLES) * 1000).toFixed(0)} us/row`;
console.log(
  `single: engine ${us(engineSingle)}; raw prepared ${us(rawSingle)}, typed binds ${us(rawSingleTyped)}, connection.run ${us(rawSingleRun)} (engine at ${((rawSingleTyped / engineSingle) * 100).toFixed(0)}% of the fastest raw)`,
);
const SMALL = 10;
const CALLS = 300;
const rawSmallFn = [
  `raw appender+txn, ${CALLS} calls of ${SMALL} rows`,
  async () => {
    const { instance, c } = await rawSetup();
    const t0 = performance.now();
    for (let k = 0; k < CALLS; k++) {
      await c.run('BEGIN TRANSACTION');
      const a = await c.createAppender('t');
      for (const r of rows.slice(k * SMALL, (k + 1) * SMALL)) {
        a.appendVarchar(r.track_id);
        a.appendVarchar(r.timestamp);
        a.appendBigInt(BigInt(r.i1));
        a.appendBigInt(BigInt(r.i2));
        a.appendBigInt(BigInt(r.i3));
        a.appendBigInt(BigInt(r.i4));
        a.appendDouble(r.f1);
        a.appendDouble(r.f2);
        a.appendDouble(r.f3);
        a.appendDouble(r.f4);
        a.appendVarchar(r.s1);
        a.appendBoolean(r.b1);
        a.endRow();
      }
      a.closeSync();
      await c.run('COMMIT');
    }
    const t = performance.now() - t0;
    c.closeSync();
    instance.closeSync();
    return t;
  },
];
const engineSmallFn = [
  `engine.insert, ${CALLS} calls of ${SMALL} rows`,
  async () => {
    const e = await duckdbEngine.create({ path: file() });
    await e.ensureColumns('t', specs);
    const t0 = performance.now();
    for (let k = 0; k < CALLS; k++) await e.insert('t', rows.slice(k * SMALL, (k + 1) * SMALL));
    const t = performance.now() - t0;
    await e.close();
    return t;
  },
];
const [rawSmall, engineSmall] = await compare([rawSmallFn, engineSmallFn]);
console.log(`small batches: engine ${((engineSmall / CALLS) * 1000).toFixed(0)} us/call, raw appender+txn ${((rawSmall / CALLS) * 1000).toFixed(0)} us/call`);
rmSync(dir, { recursive: true, force: true });
