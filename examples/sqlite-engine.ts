// examples/sqlite-engine.ts
import { Tracker } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';

// An explicit engine: durable commits (synchronous=FULL) on a file in a new folder.
const engine = await sqliteEngine.create({ path: 'data/experiments.db', synchronous: 'full' });
const tracker = await Tracker.open('data/experiments.db', { engine, table: 'sweeps' });
await tracker.log({ lr: 0.1, accuracy: 0.9 });
console.log(await engine.tables(), await tracker.columnTypes());
await tracker.close();
await engine.close(); // the tracker closes only engines it created itself
