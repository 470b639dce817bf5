import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Tracker, type Engine, type EnginePlugin } from '@xetrack/core';
import { benchRow, benchRows, type BenchRow } from '../bench-rows.js';
import { timeMs, type Timing } from '../measure.js';
import { pairSuite } from '../pair-suite.js';
import { rawTimestamp } from '../raw-sqlite.js';
import type { Suite } from '../suite.js';
import { BENCH_TRACK_ID, FIRST_INDEX, PRIME_INDEX } from '../workloads.js';

/**
 * PostgreSQL figures: `@xetrack/engine-postgres` under a Tracker against `pg` used by hand on the
 * same server, table layout and rows, in the same run. Server: `XT_POSTGRES_URL`, else the local
 * one (postgres://root@127.0.0.1:5432/test). Each measurement writes into a fresh schema, dropped
 * afterwards.
 *
 * This app does not list the engine or `pg` as dependencies yet, so both are loaded from the
 * engine's package folder (its built `dist`, and the `pg` it depends on).
 */
export const SERVER = process.env.XT_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/test';
const ENGINE_DIR = fileURLToPath(new URL('../../../../packages/engine-postgres/', import.meta.url));

/** The part of `pg` the baseline uses. */
export interface PgClient {
  connect(): Promise<unknown>;
  query(config: string | { text: string; values?: unknown[]; name?: string }): Promise<unknown>;
  end(): Promise<void>;
}
interface PgModule {
  Client: new (options: { connectionString: string }) => PgClient;
}

let loaded: Promise<{ pg: PgModule; plugin: EnginePlugin<{ url: string; schema: string }> }> | undefined;

export function load() {
  loaded ??= (async () => {
    const pg = createRequire(`${ENGINE_DIR}package.json`)('pg') as PgModule;
    let mod: { postgresEngine: EnginePlugin<{ url: string; schema: string }> };
    try {
      mod = (await import(pathToFileURL(`${ENGINE_DIR}dist/index.js`).href)) as typeof mod;
    } catch (error) {
      throw new Error(`@xetrack/engine-postgres is not built (${(error as Error).message}): run \`pnpm build\` first.`);
    }
    return { pg, plugin: mod.postgresEngine };
  })();
  return loaded;
}

export const COLUMNS: readonly (readonly [keyof BenchRow, string])[] = [
  ['epoch', 'bigint'],
  ['step', 'bigint'],
  ['batch', 'bigint'],
  ['seed', 'bigint'],
  ['loss', 'double precision'],
  ['accuracy', 'double precision'],
  ['lr', 'double precision'],
  ['f1', 'double precision'],
  ['model', 'text'],
  ['split', 'text'],
  ['note', 'text'],
  ['ok', 'boolean'],
];
const NAMES = ['track_id', 'timestamp', ...COLUMNS.map(([name]) => name)];
const QUOTED_NAMES = NAMES.map((n) => `"${n}"`).join(', ');
const TYPES = ['text', 'text', ...COLUMNS.map(([, type]) => type)];

function values(r: BenchRow, i: number): unknown[] {
  return [BENCH_TRACK_ID, rawTimestamp(i), r.epoch, r.step, r.batch, r.seed, r.loss, r.accuracy, r.lr, r.f1, r.model, r.split, r.note, r.ok];
}

