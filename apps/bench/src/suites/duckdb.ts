import { DuckDBInstance, type DuckDBAppender } from '@duckdb/node-api';
import { Tracker } from '@xetrack/core';
import { duckdbEngine } from '@xetrack/engine-duckdb';
import { BENCH_COLUMNS, benchRows, type BenchRow } from '../bench-rows.js';
import { pairSuite } from '../pair-suite.js';
import { removeDatabase, scratchPath } from '../scratch.js';
import type { Suite } from '../suite.js';
import { BENCH_TRACK_ID } from '../workloads.js';

/** DuckDB's types for the bench columns, as the engine declares them (so both tables match). */
const DUCK_TYPES: Record<string, string> = { INTEGER: 'BIGINT', REAL: 'DOUBLE', TEXT: 'VARCHAR', BOOLEAN: 'BOOLEAN' };
const DDL = `CREATE TABLE "default" (track_id VARCHAR, timestamp VARCHAR, ${BENCH_COLUMNS.map(([name, type]) => `"${name}" ${DUCK_TYPES[type]}`).join(', ')}, PRIMARY KEY (track_id, timestamp))`;
const OPEN = { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' };

function stamp(i: number): string {
  return `2024-01-01 00:00:00.${String(i).padStart(7, '0')}`;
}

/** Appends one bench row with the appender's typed calls: the fastest raw path node-api offers. */
function appendRow(a: DuckDBAppender, row: BenchRow, i: number): void {
  a.appendVarchar(BENCH_TRACK_ID);
  a.appendVarchar(stamp(i));
  a.appendBigInt(BigInt(row.epoch));
  a.appendBigInt(BigInt(row.step));
  a.appendBigInt(BigInt(row.batch));
  a.appendBigInt(BigInt(row.seed));
  a.appendDouble(row.loss);
  a.appendDouble(row.accuracy);
  a.appendDouble(row.lr);
  a.appendDouble(row.f1);
  a.appendVarchar(row.model);
  a.appendVarchar(row.split);
  a.appendVarchar(row.note);
  a.appendBoolean(row.ok);
  a.endRow();
}

async function rawTable(path: string) {
  const instance = await DuckDBInstance.create(path, OPEN);
  const connection = await instance.connect();
  await connection.run(DDL);
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
      removeDatabase(path);
    },
  };
}

/** A Tracker on a fresh DuckDB file with its columns created by one untimed row. */
async function tracker(path: string) {
  const t = await Tracker.open(path, { engine: duckdbEngine, warnings: false, trackId: BENCH_TRACK_ID });
  await t.log(benchRows(1)[0]!);
  return {
    t,
    async close() {
      await t.close();
      removeDatabase(path);
    },
  };
}

/**
 * DuckDB figures (issue: engine-duckdb): `logBatch` of 100,000 rows against node-api's appender in
 * one transaction (target ≥ 70%), and awaited single `log()` against a raw prepared single-row
 * INSERT (reported; DuckDB's per-statement cost dominates both).
 */
export const duckdbSuites: readonly Suite[] = [
  pairSuite({
    name: 'duckdb.log-batch',
    title: 'logBatch(rows) into a .duckdb file',
    baseline: '@duckdb/node-api appender in one transaction',
    unit: 'rows/s',
    target: { of: 'ratio', op: '>=', value: 0.7 },
    size: { full: 100_000, quick: 5_000 },
    prepare(options, size) {
      const rows = benchRows(size, 1);
      return {
        ours: async () => {
          const opened = await tracker(scratchPath(options.tmpDir, 'duck-batch', 'duckdb'));
          try {
            const start = performance.now();
            await opened.t.logBatch(rows);
            return performance.now() - start;
          } finally {
            await opened.close();
          }
        },
        raw: async () => {
          const raw = await rawTable(scratchPath(options.tmpDir, 'duck-raw-batch', 'duckdb'));
          try {
            const start = performance.now();
            await raw.connection.run('BEGIN TRANSACTION');
            const appender = await raw.connection.createAppender('default');
            rows.forEach((row, i) => appendRow(appender, row, i));
            appender.closeSync();
            await raw.connection.run('COMMIT');
            return performance.now() - start;
          } finally {
            raw.close();
          }
        },
      };
    },
  }),
  pairSuite({
    name: 'duckdb.log-single',
    title: 'await log(row), one at a time, into a .duckdb file',
    baseline: '@duckdb/node-api prepared single-row INSERT',
    unit: 'rows/s',
    target: { of: 'ratio', op: '>=', value: 0.7 },
    size: { full: 1_000, quick: 100 },
    prepare(options, size) {
      const rows = benchRows(size, 1);
      return {
        ours: async () => {
          const opened = await tracker(scratchPath(options.tmpDir, 'duck-single', 'duckdb'));
          try {
            const start = performance.now();
            for (const row of rows) await opened.t.log(row);
            return performance.now() - start;
          } finally {
            await opened.close();
          }
        },
        raw: async () => {
          const raw = await rawTable(scratchPath(options.tmpDir, 'duck-raw-single', 'duckdb'));
          try {
            const insert = await raw.connection.prepare(`INSERT INTO "default" VALUES (${Array.from({ length: 14 }, (_, i) => `$${i + 1}`).join(', ')})`);
            const start = performance.now();
            for (let i = 0; i < rows.length; i++) {
              const row = rows[i]!;
              insert.bindVarchar(1, 'raw');
              insert.bindVarchar(2, stamp(i));
              insert.bindBigInt(3, BigInt(row.epoch));
              insert.bindBigInt(4, BigInt(row.step));
              insert.bindBigInt(5, BigInt(row.batch));
              insert.bindBigInt(6, BigInt(row.seed));
              insert.bindDouble(7, row.loss);
              insert.bindDouble(8, row.accuracy);
              insert.bindDouble(9, row.lr);
              insert.bindDouble(10, row.f1);
              insert.bindVarchar(11, row.model);
              insert.bindVarchar(12, row.split);
              insert.bindVarchar(13, row.note);
              insert.bindBoolean(14, row.ok);
              await insert.run();
            }
            return performance.now() - start;
          } finally {
            raw.close();
          }
        },
      };
    },
  }),
];
