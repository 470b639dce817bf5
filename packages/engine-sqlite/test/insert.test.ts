import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Tracker } from '@xetrack/core';
import { isXetrackError, type Engine, type Row } from '@xetrack/core/engine';
import { sqliteEngine } from '../src/index.js';
import { useTempDirs } from './support/temp-dirs.js';

const tempDir = useTempDirs();

const row = (i: number, data: Row): Row => ({ track_id: 'run', timestamp: `2025-01-01 00:00:00.${String(i).padStart(6, '0')}`, ...data });

async function engineWith(columns: { name: string; type: 'integer' | 'float' | 'text' | 'boolean' }[]): Promise<{ engine: Engine; file: string }> {
  const file = path.join(tempDir(), 'insert.db');
  const engine = await sqliteEngine.create({ path: file });
  await engine.ensureColumns('t', columns);
  return { engine, file };
}

function declared(file: string, column: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT type FROM pragma_table_info(?) WHERE name = ?').pluck().get('t', column) as string) ?? '';
  } finally {
    db.close();
  }
}

describe('insert binds each row by its own keys', () => {
  it('rows whose keys come in different orders, alternating, land in the right columns', async () => {
    const { engine } = await engineWith([
      { name: 'a', type: 'integer' },
      { name: 'b', type: 'text' },
    ]);
    const rows = Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? row(i, { a: i, b: `b${i}` }) : row(i, { b: `b${i}`, a: i })));
    await engine.insert('t', rows.slice(0, 3));
    for (const one of rows.slice(3)) await engine.insert('t', [one]);
    const stored = await engine.select('t', { columns: ['a', 'b'], orderBy: [{ column: 'timestamp' }] });
    expect(stored).toEqual(Array.from({ length: 6 }, (_, i) => ({ a: i, b: `b${i}` })));
    await engine.close();
  });

  it('a row with fewer keys than the previous one leaves the others NULL', async () => {
    const { engine } = await engineWith([
      { name: 'a', type: 'integer' },
      { name: 'b', type: 'integer' },
    ]);
    await engine.insert('t', [row(0, { a: 1, b: 2 }), row(1, { a: 3 }), row(2, { a: 5, b: 6 })]);
    expect(await engine.select('t', { columns: ['a', 'b'] })).toEqual([
      { a: 1, b: 2 },
      { a: 3, b: null },
      { a: 5, b: 6 },
    ]);
    await engine.close();
  });
});

describe('widening inside the insert', () => {
  it('a fractional number in the middle of a batch widens the column; rows before and after it are kept, in order', async () => {
    const { engine, file } = await engineWith([
      { name: 'n', type: 'integer' },
      { name: 'other', type: 'integer' },
    ]);
    await engine.insert('t', [row(0, { n: 1, other: 10 }), row(1, { n: 2, other: 20 }), row(2, { n: 2.5, other: 30 }), row(3, { n: 4, other: 40 })]);
    expect(declared(file, 'n')).toBe('REAL');
    expect(declared(file, 'other')).toBe('INTEGER');
    const stored = await engine.select('t', { columns: ['n', 'other'] });
    expect(stored).toEqual([
      { n: 1, other: 10 },
      { n: 2, other: 20 },
      { n: 2.5, other: 30 },
      { n: 4, other: 40 },
    ]);
    await engine.close();
  });

  it('a batch rejected after a widening keeps nothing: no row, and the column still INTEGER; the next writes work', async () => {
    const { engine, file } = await engineWith([{ name: 'n', type: 'integer' }]);
    await engine.insert('t', [row(0, { n: 1 })]);
    const failed = await engine.insert('t', [row(1, { n: 2 }), row(2, { n: 2.5 }), row(0, { n: 3 })]).catch((error: unknown) => error);
    expect(isXetrackError(failed, 'DUPLICATE_KEY')).toBe(true);
    expect(declared(file, 'n')).toBe('INTEGER');
    expect(await engine.count('t')).toBe(1);
    await engine.insert('t', [row(3, { n: 7 })]);
    await engine.insert('t', [row(4, { n: 7.25 })]);
    expect(declared(file, 'n')).toBe('REAL');
    expect(await engine.select('t', { columns: ['n'] })).toEqual([{ n: 1 }, { n: 7 }, { n: 7.25 }]);
    await engine.close();
  });
});

