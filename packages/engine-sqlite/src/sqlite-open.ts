import { accessSync, constants, existsSync, mkdirSync, statSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
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

const require = createRequire(import.meta.url);

/** Loaded on first use, so a user who injects a handle never loads the native module. */
function loadDriver(): SqliteDatabaseConstructor {
  try {
    return require('better-sqlite3') as SqliteDatabaseConstructor;
  } catch (error) {
    throw new XetrackError(
      'ENGINE_NOT_FOUND',
      'sqlite: better-sqlite3 could not be loaded. Install it next to @xetrack/engine-sqlite (`pnpm add better-sqlite3`; set npm_config_nodedir=/usr where it compiles from source).',
      { cause: error },
    );
  }
}

let builtAddon: string | null | undefined;

/**
 * better-sqlite3's addon where its own build puts it, or null: given as `nativeBinding`, it spares
 * the `bindings` package's search of a dozen paths at every start (a few percent of `xt head`).
 */
function defaultAddon(): string | null {
  if (builtAddon === undefined) {
    try {
      const file = join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
      builtAddon = existsSync(file) ? file : null;
    } catch {
      builtAddon = null;
    }
  }
  return builtAddon;
}

/**
 * True for better-sqlite3 failing to load its native addon: never built (`bindings` finds no
 * `better_sqlite3.node`: pnpm 10+ skips unapproved build scripts), a `nativeBinding` path that does
 * not exist, or an addon built for another Node version or platform.
 */
function isAddonLoadFailure(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  return text.includes('Could not locate the bindings file') || code === 'ERR_DLOPEN_FAILED' || (code === 'MODULE_NOT_FOUND' && /\.node\b/.test(text));
}

/** The one error for an addon that is not built or cannot load, saying how to build it. */
function missingAddonError(error: unknown): XetrackError {
  const reason = (error instanceof Error ? error.message.split('\n')[0]! : String(error)).replace(/ Tried:$/, '');
  return new XetrackError(
    'ENGINE_NOT_FOUND',
    `sqlite: better-sqlite3's native addon is not built, or was built for another Node version (this is Node ${process.version}) (${reason}). ` +
      'Build it in your project: `pnpm approve-builds better-sqlite3` (pnpm 10+ runs no build script it was not allowed to: this allows and builds it; ' +
      'or install with `pnpm add --allow-build=better-sqlite3 ...`, or list it under `allowBuilds:` in pnpm-workspace.yaml), `pnpm rebuild better-sqlite3` once allowed, ' +
      'or `npm rebuild better-sqlite3`. ' +
      'Where no prebuilt binary can be downloaded it compiles from source: that needs python3, make, a C++ compiler and the Node headers ' +
      '(set npm_config_nodedir, e.g. npm_config_nodedir=/usr, in the environment).',
    { cause: error },
  );
}

/**
 * Opens the database of `options` (or adopts the injected handle) and applies the pragmas that
 * write nothing: busy timeout and synchronous. WAL is set by `enableWal` at the first write, so
 * opening to read leaves the file byte-identical (a Python rollback-journal file stays one). A
 * missing file with `readonly`/`fileMustExist` is NOT_FOUND; a file that is not a database is
 * NOT_A_DATABASE and is left byte-for-byte untouched, because the first statement only reads.
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
      const found = statOrUndefined(location);
      // SQLite says "unable to open" when writing and "disk I/O error" when reading: say it here
      if (found?.isDirectory()) {
        throw new XetrackError('NOT_A_DATABASE', `sqlite: ${location} is a directory, not a database file. Give the path of a file (inside it, e.g. ${join(location, 'track.db')}).`);
      }
      if (options.readonly || options.fileMustExist) {
        if (found === undefined) {
          throw new XetrackError('NOT_FOUND', `sqlite: ${location} does not exist (opened with ${options.readonly ? 'readonly' : 'fileMustExist'}, so it is not created). Check the path.`);
        }
      } else {
        mkdirSync(dirname(location), { recursive: true });
      }
    }
    const Database = loadDriver();
    const nativeBinding = options.nativeBinding ?? defaultAddon();
    try {
      db = new Database(path, {
        readonly: options.readonly,
        fileMustExist: options.fileMustExist,
        timeout: options.busyTimeoutMs,
        ...(nativeBinding === null ? {} : { nativeBinding }),
      });
    } catch (error) {
      // better-sqlite3 loads its addon on the first `new Database()`, so an unbuilt one fails here
      if (isAddonLoadFailure(error)) throw missingAddonError(error);
      throw openFailure(error, location);
    }
    owned = true;
  }
  try {
    applyPragmas(db, options);
  } catch (error) {
    if (owned) db.close();
    throw openFailure(error, location);
  }
  return { db, location, owned };
}

function applyPragmas(db: SqliteDatabase, options: ResolvedSqliteOptions): void {
  db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
  // Reads the header (and only reads): a file that is not a database fails here, unmodified.
  db.pragma('schema_version', { simple: true });
  db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
}

/**
 * Switches a file database to WAL (readers never block the writer), before its first write; not
 * inside a transaction (SQLite refuses there). Returns true once the question is settled (WAL set,
 * or not possible: memory, read-only); false when it should be tried again at the next write (the
 * file was busy), the write going on in the file's current mode meanwhile.
 */
export function enableWal(db: SqliteDatabase): boolean {
  if (db.memory || db.readonly) return true;
  if (db.inTransaction) return false;
  try {
    db.pragma('journal_mode = WAL');
    return true;
  } catch (error) {
    // A file without write permission opens read-only: the write itself reports READ_ONLY.
    return String((error as { code?: unknown }).code).startsWith('SQLITE_READONLY');
  }
}

/**
 * The error for a failed open. SQLite says only "unable to open database file" (SQLITE_CANTOPEN)
 * for a directory given as the path, a new file in a directory that cannot be written, and a WAL
 * file whose directory is read-only (it cannot create the -shm file): say which, and what to do.
 */
function openFailure(error: unknown, location: string): XetrackError {
  if ((error as { code?: unknown } | null)?.code !== 'SQLITE_CANTOPEN') return toXetrackError(error, { location, action: 'open' });
  const native = error instanceof Error ? error.message : String(error);
  if (!writable(dirname(location))) {
    const what = existsSync(location)
      ? `${location} is in WAL mode and its directory is read-only, so SQLite cannot create the -wal/-shm files it needs even to read it. Copy the file (with its -wal file, if any) to a writable place, or, where it is writable, switch it out of WAL: sqlite3 FILE 'PRAGMA journal_mode=DELETE'`
      : `cannot create ${location}: its directory is not writable. Choose a writable directory`;
    return new XetrackError('READ_ONLY', `sqlite: ${what}. (SQLite: ${native})`, { cause: error });
  }
  return new XetrackError('ENGINE_FAILURE', `sqlite: cannot open ${location}: check that the path names a file you may read and write. (SQLite: ${native})`, { cause: error });
}

/** The file's stat, or undefined when it cannot be seen (missing, or a directory on the way not searchable), as `existsSync` tells. */
function statOrUndefined(location: string): Stats | undefined {
  try {
    return statSync(location, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

function writable(directory: string): boolean {
  try {
    accessSync(directory, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
