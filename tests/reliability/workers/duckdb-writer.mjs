// A process that writes a DuckDB file through a Tracker (see test/duckdb.test.ts).
// Usage: node duckdb-writer.mjs FILE TRACK_ID ROWS [hold]
// Opens the file the way a user would (Tracker.open on a .duckdb path loads @xetrack/engine-duckdb),
// logs ROWS rows and prints "logged N". With `hold`, it then keeps the file open until a line
// arrives on stdin, logs ROWS more rows, and closes. Any failure is printed as one JSON line
// { error: { code, message } } and the process exits 3.
import { createInterface } from 'node:readline';
import { Tracker } from '@xetrack/core';

const [file, trackId, rowsText, hold] = process.argv.slice(2);
const rows = Number(rowsText);
const say = (line) => process.stdout.write(`${line}\n`);
try {
  const tracker = await Tracker.open(file, { trackId, warnings: false });
  for (let i = 0; i < rows; i++) await tracker.log({ seq: i, writer: trackId });
  say(`logged ${rows}`);
  if (hold === 'hold') {
    const lines = createInterface({ input: process.stdin });
    await new Promise((resolve) => lines.once('line', resolve));
    lines.close();
    await tracker.logBatch(Array.from({ length: rows }, (_, i) => ({ seq: rows + i, writer: trackId })));
    say(`logged ${2 * rows}`);
  }
  await tracker.close();
  say('closed');
} catch (error) {
  say(JSON.stringify({ error: { code: error?.code ?? null, message: String(error?.message ?? error) } }));
  process.exitCode = 3;
}
