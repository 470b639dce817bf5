import { hash } from 'node:crypto';
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import type { CachedResult } from '@xetrack/core';
import type { CacheEntry, EntryMetadata } from './cache-entry.js';
import { decodeResult, encodeResult } from './cached-value.js';
import { LineageCache } from './lineage-cache.js';
import type { WarningOptions } from './warnings.js';

/** A Keyv store: an adapter (e.g. `new KeyvRedis(url)`), a `Keyv`, a Map, or a function that makes one (called once). */
export type KeyvStoreInput = KeyvStoreAdapter | Keyv | Map<unknown, unknown> | (() => KeyvStoreAdapter | Keyv | Map<unknown, unknown>);

export interface KeyvCacheStoreOptions extends WarningOptions {
  /**
   * Keyv namespace of the entries (default `xetrack-cache`): processes that share a cache use the
   * same one, and anything else may live in the store beside it. Not for a `Keyv` you pass (it
   * keeps its own namespace); letters, digits, `_`, `-` and `.`.
   */
  namespace?: string;
}

/** The namespace entries live in unless told otherwise. */
export const KEYV_CACHE_NAMESPACE = 'xetrack-cache';

/**
 * What one entry holds in the store: its lineage, and the result's node:v8 bytes as base64 text
 * with their size and SHA-256, because every Keyv store keeps text intact (Redis, PostgreSQL and
 * SQLite adapters all store strings), and a changed or cut value must be caught, not decoded.
 */
interface StoredEntry extends EntryMetadata {
  /** When the result was stored, in ms since the epoch. */
  createdAt: number;
  size: number;
  sha256: string;
  data: string;
}

/** What the tolerant deserializer puts where a stored text that isn't JSON would have thrown. */
class Unparseable {
  constructor(readonly reason: string) {}
}

/** Keys this store writes (SHA-256 hex); anything else in the namespace is someone else's and left alone. */
const KEY_PATTERN = /^[0-9a-f]{64}$/;
const NAMESPACE_PATTERN = /^[A-Za-z0-9_.-]+$/;

/** Numbers per store object, so `id` is the same for every cache on one store and namespace. */
const storeNumbers = new WeakMap<object, number>();
let storesNumbered = 0;

/**
 * A function-result cache on any Keyv store, so processes on several machines can share one (Redis
 * with @keyv/redis, PostgreSQL with @keyv/postgres, ...). Same keys and the same node:v8 results
 * as the directory store; an entry carries the track_id that computed it, the function name and
 * when it was stored. A damaged entry is a miss with one warning, then removed and rewritten.
 */
export class KeyvCacheStore extends LineageCache {
  /** The same for every cache on one store object and namespace: identical concurrent calls on it compute once per process. */
  readonly id: string;
  readonly location: string;
  /** The Keyv the entries go through (e.g. `keyv.clear()` empties the namespace). */
  readonly keyv: Keyv;
  /**
   * Errors the store reported as events: adapters like @keyv/redis report a failed read (a dropped
   * connection) with an `error` event and answer "not found", which would be a silent miss.
   */
  private readonly reported: { count: number; last: unknown } = { count: 0, last: undefined };

  constructor(store: KeyvStoreInput, options: KeyvCacheStoreOptions = {}) {
    super(options);
    const given = typeof store === 'function' ? store() : store;
    if (typeof given !== 'object' || given === null || typeof (given as { get?: unknown }).get !== 'function') {
      throw new TypeError('keyvCacheStore(store): pass a Keyv storage adapter (e.g. new KeyvRedis("redis://127.0.0.1:6379")), a Keyv, or a function that returns one.');
    }
    if (isKeyv(given)) {
      if (options.namespace !== undefined) {
        throw new TypeError('keyvCacheStore(keyv, { namespace }): a Keyv keeps its own namespace; give it to the Keyv (new Keyv({ store, namespace })), or pass the adapter instead.');
      }
      this.keyv = given;
    } else {
      const namespace = options.namespace ?? KEYV_CACHE_NAMESPACE;
      if (typeof namespace !== 'string' || !NAMESPACE_PATTERN.test(namespace)) {
        throw new TypeError(`keyvCacheStore: namespace ${JSON.stringify(namespace)} must be letters, digits, "_", "-" or "." (Keyv separates it from keys with ":").`);
      }
      this.keyv = new Keyv({ store: given as KeyvStoreAdapter, namespace, throwOnErrors: true });
      const parse = this.keyv.deserialize;
      if (parse) this.keyv.deserialize = tolerant(parse);
    }
    // Keyv passes on its adapter's error events; one during a read turns its "not found" into a failure
    this.keyv.on('error', (error: unknown) => {
      this.reported.count += 1;
      this.reported.last = error;
    });
    const backing = this.keyv.store as object;
    if (!storeNumbers.has(backing)) storeNumbers.set(backing, ++storesNumbered);
    this.id = `keyv:${storeNumbers.get(backing)}:${this.keyv.namespace ?? ''}`;
    this.location = describeStore(this.keyv);
  }

  /** Stores a result with its lineage, replacing what the key held (`cacheForce`, or another process computing it too). */
  async set(key: string, entry: CachedResult & { functionName: string }): Promise<void> {
    const data = encodeResult(entry.value);
    const stored: StoredEntry = {
      v: 1,
      trackId: entry.trackId,
      functionName: entry.functionName,
      createdAt: Date.now(),
      size: data.length,
      sha256: digest(data),
      data: data.toString('base64'),
    };
    if (!(await this.keyv.set(key, stored))) throw new Error(`the Keyv store ${this.location} refused the write`);
  }

