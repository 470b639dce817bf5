import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Row } from '@xetrack/core/engine';
import { duckdbEngine, type DuckdbEngine } from '../src/index.js';
import { keyRow, rejectsWith, useTempDirs } from './support/temp-dirs.js';

const { tempDir, track } = useTempDirs();

async function filled(count: number): Promise<DuckdbEngine> {
  const engine = track((await duckdbEngine.create({ path: path.join(tempDir(), 'it.duckdb') })) as DuckdbEngine);
  await engine.ensureColumns('t', [
    { name: 'n', type: 'integer' },
    { name: 's', type: 'text' },
  ]);
  await engine.insert(
    't',
    Array.from({ length: count }, (_, n) => keyRow(n, { n, s: `s${n}` })),
  );
  return engine;
}

describe('iterate', () => {
  it('lets every other call run while an iteration is suspended, and streams a snapshot', async () => {
    const engine = await filled(10_000);
    const iterator = engine.iterate('t', { orderBy: [{ column: 'n' }] })[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value).toEqual(keyRow(0, { n: 0, s: 's0' }));
    // The iteration is parked here; none of these may wait for it.
    await engine.ensureColumns('t', [{ name: 'extra', type: 'text' }]);
    expect(await engine.insert('t', [keyRow(20_000, { n: 20_000 })])).toBe(1);
    expect(await engine.update('t', { s: 'changed' }, [{ column: 'n', op: '<', value: 5000 }])).toBe(5000);
    expect(await engine.delete('t', [{ column: 'n', op: '>=', value: 9000 }])).toBe(1001);
    expect(await engine.count('t')).toBe(9000);
    expect(await engine.sql('SELECT count(*) AS n FROM t')).toEqual([{ n: 9000 }]);
    const rest: Row[] = [];
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) rest.push(step.value);
    expect(rest).toHaveLength(9_999);
    expect(rest.at(-1)).toEqual(keyRow(9_999, { n: 9_999, s: 's9999' }));
    expect(rest.some((r) => r.s === 'changed' || 'extra' in r)).toBe(false);
  });

  it('two iterations at once interleave, each with its own rows', async () => {
    const engine = await filled(5_000);
    const a = engine.iterate('t', { orderBy: [{ column: 'n' }] })[Symbol.asyncIterator]();
    const b = engine.iterate('t', { orderBy: [{ column: 'n', desc: true }] })[Symbol.asyncIterator]();
    for (let i = 0; i < 5_000; i++) {
      const [x, y] = await Promise.all([a.next(), b.next()]);
      expect([x.value?.n, y.value?.n]).toEqual([i, 4_999 - i]);
    }
    expect((await a.next()).done).toBe(true);
    expect((await b.next()).done).toBe(true);
  });

  it('an iteration still open when the engine closes ends with CLOSED, and close does not wait for it', async () => {
    const engine = await filled(5_000);
    const iterator = engine.iterate('t')[Symbol.asyncIterator]();
    await iterator.next();
    await engine.close();
    let error: unknown;
    try {
      for (let step = await iterator.next(); !step.done; step = await iterator.next()) {
        // rows of the chunk already fetched may still come
      }
    } catch (e) {
      error = e;
    }
    expect((error as { code?: string } | undefined)?.code).toBe('CLOSED');
    await rejectsWith(engine.iterate('t')[Symbol.asyncIterator]().next(), 'CLOSED');
  });

  it('streams on a connection of its own, released when the iteration ends or is abandoned (break)', async () => {
    const engine = await filled(5_000);
    const connections = async () => (await engine.sql('SELECT count AS n FROM duckdb_connection_count()'))[0]!.n;
    expect(await connections()).toBe(1);
    const iterator = engine.iterate('t')[Symbol.asyncIterator]();
    await iterator.next();
    expect(await connections()).toBe(2);
    await iterator.return!();
    expect(await connections()).toBe(1);
    for (let i = 0; i < 20; i++) {
      for await (const row of engine.iterate('t')) {
        expect(row.track_id).toBe('run');
        break;
      }
    }
    let n = 0;
    for await (const _ of engine.iterate('t')) n++;
    expect(n).toBe(5_000);
    expect(await connections()).toBe(1);
  });
});
