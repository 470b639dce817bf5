import { messageOf, XetrackError, type CachedResult, type CallIdentity, type FunctionCache } from '@xetrack/core';
import type { CacheEntry } from './cache-entry.js';
import { cacheKey } from './cache-key.js';
import { warner, type WarningOptions } from './warnings.js';

/**
 * What every store of this package shares, so a directory and a Keyv store behave the same: the
 * key of a call (one warning per type that can't be part of a key), a hit read through `read()`,
 * and the wording of warnings. A store adds where entries live: `read`, `set`, `scan`,
 * `deleteByTrackId`; the reading functions (`readCache`, `scanCache`, `deleteCacheByTrackId`) work
 * on any of them.
 */
export abstract class LineageCache implements FunctionCache {
  abstract readonly id: string;
  /** Where the entries live, as warnings name it: a directory, or a Keyv store and its namespace. */
  abstract readonly location: string;
  protected readonly warn: (message: string, once?: string) => void;

  constructor(options: WarningOptions = {}) {
    this.warn = warner(options);
  }

  /** Whether `value` is one of this package's stores (checked by shape: another copy of the package may have made it). */
  static isStore(value: unknown): value is LineageCache {
    const v = value as Partial<Record<'keyOf' | 'read' | 'scan' | 'deleteByTrackId', unknown>> | null;
    return typeof v === 'object' && v !== null && [v.keyOf, v.read, v.scan, v.deleteByTrackId].every((f) => typeof f === 'function');
  }

  keyOf(call: CallIdentity): string | undefined {
    const out = cacheKey(call);
    if ('key' in out) return out.key;
    const { type, path: where } = out.uncacheable;
    this.warn(
      `A ${type} (in ${where} of ${call.name}) can't be part of a cache key: calls with one are not cached (warned once per type). ` +
        'Pass plain data (objects, arrays, Map, Set, Date, typed arrays), or give the class a toJSON() method.',
      `uncacheable:${type}`,
    );
    return undefined;
  }

  /**
   * The result under `key` and the run that computed it. A damaged entry is a miss (the store warns
   * and removes it). A store that can't be read rejects, naming it: the tracker then computes the
   * call and warns (a cache never makes a tracked call fail).
   */
  async get(key: string): Promise<CachedResult | undefined> {
    let entry: CacheEntry | undefined;
    try {
      entry = await this.read(key, true);
    } catch (error) {
      throw new XetrackError('ENGINE_FAILURE', `The cache in ${this.location} could not be read (${messageOf(error)})`, { cause: error });
    }
    return entry && { value: entry.result, trackId: entry.trackId };
  }

  abstract set(key: string, entry: CachedResult & { functionName: string }): Promise<void>;

  /**
   * The entry under `key`, with its result unless `withResult` is false; undefined on a miss. A
   * damaged entry is warned about once, removed, and reported as a miss.
   */
  abstract read(key: string, withResult?: boolean): Promise<CacheEntry | undefined>;

  /** Every entry, in no particular order; results are read unless `results` is false. */
  abstract scan(options?: { results?: boolean }): AsyncGenerator<CacheEntry>;

  /** Deletes the entries computed by `trackId`; resolves how many. */
  abstract deleteByTrackId(trackId: string): Promise<number>;

  /** Warns (once per entry and reason) that an entry is damaged; the store then removes it. */
  protected reportDamage(key: string, reason: string, functionName?: string): void {
    const what = functionName ? `of ${functionName} ` : '';
    this.warn(`The cache entry ${key} ${what}in ${this.location} is damaged (${reason}): treated as a miss, it is recomputed and rewritten.`);
  }
}
