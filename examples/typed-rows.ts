// examples/typed-rows.ts
import { Tracker } from '@xetrack/core';

interface Epoch { epoch: number; accuracy: number; model: string }
const tracker = await Tracker.open<Epoch>('typed.db', { params: { model: 'cnn' } });
await tracker.log({ epoch: 1, accuracy: 0.91 }); // keys and value types are checked
// await tracker.log({ epoch: 'one' });           // a compile error: epoch is a number
const rows = await tracker.toRows(); // Array<{ epoch: number | null; ... } & { track_id; timestamp }>
console.log(rows[0]?.accuracy?.toFixed(2), rows[0]?.track_id);
await tracker.close();
