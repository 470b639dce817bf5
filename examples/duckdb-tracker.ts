// examples/duckdb-tracker.ts
import { Reader, Tracker } from '@xetrack/core';
import { duckdbEngine } from '@xetrack/engine-duckdb';

const file = 'runs.duckdb';
const tracker = await Tracker.open(file, { engine: duckdbEngine, params: { model: 'mlp' } });
await tracker.log({ epoch: 1, accuracy: 0.91 });
await tracker.log({ epoch: 2, accuracy: 0.94 });
await tracker.close();

const reader = await Reader.open(file, { engine: duckdbEngine });
console.log((await reader.toRows()).map((row) => [row.model, row.epoch, row.accuracy]));
await reader.close();
