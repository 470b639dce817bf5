/** `@xetrack/engine-sqlite`: the default xetrack engine, on better-sqlite3. */
import { sqliteEngine } from './sqlite-plugin.js';

export { sqliteEngine };
export { SqliteEngine } from './sqlite-engine.js';
export type { SqliteEngineOptions } from './sqlite-options.js';
export type {
  SqliteColumnInfo,
  SqliteDatabase,
  SqliteRunResult,
  SqliteStatement,
} from './sqlite-database.js';
export default sqliteEngine;
