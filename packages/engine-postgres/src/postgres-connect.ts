import { XetrackError } from '@xetrack/core/engine';
import type { ResolvedPostgresOptions } from './postgres-options.js';
import type { PostgresDriver, PostgresPool } from './postgres-pool.js';

/** Loaded on first use, so a user who injects a pool never loads a second copy of `pg`. */
async function loadDriver(): Promise<PostgresDriver> {
  try {
    const mod = (await import('pg')) as unknown as { default?: PostgresDriver; Pool?: PostgresDriver['Pool'] };
    const Pool = mod.default?.Pool ?? mod.Pool;
    if (typeof Pool !== 'function') throw new Error('the pg module exports no Pool');
    return { Pool };
  } catch (error) {
    throw new XetrackError('ENGINE_NOT_FOUND', 'postgres: the pg package could not be loaded. Install it next to @xetrack/engine-postgres (`pnpm add pg`).', { cause: error });
  }
}

/** The pool the engine uses, and whether it made it (so `close()` ends it). */
export interface OpenedPool {
  pool: PostgresPool;
  owned: boolean;
}

/**
 * The injected pool, or a new `pg.Pool` for the URL. A pool of our own listens to `error`: an idle
 * connection that dies (the server restarted) is dropped by the pool and replaced on the next
 * query, instead of crashing the process as an unhandled `error` event would.
 */
export async function openPool(options: ResolvedPostgresOptions, connectionString: string | undefined): Promise<OpenedPool> {
  if (options.pool !== undefined) return { pool: options.pool, owned: false };
  const { Pool } = await loadDriver();
  const pool = new Pool({
    connectionString: connectionString as string,
    max: options.max,
    connectionTimeoutMillis: options.connectionTimeoutMs,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName,
    ...(options.ssl === undefined ? {} : { ssl: options.ssl }),
  });
  pool.on?.('error', () => {
    // The pool has already removed the broken idle connection; the next query opens a new one.
  });
  return { pool, owned: true };
}
