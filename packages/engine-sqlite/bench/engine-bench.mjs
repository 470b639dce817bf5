// Throughput of the engine against raw better-sqlite3 on the same machine, same pragmas
// (WAL, synchronous=NORMAL), same 12-column rows. Run after a build: `pnpm --filter @xetrack/engine-sqlite bench`.
// Rounds interleave raw and engine runs so machine load affects both alike; the ratio printed is
// the median of the per-round ratios.
//   single : N autocommit one-row inserts       (raw: stmt.run per row;  ours: await engine.insert(t, [row]))
//   batch  : 100,000 rows in one transaction    (raw: BEGIN IMMEDIATE + stmt.run per row + COMMIT; ours: engine.insert(t, rows))
//   select : 100,000 rows x 12 columns          (raw: SELECT * .all() as objects;  ours: engine.select(t))
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteEngine } from '../dist/index.js';

const Database = createRequire(import.meta.url)('better-sqlite3');
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const N = 100_000;
const SINGLE = 20_000;

const COLUMNS = [
  ['i1', 'integer', 'INTEGER'],
  ['i2', 'integer', 'INTEGER'],
  ['i3', 'integer', 'INTEGER'],
  ['f1', 'float', 'REAL'],
  ['f2', 'float', 'REAL'],
  ['f3', 'float', 'REAL'],
  ['s1', 'text', 'TEXT'],
  ['s2', 'text', 'TEXT'],
  ['b1', 'boolean', 'BOOLEAN'],
  ['j1', 'json', 'JSON'],
];
const makeRow = (i) => ({
  track_id: `run-${i % 7}`,
  timestamp: `2024-01-01 00:00:00.${String(i).padStart(9, '0')}`,
  i1: i,
  i2: i * 3,
  i3: -i,
  f1: i / 7,
  f2: Math.sqrt(i),
  f3: 0.5,
  s1: `model-${i % 13}`,
  s2: `some text value ${i}`,
  b1: i % 2 === 0,
  j1: `{"k":${i}}`,
});
// Raw gets its values pre-arranged, booleans already 1/0: the most favourable case for raw.
const toArray = (r) => [r.track_id, r.timestamp, r.i1, r.i2, r.i3, r.f1, r.f2, r.f3, r.s1, r.s2, r.b1 ? 1 : 0, r.j1];
const DDL = `CREATE TABLE t (track_id TEXT, timestamp TEXT, ${COLUMNS.map((c) => `${c[0]} ${c[2]}`).join(', ')}, PRIMARY KEY (track_id, timestamp))`;
const INSERT = `INSERT INTO t (track_id, timestamp, ${COLUMNS.map((c) => c[0]).join(', ')}) VALUES (${Array(12).fill('?').join(', ')})`;

const rows = Array.from({ length: N }, (_, i) => makeRow(i));
const arrays = rows.map(toArray);

function rawDb(file) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(DDL);
  return db;
}
async function engineOn(file) {
  const engine = await sqliteEngine.create({ path: file });
  await engine.ensureColumns(
    't',
    COLUMNS.map(([name, type]) => ({ name, type })),
  );
  return engine;
}
const rate = (count, t0) => count / ((performance.now() - t0) / 1000);

const results = { single: [], batch: [], select: [] };
for (let round = 0; round < ROUNDS; round++) {
  const dir = mkdtempSync(join(tmpdir(), 'xt-bench-'));
  try {
    const r = {};
    {
      const db = rawDb(join(dir, 'raw.db'));
      const insert = db.prepare(INSERT);
      let t0 = performance.now();
      for (let i = 0; i < SINGLE; i++) insert.run(arrays[i]);
      r.singleRaw = rate(SINGLE, t0);
      db.exec('DELETE FROM t');
      t0 = performance.now();
      db.exec('BEGIN IMMEDIATE');
      for (const a of arrays) insert.run(a);
      db.exec('COMMIT');
      r.batchRaw = rate(N, t0);
      const select = db.prepare('SELECT * FROM t');
      t0 = performance.now();
      if (select.all().length !== N) throw new Error('raw select');
      r.selectRaw = rate(N, t0);
      db.close();
    }
    {
      const engine = await engineOn(join(dir, 'ours.db'));
      let t0 = performance.now();
      for (let i = 0; i < SINGLE; i++) await engine.insert('t', [rows[i]]);
      r.singleOurs = rate(SINGLE, t0);
      await engine.delete('t', []);
      t0 = performance.now();
      await engine.insert('t', rows);
      r.batchOurs = rate(N, t0);
      t0 = performance.now();
      const all = await engine.select('t');
      r.selectOurs = rate(N, t0);
      if (all.length !== N || all[0].b1 !== true) throw new Error('engine select');
      await engine.close();
    }
    for (const k of ['single', 'batch', 'select']) results[k].push({ raw: r[`${k}Raw`], ours: r[`${k}Ours`] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => Math.round(x).toLocaleString('en-US').padStart(9);
console.log(`${ROUNDS} rounds, medians (rows/s)        raw       ours   ours/raw`);
for (const [k, label] of [
  ['single', `single-row insert (${SINGLE} rows)`],
  ['batch', 'batch insert (100,000 rows)'],
  ['select', 'select (100,000 x 12)'],
]) {
  const rs = results[k];
  console.log(`${label.padEnd(32)}${fmt(median(rs.map((x) => x.raw)))}  ${fmt(median(rs.map((x) => x.ours)))}   ${median(rs.map((x) => x.ours / x.raw)).toFixed(2)}`);
}
