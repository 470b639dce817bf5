// One of several processes writing one SQLite file at once (see concurrency.test.ts).
// Usage: node concurrent-writer.mjs FILE ID ROUNDS GO_FILE
// Prints "ready", waits for GO_FILE to exist, then opens the file and, each round, adds columns
// (some shared by every writer, some by half of them, one its own) and inserts rows using them.
// Prints one JSON line: { id, rows, errors }.
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { sqliteEngine } from '../../dist/index.js';

const [file, idText, roundsText, goFile] = process.argv.slice(2);
const id = Number(idText);
const rounds = Number(roundsText);
process.stdout.write('ready\n');
while (!existsSync(goFile)) await sleep(2);

const errors = [];
let rows = 0;
let engine;
try {
  engine = await sqliteEngine.create({ path: file });
} catch (error) {
  errors.push(`open: ${error.code}: ${error.message}`);
}
for (let round = 0; engine && round < rounds; round++) {
  const columns = [
    { name: `shared_${round}`, type: 'integer' },
    { name: `half_${round}_${id % 2}`, type: 'text' },
    { name: `own_${id}_${round}`, type: 'float' },
  ];
  const row = (k) => ({
    track_id: `writer-${id}`,
    timestamp: `${String(round).padStart(4, '0')}-${String(k).padStart(3, '0')}`,
    [`shared_${round}`]: round,
    [`half_${round}_${id % 2}`]: `w${id}`,
    [`own_${id}_${round}`]: k / 2,
  });
  try {
    await engine.ensureColumns('runs', columns);
    rows += await engine.insert(
      'runs',
      Array.from({ length: 10 }, (_, k) => row(k)),
    );
    rows += await engine.insert('runs', [row(10)]);
    rows += await engine.insert('runs', [row(11)]);
  } catch (error) {
    errors.push(`round ${round}: ${error.code}: ${error.message}`);
  }
}
await engine?.close();
process.stdout.write(`${JSON.stringify({ id, rows, errors })}\n`);
