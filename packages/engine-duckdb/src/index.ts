/** `@xetrack/engine-duckdb`: the DuckDB engine (@duckdb/node-api) on native .duckdb files, and the Parquet writer core's export uses. */
import { duckdbEngine } from './duckdb-plugin.js';

export { duckdbEngine };
export { DuckdbEngine } from './duckdb-engine.js';
export type { DuckdbEngineOptions } from './duckdb-options.js';
export { writeParquet } from './parquet-writer.js';
export default duckdbEngine;
