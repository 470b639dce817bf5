// examples/team-cache.ts
import KeyvRedis from '@keyv/redis';
import { Tracker } from '@xetrack/core';
import { keyvCacheStore } from '@xetrack/cache';
import { postgresEngine } from '@xetrack/engine-postgres';

// Every machine runs this: rows go to PostgreSQL, results to one Redis, so what one machine computed is a hit on all.
const url = process.env.XT_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/test';
const engine = await postgresEngine.create({ url, schema: 'team_cache_example' });
const cache = keyvCacheStore(new KeyvRedis(process.env.XT_REDIS_URL ?? 'redis://127.0.0.1:6379'), { namespace: 'team-example' });
const evaluate = (model: string, prompt: string) => ({ accuracy: model.length / (model.length + prompt.length) });
const machineOf: Record<string, string> = {};
for (const machine of ['laptop', 'gpu-box']) { // two runs here; in a team, one per machine
  const tracker = await Tracker.open(url, { engine, cache, params: { machine } });
  machineOf[tracker.trackId] = machine;
  await tracker.track(evaluate, { args: ['mlp', 'hello'] });
  const [row] = await tracker.toRows();
  console.log(machine, row?.cache ? `hit, computed by the ${machineOf[row.cache]} run` : 'computed');
  await tracker.close();
}
await cache.keyv.clear(); // empties the namespace: the example leaves nothing behind
await cache.close(); // disconnects from Redis, so the process can exit
await engine.close(); // the tracker closes only engines it created itself
