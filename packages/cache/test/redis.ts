import { randomBytes } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import KeyvRedis, { createClient } from '@keyv/redis';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

/** The Redis the tests use: `XT_REDIS_URL`, else the local one every project machine runs (CI starts it: scripts/ensure-services.sh). */
export const REDIS_URL = process.env.XT_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Resolves when Redis answers PING on a plain socket; rejects with what to do when it doesn't. A
 * Redis client would retry a refused connection forever, so a stopped server would look like a
 * hung test instead of failing with this message.
 */
function ping(): Promise<void> {
  const { hostname, port } = new URL(REDIS_URL);
  const host = hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const fail = (why: string) =>
      reject(
        new Error(
          `Redis is not answering at ${REDIS_URL} (${why}): these tests need a real Redis. Start it with ` +
            '`redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no` ' +
            '(CI runs scripts/ensure-services.sh first), or point XT_REDIS_URL at one.',
        ),
      );
    const socket = connect({ host, port: Number(port || 6379) });
    let reply = '';
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (!reply.includes('\r\n')) return;
      socket.destroy();
      if (reply.startsWith('+PONG')) resolve();
      else fail(`it answered ${JSON.stringify(reply.trim())} to PING`);
    });
    socket.on('error', (error) => fail(error.message));
  });
}

type AdminClient = ReturnType<typeof createClient>;
let admin: AdminClient | undefined;
const namespaces: string[] = [];
const adapters: KeyvRedis<unknown>[] = [];

/**
 * Registers the Redis hooks of a test file: when Redis is down every test fails at once with what
 * to do (counted as failed, not skipped); after each test, every key of the namespaces it used is
 * deleted and its adapters are disconnected.
 */
export function useRedis(): void {
  let down: Error | undefined;
  beforeAll(async () => {
    try {
      await ping();
    } catch (error) {
      down = error as Error;
      return;
    }
    admin = createClient({ url: REDIS_URL });
    await admin.connect();
  });
  beforeEach(() => {
    if (down) throw down;
  });
  afterEach(async () => {
    for (const adapter of adapters.splice(0)) await adapter.disconnect();
    for (const namespace of namespaces.splice(0)) {
      if (!admin) break;
      const keys = await rawKeys(namespace);
      if (keys.length > 0) await redis().del(keys);
    }
  });
  afterAll(async () => {
    await admin?.close();
    admin = undefined;
  });
}

/** A namespace no other test, run or machine uses; its keys are deleted after the test. */
export function uniqueNamespace(): string {
  const namespace = `xt-test-${process.pid}-${randomBytes(6).toString('hex')}`;
  namespaces.push(namespace);
  return namespace;
}

/** A new @keyv/redis adapter (its own connection: another process, as far as Redis can tell), disconnected after the test. */
export function redisAdapter(): KeyvRedis<unknown> {
  const adapter = new KeyvRedis<unknown>(REDIS_URL);
  adapters.push(adapter);
  return adapter;
}

/** The plain client the tests inspect and damage the store with. */
export function redis(): AdminClient {
  if (!admin) throw new Error('useRedis() was not called in this test file');
  return admin;
}

/** Every Redis key of a namespace, as stored (whatever prefix Keyv and the adapter put on it). */
export async function rawKeys(namespace: string): Promise<string[]> {
  const out: string[] = [];
  for await (const keys of redis().scanIterator({ MATCH: `${namespace}*` })) out.push(...keys);
  return out.sort();
}

/** The one Redis key that holds a cache key's entry. */
export async function rawKeyOf(namespace: string, key: string): Promise<string> {
  const found = (await rawKeys(namespace)).filter((k) => k.endsWith(key));
  if (found.length !== 1) throw new Error(`expected one Redis key for ${key}, found ${found.length}`);
  return found[0]!;
}

/**
 * A TCP proxy in front of Redis that can drop a connection on demand: `dropNextCommand()` makes the
 * next bytes a client sends close its connection instead of reaching Redis, as a network failure or
 * a server-side `CLIENT KILL` does to a command in flight. Deterministic: no timing involved.
 */
export async function redisProxy(): Promise<{ url: string; dropNextCommand(): Promise<void>; close(): Promise<void> }> {
  const { hostname, port } = new URL(REDIS_URL);
  const sockets = new Set<Socket>();
  let drop: (() => void) | undefined;
  const server = createServer((client) => {
    const upstream = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || 6379) });
    sockets.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk) => {
      if (drop === undefined) {
        upstream.write(chunk);
        return;
      }
      const dropped = drop;
      drop = undefined;
      end();
      dropped();
    });
    upstream.on('data', (chunk) => client.write(chunk));
    for (const socket of [client, upstream]) {
      socket.on('error', end);
      socket.on('close', () => {
        sockets.delete(socket);
        end();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `redis://127.0.0.1:${address.port}`,
    dropNextCommand: () => new Promise<void>((resolve) => (drop = resolve)),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
