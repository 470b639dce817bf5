/**
 * Merging the stores of several machines into one: SQLite, DuckDB and
 * PostgreSQL sources into each engine as target, through `merge()` and the real `xt merge`.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { merge, Reader, Tracker, type Engine, type MergeConflict } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { duckdbEngine } from '@xetrack/engine-duckdb';
import { postgresEngine } from '@xetrack/engine-postgres';
import { cliPath, removeTempDirs, tempDir } from '../src/support.js';

const PG_URL = process.env.XT_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/test';
const schemas: Engine[] = [];

/** An engine on a fresh PostgreSQL schema of the shared server, dropped after the test. */
async function pgStore(name: string): Promise<Engine> {
  const engine = await postgresEngine.create({ url: PG_URL, schema: `xt_merge_${name}_${process.pid}_${randomBytes(3).toString('hex')}` });
  schemas.push(engine);
  return engine;
}

afterEach(async () => {
  for (const engine of schemas.splice(0)) {
    const schema = /schema=([\w]+)/.exec(engine.location)?.[1] ?? (await engine.sql!('SELECT current_schema() AS s'))[0]!.s;
    await engine.sql!(`DROP SCHEMA IF EXISTS "${String(schema)}" CASCADE`);
    await engine.close();
  }
});
afterAll(removeTempDirs);

async function rowsOf(location: string, engine: Engine | typeof sqliteEngine | typeof duckdbEngine): Promise<Record<string, unknown>[]> {
  const reader = await Reader.open(location, { engine });
  const rows = await reader.toRows();
  await reader.close();
  return rows;
}

const evaluate = (model: string) => ({ accuracy: model.length / 10 });

/**
 * Three machines' stores: a laptop (SQLite) that computed `evaluate('mlp')` into a shared cache, a
 * GPU box (DuckDB) whose first row has exactly the laptop's first timestamp under another track_id
 * and logs `score` as text where the laptop logged an integer, and a cluster (PostgreSQL) whose
 * `evaluate('mlp')` is a cache hit naming the laptop's run.
 */
async function threeMachines(dir: string) {
  const cache = path.join(dir, 'cache');
  const laptop = path.join(dir, 'laptop.db');
  const a = await Tracker.open(laptop, { engine: sqliteEngine, trackId: 'laptop-run', params: { machine: 'laptop' }, cache, warnings: false });
  await a.log({ epoch: 1, loss: 0.9, score: 1, config: { b: 1, a: [1, 2] }, ok: true });
  await a.log({ epoch: 2, loss: 0.5, score: 2 });
  await a.track(evaluate, { args: ['mlp'] });
  const sharedStamp = (await a.toRows())[0]!.timestamp as string;
  await a.close();

  const gpu = path.join(dir, 'gpu.duckdb');
  const b = await Tracker.open(gpu, { engine: duckdbEngine, trackId: 'gpu-run', params: { machine: 'gpu' } });
  await b.log({ epoch: 1, loss: 0.7, score: 'high', gpu_mem: 11.5 });
  await b.log({ epoch: 2, loss: 0.3, score: 'higher', gpu_mem: 12.5 });
  const [firstGpu] = await b.toRows();
  // The second machine logged at the very microsecond the first did: both rows must survive a merge.
  await b.engine.update('default', { timestamp: sharedStamp }, [
    { column: 'track_id', op: '=', value: 'gpu-run' },
    { column: 'timestamp', op: '=', value: firstGpu!.timestamp as string },
  ]);
  await b.close();

  const cluster = await pgStore('cluster');
  const c = await Tracker.open(PG_URL, { engine: cluster, trackId: 'cluster-run', params: { machine: 'cluster' }, cache, warnings: false });
  await c.log({ epoch: 1, loss: 0.8, nodes: 4 });
  await c.track(evaluate, { args: ['mlp'] });
  await c.close();
  return { laptop, gpu, cluster, sharedStamp, total: 3 + 2 + 2 };
}

type Target = { kind: string; open(dir: string): Promise<{ location: string; engine?: Engine; read: Engine | typeof sqliteEngine | typeof duckdbEngine }> };
const targets: Target[] = [
  { kind: 'SQLite', open: async (dir) => ({ location: path.join(dir, 'team.db'), read: sqliteEngine }) },
  { kind: 'DuckDB', open: async (dir) => ({ location: path.join(dir, 'team.duckdb'), read: duckdbEngine }) },
  {
    kind: 'PostgreSQL',
    open: async () => {
      const engine = await pgStore('team');
      return { location: PG_URL, engine, read: engine };
    },
  },
];

