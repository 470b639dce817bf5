/**
 * Child process of the streaming-memory figure: walks every row of a database, ours
 * (`reader.iterate()`) or raw (better-sqlite3's `.iterate()`), sampling RSS as it goes, and prints
 * one JSON line. A fresh process per measurement, so no earlier suite's heap is counted.
 *
 * Usage: iterate-child.ts <ours|raw> <path> <sampleEvery>
 */
import { openReader } from './core-sqlite.js';
import { collectGarbage, rssMb } from './measure.js';
import { RawSqlite } from './raw-sqlite.js';

/** What the child reports. */
export interface IterateResult {
  rows: number;
  baseMb: number;
  peakMb: number;
  growthMb: number;
  ms: number;
}

async function main(): Promise<void> {
  const [side, path, every = '10000'] = process.argv.slice(2);
  if ((side !== 'ours' && side !== 'raw') || !path) throw new Error('usage: iterate-child.ts <ours|raw> <path> [sampleEvery]');
  const sampleEvery = Number(every);
  let rows = 0;
  let peak = 0;
  let base = 0;
  let start = 0;
  const sample = () => {
    const now = rssMb();
    if (now > peak) peak = now;
  };
  const begin = () => {
    collectGarbage();
    base = peak = rssMb();
    start = performance.now();
  };
  if (side === 'ours') {
    const { reader, close } = await openReader(path);
    begin();
    for await (const row of reader.iterate()) {
      if (row.track_id === undefined) throw new Error('row without track_id');
      if (++rows % sampleEvery === 0) sample();
    }
    sample();
    await close();
  } else {
    const raw = RawSqlite.open(path);
    begin();
    for (const row of raw.iterateAll()) {
      if ((row as { track_id?: unknown }).track_id === undefined) throw new Error('row without track_id');
      if (++rows % sampleEvery === 0) sample();
    }
    sample();
    raw.close();
  }
  const result: IterateResult = { rows, baseMb: base, peakMb: peak, growthMb: peak - base, ms: performance.now() - start };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
