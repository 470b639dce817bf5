import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { XetrackError } from '@xetrack/core/engine';
import type { SqliteDatabase, SqliteDatabaseConstructor } from './sqlite-database.js';
import { toXetrackError } from './sqlite-errors.js';
import type { ResolvedSqliteOptions } from './sqlite-options.js';

/** An open, configured connection. */
export interface OpenedDatabase {
  db: SqliteDatabase;
  /** For messages: the absolute file path, `:memory:`, or the injected handle's name. */
  location: string;
  /** True when we opened it (so `close()` closes it); false for an injected handle. */
  owned: boolean;
}

/** Loaded on first use, so a user who injects a handle never loads the native module. */
function loadDriver(): SqliteDatabaseConstructor {
  try {
    return createRequire(import.meta.url)('better-sqlite3') as SqliteDatabaseConstructor;
  } catch (error) {
    throw new XetrackError(
      'ENGINE_NOT_FOUND',
      'sqlite: better-sqlite3 could not be loaded. Install it next to @xetrack/engine-sqlite (`pnpm add better-sqlite3`; set npm_config_nodedir=/usr where it compiles from source).',
      { cause: error },
    );
  }
}

/**
 * Opens the database of `options` (or adopts the injected handle) and applies the pragmas:
 * busy timeout, WAL (files only) and synchronous. A missing file with `readonly`/`fileMustExist` is
 * NOT_FOUND; a file that is not a database is NOT_A_DATABASE and is left byte-for-byte untouched,
 * because the first statement that reads it only reads.
 */
export function openDatabase(options: ResolvedSqliteOptions): OpenedDatabase {
  let db: SqliteDatabase;
  let location: string;
  let owned: boolean;
  if (options.database !== undefined) {
    db = options.database;
    location = options.path ?? db.name;
    owned = false;
    if (!db.open) {
      throw new XetrackError('INVALID_ARGUMENT', `sqlite: the injected database handle for ${location} is closed. Pass an open handle.`);
    }
  } else {
    const path = options.path as string;
    const memory = path === ':memory:';
    location = memory ? path : resolve(path);
    if (!memory) {
      if (options.readonly || options.fileMustExist) {
        if (!existsSync(location)) {
          throw new XetrackError(
            'NOT_FOUND',
            `sqlite: ${location} does not exist (opened with ${options.readonly ? 'readonly' : 'fileMustExist'}, so it is not created). Check the path.`,
          );
        }
      } else {
        mkdirSync(dirname(location), { recursive: true });
      }
    }
    const Database = loadDriver();
    try {
      db = new Database(path, {
        readonly: options.readonly,
        fileMustExist: options.fileMustExist,
        timeout: options.busyTimeoutMs,
      });
    } catch (error) {
      throw toXetrackError(error, { location, action: 'open' });
    }
    owned = true;
  }
  try {
    applyPragmas(db, options);
  } catch (error) {
    if (owned) db.close();
    throw toXetrackError(error, { location, action: 'open' });
  }
  return { db, location, owned };
}

function applyPragmas(db: SqliteDatabase, options: ResolvedSqliteOptions): void {
  db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
  // Reads the header (and only reads): a file that is not a database fails here, unmodified.
  db.pragma('schema_version', { simple: true });
  if (!db.memory && !db.readonly) {
    try {
      db.pragma('journal_mode = WAL');
    } catch (error) {
      // A file without write permission opens read-only; writes will report READ_ONLY.
      if (!String((error as { code?: unknown }).code).startsWith('SQLITE_READONLY')) throw error;
    }
  }
  db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
}
