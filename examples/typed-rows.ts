// examples/typed-rows.ts
import { Tracker } from '@xetrack/core';

const untyped = await Tracker.open('typed.db');
const row = await untyped.log({ loss: 0.5, model: 'mlp' }); // typed with the keys given
console.log(row.loss + 1, row.model.toUpperCase(), row.track_id === untyped.trackId);
// await untyped.log(new Map([['loss', 0.5]]));    // a compile error: a row is a plain object
await untyped.close();

interface Epoch { epoch: number; accuracy: number; model: string }
const tracker = await Tracker.open<Epoch>('typed.db', { params: { model: 'cnn' } });
await tracker.log({ epoch: 1, accuracy: 0.91 }); // keys and value types are checked
// await tracker.log({ epoch: 'one' });           // a compile error: epoch is a number
const rows = await tracker.toRows(); // Array<{ epoch: number | null; ... } & { track_id; timestamp; function_name?; ... }>
console.log(rows[0]?.accuracy?.toFixed(2), rows[0]?.track_id);
await tracker.close();
