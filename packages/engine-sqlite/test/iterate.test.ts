import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CellValue, Engine, OrderBy, Row, SelectOptions } from '@xetrack/core/engine';
import { sqliteEngine } from '../src/index.js';
import { useTempDirs } from './support/temp-dirs.js';

const tempDir = useTempDirs();

async function collect(engine: Engine, table: string, options?: SelectOptions): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const row of (engine.iterate as NonNullable<Engine['iterate']>)(table, options)) rows.push(row);
  return rows;
}

/** An engine opened with `options`, holding table `t` of `count` key-only rows of run 'x' (timestamps zero-padded to `width`). */
async function engineWithKeyRows(options: Parameters<typeof sqliteEngine.create>[0], count: number, width: number): Promise<Engine> {
  const engine = await sqliteEngine.create(options);
  await engine.ensureColumns('t', []);
  await engine.insert(
    't',
    Array.from({ length: count }, (_, n) => ({ track_id: 'x', timestamp: String(n).padStart(width, '0') })),
  );
  return engine;
}

/**
 * A file in rollback-journal mode (as Python xetrack leaves one), written by raw better-sqlite3:
 * table `t` of `count` rows (`track_id`, `timestamp`, `n`), row `n` as `row(n)` gives it.
 */
function rollbackJournalFile(name: string, count: number, row: (n: number) => [string, string, number]): string {
  const file = path.join(tempDir(), name);
  const raw = new Database(file);
  raw.exec('CREATE TABLE t (track_id TEXT, timestamp TEXT, n INTEGER, PRIMARY KEY (track_id, timestamp))');
  const insert = raw.prepare('INSERT INTO t VALUES (?, ?, ?)');
  raw.transaction(() => {
    for (let n = 0; n < count; n++) insert.run(...row(n));
  })();
  raw.close();
  return file;
}

