// Opens each file given on the command line without write permission (see open.test.ts), reads it,
// tries four kinds of write, and prints what happened as JSON.
import { sqliteEngine } from '../../dist/index.js';

const report = {};
for (const file of process.argv.slice(2)) {
  const engine = await sqliteEngine.create({ path: file });
  const rows = (await engine.select('t')).length;
  const writes = [];
  for (const write of [
    () => engine.insert('t', [{ track_id: 'y', timestamp: '2', a: 2 }]),
    () => engine.ensureColumns('t', [{ name: 'b', type: 'text' }]),
    () => engine.update('t', { a: 3 }, []),
    () => engine.delete('t', []),
  ]) {
    try {
      await write();
      writes.push('written');
    } catch (error) {
      writes.push(error.code ?? String(error));
    }
  }
  await engine.close();
  report[file] = { rows, writes };
}
process.stdout.write(JSON.stringify(report));
