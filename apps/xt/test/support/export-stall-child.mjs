// A child process for the atomic-export test: `node export-stall-child.mjs DB OUT READY` exports DB's
// rows to OUT through a Reader whose engine hands over 500 rows, writes the file READY once the
// export's temporary file or staging folder exists, and then never gives the next row, so the parent can SIGKILL this process mid-export at a known point.
import { readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Reader } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';

const [db, out, ready] = process.argv.slice(2);
const inner = await sqliteEngine.create({ path: db, readonly: true });
async function* iterate(table, options) {
  let n = 0;
  for await (const row of inner.iterate(table, options)) {
    yield row;
    if (++n === 500) {
      // half-way: once the export's temporary file (CSV, JSONL: its stream opens it asynchronously)
      // or staging folder (Parquet: the file is written at the end) is there, say so
      const [dir, prefix] = out.endsWith('.parquet') ? [tmpdir(), `xt-parquet-${process.pid}-`] : [path.dirname(out), `.${path.basename(out)}.xt-export-${process.pid}-`];
      while (!readdirSync(dir).some((name) => name.startsWith(prefix))) await sleep(10);
      writeFileSync(ready, String(process.pid));
      setInterval(() => {}, 1 << 30); // keeps the process alive (a pending await alone would end it, code 13)
      await new Promise(() => {}); // the parent kills this process here
    }
  }
}
// the engine with its iterate() replaced (its methods bound: they use private fields)
const stalling = new Proxy(inner, {
  get: (target, key) => (key === 'iterate' ? iterate : typeof target[key] === 'function' ? target[key].bind(target) : target[key]),
});
const reader = await Reader.open(db, { engine: stalling });
if (out.endsWith('.parquet')) await import('@xetrack/engine-duckdb');
await reader.exportTo(out);
