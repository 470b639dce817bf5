// examples/duckdb-engine.ts
import { duckdbEngine } from '@xetrack/engine-duckdb';

const engine = await duckdbEngine.create({ path: 'runs.duckdb' });
await engine.ensureColumns('runs', [{ name: 'model', type: 'text' }, { name: 'accuracy', type: 'float' }]);
await engine.insert('runs', [
  { track_id: 'run-1', timestamp: '2024-05-01 12:00:00.000001', model: 'mlp', accuracy: 0.91 },
  { track_id: 'run-1', timestamp: '2024-05-01 12:00:00.000002', model: 'cnn', accuracy: 0.94 },
]);
console.log(await engine.select('runs', { columns: ['model'], where: [{ column: 'accuracy', op: '>', value: 0.92 }] }));
console.log(await engine.sql!('SELECT count(*) AS runs, max(accuracy) AS best FROM runs'));
await engine.close();
