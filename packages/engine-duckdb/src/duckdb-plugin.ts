import { ENGINE_API_VERSION, type EnginePlugin, type LocationIntent } from '@xetrack/core/engine';
import { DuckdbEngine } from './duckdb-engine.js';
import type { DuckdbEngineOptions } from './duckdb-options.js';

/**
 * The DuckDB engine plugin: `await duckdbEngine.create({ path: 'track.duckdb' })`. Also the
 * default export, which is what `xt --engine duckdb` and `Tracker.open` load.
 */
export const duckdbEngine: EnginePlugin<DuckdbEngineOptions> = Object.freeze({
  apiVersion: ENGINE_API_VERSION,
  name: 'duckdb',
  create: (options: DuckdbEngineOptions) => DuckdbEngine.open(options),
  fromLocation: (location: string, intent?: LocationIntent): DuckdbEngineOptions => (intent?.mustExist ? { path: location, fileMustExist: true } : { path: location }),
});
