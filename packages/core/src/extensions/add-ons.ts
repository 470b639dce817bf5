import type { Engine } from '../engine/contract.js';
import { messageOf, XetrackError } from '../errors.js';
import { TrackLogger, type TrackLoggerOptions } from '../logging/track-logger.js';
import { loadAssets, loadCache } from '../optional-packages.js';
import { columnNameFor } from '../schema/identifiers.js';
import { isPlainObject } from '../tracking/function-call.js';
import type { Warn } from '../warnings.js';
import type { AssetStore } from './asset-store.js';
import type { FunctionCache } from './function-cache.js';
import type { Monitor } from './monitor.js';

/** The add-on options of `TrackerOptions` (documented there). */
export interface AddOnOptions {
  cache?: FunctionCache | string;
  assets?: AssetStore | boolean;
  monitor?: Monitor;
  logsStdout?: boolean;
  logsPath?: string;
  logsFileFormat?: string;
  jsonl?: string;
}

/** The optional parts a tracker was opened with. */
export interface AddOns {
  cache?: FunctionCache;
  assets?: AssetStore;
  monitor?: Monitor;
  logger?: TrackLogger;
  /** Add-ons the tracker created itself, closed with it. */
  owned: { close?(): Promise<void> }[];
}

/**
 * Opens the add-ons `options` ask for (a default cache or asset store from its package) and
 * attaches the asset store to the tracker's table. `path` is the tracker's; `engine` its engine.
 */
export async function openAddOns(options: AddOnOptions, path: string, engine: Engine, table: string): Promise<AddOns> {
  const logger: TrackLoggerOptions = { stdout: options.logsStdout, path: options.logsPath, fileFormat: options.logsFileFormat, jsonl: options.jsonl };
  const addOns: AddOns = {
    owned: [],
    cache: typeof options.cache === 'string' ? await defaultCache(options.cache) : options.cache,
    assets: options.assets === true ? await defaultAssets(path, engine) : options.assets || undefined,
    monitor: options.monitor,
    logger: TrackLogger.create(logger),
  };
  if (options.assets === true && addOns.assets) addOns.owned.push(addOns.assets);
  await addOns.assets?.attach?.({ engine, table });
  return addOns;
}

/** Detaches the asset store and closes the add-ons the tracker created. */
export async function closeAddOns(addOns: AddOns): Promise<void> {
  addOns.assets?.detach?.();
  for (const addOn of addOns.owned) await addOn.close?.();
}

/** True when rows pass through the add-ons before they are built (`withAddOns`). */
export function changesRows({ assets, monitor }: AddOns): boolean {
  return Boolean(assets || monitor?.snapshot);
}

/** `data` with its asset values replaced by their hashes, and the monitor's per-row snapshot added. */
export async function withAddOns({ assets, monitor }: AddOns, data: Record<string, unknown>): Promise<Record<string, unknown>> {
  if (!assets && !monitor?.snapshot) return data;
  if (!isPlainObject(data)) return data; // the tracker reports the bad argument
  const out = { ...data };
  if (assets) {
    for (const key in out) if (assets.accepts(out[key])) out[key] = await assets.put(out[key], columnNameFor(key));
  }
  if (monitor?.snapshot) {
    // a tracked call's averages already in the row win over the instant readings
    const readings = await monitor.snapshot();
    for (const key in readings) if (!(key in out)) out[key] = readings[key];
  }
  return out;
}

/**
 * Writes committed rows to the log sinks, with the keys logged as null that have no column yet
 * (the row has none of them; Python's entries keep `"key": null`). A sink failure warns but never
 * fails a committed write.
 */
export function logToSinks(logger: TrackLogger, rows: readonly object[], inputs: readonly Record<string, unknown>[], warn: Warn): void {
  try {
    rows.forEach((row, i) => logger.track(withNullKeys(row as Record<string, unknown>, inputs[i])));
  } catch (error) {
    warn(`A log sink failed (the rows are stored in the database): ${messageOf(error)}`);
  }
}

/** `row` plus `key: null` for each key `input` logged as null that the row lacks (a copy only when there is one). */
function withNullKeys(row: Record<string, unknown>, input: Record<string, unknown> | undefined): Record<string, unknown> {
  let out = row;
  for (const key in input) {
    if (input[key] !== null) continue;
    const name = columnNameFor(key);
    const lower = name.toLowerCase();
    if (lower === 'track_id' || lower === 'timestamp' || Object.keys(out).some((k) => k.toLowerCase() === lower)) continue;
    if (out === row) out = { ...row };
    Object.defineProperty(out, name, { value: null, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Opens `@xetrack/cache`'s default store in `directory`. */
async function defaultCache(directory: string): Promise<FunctionCache> {
  return (await loadCache('The cache option')).cacheStore(directory);
}

/** Opens `@xetrack/assets`' default store: in the tracker's own SQLite file. */
async function defaultAssets(path: string, engine: Engine): Promise<AssetStore> {
  if (engine.name !== 'sqlite') {
    throw new XetrackError(
      'INVALID_ARGUMENT',
      `assets: true keeps assets in the tracker's SQLite file, but this tracker uses the ${engine.name} engine: pass an asset store instead (see @xetrack/assets).`,
    );
  }
  return (await loadAssets('The assets option')).assetStore({ path });
}
