import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copy, Reader, Tracker } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { postgresEngine } from '../src/index.js';
import { dropSchema, uniqueSchema, urlFor } from './support/server.js';

const FIXTURE = fileURLToPath(new URL('../../../fixtures/python-xetrack-0.7.0/xetrack_fixture.db', import.meta.url));

/** Every row of every table, read through a Reader. */
async function everything(location: string, engine: typeof sqliteEngine | typeof postgresEngine): Promise<Record<string, unknown[]>> {
  const first = await Reader.open(location, { engine });
  const tables = await first.tables();
  await first.close();
  const out: Record<string, unknown[]> = {};
  for (const table of tables) {
    const reader = await Reader.open(location, { engine, table });
    out[table] = await reader.toRows();
    await reader.close();
  }
  return out;
}

describe('pushing a local SQLite run to PostgreSQL (core copy, what `xt copy` runs)', () => {
  let dir: string;
  let schema: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'xt-pg-copy-'));
    schema = uniqueSchema('copy');
  });
  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    await dropSchema(schema);
  });

  it('copies every row and type, and copying again copies 0 rows', async () => {
    const file = path.join(dir, 'track.db');
    const tracker = await Tracker.open(file, { engine: sqliteEngine, trackId: 'local-run', params: { model: 'mlp' } });
    await tracker.logBatch([
      { epoch: 1, loss: 0.5, ok: true, note: 'first', cfg: { lr: 0.1, layers: [64, 32] }, weights: new Uint8Array([1, 2, 3]), big: 2n ** 62n },
      { epoch: 2, loss: 0.25, ok: false, note: 'it\'s "quoted"', cfg: { lr: 0.01 }, big: -(2n ** 63n) },
    ]);
    await tracker.log({ epoch: 'three', loss: 0.125, extra: 'a column of its own' }); // another type in an integer column
    await tracker.close();
    const other = await Tracker.open(file, { engine: sqliteEngine, table: 'evals', trackId: 'local-run' });
    await other.log({ split: 'test', acc: 0.93 });
    await other.close();

    const target = urlFor(schema);
    const first = await copy(file, target, { sourceEngine: sqliteEngine, targetEngine: postgresEngine });
    expect(first.copied).toBe(4);
    expect(first.skipped).toBe(0);
    const local = await everything(file, sqliteEngine);
    const team = await everything(target, postgresEngine);
    expect(Object.keys(team).sort()).toEqual(['default', 'evals']);
    expect(team.evals).toEqual(local.evals);
    // Byte columns come back as Buffers from both; compare them as bytes.
    const bytes = (rows: unknown[]) => rows.map((r) => (r as { weights?: Uint8Array | null }).weights ?? null).map((w) => (w ? Array.from(w) : null));
    expect(bytes(team.default!)).toEqual(bytes(local.default!));
    const plain = (rows: unknown[]) => rows.map((r) => ({ ...(r as object), weights: undefined }));
    expect(plain(team.default!)).toEqual(plain(local.default!));
    expect((team.default as Record<string, unknown>[]).map((r) => r.epoch)).toEqual([1, 2, 'three']);

    const again = await copy(file, target, { sourceEngine: sqliteEngine, targetEngine: postgresEngine });
    expect(again.copied).toBe(0);
    expect(again.skipped).toBe(4);
    const reader = await Reader.open(target, { engine: postgresEngine });
    expect(await reader.count()).toBe(3);
    await reader.close();
  });

  it('copies a database written by Python xetrack 0.7.0, row for row', async () => {
    const file = path.join(dir, 'python.db');
    copyFileSync(FIXTURE, file);
    const target = urlFor(schema);
    const result = await copy(file, target, { sourceEngine: sqliteEngine, targetEngine: postgresEngine });
    expect(result.copied).toBeGreaterThan(0);
    const local = await everything(file, sqliteEngine);
    const team = await everything(target, postgresEngine);
    expect(Object.keys(team).sort()).toEqual(Object.keys(local).sort());
    for (const table of Object.keys(local)) expect(team[table], table).toEqual(local[table]);
    expect((await copy(file, target, { sourceEngine: sqliteEngine, targetEngine: postgresEngine })).copied).toBe(0);
  });
});