describe.each(targets)('merge() of SQLite + DuckDB + PostgreSQL stores into $kind', (target) => {
  it('lands every row once (same timestamp, other track_id too), unions columns, names sources, keeps cache lineage; a second merge adds nothing', async () => {
    const dir = tempDir('xt-merge-');
    const m = await threeMachines(dir);
    const into = await target.open(dir);
    const to = into.engine ?? into.location;
    const sources = [m.laptop, m.gpu, m.cluster];

    const first = await merge(to, sources, { provenance: true });
    expect(first).toMatchObject({ copied: m.total, skipped: 0, conflicts: 0 });
    expect(first.sources.map((s) => s.copied)).toEqual([3, 2, 2]);

    const rows = await rowsOf(into.location, into.read);
    expect(rows).toHaveLength(m.total);
    const keys = rows.map((r) => `${r.track_id as string}@${r.timestamp as string}`);
    expect(new Set(keys).size).toBe(m.total);
    // Issue 11: dedupe is by (track_id, timestamp), never by timestamp alone.
    expect(
      rows
        .filter((r) => r.timestamp === m.sharedStamp)
        .map((r) => r.track_id)
        .sort(),
    ).toEqual(['gpu-run', 'laptop-run']);

    // Columns of every source, once each.
    const columns = Object.keys(rows[0]!);
    for (const c of ['machine', 'epoch', 'loss', 'score', 'config', 'ok', 'gpu_mem', 'nodes', 'function_name', 'cache', 'accuracy', 'source_store']) expect(columns).toContain(c);
    // A later value of another type is stored as logging stores it: both scores read back.
    expect(rows.filter((r) => r.track_id === 'laptop-run' && r.score !== null).map((r) => String(r.score))).toEqual(['1', '2']);
    expect(
      rows
        .filter((r) => r.track_id === 'gpu-run')
        .map((r) => r.score)
        .sort(),
    ).toEqual(['high', 'higher']);

    // Provenance: each row names the store it came from.
    const storeOf = (trackId: string) => new Set(rows.filter((r) => r.track_id === trackId).map((r) => r.source_store));
    expect([...storeOf('laptop-run')]).toEqual([m.laptop]);
    expect([...storeOf('gpu-run')]).toEqual([m.gpu]);
    expect([...storeOf('cluster-run')]).toEqual([m.cluster.location]);

    // Cache lineage: the cluster's hit names the laptop's run, whose computing row is in the target too.
    const hit = rows.find((r) => r.track_id === 'cluster-run' && r.function_name === 'evaluate')!;
    expect(hit.cache).toBe('laptop-run');
    const computed = rows.filter((r) => r.track_id === hit.cache && r.function_name === 'evaluate');
    expect(computed.map((r) => r.cache)).toEqual(['']);
    expect(hit.accuracy).toBe(computed[0]!.accuracy);

    // Idempotent: merging again (JSON re-serialized by JSONB, booleans as stored) adds nothing and finds no conflict.
    const again = await merge(to, [...sources, m.laptop], { provenance: true });
    expect(again).toMatchObject({ copied: 0, skipped: m.total + 3, conflicts: 0 });
    expect(await rowsOf(into.location, into.read)).toHaveLength(m.total);

    // A store holding the laptop's first row with another loss: reported, never overwritten.
    const forged = path.join(dir, 'forged.db');
    const f = await sqliteEngine.create({ path: forged });
    await f.ensureColumns('default', [
      { name: 'loss', type: 'float' },
      { name: 'epoch', type: 'integer' },
    ]);
    await f.insert('default', [
      { track_id: 'laptop-run', timestamp: m.sharedStamp, loss: 0.25, epoch: 1 },
      { track_id: 'forged-run', timestamp: m.sharedStamp, loss: 0.25, epoch: 1 },
    ]);
    await f.close();
    const reported: MergeConflict[] = [];
    const third = await merge(to, [forged], { onConflict: (c) => reported.push(c) });
    expect(third).toMatchObject({ copied: 1, skipped: 1, conflicts: 1 });
    expect(reported).toEqual([{ table: 'default', track_id: 'laptop-run', timestamp: m.sharedStamp, source: forged, columns: [{ column: 'loss', target: 0.9, incoming: 0.25 }] }]);
    expect(third.conflictRows).toEqual(reported);
    const after = await rowsOf(into.location, into.read);
    expect(after).toHaveLength(m.total + 1);
    expect(after.find((r) => r.track_id === 'laptop-run' && r.timestamp === m.sharedStamp)!.loss).toBe(0.9);
  });
});

