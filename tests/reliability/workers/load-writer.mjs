// One of several processes logging into one SQLite file at once (see test/load.test.ts).
// Usage: node load-writer.mjs FILE ID COUNT GO_FILE SEED
// Prints "ready", waits until GO_FILE exists (so every writer starts together), then logs COUNT
// rows through a Tracker opened the way a user would (the default SQLite engine, loaded lazily):
// bursts of 1-16 un-awaited log() calls (group commit) awaited together. Every row carries `seq`
// (0..COUNT-1) and `own_ID`; every 500th row adds a column of this writer's own (`own_ID_k`), every
// 1000th a column every writer adds at about the same time (`shared_k`).
// Prints one JSON line: { id, rows, errors, ms }.
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Tracker } from '@xetrack/core';

const [file, idText, countText, goFile, seedText, mode = 'burst'] = process.argv.slice(2);
const id = Number(idText);
const count = Number(countText);
let state = (Number(seedText) + id * 7919) >>> 0;
const rand = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = Math.imul(state ^ (state >>> 15), state | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

process.stdout.write('ready\n');
while (!existsSync(goFile)) await sleep(2);

const errors = [];
let rows = 0;
const started = performance.now();
const tracker = await Tracker.open(file, { trackId: `writer-${id}`, params: { writer: id }, warnings: false });
let seq = 0;
while (seq < count) {
  const burst = mode === 'awaited' ? 1 : 1 + Math.floor(rand() * 16);
  const pending = [];
  for (let k = 0; k < burst && seq < count; k++, seq++) {
    const row = { seq, value: seq / 4, [`own_${id}`]: `w${id}-${seq}` };
    if (seq % 500 === 0) row[`own_${id}_${seq / 500}`] = seq;
    if (seq % 1000 === 0) row[`shared_${seq / 1000}`] = id;
    pending.push(
      tracker.log(row).then(
        () => rows++,
        (error) => errors.push(`seq ${row.seq}: ${error.code ?? ''} ${error.message}`),
      ),
    );
  }
  await Promise.all(pending);
}
await tracker.close();
process.stdout.write(`${JSON.stringify({ id, rows, errors: errors.slice(0, 20), errorCount: errors.length, ms: performance.now() - started })}\n`);
