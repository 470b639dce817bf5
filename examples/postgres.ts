// examples/postgres.ts
import { Reader, Tracker } from '@xetrack/core';
import { postgresEngine } from '@xetrack/engine-postgres';

// Every machine runs this: all of them log into one PostgreSQL table, each run under its own track_id.
const url = process.env.XT_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/test';
const engine = await postgresEngine.create({ url, schema: 'team_example' });
const tracker = await Tracker.open(url, { engine, params: { model: 'mlp' } });
await tracker.logBatch([{ epoch: 1, loss: 0.9 }, { epoch: 2, loss: 0.4 }]);
await tracker.log({ epoch: 3, loss: 0.2, lr: 0.01 }); // a new key adds a column, even while others write
await tracker.close();
const reader = await Reader.open(url, { engine });
console.log((await reader.toRows({ trackId: tracker.trackId })).map((r) => [r.epoch, r.loss, r.lr]));
await reader.close();
await engine.close(); // the tracker closes only engines it created itself
