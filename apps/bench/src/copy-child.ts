/**
 * Child process of the copy figures: copies every row of a SQLite bench file into DuckDB or
 * PostgreSQL, ours (`copy()`) or raw (better-sqlite3's cursor feeding DuckDB's appender, or `pg`
 * column-array INSERTs of 5,000 rows in one transaction), sampling RSS, and prints one JSON line.
 * A fresh process per measurement, so no earlier suite's heap is counted.
 *
 * Usage: copy-child.ts <ours|raw> <duckdb|postgres> <sqlite file> <duckdb file | postgres schema>
 */
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import { copy } from '@xetrack/core';
import { duckdbEngine } from '@xetrack/engine-duckdb';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { BENCH_COLUMNS } from './bench-rows.js';
import { collectGarbage, rssMb } from './measure.js';
import { TABLE } from './raw-sqlite.js';
import { COLUMNS, load, SERVER } from './suites/postgres.js';

export interface CopyChildResult {
  rows: number;
  ms: number;
  /** CPU time (user + system) of this process, all its threads (DuckDB's too; not the PostgreSQL server's). */
  cpuMs: number;
  growthMb: number;
}

const DUCK_TYPES: Record<string, string> = { INTEGER: 'BIGINT', REAL: 'DOUBLE', TEXT: 'VARCHAR', BOOLEAN: 'BOOLEAN' };
const CHUNK = 5_000;

async function main(): Promise<void> {
  const [side, target, source, into] = process.argv.slice(2);
  if ((side !== 'ours' && side !== 'raw') || (target !== 'duckdb' && target !== 'postgres') || !source || !into) {
    throw new Error('usage: copy-child.ts <ours|raw> <duckdb|postgres> <sqlite file> <duckdb file | postgres schema>');
  }
  let peak = 0;
  const sample = () => {
    const now = rssMb();
    if (now > peak) peak = now;
  };
  const timer = setInterval(sample, 20);
  collectGarbage();
  const base = (peak = rssMb());
  const start = performance.now();
  const cpu = process.cpuUsage();
  const rows = side === 'ours' ? await ours(target, source, into, sample) : await raw(target, source, into, sample);
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  sample();
  clearInterval(timer);
  console.log(JSON.stringify({ rows, ms, cpuMs: (used.user + used.system) / 1000, growthMb: peak - base } satisfies CopyChildResult));
}

async function ours(target: string, source: string, into: string, sample: () => void): Promise<number> {
  const onProgress = () => sample();
  if (target === 'duckdb') return (await copy(source, into, { sourceEngine: sqliteEngine, targetEngine: duckdbEngine, onProgress })).copied;
  const { plugin } = await load();
  const engine = await plugin.create({ url: SERVER, schema: into });
  try {
    return (await copy(source, engine, { sourceEngine: sqliteEngine, onProgress })).copied;
  } finally {
    await engine.close();
  }
}

/** The same job by hand with the raw drivers: read with one cursor, write with each target's fastest bulk path. */
async function raw(target: string, source: string, into: string, sample: () => void): Promise<number> {
  const db = new Database(source, { readonly: true });
  const cursor = db.prepare(`SELECT * FROM "${TABLE}"`).raw(true).iterate() as IterableIterator<unknown[]>;
  let rows = 0;
  try {
    if (target === 'duckdb') {
      const instance = await DuckDBInstance.create(into, { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
      const connection = await instance.connect();
      await connection.run(`CREATE TABLE "${TABLE}" (track_id VARCHAR, timestamp VARCHAR, ${BENCH_COLUMNS.map(([n, t]) => `"${n}" ${DUCK_TYPES[t]}`).join(', ')}, PRIMARY KEY (track_id, timestamp))`);
      const appender = await connection.createAppender(TABLE);
      for (const row of cursor) {
        appender.appendVarchar(row[0] as string);
        appender.appendVarchar(row[1] as string);
        for (let j = 0; j < BENCH_COLUMNS.length; j++) {
          const value = row[j + 2];
          const type = BENCH_COLUMNS[j]![1];
          if (value === null) appender.appendNull();
          else if (type === 'INTEGER') appender.appendBigInt(BigInt(value as number));
          else if (type === 'REAL') appender.appendDouble(value as number);
          else if (type === 'BOOLEAN') appender.appendBoolean(value === 1);
          else appender.appendVarchar(value as string);
        }
        appender.endRow();
        if (++rows % CHUNK === 0) sample();
      }
      appender.closeSync();
      connection.closeSync();
      instance.closeSync();
      return rows;
    }
    const { pg } = await load();
    const client = new pg.Client({ connectionString: SERVER });
    await client.connect();
    try {
      const types = ['text', 'text', ...COLUMNS.map(([, type]) => type)];
      const names = ['track_id', 'timestamp', ...COLUMNS.map(([name]) => name)].map((n) => `"${n}"`).join(', ');
      const table = `"${into}"."${TABLE}"`;
      await client.query(
        `CREATE TABLE ${table} (${names
          .split(', ')
          .map((n, j) => `${n} ${types[j]}`)
          .join(', ')}, PRIMARY KEY (track_id, timestamp))`,
      );
      const text = `INSERT INTO ${table} (${names}) SELECT * FROM unnest(${types.map((t, j) => `$${j + 1}::${t}[]`).join(', ')})`;
      await client.query('BEGIN');
      let arrays: unknown[][] = types.map(() => []);
      const flush = async () => {
        await client.query({ text, values: arrays });
        arrays = types.map(() => []);
        sample();
      };
      for (const row of cursor) {
        for (let j = 0; j < types.length; j++) arrays[j]!.push(types[j] === 'boolean' && row[j] !== null ? row[j] === 1 : row[j]);
        if (++rows % CHUNK === 0) await flush();
      }
      if (arrays[0]!.length > 0) await flush();
      await client.query('COMMIT');
      return rows;
    } finally {
      await client.end();
    }
  } finally {
    db.close();
  }
}

await main();
