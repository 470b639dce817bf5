// Holds a DuckDB file open for writing in a process of its own (see lock.test.ts): opens it with
// the built engine, writes one row, prints "ready", and closes when stdin ends.
import { duckdbEngine } from '../../dist/index.js';

const file = process.argv[2];
const engine = await duckdbEngine.create({ path: file });
await engine.ensureColumns('t', [{ name: 'v', type: 'integer' }]);
await engine.insert('t', [{ track_id: 'child', timestamp: '2024-01-01 00:00:00.000001', v: 1 }]);
process.stdout.write(`ready ${process.pid}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  await engine.close();
  process.stdout.write('closed\n');
  process.exit(0);
});
