// examples/merge-stores.ts
import { merge, Reader, Tracker } from '@xetrack/core';

// Two machines logged offline, each into its own file; later the files meet in one store.
for (const machine of ['laptop', 'gpu-box']) {
  const tracker = await Tracker.open(`${machine}.db`, { trackId: `${machine}-run`, params: { machine } });
  await tracker.logBatch([{ epoch: 1, loss: 0.9 }, { epoch: 2, loss: machine === 'laptop' ? 0.5 : 0.4 }]);
  await tracker.close();
}
const first = await merge('team.db', ['laptop.db', 'gpu-box.db'], { provenance: true });
const again = await merge('team.db', ['laptop.db', 'gpu-box.db']); // idempotent: nothing new
console.log('merged', first.copied, 'then', again.copied, 'conflicts', again.conflicts);
const reader = await Reader.open('team.db');
console.log((await reader.toRows()).map((r) => `${r.track_id} epoch ${r.epoch} from ${r.source_store}`));
await reader.close();
