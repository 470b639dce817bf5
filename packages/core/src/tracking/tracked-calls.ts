import { messageOf, XetrackError } from '../errors.js';
import type { CachedResult, FunctionCache } from '../extensions/function-cache.js';
import type { Monitor } from '../extensions/monitor.js';
import type { Warn } from '../warnings.js';
import { describeValue } from '../describe-value.js';
import { argumentsText, isPlainObject, resultValue, unpackArguments } from './function-call.js';
import { functionName } from './function-name.js';

export interface TrackOptions<A extends readonly unknown[]> {
  /** Arguments to call the function with. */
  args?: A;
  /** Values for this call's row only; they win over everything else in it. */
  params?: Record<string, unknown>;
  /** The `function_name` logged (default: the function's name). */
  name?: string;
  /** Names for the arguments when the function's parameter list can't be read (minified code). */
  argNames?: string[];
  /** Override the tracker's `raiseOnError` for this call. */
  raiseOnError?: boolean;
  /** Recompute even when the cache has the result, and overwrite the entry. */
  cacheForce?: boolean;
  /** Part of the cache key: bump it when the function's code changes. */
  version?: string;
  /** Override the tracker's `cacheKeyParams` for this call: put the tracker's params in the cache key. */
  cacheKeyParams?: boolean;
}

/** What tracked calls take from the tracker they log through. */
export interface CallContext {
  readonly trackId: string;
  /** Re-throw a call's error after logging it (unless the call says otherwise). */
  readonly raiseOnError: boolean;
  /** The tracker's `cacheKeyParams` option. */
  readonly cacheKeyParams: boolean | undefined;
  /** The tracker's params as they are now. */
  params(): Readonly<Record<string, unknown>>;
  readonly cache: FunctionCache | undefined;
  readonly monitor: Monitor | undefined;
  readonly warn: Warn;
  /** Logs a call's row as `log()` does (resolves once it is committed). */
  log(data: Record<string, unknown>): Promise<unknown>;
}

/** One call: the function, its arguments, the name logged and the call's options. */
interface Call {
  fn: Function;
  args: unknown[];
  name: string;
  options: TrackOptions<readonly unknown[]>;
}

/** Identical concurrent cached calls in this process compute once: the first call's pending result, by cache id and key. */
const inFlight = new Map<string, Promise<CachedResult | undefined>>();

/** Functions already warned about being cached under tracker params the key leaves out. */
const warnedParamsNotInKey = new WeakSet<Function>();

/**
 * `track()`: runs functions and logs one row per call, answering from the function-result cache
 * when it has the call (the row then names the run that computed it: lineage).
 */
export class TrackedCalls {
  constructor(private readonly context: CallContext) {}

  /** Calls `fn` and logs its row (see `Tracker.track`). */
  async track<F extends (...args: any[]) => unknown>(fn: F, options: TrackOptions<Parameters<F>>): Promise<Awaited<ReturnType<F>>> {
    if (typeof fn !== 'function') throw new XetrackError('INVALID_ARGUMENT', `track() takes a function, not ${describeValue(fn)}.`);
    const { cache, warn } = this.context;
    const call: Call = { fn, args: (options.args ?? []) as unknown[], name: functionName(fn, options.name, warn), options };
    const key = cache?.keyOf({ name: call.name, version: options.version, args: call.args, params: this.cacheKeyParamsOf(fn, call.name, options) }); // not called without a cache
    if (!cache || key === undefined) return (await this.run(call, undefined)).result as Awaited<ReturnType<F>>;

    const flightKey = `${cache.id}\0${key}`;
    const pending = options.cacheForce ? undefined : inFlight.get(flightKey);
    if (pending) {
      const shared = await pending;
      if (shared) return this.logCacheHit(call, shared) as Awaited<ReturnType<F>>;
    }
    let settle!: (entry: CachedResult | undefined) => void;
    const mine = new Promise<CachedResult | undefined>((resolve) => (settle = resolve));
    inFlight.set(flightKey, mine);
    let entry: CachedResult | undefined;
    try {
      const hit = options.cacheForce ? undefined : await this.lookUp(cache, key, call.name);
      if (hit) {
        entry = hit;
        return this.logCacheHit(call, hit) as Awaited<ReturnType<F>>;
      }
      const { result, failed } = await this.run(call, '');
      if (!failed) {
        entry = { value: result, trackId: this.context.trackId };
        await cache.set(key, { ...entry, functionName: call.name }).catch((error: unknown) => warn(`The result of ${call.name} was not cached: ${messageOf(error)}`));
      }
      return result as Awaited<ReturnType<F>>;
    } finally {
      if (inFlight.get(flightKey) === mine) inFlight.delete(flightKey);
      settle(entry);
    }
  }

