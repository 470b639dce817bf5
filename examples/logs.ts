// examples/logs.ts
import { Reader, Tracker } from '@xetrack/core';

// Log only (no database): daily files in logs/ in the Python xetrack line format, plus JSONL.
const tracker = await Tracker.open('unused.db', { skipInsert: true, logsPath: 'logs', jsonl: 'logs/run.jsonl', params: { model: 'mlp' } });
tracker.logger?.experiment({ name: 'sweep', lr: [0.1, 0.01] }); // a multi-line EXPERIMENT entry
for (const lr of [0.1, 0.01]) await tracker.log({ lr, loss: 0.5 * lr }); // TRACKING entries
tracker.logger?.monitor([{ gpu_temp: 61 }, { gpu_temp: 63 }]); // MONITOR entries
await tracker.close();
for (const row of await Reader.readLogs('logs')) console.log(row.level, row.name ?? row.lr ?? row.gpu_temp);
console.log('jsonl rows:', (await Reader.readJsonl('logs/run.jsonl')).length);