  async read(key: string, withResult = true): Promise<CacheEntry | undefined> {
    const before = this.reported.count;
    const stored: unknown = await this.keyv.get(key);
    if (stored === undefined || stored === null) {
      if (this.reported.count !== before) throw this.reported.last instanceof Error ? this.reported.last : new Error(String(this.reported.last));
      return undefined;
    }
    return this.entry(key, stored, withResult);
  }

  async *scan(options: { results?: boolean } = {}): AsyncGenerator<CacheEntry> {
    for await (const [key, stored] of this.stored()) {
      const entry = await this.entry(key, stored, options.results ?? true);
      if (entry) yield entry;
    }
  }

  async deleteByTrackId(trackId: string): Promise<number> {
    const doomed: string[] = [];
    for await (const [key, stored] of this.stored()) {
      if (problemOf(stored) === undefined && (stored as StoredEntry).trackId === trackId) doomed.push(key);
    }
    let deleted = 0;
    for (const key of doomed) if (await this.keyv.delete(key)) deleted++;
    return deleted;
  }

  /** Disconnects the store (the adapter's connection, e.g. the Redis client), so the process can exit. */
  async close(): Promise<void> {
    await this.keyv.disconnect();
  }

  /** The entries of this namespace, as stored; keys this store did not write are skipped. */
  private async *stored(): AsyncGenerator<[string, unknown]> {
    const iterate = this.keyv.iterator;
    if (!iterate) {
      throw new TypeError(
        `The Keyv store ${this.location} cannot list its keys (its adapter has no iterator): scanCache and deleteCacheByTrackId need one that can, e.g. @keyv/redis, @keyv/postgres or @keyv/sqlite.`,
      );
    }
    for await (const [key, stored] of iterate(undefined) as AsyncGenerator<[unknown, unknown]>) {
      if (typeof key === 'string' && KEY_PATTERN.test(key)) yield [key, stored];
    }
  }

  /** The entry a stored value holds; a damaged one is warned about, deleted, and undefined. */
  private async entry(key: string, stored: unknown, withResult: boolean): Promise<CacheEntry | undefined> {
    const problem = problemOf(stored);
    if (problem) return this.damaged(key, problem);
    const s = stored as StoredEntry;
    const entry: CacheEntry = { key, trackId: s.trackId, functionName: s.functionName, createdAt: new Date(s.createdAt), size: s.size };
    if (!withResult) return entry;
    const data = Buffer.from(s.data, 'base64');
    if (data.length !== s.size) return this.damaged(key, 'its result has the wrong size', s.functionName);
    if (digest(data) !== s.sha256) return this.damaged(key, 'its result does not match its checksum', s.functionName);
    try {
      entry.result = decodeResult(data);
    } catch (error) {
      return this.damaged(key, `its result cannot be decoded: ${(error as Error).message}`, s.functionName);
    }
    return entry;
  }

  private async damaged(key: string, reason: string, functionName?: string): Promise<undefined> {
    this.reportDamage(key, reason, functionName);
    await this.keyv.delete(key).catch(() => undefined);
    return undefined;
  }
}

/** A function-result cache on a Keyv store: `keyvCacheStore(new KeyvRedis(url), { namespace })`, then `Tracker.open(db, { cache })`. */
export function keyvCacheStore(store: KeyvStoreInput, options?: KeyvCacheStoreOptions): KeyvCacheStore {
  return new KeyvCacheStore(store, options);
}

/** Why a stored value is not an entry of this format, or undefined when it is one. */
function problemOf(stored: unknown): string | undefined {
  if (stored instanceof Unparseable) return `its stored text cannot be parsed: ${stored.reason}`;
  const s = stored as Partial<Record<keyof StoredEntry, unknown>> | null;
  if (typeof s !== 'object' || s === null) return 'it is not an entry of @xetrack/cache';
  if (s.v !== 1) return `unknown entry format ${JSON.stringify(s.v)}`;
  if (typeof s.trackId !== 'string' || typeof s.functionName !== 'string') return 'its lineage (track_id, function name) is missing';
  if (typeof s.data !== 'string' || typeof s.sha256 !== 'string' || !Number.isSafeInteger(s.size) || !Number.isFinite(s.createdAt)) return 'its result or its size, checksum or time is missing';
  return undefined;
}

/** Keyv's deserializer, except that text it can't parse becomes a damaged entry instead of an error (which would end a whole scan). */
function tolerant(parse: NonNullable<Keyv['deserialize']>): NonNullable<Keyv['deserialize']> {
  return (async (text: string) => {
    try {
      return await parse(text);
    } catch (error) {
      return { value: new Unparseable((error as Error).message) };
    }
  }) as NonNullable<Keyv['deserialize']>;
}

function isKeyv(store: object): store is Keyv {
  // by shape too: the caller's Keyv may come from another copy of the package
  return store instanceof Keyv || (typeof (store as { getRaw?: unknown }).getRaw === 'function' && typeof (store as { hooks?: unknown }).hooks === 'object');
}

function digest(data: Buffer): string {
  return hash('sha256', data, 'base64');
}

/** The store as warnings name it: its address (without a password) and namespace. */
function describeStore(keyv: Keyv): string {
  const store = keyv.store as { opts?: { url?: unknown; uri?: unknown } } | Map<unknown, unknown>;
  const opts = store instanceof Map ? undefined : store.opts;
  const address = typeof opts?.url === 'string' ? opts.url : typeof opts?.uri === 'string' ? opts.uri : undefined;
  const name = address ? withoutPassword(address) : store instanceof Map ? 'an in-memory Map' : 'a Keyv store';
  return keyv.namespace ? `${name} (namespace ${keyv.namespace})` : name;
}

function withoutPassword(address: string): string {
  try {
    const url = new URL(address);
    if (!url.password) return address;
    url.password = '***';
    return url.toString();
  } catch {
    return address.replace(/\/\/[^@/]*@/, '//');
  }
}
