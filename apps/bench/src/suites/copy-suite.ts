import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { CopyChildResult } from '../copy-child.js';
import { interleave, makeFigure, median, rowsPerSecond } from '../measure.js';
import { RawSqlite } from '../raw-sqlite.js';
import { removeDatabase, scratchPath } from '../scratch.js';
import type { BenchOptions, Figure, Suite } from '../suite.js';
import { withSchema } from './postgres.js';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('../copy-child.ts', import.meta.url));

/** Runs one copy in a fresh child process (tsx's loader resolved from here) and checks its row count. */
async function copyInChild(side: 'ours' | 'raw', target: 'duckdb' | 'postgres', source: string, into: string, expected: number): Promise<CopyChildResult> {
  const loader = import.meta.resolve('tsx');
  const { stdout } = await run(process.execPath, ['--import', loader, CHILD, side, target, source, into], { maxBuffer: 1 << 20 });
  const result = JSON.parse(stdout.trim().split('\n').pop() ?? '') as CopyChildResult;
  if (result.rows !== expected) throw new Error(`copy to ${target}: ${side} copied ${result.rows} rows, expected ${expected}`);
  return result;
}

/**
 * `copy()` of a 1,000,000-row SQLite table (12 data columns, 100 runs) into a new DuckDB file and
 * into a new PostgreSQL schema, each copy in a fresh child process: rows/s against the raw drivers
 * doing the same job (better-sqlite3's cursor into DuckDB's appender, or into `pg` column-array
 * INSERTs of 5,000 rows in one transaction), and the RSS growth of ours. Targets: at least half the
 * raw rate (copy also checks each batch against the target's existing rows, so a second copy adds
 * nothing), and under 200 MB of RSS growth. The JSON's `cpu` is rows per CPU-second of each child
 * (all its threads; the PostgreSQL server's work is on neither side's account).
 */
function copySuite(target: 'duckdb' | 'postgres'): Suite {
  const name = `copy.sqlite-to-${target}`;
  return {
    name,
    async run(options: BenchOptions): Promise<Figure[]> {
      const size = options.quick ? 20_000 : 1_000_000;
      const rounds = Math.min(options.rounds, 3);
      const source = scratchPath(options.tmpDir, 'copy-source');
      options.log(`${name}: building ${size.toLocaleString('en-US')} rows, then ${rounds} rounds, each side in a fresh child process`);
      const raw = RawSqlite.open(source);
      raw.fill(size, 100);
      raw.close();
      const results: { ours: CopyChildResult[]; raw: CopyChildResult[] } = { ours: [], raw: [] };
      const measure = (side: 'ours' | 'raw') => async () => {
        let result: CopyChildResult;
        if (target === 'duckdb') {
          const into = scratchPath(options.tmpDir, `copy-${side}`, 'duckdb');
          try {
            result = await copyInChild(side, target, source, into, size);
          } finally {
            removeDatabase(into);
          }
        } else {
          result = await withSchema((schema) => copyInChild(side, target, source, schema, size));
        }
        results[side].push(result);
        return { ms: result.ms, cpuMs: result.cpuMs };
      };
      try {
        const ms = await interleave(rounds, measure('ours'), measure('raw'), { warmup: false });
        const perSecond = (times: number[]) => times.map((m) => rowsPerSecond(size, m));
        const rate = { ours: perSecond(ms.ours), raw: perSecond(ms.raw), ...(ms.cpu ? { cpu: { ours: perSecond(ms.cpu.ours), raw: perSecond(ms.cpu.raw) } } : {}) };
        const growth = { ours: results.ours.map((r) => r.growthMb), raw: results.raw.map((r) => r.growthMb) };
        const baseline = target === 'duckdb' ? "better-sqlite3 cursor into DuckDB's appender" : 'better-sqlite3 cursor into pg unnest INSERTs of 5,000 rows, one transaction';
        return [
          makeFigure({
            name,
            title: `copy() SQLite to ${target === 'duckdb' ? 'DuckDB' : 'PostgreSQL'}`,
            unit: 'rows/s',
            size,
            baseline,
            target: { of: 'ratio', op: '>=', value: 0.5 },
            samples: rate,
          }),
          makeFigure({
            name: `${name}-memory`,
            title: `copy() SQLite to ${target === 'duckdb' ? 'DuckDB' : 'PostgreSQL'}: RSS growth`,
            unit: 'MB',
            size,
            baseline,
            target: { of: 'ours', op: '<', value: 200 },
            samples: growth,
            extra: { rawMedianMb: Math.round(median(growth.raw)) },
          }),
        ];
      } finally {
        removeDatabase(source);
      }
    },
  };
}

export const copySuites: readonly Suite[] = [copySuite('duckdb'), copySuite('postgres')];
