// examples/quickstart.ts
import { Reader, Tracker } from '@xetrack/core';

const tracker = await Tracker.open('quickstart.db', { params: { model: 'mlp', lr: 0.01 } });
for (let epoch = 1; epoch <= 3; epoch++) await tracker.log({ epoch, loss: 1 / epoch });
const score = await tracker.track((x: number) => x * 0.3, { args: [3], name: 'score' });
console.log('score', score, 'rows in this run', await tracker.countRun());
await tracker.close();

const reader = await Reader.open('quickstart.db');
console.table(await reader.toRows({ tail: 2 }));
await reader.close();
