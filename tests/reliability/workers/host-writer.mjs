// One tracker process on one "host" of the many-hosts test (test/many-hosts.test.ts), run inside
// that host's network namespace. Usage:
//   node host-writer.mjs POSTGRES_URL REDIS_URL SCHEMA HOST TRACK_ID ROWS SEED
// Logs ROWS rows (seq 0..ROWS-1) with log(), one at a time or in un-awaited bursts of up to 8; at
// seq 1000 every process adds `host_<HOST>_metric` (columns added from different hosts at once), at
// every 1,000th row `shared_<k>` (the same column from every process); every 100th row also calls
// one cached function shared through Redis. Prints "ok SEQ MS" (Date.now()) with one write(2) the
// moment a row's log() resolved, "err MS MESSAGE" for each failed call, "done" at the end.
// A failed log() may or may not have been stored (the engine says so): before writing a row again
// the worker asks the database whether it is there, so each row is stored once.
import { writeSync } from 'node:fs';
import KeyvRedis from '@keyv/redis';
import { seededRandom, Tracker } from '@xetrack/core';
import { keyvCacheStore } from '@xetrack/cache';
import { postgresEngine } from '@xetrack/engine-postgres';

const [url, redisUrl, schema, host, trackId, rowsText, seedText] = process.argv.slice(2);
const total = Number(rowsText);
const rand = seededRandom(Number(seedText));
const say = (line) => writeSync(1, `${line}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const engine = await postgresEngine.create({ url, schema, connectionTimeoutMs: 2_000 });
const cache = keyvCacheStore(new KeyvRedis(redisUrl, { connectionTimeout: 2_000 }), { namespace: `xt-hosts-${schema}` });
const tracker = await Tracker.open(url, { engine, cache, trackId, params: { host }, warnings: false });
say('ready');

/** The score every host computes for the same 20 keys: computed once, a cache hit elsewhere. */
function score(key) {
  return { score: (key * 7919) % 101 };
}

function row(seq) {
  const data = { seq, value: seq * 0.5, label: `${host}-${seq}` };
  if (seq >= 1000) data[`host_${host}_metric`] = seq;
  if (seq % 1000 === 0 && seq > 0) data[`shared_${seq / 1000}`] = seq;
  return data;
}

/** log() until the row is stored once: after a failure, write again only if the database lacks it. */
async function logOnce(seq) {
  for (let attempt = 0; attempt < 600; attempt++) {
    try {
      if (attempt > 0) {
        const there = await engine.count('default', [
          { column: 'track_id', op: '=', value: trackId },
          { column: 'seq', op: '=', value: seq },
        ]);
        if (there > 0) return;
      }
      await tracker.log(row(seq));
      return;
    } catch (error) {
      say(`err ${Date.now()} ${String(error.message).split('\n')[0]}`);
      await sleep(100);
    }
  }
  throw new Error(`row ${seq}: gave up after 600 attempts`);
}

let seq = 0;
while (seq < total) {
  const burst = rand() < 0.5 ? 1 : 1 + Math.floor(rand() * 8);
  const pending = [];
  for (let k = 0; k < burst && seq < total; k++) {
    const mine = seq++;
    pending.push(logOnce(mine).then(() => say(`ok ${mine} ${Date.now()}`)));
    if (mine % 100 === 0) {
      pending.push(tracker.track(score, { args: [(mine / 100) % 20] }).catch((error) => say(`err ${Date.now()} track: ${String(error.message).split('\n')[0]}`)));
    }
  }
  await Promise.all(pending);
}
await tracker.close();
await cache.close();
await engine.close();
say('done');
