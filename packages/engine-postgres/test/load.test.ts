import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Reader } from '@xetrack/core';
import { postgresEngine } from '../src/index.js';
import { runNode } from './support/child.js';
import { admin, dropSchema, uniqueSchema, urlFor } from './support/server.js';

const WRITER = fileURLToPath(new URL('./fixtures/load-writer.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const PROCESSES = 8;
const ROWS_EACH = 5_000;

interface WriterReport {
  rows: number;
  errors: number;
  firstError?: string;
  start: number;
  end: number;
}

/**
 * 8 real writer processes (node on the built package) log 5,000 rows each into one table, each
 * adding a column of its own while the others write; then every row and column is checked.
 * Resolves the aggregate figure, which the test prints for the README.
 */
async function load(mode: 'awaited' | 'burst', schemas: string[]): Promise<Record<string, number | string>> {
  expect(existsSync(DIST), `${DIST} is missing: build the package first (pnpm build)`).toBe(true);
  const schema = uniqueSchema(`load_${mode}`);
  schemas.push(schema);
  const url = urlFor(schema);
  const workers = Array.from({ length: PROCESSES }, (_, w) => ({ trackId: `worker-${w}`, column: `only_worker_${w}` }));
  const reports = await Promise.all(workers.map((w) => runNode<WriterReport>(WRITER, [url, w.trackId, w.column, String(ROWS_EACH), ...(mode === 'burst' ? ['burst'] : [])])));

  expect(reports.map((r) => r.firstError ?? null)).toEqual(workers.map(() => null));
  expect(reports.map((r) => r.errors)).toEqual(workers.map(() => 0));
  expect(reports.map((r) => r.rows)).toEqual(workers.map(() => ROWS_EACH));
  const reader = await Reader.open(url, { engine: postgresEngine });
  try {
    expect(await reader.count()).toBe(PROCESSES * ROWS_EACH);
    const columns = await reader.columns();
    for (const w of workers) {
      expect(columns).toContain(w.column);
      // Its own column holds its value in each of its rows, in the order they were logged...
      const values = (await reader.toRows({ trackId: w.trackId })).map((row) => row[w.column]);
      expect(values).toEqual(Array.from({ length: ROWS_EACH }, (_, i) => i * 2));
      // ...and nothing in anyone else's.
      const [others] = await admin<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}"."default" WHERE "${w.column}" IS NOT NULL AND track_id <> $1`, [w.trackId]);
      expect(others?.n).toBe(0);
    }
  } finally {
    await reader.close();
  }
  const seconds = (Math.max(...reports.map((r) => r.end)) - Math.min(...reports.map((r) => r.start))) / 1000;
  return { mode, processes: PROCESSES, rows: PROCESSES * ROWS_EACH, errors: 0, seconds, rowsPerSecond: Math.round((PROCESSES * ROWS_EACH) / seconds) };
}

describe('load: 8 processes logging to one PostgreSQL table', () => {
  const schemas: string[] = [];
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(schema);
  });

  it(`${PROCESSES} processes x ${ROWS_EACH.toLocaleString('en-US')} awaited log(), each adding its own column: every row, no error`, { timeout: 600_000 }, async () => {
    console.log(`load figure: ${JSON.stringify(await load('awaited', schemas))}`);
  });

  it(`${PROCESSES} processes x ${ROWS_EACH.toLocaleString('en-US')} un-awaited log() (group commit), each adding its own column: every row, no error`, { timeout: 600_000 }, async () => {
    console.log(`load figure: ${JSON.stringify(await load('burst', schemas))}`);
  });
});
