// examples/sqlite-engine-direct.ts
import { sqliteEngine } from '@xetrack/engine-sqlite';

const engine = await sqliteEngine.create({ path: 'runs/track.db' }); // creates runs/ if needed
await engine.ensureColumns('default', [{ name: 'model', type: 'text' }, { name: 'accuracy', type: 'float' }]);
await engine.insert('default', [
  { track_id: 'run-1', timestamp: '2024-05-01 12:00:00.000001', model: 'mlp', accuracy: 0.91 },
  { track_id: 'run-1', timestamp: '2024-05-01 12:00:00.000002', model: 'cnn', accuracy: 0.87 },
]);
const best = await engine.select('default', { where: [{ column: 'accuracy', op: '>', value: 0.9 }], columns: ['model', 'accuracy'] });
console.log(best); // [ { model: 'mlp', accuracy: 0.91 } ]
await engine.close();
