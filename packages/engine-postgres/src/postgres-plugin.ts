import { ENGINE_API_VERSION, XetrackError, type Engine, type EnginePlugin, type LocationIntent } from '@xetrack/core/engine';
import { PostgresEngine } from './postgres-engine.js';
import { isPostgresUrl, type PostgresEngineOptions } from './postgres-options.js';

/**
 * The PostgreSQL engine as a plugin: `await postgresEngine.create({ url })`. Also the package's
 * default export, which is what `xt --engine postgres` and `Tracker.open('postgres://...')` load.
 */
export const postgresEngine: EnginePlugin<PostgresEngineOptions> = Object.freeze({
  apiVersion: ENGINE_API_VERSION,
  name: 'postgres',
  async create(options: PostgresEngineOptions): Promise<Engine> {
    return PostgresEngine.open(options);
  },
  /**
   * Options for a `postgres://` or `postgresql://` URL (its `schema` parameter picks the schema).
   * A reader (`intent.mustExist`) never creates anything: a missing schema is NOT_FOUND.
   */
  fromLocation(location: string, intent?: LocationIntent): PostgresEngineOptions {
    if (typeof location !== 'string' || !isPostgresUrl(location)) {
      throw new XetrackError(
        'INVALID_ARGUMENT',
        `postgres: ${JSON.stringify(String(location).replace(/:[^:@/]*@/, ':***@'))} is not a PostgreSQL URL. Use postgres://user:password@host:5432/database (add ?schema=name to pick a schema).`,
      );
    }
    return { url: location, ...(intent?.mustExist ? { mustExist: true } : {}) };
  },
});
