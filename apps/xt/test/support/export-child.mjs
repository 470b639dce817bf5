// A child process for the export memory test: `fill DB` writes 1,000,000 rows; `export DB OUT`
// exports them and prints the row count and the RSS growth during the export (sampled every 20 ms).
import { Reader, Tracker } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';

const [mode, db, out] = process.argv.slice(2);
if (mode === 'fill') {
  const tracker = await Tracker.open(db, { engine: sqliteEngine, warnings: false, trackId: 'big' });
  for (let chunk = 0; chunk < 10; chunk++) {
    await tracker.logBatch(Array.from({ length: 100_000 }, (_, i) => ({ i: chunk * 100_000 + i, f: i / 3, s: `row ${i} of chunk ${chunk}`, ok: i % 2 === 0 })));
  }
  await tracker.close();
} else {
  const reader = await Reader.open(db, { engine: sqliteEngine });
  // Loading DuckDB's native library is a fixed cost, not the export's: count from after it.
  if (out.endsWith('.parquet')) await import('@xetrack/engine-duckdb');
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const rows = await reader.exportTo(out);
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  await reader.close();
  process.stdout.write(JSON.stringify({ rows, growthMb: (peak - before) / 2 ** 20 }));
}
