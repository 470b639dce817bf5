import { ENGINE_API_VERSION, type Engine, type EnginePlugin } from '@xetrack/core/engine';
import { SqliteEngine } from './sqlite-engine.js';
import type { SqliteEngineOptions } from './sqlite-options.js';

/**
 * The SQLite engine as a plugin: `await sqliteEngine.create({ path: 'track.db' })`. Also the
 * package's default export, which is what `xt --engine sqlite` loads.
 */
export const sqliteEngine: EnginePlugin<SqliteEngineOptions> = Object.freeze({
  apiVersion: ENGINE_API_VERSION,
  name: 'sqlite',
  async create(options: SqliteEngineOptions): Promise<Engine> {
    return SqliteEngine.open(options);
  },
  fromLocation(location: string): SqliteEngineOptions {
    return { path: location };
  },
});
