// One of several processes logging assets into one SQLite file and its asset store (see test/cache-assets.test.ts).
// Usage: node assets-worker.mjs DB ID ROWS GO_FILE
// Prints "ready", waits for GO_FILE, then logs ROWS rows through Tracker.open(DB, { assets: true })
// (the default @xetrack/assets store in the same file): `own` a tensor only this row has, `shared`
// one every process logs (stored once), `bytes` raw bytes. Prints { id, rows, errors }.
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Tracker } from '@xetrack/core';

const [db, idText, rowsText, goFile] = process.argv.slice(2);
const id = Number(idText);
const rows = Number(rowsText);
process.stdout.write('ready\n');
while (!existsSync(goFile)) await sleep(2);

const errors = [];
let logged = 0;
const tracker = await Tracker.open(db, { trackId: `proc-${id}`, assets: true, warnings: false });
for (let i = 0; i < rows; i++) {
  try {
    await tracker.log({
      i,
      own: new Float32Array([id, i, id * 1000 + i]),
      shared: new Float64Array([1, 2, 3]),
      bytes: new Uint8Array([id, i % 256, 7]),
    });
    logged++;
  } catch (error) {
    errors.push(`row ${i}: ${error.code ?? ''} ${error.message}`);
  }
}
await tracker.close();
process.stdout.write(`${JSON.stringify({ id, rows: logged, errors: errors.slice(0, 20), errorCount: errors.length })}\n`);