describe('long batches, written several rows to a statement', () => {
  // Rows of 6 keys go 21 to a multi-row INSERT: 100 rows are 4 full statements and 16 single rows.
  const columns = [
    { name: 'n', type: 'integer' },
    { name: 'x', type: 'float' },
    { name: 's', type: 'text' },
    { name: 'ok', type: 'boolean' },
  ] as const;
  const data = (i: number): Row => ({ n: i, x: i % 7 === 0 ? Number.NaN : i / 4 + 0.1, s: i % 5 === 0 ? null : `s${i}`, ok: i % 2 === 0 });
  const stored = (i: number) => {
    const d = data(i);
    return { n: d.n, x: Number.isNaN(d.x) ? null : d.x, s: d.s, ok: d.ok };
  };

  it('every row lands with its own values, in order, also where the key order changes mid-statement', async () => {
    const { engine } = await engineWith([...columns]);
    const rows = Array.from({ length: 100 }, (_, i) => {
      if (i === 30) return row(i, { ok: false, s: 's30', x: 7.6, n: 30 }); // other key order inside the second statement
      if (i === 50) return row(i, { n: 50 }); // fewer keys
      return row(i, data(i));
    });
    await engine.insert('t', rows);
    const got = await engine.select('t', { columns: ['n', 'x', 's', 'ok'], orderBy: [{ column: 'timestamp' }] });
    const expected = Array.from({ length: 100 }, (_, i) => (i === 30 ? { n: 30, x: 7.6, s: 's30', ok: false } : i === 50 ? { n: 50, x: null, s: null, ok: null } : stored(i)));
    expect(got).toEqual(expected);
    await engine.close();
  });

  it('a duplicate key inside a statement names its row, keeps nothing of the call, and the engine writes on', async () => {
    const { engine } = await engineWith([...columns]);
    await engine.insert('t', [row(0, data(0))]);
    const rows = Array.from({ length: 100 }, (_, i) => row(i === 57 ? 0 : i + 1000, data(i)));
    const failed = await engine.insert('t', rows).catch((error: unknown) => error);
    expect(isXetrackError(failed, 'DUPLICATE_KEY')).toBe(true);
    expect((failed as Error).message).toContain('row 58 of 100');
    expect(await engine.count('t')).toBe(1);
    await engine.insert(
      't',
      Array.from({ length: 50 }, (_, i) => row(i + 2000, data(i))),
    );
    expect(await engine.count('t')).toBe(51);
    await engine.close();
  });

  it('a fractional number deep in a batch widens its INTEGER column; every row keeps its value', async () => {
    const { engine, file } = await engineWith([...columns]);
    const rows = Array.from({ length: 100 }, (_, i) => row(i, i === 45 ? { ...data(i), n: 45.5 } : data(i)));
    await engine.insert('t', rows);
    expect(declared(file, 'n')).toBe('REAL');
    const got = (await engine.select('t', { columns: ['n'], orderBy: [{ column: 'timestamp' }] })).map((r) => r.n);
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => (i === 45 ? 45.5 : i)));
    await engine.close();
  });
});

describe('wide rows through a Tracker', () => {
  it('log() and logBatch() of 300-column rows store every value in its column', async () => {
    const file = path.join(tempDir(), 'wide.db');
    const engine = await sqliteEngine.create({ path: file });
    const tracker = await Tracker.open(file, { engine });
    const wide = (i: number) => {
      const data: Record<string, number | string> = {};
      for (let j = 0; j < 300; j++) data[`k${j}`] = j % 3 === 0 ? i * 1000 + j : j % 3 === 1 ? i + j / 8 + 0.5 : `s${i}-${j}`;
      return data;
    };
    for (let i = 0; i < 4; i++) await tracker.log(wide(i)); // the third row of this shape is built by the compiled builder
    await tracker.logBatch([4, 5, 6].map(wide));
    const stored = await tracker.toRows();
    expect(stored).toHaveLength(7);
    stored.forEach((got, i) => expect(Object.fromEntries(Object.entries(got).filter(([k]) => k.startsWith('k')))).toEqual(wide(i)));
    await tracker.close();
    await engine.close();
  });
});
