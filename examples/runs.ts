// examples/runs.ts
import { Reader, Tracker } from '@xetrack/core';

// declare `temperature` a float: `temperature: 0` would otherwise make an integer column
for (const [model, temperature, accuracies] of [['gpt', 0, [0.61, 0.7]], ['gpt', 0.7, [0.66, 0.74]], ['claude', 0, [0.8, 0.78]]] as const) {
  const run = await Tracker.open('runs-demo.db', { params: { model, temperature }, columns: { temperature: 'float' } });
  for (const [epoch, accuracy] of accuracies.entries()) await run.log({ epoch, accuracy, loss: 1 - accuracy });
  await run.close();
}
const reader = await Reader.open('runs-demo.db');
console.log(await reader.columnTypes()); // temperature: 'float'
// one line per run: its params and the last and best value of each metric, computed in the database
const runs = await reader.runs({ metrics: { accuracy: 'max', loss: 'min' } });
for (const run of runs) console.log(run.params, run.metrics.accuracy, run.rows);
const winner = runs.reduce((a, b) => (Number(b.metrics.accuracy?.best) > Number(a.metrics.accuracy?.best) ? b : a));
console.log('winner', winner.params);
await reader.close();
