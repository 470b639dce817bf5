// examples/skill-multi-table.ts
import { Reader, Tracker } from '@xetrack/core';

// One database, one table per kind of record; the same trackId links a run's rows across tables.
const epochs = await Tracker.open('multi.db', { table: 'epochs', params: { model: 'cnn' } });
const predictions = await Tracker.open('multi.db', { table: 'predictions', trackId: epochs.trackId });
for (let epoch = 1; epoch <= 2; epoch++) await epochs.log({ epoch, loss: 0.6 / epoch });
await predictions.logBatch([
  { input: 'cat.png', label: 'cat', predicted: 'cat' },
  { input: 'dog.png', label: 'dog', predicted: 'cat' },
]);
await predictions.close();
await epochs.close();

const reader = await Reader.open('multi.db', { table: 'predictions' });
console.log(await reader.tables());
console.log(await reader.toRows({ where: { label: { ne: 'cat' } }, columns: ['input', 'predicted'] }));
// raw SQL sees every table: join them on track_id
const joined = await reader.sql('SELECT e.model, min(e.loss) AS best_loss, count(DISTINCT p.input) AS inputs FROM epochs e JOIN predictions p USING (track_id) GROUP BY e.model');
console.log(joined);
await reader.close();
