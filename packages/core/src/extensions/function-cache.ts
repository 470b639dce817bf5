/**
 * What `Tracker` needs from a function-result cache (`@xetrack/cache` implements it on cacache;
 * any store may). Core never imports a cache: one is passed in, or loaded by name.
 */

/** What identifies a tracked call for caching. */
export interface CallIdentity {
  /** The function's name (or the `name` option) and an optional `version` to invalidate old entries. */
  name: string;
  version?: string;
  args: readonly unknown[];
  /** The call's own `params` option. */
  params: Readonly<Record<string, unknown>>;
}

/** A cached result and the run (track_id) that computed it: its lineage. */
export interface CachedResult {
  value: unknown;
  trackId: string;
}

export interface FunctionCache {
  /** Identifies the store (e.g. its directory), so identical concurrent calls share one computation. */
  readonly id: string;
  /** The key of a call, or undefined when the call can't be cached (the cache warns once per type). */
  keyOf(call: CallIdentity): string | undefined;
  /**
   * The entry under `key`, or undefined on a miss. A damaged entry is a miss, never a throw; a store
   * that can't be read (unreachable, connection dropped) rejects, and the tracker computes the call
   * and warns, naming the store.
   */
  get(key: string): Promise<CachedResult | undefined>;
  /** Stores a computed result (successful calls only) with the run that computed it. */
  set(key: string, entry: CachedResult & { functionName: string }): Promise<void>;
}
