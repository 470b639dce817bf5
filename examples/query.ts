// examples/query.ts
import { Reader, Tracker } from '@xetrack/core';

// a sweep: one run per (model, temperature), each scored on three splits
const scores: Record<string, number[]> = { 'gpt 0': [0.6, 0.7, 0.4], 'gpt 0.7': [0.8, 0.75, 0.5], 'claude 0': [0.9, 0.85, 0.6], 'claude 0.7': [0.7, 0.65, 0.3] };
for (const [name, accuracies] of Object.entries(scores)) {
  const [model, temperature] = name.split(' ');
  const run = await Tracker.open('sweep.db', { params: { model, temperature: Number(temperature) } });
  await run.logBatch(['dev', 'test', 'hard'].map((split, i) => ({ split, accuracy: accuracies[i] })));
  await run.close();
}
const reader = await Reader.open('sweep.db');
// a value means equality; { gte, lt, in, like, isNull, ... } compare; `or`/`and` nest
const rows = await reader.toRows({
  where: { split: { in: ['test', 'hard'] }, accuracy: { gte: 0.5 }, or: [{ model: { like: 'GPT%' } }, { temperature: 0 }] },
  orderBy: [['accuracy', 'desc']],
  limit: 3,
  columns: ['model', 'temperature', 'split', 'accuracy'],
});
console.log(rows);
// the best test score per model and temperature: sorted by them, best first; keep each group's first
const best = new Map<string, unknown>();
for (const row of await reader.toRows({ where: { split: 'test' }, orderBy: ['model', 'temperature', ['accuracy', 'desc']] })) {
  const key = `${row.model} @ ${row.temperature}`;
  if (!best.has(key)) best.set(key, row.accuracy);
}
console.log(best);
await reader.close();
