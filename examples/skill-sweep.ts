// examples/skill-sweep.ts
import { Reader, Tracker } from '@xetrack/core';

// A parameter sweep: one run (its own track_id) per configuration, the configuration as params on every row.
function trainEpoch(lr: number, layers: number, epoch: number) {
  const progress = lr * layers * epoch; // stands for real training
  return { loss: 1 / (1 + progress), accuracy: 1 - 1 / (2 + progress) };
}
for (const lr of [1, 0.1, 0.01]) {
  for (const layers of [2, 4]) {
    // lr: 1 alone would make an integer column: declare it a float
    const tracker = await Tracker.open('sweep.db', { params: { lr, layers }, columns: { lr: 'float' } });
    for (let epoch = 1; epoch <= 3; epoch++) await tracker.log({ epoch, ...trainEpoch(lr, layers, epoch) });
    await tracker.close();
  }
}

const reader = await Reader.open('sweep.db');
// one line per run: its params and each metric's last and best value, computed in the database
const runs = await reader.runs({ metrics: { accuracy: 'max', loss: 'min' } });
const best = runs.reduce((a, b) => (Number(b.metrics.accuracy?.best) > Number(a.metrics.accuracy?.best) ? b : a));
console.log(runs.length, 'runs; best', best.params, 'accuracy', Number(best.metrics.accuracy?.best).toFixed(3));
const lastEpochs = await reader.toRows({ where: { epoch: 3, lr: { lt: 1 } }, orderBy: [['accuracy', 'desc']], columns: ['lr', 'layers', 'accuracy'] });
console.log(lastEpochs.map((r) => `lr ${r.lr} layers ${r.layers}: ${Number(r.accuracy).toFixed(3)}`).join('; '));
await reader.close();
