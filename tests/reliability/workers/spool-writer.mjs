// Logs ROWS rows in spool mode (see test/spool.test.ts), then closes.
// Usage: node spool-writer.mjs SPOOL_DIR TRACK_ID ROWS SEED PHASES
// The rows are written in PHASES equal parts; before each part after the first the worker waits
// for a line "go" on stdin, so the test can interleave ingests with writing without timing anything.
// Rows go out one log() at a time, in un-awaited bursts of up to 20 (one fragment line per group
// commit), and in logBatch()es of 10; every 250th row of the first 1,000 adds a column of this run.
// Prints "ok SEQ" with one write(2) the moment a row's call has resolved (see crash-logger.mjs for
// why writeSync), "done" after close().
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { seededRandom, Tracker } from '@xetrack/core';

const [dir, trackId, rowsText, seedText, phasesText = '1'] = process.argv.slice(2);
const total = Number(rowsText);
const phaseRows = Math.ceil(total / Number(phasesText));
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const rand = seededRandom(Number(seedText));
const say = (line) => writeSync(1, `${line}\n`);

const tracker = await Tracker.open('unused.db', { spool: dir, trackId, warnings: false, params: { worker: trackId } });
say('ready');
const row = (seq) => {
  const data = { seq, half: seq / 2, text: `row-${seq}`, even: seq % 2 === 0 };
  if (seq % 250 === 0 && seq < 1000) data[`col_${trackId}_${seq}`] = seq;
  return data;
};
let seq = 0;
let phaseEnd = 0;
while (seq < total) {
  if (seq >= phaseEnd) {
    if (phaseEnd > 0) await lines.next(); // "go"
    phaseEnd = Math.min(total, phaseEnd + phaseRows);
    say(`phase ${seq}`);
  }
  const pick = rand();
  if (pick < 0.4) {
    const mine = seq++;
    await tracker.log(row(mine));
    say(`ok ${mine}`);
  } else if (pick < 0.8) {
    const pending = [];
    for (let k = 1 + Math.floor(rand() * 20); k > 0 && seq < phaseEnd; k--) {
      const mine = seq++;
      pending.push(tracker.log(row(mine)).then(() => say(`ok ${mine}`)));
    }
    await Promise.all(pending);
  } else {
    const first = seq;
    const rows = [];
    while (rows.length < 10 && seq < phaseEnd) rows.push(row(seq++));
    await tracker.logBatch(rows);
    for (let s = first; s < seq; s++) say(`ok ${s}`);
  }
}
await tracker.close();
say('done');
process.exit(0); // stdin stays open
