import { copyFileSync } from 'node:fs';
import { pairSuite } from '../pair-suite.js';
import { removeDatabase, scratchPath } from '../scratch.js';
import type { BenchOptions, Suite } from '../suite.js';
import { buildPrefilled, copyWidened, oursWideWrite, rawWideWrite, wideRows, type WideKind } from '../wide-rows.js';

/** Rows already in the table before the timed writes: the small and the large table (`--quick`: smaller). */
const TABLE_ROWS = { '10k': { full: 10_000, quick: 2_000 }, '1m': { full: 1_000_000, quick: 20_000 } } as const;
type TableSize = keyof typeof TABLE_ROWS;

/** Timed rows per measurement by width: about a third of a second per side at full size. */
const TIMED_ROWS: Readonly<Record<number, number>> = { 50: 4_000, 100: 3_000, 200: 1_500, 500: 600 };

/** The pre-filled files of this run, by table rows and width, built once each (the 1,000,000-row one takes seconds). */
const prefilled = new Map<string, string>();

function prefilledFile(options: BenchOptions, size: TableSize, width: number): string {
  const rows = options.quick ? TABLE_ROWS[size].quick : TABLE_ROWS[size].full;
  const cached = (key: string, build: () => string) => {
    let path = prefilled.get(`${options.tmpDir}\0${key}`);
    if (path === undefined) prefilled.set(`${options.tmpDir}\0${key}`, (path = build()));
    return path;
  };
  const base = cached(`${rows}`, () => {
    options.log(`wide rows: pre-filling a table of ${rows.toLocaleString('en-US')} rows`);
    return buildPrefilled(options.tmpDir, rows);
  });
  return cached(`${rows}\0${width}`, () => {
    const path = scratchPath(options.tmpDir, `wide-prefilled-${rows}-w${width}`);
    copyWidened(base, path, width);
    return path;
  });
}

/**
 * One wide-row figure: `await log()` per row (against raw autocommit) or `logBatch` (against one
 * raw transaction), rows of `width` columns, into a table already holding 10,000 or 1,000,000 rows.
 * Each measurement writes into its own copy of the pre-filled file. µs per row, target within 1.3x.
 */
function wideSuite(kind: WideKind, width: number, size: TableSize): Suite {
  const what = kind === 'log' ? 'await log(row), one at a time' : 'logBatch(rows), per row';
  return pairSuite({
    name: `sqlite.${kind}-w${width}-${size}`,
    title: `${what}: ${width} columns, into ${TABLE_ROWS[size].full.toLocaleString('en-US')} rows`,
    baseline: kind === 'log' ? 'better-sqlite3 autocommit INSERT, same width' : 'better-sqlite3 one-transaction INSERT, same width',
    unit: 'µs/call',
    target: { of: 'ratio', op: '<=', value: 1.3 },
    size: { full: TIMED_ROWS[width]!, quick: 50 },
    prepare(options, count) {
      const source = prefilledFile(options, size, width);
      // one extra row: the untimed priming row each side writes first
      const rows = wideRows(width, count + 1, 0);
      const measure = (write: (path: string) => ReturnType<typeof rawWideWrite>, label: string) => async () => {
        const path = scratchPath(options.tmpDir, `${label}-w${width}-${size}`);
        try {
          copyFileSync(source, path);
          return await write(path);
        } finally {
          removeDatabase(path);
        }
      };
      return {
        ours: measure((path) => oursWideWrite(path, kind, rows), 'ours'),
        raw: measure((path) => rawWideWrite(path, kind, width, rows), 'raw'),
      };
    },
  });
}

/**
 * The cost of a row as it gets wider (50 to 500 columns) and as the table grows (10,000 to
 * 1,000,000 rows), each beside raw better-sqlite3 at the same width.
 */
export const wideWriteSuites: readonly Suite[] = (['log', 'batch'] as const).flatMap((kind) => [
  ...[50, 100, 200, 500].map((width) => wideSuite(kind, width, '10k')),
  ...[50, 200, 500].map((width) => wideSuite(kind, width, '1m')),
]);
