import path from 'node:path';
import KeyvRedis from '@keyv/redis';
import { Tracker } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { describe, expect, it } from 'vitest';
import { keyvCacheStore } from '../src/index.js';
import { captureStderr, tempDir } from './helpers.js';
import { redisProxy, uniqueNamespace, useRedis } from './redis.js';

useRedis();

describe('a Redis cache whose connection drops', () => {
  it('the call whose lookup was cut off is computed, with one tracker warning naming the store; the next call hits again', async () => {
    const proxy = await redisProxy();
    const adapter = new KeyvRedis<unknown>(proxy.url);
    const namespace = uniqueNamespace();
    const cacheWarnings: string[] = [];
    const cache = keyvCacheStore(adapter, { namespace, onWarning: (m) => cacheWarnings.push(m) });
    let calls = 0;
    const double = (x: number) => {
      calls += 1;
      return x * 2;
    };
    // the tracker's warnings go to stderr
    const stderr = await captureStderr(async () => {
      try {
        const tracker = await Tracker.open(path.join(tempDir('xt-db-'), 'track.db'), { engine: sqliteEngine, cache });
        expect(await tracker.track(double, { args: [21] })).toBe(42); // computed, stored
        const dropped = proxy.dropNextCommand();
        expect(await tracker.track(double, { args: [21] })).toBe(42); // its lookup is cut off: computed
        await dropped;
        expect(await tracker.track(double, { args: [21] })).toBe(42); // reconnected: a hit
        expect(calls).toBe(2);
        expect((await tracker.toRows()).map((r) => r.cache)).toEqual(['', '', tracker.trackId]);
        await tracker.close();
      } finally {
        await adapter.disconnect();
        await proxy.close();
      }
    });
    const warnings = stderr.split('\n').filter((line) => line.startsWith('xetrack warning:'));
    expect(warnings).toEqual([`xetrack warning: The cache in ${proxy.url} (namespace ${namespace}) could not be read (Socket closed unexpectedly): double was computed, not taken from the cache.`]);
    expect(cacheWarnings).toEqual([]);
  });
});
