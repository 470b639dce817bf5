import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import KeyvRedis from '@keyv/redis';
import { afterAll, describe, expect, it } from 'vitest';
import { keyvCacheStore, scanCache } from '@xetrack/cache';
import { Reader } from '@xetrack/core';
import { postgresEngine } from '../src/index.js';
import { runNode } from './support/child.js';
import { dropSchema, uniqueSchema, urlFor } from './support/server.js';

const WRITER = fileURLToPath(new URL('./fixtures/cache-writer.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
/** The Redis the team's cache lives on: `XT_REDIS_URL`, else the local one every project machine runs (CI starts it). */
const REDIS_URL = process.env.XT_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Resolves when Redis answers PING on a plain socket, else rejects saying what to do: a Redis
 * client retries a refused connection forever, so a stopped server would otherwise hang the test.
 */
function redisAnswers(): Promise<void> {
  const { hostname, port } = new URL(REDIS_URL);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || 6379) });
    const fail = (why: string) => reject(new Error(`Redis is not answering at ${REDIS_URL} (${why}): start it (scripts/ensure-services.sh), or set XT_REDIS_URL.`));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      socket.destroy();
      if (chunk.toString().startsWith('+PONG')) resolve();
      else fail(`it answered ${JSON.stringify(chunk.toString().trim())}`);
    });
    socket.on('error', (error) => fail(error.message));
  });
}

describe('a function-result cache on Redis shared by two processes logging to PostgreSQL', () => {
  const schema = uniqueSchema('cache');
  const url = urlFor(schema);
  const namespace = `xt-pg-test-${process.pid}-${randomBytes(6).toString('hex')}`;
  // The test's own view of the cache: listing it, then emptying the namespace.
  const cache = keyvCacheStore(new KeyvRedis(REDIS_URL), { namespace });
  let redisUp = false;
  afterAll(async () => {
    if (redisUp) {
      await cache.keyv.clear();
      await cache.close();
    }
    await dropSchema(schema);
  });

  it("the second process answers from the first one's results, and its rows name the run that computed them", async () => {
    expect(existsSync(DIST), `${DIST} is missing: build the package first (pnpm build)`).toBe(true);
    await redisAnswers();
    redisUp = true;
    const first = await runNode<{ computed: string[] }>(WRITER, [url, REDIS_URL, namespace, 'machine-a', 'hello world:384', 'bye:8']);
    const second = await runNode<{ computed: string[] }>(WRITER, [url, REDIS_URL, namespace, 'machine-b', 'hello world:384', 'new text:16']);
    expect(first.computed).toEqual(['hello world', 'bye']);
    expect(second.computed).toEqual(['new text']); // 'hello world' was not run again

    const reader = await Reader.open(url, { engine: postgresEngine });
    const rows = await reader.toRows();
    await reader.close();
    expect(rows.map((r) => [r.track_id, r.args, r.cache, r.tokens, r.dims])).toEqual([
      ['machine-a', '["hello world",384]', '', 2, 384],
      ['machine-a', '["bye",8]', '', 1, 8],
      ['machine-b', '["hello world",384]', 'machine-a', 2, 384],
      ['machine-b', '["new text",16]', '', 2, 16],
    ]);
    expect(rows[2]!.function_time).toBe(0);

    // Redis holds one entry per distinct call, each naming the run that computed it.
    const entries: [string, string, unknown][] = [];
    for await (const entry of scanCache(cache)) entries.push([entry.trackId, entry.functionName, entry.result]);
    expect(entries.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      ['machine-a', 'embed', { tokens: 1, dims: 8 }],
      ['machine-a', 'embed', { tokens: 2, dims: 384 }],
      ['machine-b', 'embed', { tokens: 2, dims: 16 }],
    ]);
  });
});
