/** `@xetrack/engine-postgres`: the xetrack engine for a PostgreSQL server, on `pg`. */
import { postgresEngine } from './postgres-plugin.js';

export { postgresEngine };
export { PostgresEngine } from './postgres-engine.js';
export type { PostgresEngineOptions } from './postgres-options.js';
export type {
  PostgresField,
  PostgresPool,
  PostgresPoolClient,
  PostgresQueryable,
  PostgresQueryConfig,
  PostgresQueryResult,
  PostgresTypeParser,
} from './postgres-pool.js';
export default postgresEngine;
