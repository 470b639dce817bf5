// Logs in a loop until it is killed (see test/crash.test.ts).
// Usage: node crash-logger.mjs FILE TRACK_ID MODE SEED [SYNCHRONOUS]
//   MODE log:   log() forever, one row at a time or in un-awaited bursts (group commit); every 200th
//               row of the first 1,000 adds a column of this run (5 per run: 200 runs stay well under
//               SQLite's 2,000 columns). Prints "ok SEQ" the moment each row's log() has resolved.
//   MODE batch: logBatch() of 25 rows forever, every 7th of the first 28 batches adding a column. Prints
//               "begin N" before batch N is handed over and "resolved N" once it has resolved.
// Prints "ready" once the tracker is open. Each row's values are derived from its seq, so a torn
// row would show.
//
// Lines go out with fs.writeSync(1, ...), one write(2) each, never through process.stdout: Node
// writes process.stdout asynchronously when it is a pipe (measured here: 5,000 short lines written,
// 37 KB still queued inside the process), so a SIGKILL would drop lines already "written" and the
// test would check fewer rows than were reported. A line writeSync has returned from is in the
// kernel and reaches the parent whatever happens to this process next.
import { writeSync } from 'node:fs';
import { Tracker } from '@xetrack/core';

const [file, trackId, mode, seedText, synchronous = 'normal'] = process.argv.slice(2);
let state = Number(seedText) >>> 0;
const rand = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = Math.imul(state ^ (state >>> 15), state | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const say = (line) => writeSync(1, `${line}\n`);
const BATCH_SIZE = 25;

const tracker = await Tracker.open(file, { trackId, warnings: false, engineOptions: { synchronous } });
say('ready');

/** The row for `seq`: every value follows from seq, so the parent can check a row is whole. */
function row(seq) {
  const data = { seq, half: seq / 2, text: `row-${seq}-${'x'.repeat(seq % 50)}`, even: seq % 2 === 0 };
  if (seq % 200 === 0 && seq < 1000) data[`col_${trackId.replace(/\W/g, '_')}_${seq}`] = seq;
  return data;
}

let seq = 0;
if (mode === 'log') {
  for (;;) {
    const burst = rand() < 0.5 ? 1 : 1 + Math.floor(rand() * 20);
    const pending = [];
    for (let k = 0; k < burst; k++) {
      const mine = seq++;
      pending.push(tracker.log(row(mine)).then(() => say(`ok ${mine}`)));
    }
    await Promise.all(pending);
  }
} else if (mode === 'batch') {
  for (let batch = 0; ; batch++) {
    const rows = Array.from({ length: BATCH_SIZE }, (_, i) => ({ ...row(seq++), batch, slot: i }));
    if (batch % 7 === 0 && batch < 28) rows[BATCH_SIZE - 1][`batch_col_${batch}`] = batch;
    say(`begin ${batch}`);
    await tracker.logBatch(rows);
    say(`resolved ${batch}`);
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}