describe('merge() and assets', () => {
  it("carries a SQLite source's assets into a SQLite target, once", async () => {
    const dir = tempDir('xt-merge-assets-');
    const source = path.join(dir, 'laptop.db');
    const target = path.join(dir, 'team.db');
    const t = await Tracker.open(source, { engine: sqliteEngine, trackId: 'laptop-run', assets: true, warnings: false });
    await t.log({ weights: new Float64Array([0.5, 1.5]) });
    await t.close();
    expect(await merge(target, [source])).toMatchObject({ copied: 1, assets: 1 });
    expect(await merge(target, [source])).toMatchObject({ copied: 0, assets: 0 });
    const reader = await Tracker.open(target, { engine: sqliteEngine, assets: true, warnings: false });
    const [row] = await reader.toRows({ all: true });
    expect(Array.from((await reader.assets!.get(String(row!.weights))) as Float64Array)).toEqual([0.5, 1.5]);
    await reader.close();
  });
});

describe('xt merge (the built binary)', () => {
  const xt = (args: string[]) => spawnSync(process.execPath, [cliPath(), ...args], { encoding: 'utf8' });

  it('merges, carries assets, reports conflicts with exit 1, and merges nothing twice', async () => {
    const dir = tempDir('xt-merge-cli-');
    const a = path.join(dir, 'a.db');
    const b = path.join(dir, 'b.duckdb');
    const target = path.join(dir, 'team.db');
    const ta = await Tracker.open(a, { engine: sqliteEngine, trackId: 'run-a', assets: true, warnings: false });
    await ta.log({ epoch: 1, weights: new Float32Array([1, 2, 3]) });
    const stamp = (await ta.toRows())[0]!.timestamp as string;
    await ta.close();
    const tb = await duckdbEngine.create({ path: b });
    await tb.ensureColumns('default', [{ name: 'epoch', type: 'integer' }]);
    await tb.insert('default', [{ track_id: 'run-b', timestamp: stamp, epoch: 7 }]);
    await tb.close();

    const first = xt(['merge', target, a, b, '--provenance', 'machine_store']);
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe(`Merged 2 rows from 2 stores into ${target} (0 already there, 1 asset).\n`);
    expect(first.status).toBe(0);
    const second = xt(['merge', target, a, b, '--json']);
    expect(second.status, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ copied: 0, skipped: 2, conflicts: 0 });

    const reader = await Tracker.open(target, { engine: sqliteEngine, assets: true, warnings: false });
    const rows = await reader.toRows({ all: true });
    expect(rows.map((r) => [r.track_id, r.epoch, r.machine_store]).sort()).toEqual([
      ['run-a', 1, a],
      ['run-b', 7, b],
    ]);
    expect(Array.from((await reader.assets!.get(String(rows.find((r) => r.track_id === 'run-a')!.weights))) as Float32Array)).toEqual([1, 2, 3]);
    await reader.close();

    const c = path.join(dir, 'c.db');
    const tc = await sqliteEngine.create({ path: c });
    await tc.ensureColumns('default', [{ name: 'epoch', type: 'integer' }]);
    await tc.insert('default', [{ track_id: 'run-b', timestamp: stamp, epoch: 8 }]);
    await tc.close();
    const conflict = xt(['merge', target, c]);
    expect(conflict.status).toBe(1);
    expect(conflict.stdout).toBe(`Merged 0 rows from 1 store into ${target} (0 already there, 1 in conflict).\n`);
    expect(conflict.stderr).toContain(`conflict in default: track_id run-b, timestamp ${stamp}: epoch: 7 (target) vs 8 (${c})\n`);
    expect(conflict.stderr).toMatch(/xt: 1 row of the same track_id and timestamp but other values was kept/);
    expect((await rowsOf(target, sqliteEngine)).find((r) => r.track_id === 'run-b')!.epoch).toBe(7);
  });

  it('draws a progress bar on a terminal', async () => {
    const dir = tempDir('xt-merge-tty-');
    const source = path.join(dir, 'big.db');
    const t = await Tracker.open(source, { engine: sqliteEngine, trackId: 'big', warnings: false });
    await t.logBatch(Array.from({ length: 25_000 }, (_, i) => ({ i })));
    await t.close();
    const target = path.join(dir, 'team.db');
    // `script` runs xt on a pseudo-terminal, as a user's shell would.
    const run = spawnSync('script', ['-qec', `${process.execPath} ${cliPath()} merge ${target} ${source}`, '/dev/null'], { encoding: 'utf8' });
    expect(run.status, run.stdout).toBe(0);
    expect(run.stdout).toContain('big.db default [##############################] 100% 25000/25000 rows');
    expect(run.stdout).toContain(`Merged 25000 rows from 1 store into ${target}`);
    const piped = xt(['merge', path.join(dir, 'other.db'), source]);
    expect(piped.stderr).toBe('');
  });

  it('fails clearly on a missing source and writes nothing', () => {
    const dir = tempDir('xt-merge-missing-');
    const run = xt(['merge', path.join(dir, 'team.db'), path.join(dir, 'nope.db')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^xt: No database at .*nope\.db/);
    expect(spawnSync('ls', [dir], { encoding: 'utf8' }).stdout).toBe('');
  });
});