describe('iterate()', () => {
  it('property: for any mix of value types, order keys, directions, limit, offset and page size, iterate equals select (one cursor on a WAL file, pages in memory)', async () => {
    const dir = tempDir();
    // A BLOB-declared column has no affinity, so integers, reals, text, blobs and NULL share it.
    const value: fc.Arbitrary<CellValue> = fc.oneof(
      fc.constant(null),
      fc.integer({ min: -3, max: 3 }),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      fc.double({ noNaN: true }),
      fc.constantFrom('a', 'b', 'B', '', 'é'),
      fc.uint8Array({ maxLength: 2 }),
      fc.boolean(),
    );
    const order: fc.Arbitrary<OrderBy[]> = fc.array(fc.record({ column: fc.constantFrom('x', 'y', 'z', 'timestamp', 'track_id'), desc: fc.boolean() }), { maxLength: 3 });
    // One engine per page size and kind (a WAL file streams from a cursor; :memory: reads pages); a new table per run.
    const engines = new Map<string, Engine>();
    const engineFor = async (pageSize: number, memory: boolean): Promise<Engine> => {
      const key = `${pageSize}-${memory}`;
      let engine = engines.get(key);
      if (engine === undefined) {
        engine = await sqliteEngine.create({ path: memory ? ':memory:' : path.join(dir, `pages-${pageSize}.db`), iteratePageSize: pageSize });
        engines.set(key, engine);
      }
      return engine;
    };
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(value, value, fc.constantFrom(0, 1, 2, null)), { maxLength: 40 }),
        order,
        fc.option(fc.nat({ max: 45 }), { nil: undefined }),
        fc.option(fc.nat({ max: 45 }), { nil: undefined }),
        fc.integer({ min: 1, max: 7 }),
        fc.boolean(),
        async (values, orderBy, limit, offset, pageSize, memory) => {
          const engine = await engineFor(pageSize, memory);
          const table = `t${run++}`;
          await engine.ensureColumns(table, [
            { name: 'x', type: 'blob' },
            { name: 'y', type: 'blob' },
            { name: 'z', type: 'integer' },
          ]);
          const rows = values.map(([x, y, z], i) => ({ track_id: `r${i % 3}`, timestamp: String(1000 - i), x, y, z }));
          await engine.insert(table, rows);
          const options: SelectOptions = { orderBy, ...(limit === undefined ? {} : { limit }), ...(offset === undefined ? {} : { offset }) };
          const selected = await engine.select(table, options);
          expect(await collect(engine, table, options)).toEqual(selected);
          expect(selected).toHaveLength(Math.max(0, Math.min(limit ?? Infinity, rows.length - (offset ?? 0))));
        },
      ),
      { numRuns: 500 },
    );
    for (const engine of engines.values()) await engine.close();
  }, 300_000);

  it('in memory, pages of iteratePageSize: rows deleted ahead of the page being read are not yielded', async () => {
    const engine = await sqliteEngine.create({ path: ':memory:', iteratePageSize: 100 });
    await engine.ensureColumns('t', [{ name: 'n', type: 'integer' }]);
    await engine.insert(
      't',
      Array.from({ length: 1000 }, (_, n) => ({ track_id: 'x', timestamp: String(n).padStart(4, '0'), n })),
    );
    // Proof that later pages are read later.
    let seen = 0;
    for await (const row of (engine.iterate as NonNullable<Engine['iterate']>)('t')) {
      if (seen === 0) expect(await engine.delete('t', [{ column: 'n', op: '>=', value: 500 }])).toBe(500);
      expect(row.n).toBe(seen);
      seen++;
    }
    expect(seen).toBe(500);
    await engine.close();
  });

  it('on a WAL file, one snapshot from the first row: rows written meanwhile (here or by another engine) are not seen, and the writes do not wait', async () => {
    const file = path.join(tempDir(), 'snapshot.db');
    const engine = await sqliteEngine.create({ path: file, iteratePageSize: 100 });
    const other = await sqliteEngine.create({ path: file });
    await engine.ensureColumns('t', [{ name: 'n', type: 'integer' }]);
    await engine.insert(
      't',
      Array.from({ length: 1000 }, (_, n) => ({ track_id: 'x', timestamp: String(n).padStart(4, '0'), n })),
    );
    let seen = 0;
    for await (const row of (engine.iterate as NonNullable<Engine['iterate']>)('t')) {
      if (seen === 0) {
        expect(await engine.delete('t', [{ column: 'n', op: '>=', value: 500 }])).toBe(500);
        await engine.insert('t', [{ track_id: 'y', timestamp: '0000', n: -1 }]);
        await other.insert('t', [{ track_id: 'z', timestamp: '0000', n: -2 }]);
        await other.update('t', { n: 7 }, [{ column: 'n', op: '=', value: 999 }]);
      }
      expect(row.n).toBe(seen);
      seen++;
    }
    expect(seen).toBe(1000);
    // The next iteration starts a new snapshot.
    expect((await collect(engine, 't')).map((r) => r.n)).toEqual([...Array.from({ length: 500 }, (_, n) => n), -1, -2]);
    await other.close();
    await engine.close();
  });

  it('on a WAL file, close() during an iteration makes the next row reject with CLOSED', async () => {
    const engine = await engineWithKeyRows({ path: path.join(tempDir(), 'close.db') }, 25, 3);
    const iterator = (engine.iterate as NonNullable<Engine['iterate']>)('t')[Symbol.asyncIterator]();
    for (let i = 0; i < 10; i++) expect((await iterator.next()).done).toBe(false);
    await engine.close();
    await expect(iterator.next()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('on a WAL file, close() during iterateArrays makes the next batch reject with CLOSED', async () => {
    const engine = await engineWithKeyRows({ path: path.join(tempDir(), 'close-arrays.db') }, 1000, 4);
    const iterator = (engine.iterateArrays as NonNullable<Engine['iterateArrays']>)('t', { columns: ['timestamp'] })[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    expect((first.value as unknown[][])[0]).toEqual(['0000']);
    await engine.close();
    await expect(iterator.next()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('a rollback-journal file gives iterateArrays batches of 256 rows, as a WAL file does, not one row at a time', async () => {
    const file = rollbackJournalFile('journal-arrays.db', 600, (n) => ['x', String(n).padStart(4, '0'), n]);
    const engine = await sqliteEngine.create({ path: file, iteratePageSize: 100 });
    const batches: CellValue[][][] = [];
    for await (const batch of (engine.iterateArrays as NonNullable<Engine['iterateArrays']>)('t', { columns: ['n', 'track_id'] })) batches.push(batch);
    expect(batches.map((b) => b.length)).toEqual([256, 256, 88]);
    expect(batches.flat()).toEqual(Array.from({ length: 600 }, (_, n) => [n, 'x']));
    await engine.close();
  });

  it('a rollback-journal file is left in its mode by reading, and read in pages (rows deleted ahead are not yielded)', async () => {
    const file = rollbackJournalFile('journal.db', 300, (n) => ['x', String(n).padStart(4, '0'), n]);
    const engine = await sqliteEngine.create({ path: file, iteratePageSize: 100 });
    const rows = await collect(engine, 't');
    expect(rows.map((r) => r.n)).toEqual(Array.from({ length: 300 }, (_, n) => n));
    const check = new Database(file, { readonly: true });
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    check.close();
    let seen = 0;
    for await (const row of (engine.iterate as NonNullable<Engine['iterate']>)('t')) {
      if (seen === 0) expect(await engine.delete('t', [{ column: 'n', op: '>=', value: 150 }])).toBe(150);
      expect(row.n).toBe(seen);
      seen++;
    }
    expect(seen).toBe(150);
    await engine.close();
  });

  it('in an order, a rollback-journal file is sorted once: the order goes to a temporary table, dropped at the end; rows deleted meanwhile are skipped, changed ones read as they are now', async () => {
    const file = rollbackJournalFile('sorted.db', 300, (n) => [`run-${n % 7}`, String(1000 - n).padStart(4, '0'), n]);
    const engine = await sqliteEngine.create({ path: file, iteratePageSize: 50 });
    const orderTables = async () => (await engine.sql!(`SELECT name FROM sqlite_temp_master WHERE type = 'table'`)).length;
    const options: SelectOptions = { orderBy: [{ column: 'timestamp' }], where: [{ column: 'n', op: '>=', value: 10 }], offset: 5 };
    const expected = await engine.select('t', options);
    expect(expected).toHaveLength(285);
    const seen: Row[] = [];
    for await (const row of (engine.iterate as NonNullable<Engine['iterate']>)('t', options)) {
      if (seen.length === 0) {
        expect(await orderTables()).toBe(1);
        await engine.delete('t', [{ column: 'n', op: '=', value: 20 }]);
        await engine.update('t', { n: -1 }, [{ column: 'n', op: '=', value: 15 }]);
      }
      seen.push(row);
    }
    expect(seen.map((r) => r.n)).toEqual(expected.filter((r) => r.n !== 20).map((r) => (r.n === 15 ? -1 : r.n)));
    expect(await orderTables()).toBe(0);
    // a limit within one page reads that page by its order keys: no table
    const iterator = (engine.iterate as NonNullable<Engine['iterate']>)('t', { orderBy: [{ column: 'timestamp' }], limit: 3 })[Symbol.asyncIterator]();
    await iterator.next();
    expect(await orderTables()).toBe(0);
    await iterator.return?.();
    await engine.close();
  });

  it('in an order, with no room for the temporary table, pages on the order keys instead, with the same rows', async () => {
    const engine = await engineWithKeyRows({ path: ':memory:', iteratePageSize: 10 }, 95, 3);
    await engine.sql!('PRAGMA temp.max_page_count = 1'); // the temporary database cannot grow
    const byTime = { orderBy: [{ column: 'timestamp', desc: true }], offset: 3 };
    expect(await collect(engine, 't', byTime)).toEqual(await engine.select('t', byTime));
    expect(await engine.sql!(`SELECT name FROM sqlite_temp_master`)).toEqual([]);
    await engine.close();
  });

  it('in an order, after close() the next page rejects with CLOSED, and a dropped table ends the iteration', async () => {
    const engine = await engineWithKeyRows({ path: ':memory:', iteratePageSize: 10 }, 25, 3);
    const byTime = { orderBy: [{ column: 'timestamp', desc: true }] };
    const iterator = (engine.iterate as NonNullable<Engine['iterate']>)('t', byTime)[Symbol.asyncIterator]();
    for (let i = 0; i < 10; i++) expect((await iterator.next()).done).toBe(false);
    await engine.close();
    await expect(iterator.next()).rejects.toMatchObject({ code: 'CLOSED' });
    const other = await engineWithKeyRows({ path: ':memory:', iteratePageSize: 10 }, 25, 3);
    let seen = 0;
    for await (const _ of (other.iterate as NonNullable<Engine['iterate']>)('t', byTime)) {
      if (seen++ === 0) await (other.sql as NonNullable<Engine['sql']>)('DROP TABLE "t"');
    }
    expect(seen).toBe(10);
    await other.close();
  });

  it('after close() the next page rejects with CLOSED', async () => {
    const engine = await engineWithKeyRows({ path: ':memory:', iteratePageSize: 10 }, 25, 3);
    const iterator = (engine.iterate as NonNullable<Engine['iterate']>)('t')[Symbol.asyncIterator]();
    for (let i = 0; i < 10; i++) expect((await iterator.next()).done).toBe(false);
    await engine.close();
    await expect(iterator.next()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('a table dropped while iterating ends the iteration', async () => {
    const engine = await engineWithKeyRows({ path: ':memory:', iteratePageSize: 10 }, 25, 3);
    let seen = 0;
    for await (const _ of (engine.iterate as NonNullable<Engine['iterate']>)('t')) {
      if (seen++ === 0) await (engine.sql as NonNullable<Engine['sql']>)('DROP TABLE "t"');
    }
    expect(seen).toBe(10);
    await engine.close();
  });
});
