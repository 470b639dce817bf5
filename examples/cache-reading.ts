// examples/cache-reading.ts
import { Tracker } from '@xetrack/core';
import { cacheStore, deleteCacheByTrackId, readCache, scanCache } from '@xetrack/cache';

const cache = cacheStore('.xetrack-cache', { onWarning: (message) => console.warn(message) });
const tracker = await Tracker.open('lineage.db', { cache });
const square = (x: number) => x * x;
await tracker.track(square, { args: [12] });
const key = cache.keyOf({ name: 'square', args: [12], params: {} })!; // the key track() used
console.log((await readCache('.xetrack-cache', key))?.result); // 144
for await (const entry of scanCache('.xetrack-cache')) console.log(entry.functionName, entry.trackId === tracker.trackId);
console.log(await deleteCacheByTrackId('.xetrack-cache', tracker.trackId), 'entry deleted');
await tracker.close();
