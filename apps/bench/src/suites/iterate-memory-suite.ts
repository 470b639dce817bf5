import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { IterateResult } from '../iterate-child.js';
import { interleave, makeFigure, median, rowsPerSecond } from '../measure.js';
import { RawSqlite } from '../raw-sqlite.js';
import { removeDatabase, scratchPath } from '../scratch.js';
import type { Suite } from '../suite.js';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('../iterate-child.ts', import.meta.url));

/** Runs the child with tsx's loader (resolved from here, so no PATH lookup), returns its report. */
async function iterateInChild(side: 'ours' | 'raw', path: string, expected: number): Promise<IterateResult> {
  const loader = import.meta.resolve('tsx');
  const { stdout } = await run(process.execPath, ['--import', loader, CHILD, side, path, '10000'], { maxBuffer: 1 << 20 });
  const result = JSON.parse(stdout.trim().split('\n').pop() ?? '') as IterateResult;
  if (result.rows !== expected) throw new Error(`sqlite.iterate-memory: ${side} read ${result.rows} rows, expected ${expected}`);
  return result;
}

/**
 * Memory of streaming a large table: RSS growth while `reader.iterate()` walks every row (ten
 * runs, timestamp order), each measurement in a fresh child process, against better-sqlite3's own
 * cursor (`.iterate()`) over the same query. The target is absolute: ours grows < 100 MB.
 */
export const iterateMemorySuite: Suite = {
  name: 'sqlite.iterate-memory',
  async run(options) {
    const size = options.quick ? 20_000 : 1_000_000;
    const rounds = Math.min(options.rounds, 3);
    const path = scratchPath(options.tmpDir, 'iterate-memory');
    options.log(`sqlite.iterate-memory: building ${size.toLocaleString('en-US')} rows`);
    const raw = RawSqlite.open(path);
    raw.fill(size, 10);
    raw.close();
    options.log(`sqlite.iterate-memory: ${rounds} rounds, each side in a fresh child process`);
    const results: { ours: IterateResult[]; raw: IterateResult[] } = { ours: [], raw: [] };
    const measure = (side: 'ours' | 'raw') => async () => {
      const result = await iterateInChild(side, path, size);
      results[side].push(result);
      return result.growthMb;
    };
    try {
      const samples = await interleave(rounds, measure('ours'), measure('raw'), { warmup: false });
      const rate = (side: 'ours' | 'raw') => Math.round(median(results[side].map((r) => rowsPerSecond(r.rows, r.ms))));
      return [
        makeFigure({
          name: 'sqlite.iterate-memory',
          title: 'reader.iterate() over every row: RSS growth',
          unit: 'MB',
          size,
          baseline: 'better-sqlite3 .iterate() of the same query',
          target: { of: 'ours', op: '<', value: 100 },
          samples,
          extra: { oursRowsPerSecond: rate('ours'), rawRowsPerSecond: rate('raw'), oursBaseMb: Math.round(median(results.ours.map((r) => r.baseMb))) },
        }),
      ];
    } finally {
      removeDatabase(path);
    }
  },
};
