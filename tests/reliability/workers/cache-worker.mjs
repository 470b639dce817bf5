// One of several processes sharing one cache directory (and one SQLite file) (see test/cache-assets.test.ts).
// Usage: node cache-worker.mjs DB CACHE_DIR ID KEYS GO_FILE SEED
// Prints "ready", waits for GO_FILE, then calls the tracked function `square` for k = 0..KEYS-1 in a
// seeded order, through Tracker.open(DB, { cache: CACHE_DIR }) (the default @xetrack/cache store).
// The result names the process that computed it (`by`), so a hit shows whose entry it read.
// Prints one JSON line: { id, computed, hits, wrong, errors }.
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Tracker } from '@xetrack/core';

const [db, cacheDir, idText, keysText, goFile, seedText] = process.argv.slice(2);
const id = Number(idText);
const keys = Number(keysText);
let state = (Number(seedText) + id * 7919) >>> 0;
const rand = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = Math.imul(state ^ (state >>> 15), state | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const order = Array.from({ length: keys }, (_, k) => k);
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [order[i], order[j]] = [order[j], order[i]];
}

process.stdout.write('ready\n');
while (!existsSync(goFile)) await sleep(2);

const computed = [];
const wrong = [];
const errors = [];
const tracker = await Tracker.open(db, { trackId: `proc-${id}`, cache: cacheDir, warnings: false });
const square = (k) => {
  computed.push(k);
  return { k, square: k * k, by: id };
};
for (const k of order) {
  try {
    const result = await tracker.track(square, { args: [k], name: 'square' });
    if (result.k !== k || result.square !== k * k) wrong.push({ k, result });
  } catch (error) {
    errors.push(`k ${k}: ${error.code ?? ''} ${error.message}`);
  }
}
await tracker.close();
process.stdout.write(`${JSON.stringify({ id, computed: computed.length, hits: keys - computed.length, wrong, errors })}\n`);
