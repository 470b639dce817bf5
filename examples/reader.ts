// examples/reader.ts
import { Reader, Tracker } from '@xetrack/core';

for (const lr of [0.1, 0.01]) {
  const run = await Tracker.open('runs.db', { params: { lr } });
  await run.logBatch([{ epoch: 1, acc: 0.8 + lr }, { epoch: 2, acc: 0.85 + lr }]);
  await run.close();
}
const reader = await Reader.open('runs.db');
console.log(await reader.runs());                   // one summary per run
console.log((await reader.latest()).length);        // rows of the newest run
await reader.setWhere('best', true, 'acc', 0.95);   // mark rows (any run) where acc = 0.95
for await (const row of reader.iterate()) console.log(row.track_id, row.acc, row.best); // streamed
await reader.close();
