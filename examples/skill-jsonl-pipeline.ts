// examples/skill-jsonl-pipeline.ts
import { Reader, Tracker } from '@xetrack/core';

// A data pipeline: one row per processed batch in the database, and the same entries in a JSONL
// file (one JSON object a line) for log shippers, `jq` or a later Reader.readJsonl.
const tracker = await Tracker.open('pipeline.db', { table: 'batches', jsonl: 'pipeline.jsonl', params: { pipeline: 'clean-v2' } });
for (const { batch, records } of [{ batch: 1, records: 500 }, { batch: 2, records: 480 }, { batch: 3, records: 0 }]) {
  await tracker.log({ stage: 'clean', batch, records, empty: records === 0 });
}
await tracker.close();

const entries = await Reader.readJsonl('pipeline.jsonl'); // { timestamp (ISO, when written), level, ...row }
console.log(entries.map((e) => `${e.level} ${e.pipeline} batch ${e.batch}: ${e.records}`).join('\n'));
const reader = await Reader.open('pipeline.db', { table: 'batches' });
console.log('empty batches:', await reader.count({ where: { empty: true } }));
await reader.close();