  /** The cached entry of a call; a cache that can't be read is a miss, warned about (a cache never makes a call fail). */
  private async lookUp(cache: FunctionCache, key: string, name: string): Promise<CachedResult | undefined> {
    try {
      return await cache.get(key);
    } catch (error) {
      this.context.warn(`${messageOf(error)}: ${name} was computed, not taken from the cache.`);
      return undefined;
    }
  }

  /**
   * The params in a cached call's key: its own, and the tracker's with `cacheKeyParams`. Without it,
   * a function cached under tracker params is warned about once: if it reads them from outer scope,
   * a second configuration gets the first one's answer.
   */
  private cacheKeyParamsOf(fn: Function, name: string, options: TrackOptions<readonly unknown[]>): Record<string, unknown> {
    const own = options.params ?? {};
    const { git_commit_hash: _stamp, ...trackerParams } = this.context.params(); // the git stamp is no configuration
    const choice = options.cacheKeyParams ?? this.context.cacheKeyParams;
    if (choice === true) return { ...trackerParams, ...own };
    if (choice === undefined && Object.keys(trackerParams).length > 0 && !warnedParamsNotInKey.has(fn)) {
      warnedParamsNotInKey.add(fn);
      this.context.warn(
        `${name} is cached while the tracker has params (${Object.keys(trackerParams).join(', ')}) that are not part of its cache key: ` +
          'if it reads them from outer scope, a call under other params gets the first answer. Pass them as arguments, ' +
          'or open the tracker (or call track) with { cacheKeyParams: true } to key on them ({ cacheKeyParams: false } silences this).',
      );
    }
    return own;
  }

  /** Runs a call and logs its row; re-throws its error unless told not to. */
  private async run(call: Call, cacheMarker: string | undefined): Promise<{ result: unknown; failed: boolean }> {
    const session = this.context.monitor?.start();
    let result: unknown;
    let failure: { error: unknown } | undefined;
    const start = performance.now();
    try {
      result = call.fn(...call.args);
      if (isThenable(result)) result = await result;
    } catch (error) {
      failure = { error };
    }
    const seconds = (performance.now() - start) / 1000;
    const data = this.callRow(call, seconds, failure ? messageOf(failure.error) : '');
    if (failure) data.function_result = null;
    else mergeResult(data, result);
    if (call.options.params) Object.assign(data, call.options.params);
    if (cacheMarker !== undefined) data.cache = cacheMarker;
    if (session) Object.assign(data, await session.stop());
    await this.context.log(data);
    if (failure && (call.options.raiseOnError ?? this.context.raiseOnError)) throw failure.error;
    return { result: failure ? undefined : result, failed: failure !== undefined };
  }

  /** Logs the row of a call answered from the cache, and returns the cached value. */
  private async logCacheHit(call: Call, hit: CachedResult): Promise<unknown> {
    const data = this.callRow(call, 0, '');
    mergeResult(data, hit.value);
    if (call.options.params) Object.assign(data, call.options.params);
    data.cache = hit.trackId;
    await this.context.log(data);
    return hit.value;
  }

  /** The columns every tracked call logs: name, time, args, error and unpacked object arguments. */
  private callRow(call: Call, seconds: number, error: string): Record<string, unknown> {
    const data: Record<string, unknown> = { function_name: call.name, function_time: seconds, args: argumentsText(call.args), error };
    return Object.assign(data, unpackArguments(call.fn, call.args, call.options.argNames, this.context.warn));
  }
}

/** A plain-object result merges in as columns; anything else is `function_result`. */
function mergeResult(data: Record<string, unknown>, result: unknown): void {
  if (isPlainObject(result)) Object.assign(data, result);
  else data.function_result = resultValue(result);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
