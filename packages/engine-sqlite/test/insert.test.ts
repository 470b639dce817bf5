import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Tracker } from '@xetrack/core';
import { isXetrackError, type Engine, type Row } from '@xetrack/core/engine';
import { sqliteEngine } from '../src/index.js';
import { useTempDirs } from './support/temp-dirs.js';

const tempDir = useTempDirs();

const row = (i: number, data: Row): Row => ({ track_id: 'run', timestamp: `2025-01-01 00:00:00.${String(i).padStart(6, '0')}`, ...data });

async function engineWith(columns: { name: string; type: 'integer' | 'float' | 'text' }[]): Promise<{ engine: Engine; file: string }> {
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
