// examples/cache-redis.ts
import KeyvRedis from '@keyv/redis';
import { Tracker } from '@xetrack/core';
import { keyvCacheStore, scanCache } from '@xetrack/cache';

// Processes (and machines) that use the same Redis and namespace share every cached result.
const redisUrl = process.env.XT_REDIS_URL ?? 'redis://127.0.0.1:6379';
const cache = keyvCacheStore(new KeyvRedis(redisUrl), { namespace: 'example-embeddings' });
async function embed(text: string, dims: number) {
  return { tokens: text.split(' ').length, dims }; // imagine a slow model call
}
const first = await Tracker.open('run-a.db', { cache });
await first.track(embed, { args: ['hello world', 384] }); // computed, stored in Redis
await first.close();
const second = await Tracker.open('run-b.db', { cache }); // another run: elsewhere, the same code
await second.track(embed, { args: ['hello world', 384] }); // not run: a hit
console.log((await second.toRows()).map((r) => (r.cache === first.trackId ? 'hit from the first run' : r.cache)));
for await (const entry of scanCache(cache)) console.log(entry.functionName, entry.result, entry.trackId === first.trackId);
await cache.keyv.clear(); // empties the namespace: the example leaves nothing behind
await cache.close(); // disconnects from Redis, so the process can exit
