// examples/spool.ts
import { ingest, Reader, Tracker } from '@xetrack/core';

// Each worker (a process on any node of the cluster) appends rows to its own file in the spool.
for (const worker of [0, 1, 2]) {
  const tracker = await Tracker.open('results.db', { spool: 'spool', params: { worker } });
  await tracker.logBatch([{ step: 1, loss: 0.9 - worker / 10 }, { step: 2, loss: 0.5 - worker / 10 }]);
  await tracker.close();
}
// One process loads the spool into the database: as often as you like, also while workers write.
const first = await ingest('spool', 'results.db');
const again = await ingest('spool', 'results.db', { remove: true }); // nothing twice; finished files deleted
console.log('ingested', first.rows, 'then', again.rows, 'removed', again.removed);
const reader = await Reader.open('results.db');
console.log((await reader.toRows()).map((r) => `worker ${r.worker} step ${r.step}`).join(', '));
await reader.close();