async function admin(sql: string): Promise<void> {
  const { pg } = await load();
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh schema for one measurement, and its removal. */
export async function withSchema<T>(work: (schema: string) => Promise<T>): Promise<T> {
  const schema = `xt_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE SCHEMA "${schema}"`);
  try {
    return await work(schema);
  } finally {
    await admin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
}

/** Ours: a Tracker on the engine (created here, so no lazy import is timed), primed with one row. */
function ours(work: (tracker: Tracker<BenchRow>, rows: readonly BenchRow[]) => Promise<unknown>, rows: readonly BenchRow[]) {
  return () =>
    withSchema(async (schema): Promise<Timing> => {
      const { plugin } = await load();
      const engine: Engine = await plugin.create({ url: SERVER, schema });
      const tracker = await Tracker.open<BenchRow>(SERVER, { engine, warnings: false, trackId: BENCH_TRACK_ID });
      try {
        await tracker.log(benchRow(PRIME_INDEX));
        return await timeMs(() => work(tracker, rows));
      } finally {
        await tracker.close();
        await engine.close();
      }
    });
}

/** The baseline: one `pg` client, the table xetrack would create, a priming row, then the timed work. */
function raw(work: (client: PgClient, table: string, rows: readonly BenchRow[]) => Promise<unknown>, rows: readonly BenchRow[]) {
  return () =>
    withSchema(async (schema): Promise<Timing> => {
      const { pg } = await load();
      const client = new pg.Client({ connectionString: SERVER });
      await client.connect();
      const table = `"${schema}"."default"`;
      try {
        const columns = COLUMNS.map(([name, type]) => `"${name}" ${type}`).join(', ');
        await client.query(`CREATE TABLE ${table} (track_id text COLLATE "C", timestamp text COLLATE "C", ${columns}, PRIMARY KEY (track_id, timestamp))`);
        await client.query({ text: `INSERT INTO ${table} (${QUOTED_NAMES}) VALUES (${NAMES.map((_, j) => `$${j + 1}`).join(', ')})`, values: values(benchRow(PRIME_INDEX), PRIME_INDEX) });
        return await timeMs(() => work(client, table, rows));
      } finally {
        await client.end();
      }
    });
}

/** Raw autocommit single-row INSERT, a named (prepared) statement, awaited one at a time. */
async function rawSingle(client: PgClient, table: string, rows: readonly BenchRow[]): Promise<void> {
  const text = `INSERT INTO ${table} (${QUOTED_NAMES}) VALUES (${NAMES.map((_, j) => `$${j + 1}`).join(', ')})`;
  for (let k = 0; k < rows.length; k++) await client.query({ name: 'raw_single', text, values: values(rows[k]!, FIRST_INDEX + k) });
}

/**
 * Raw multi-row INSERT: `VALUES ($1, ...), (...)` chunked under the 65,535-parameter limit, in one
 * transaction.
 */
async function rawMultiRow(client: PgClient, table: string, rows: readonly BenchRow[]): Promise<void> {
  const perStatement = Math.floor(65_535 / NAMES.length);
  await client.query('BEGIN');
  for (let start = 0; start < rows.length; start += perStatement) {
    const params: unknown[] = [];
    const tuples: string[] = [];
    const end = Math.min(rows.length, start + perStatement);
    for (let k = start; k < end; k++) {
      const base = params.length;
      params.push(...values(rows[k]!, FIRST_INDEX + k));
      tuples.push(`(${NAMES.map((_, j) => `$${base + j + 1}`).join(',')})`);
    }
    await client.query({ text: `INSERT INTO ${table} (${QUOTED_NAMES}) VALUES ${tuples.join(',')}`, values: params });
  }
  await client.query('COMMIT');
}

/**
 * Raw column arrays: one `INSERT ... SELECT * FROM unnest($1::text[], ...)` statement (atomic on
 * its own). Measured faster than multi-row INSERT on this server, so it is the baseline the
 * batch figures are judged against.
 */
async function rawUnnest(client: PgClient, table: string, rows: readonly BenchRow[]): Promise<void> {
  const arrays: unknown[][] = NAMES.map(() => new Array<unknown>(rows.length));
  for (let k = 0; k < rows.length; k++) {
    const v = values(rows[k]!, FIRST_INDEX + k);
    for (let j = 0; j < v.length; j++) arrays[j]![k] = v[j];
  }
  await client.query({ text: `INSERT INTO ${table} (${QUOTED_NAMES}) SELECT * FROM unnest(${TYPES.map((t, j) => `$${j + 1}::${t}[]`).join(', ')})`, values: arrays });
}

function writeSuite(spec: {
  name: string;
  title: string;
  baseline: string;
  target: number;
  size: { full: number; quick: number };
  ours: (tracker: Tracker<BenchRow>, rows: readonly BenchRow[]) => Promise<unknown>;
  raw: (client: PgClient, table: string, rows: readonly BenchRow[]) => Promise<unknown>;
}): Suite {
  return pairSuite({
    name: spec.name,
    title: spec.title,
    baseline: spec.baseline,
    unit: 'rows/s',
    target: { of: 'ratio', op: '>=', value: spec.target },
    size: spec.size,
    prepare(_options, size) {
      const rows = benchRows(size, FIRST_INDEX);
      return { ours: ours(spec.ours, rows), raw: raw(spec.raw, rows) };
    },
  });
}

/** The PostgreSQL write figures: await log() >= 0.8 of a raw prepared single-row INSERT, un-awaited log() >= 0.6, logBatch >= 0.7. */
export const postgresSuites: readonly Suite[] = [
  writeSuite({
    name: 'postgres.log-single',
    title: 'await log(row), one at a time',
    baseline: 'pg autocommit single-row INSERT (prepared)',
    target: 0.8,
    size: { full: 2_000, quick: 100 },
    ours: async (tracker, rows) => {
      for (const row of rows) await tracker.log(row);
    },
    raw: rawSingle,
  }),
  writeSuite({
    name: 'postgres.log-burst',
    title: 'log() x N un-awaited, then awaited (group commit)',
    baseline: 'pg one INSERT ... SELECT unnest(column arrays) of N',
    target: 0.6,
    size: { full: 10_000, quick: 1_000 },
    ours: (tracker, rows) => Promise.all(rows.map((row) => tracker.log(row))),
    raw: rawUnnest,
  }),
  writeSuite({
    name: 'postgres.log-batch',
    title: 'logBatch(rows)',
    baseline: 'pg one INSERT ... SELECT unnest(column arrays)',
    target: 0.7,
    size: { full: 100_000, quick: 5_000 },
    ours: (tracker, rows) => tracker.logBatch(rows),
    raw: rawUnnest,
  }),
  writeSuite({
    name: 'postgres.log-batch-vs-multirow',
    title: 'logBatch(rows)',
    baseline: 'pg multi-row INSERT, 4,681 rows per statement, one transaction',
    target: 0.7,
    size: { full: 100_000, quick: 5_000 },
    ours: (tracker, rows) => tracker.logBatch(rows),
    raw: rawMultiRow,
  }),
];
