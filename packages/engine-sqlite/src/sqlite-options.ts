import { XetrackError } from '@xetrack/core/engine';
import type { SqliteDatabase } from './sqlite-database.js';

/** Options of the SQLite engine. */
export interface SqliteEngineOptions {
  /** Database file (its parent directory is created), or `':memory:'`. Optional when `database` is given. */
  path?: string;
  /**
   * `'normal'` (default): with WAL, a committed row survives a crash of the process and the file is
   * never corrupted; a power loss may lose the last commits. `'full'`: fsync on every commit, so
   * committed rows also survive a power loss, at a cost per commit.
   */
  synchronous?: 'normal' | 'full';
  /** How long a write waits for another connection's lock before failing with LOCKED. Default 30000. */
  busyTimeoutMs?: number;
  /** Open read-only: every write rejects with READ_ONLY, and nothing is ever written. */
  readonly?: boolean;
  /** Fail with NOT_FOUND instead of creating a missing file (what readers use). */
  fileMustExist?: boolean;
  /**
   * Rows per page of `iterate()` where it pages (not a WAL file): memory held while streaming vs.
   * queries run. Default 1000 (a page costs one indexed read, so smaller pages cost little: 1,000,000
   * rows in 4.2 s and +88 MB RSS, against 5.3 s and +141 MB in pages of 5,000).
   */
  iteratePageSize?: number;
  /**
   * An open better-sqlite3 `Database` (or anything with the same shape) to use instead of opening
   * `path`. The engine applies its pragmas to it but does not close it: its owner does.
   */
  database?: SqliteDatabase;
  /**
   * Path of better-sqlite3's native addon (`better_sqlite3.node`) to load instead of the one its
   * package finds itself (better-sqlite3's own `nativeBinding` option): for bundled apps that ship
   * the addon beside their code.
   */
  nativeBinding?: string;
}

/** Options after defaults, frozen. */
export interface ResolvedSqliteOptions {
  readonly path: string | undefined;
  readonly synchronous: 'normal' | 'full';
  readonly busyTimeoutMs: number;
  readonly readonly: boolean;
  readonly fileMustExist: boolean;
  readonly iteratePageSize: number;
  readonly database: SqliteDatabase | undefined;
  readonly nativeBinding: string | undefined;
}

function invalid(message: string): XetrackError {
  return new XetrackError('INVALID_ARGUMENT', `sqlite: ${message}`);
}

/** Checks `options`, fills in defaults and freezes the result, so an engine never sees them change. */
export function resolveOptions(options: SqliteEngineOptions | undefined): ResolvedSqliteOptions {
  if (options === null || typeof options !== 'object') {
    throw invalid('options are required: pass { path: "track.db" } (or { database }).');
  }
  const { path, database } = options;
  if (database === undefined && (typeof path !== 'string' || path.length === 0)) {
    throw invalid('options.path must be a file path or ":memory:" (or pass an open handle as options.database).');
  }
  if (path !== undefined && typeof path !== 'string') throw invalid('options.path must be a string.');
  const synchronous = options.synchronous ?? 'normal';
  if (synchronous !== 'normal' && synchronous !== 'full') {
    throw invalid(`options.synchronous must be 'normal' or 'full', not ${JSON.stringify(synchronous)}.`);
  }
  const busyTimeoutMs = options.busyTimeoutMs ?? 30_000;
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0 || busyTimeoutMs > 2 ** 31 - 1) {
    throw invalid(`options.busyTimeoutMs must be a whole number of milliseconds >= 0, not ${String(busyTimeoutMs)}.`);
  }
  const iteratePageSize = options.iteratePageSize ?? 1000;
  if (!Number.isSafeInteger(iteratePageSize) || iteratePageSize < 1) {
    throw invalid(`options.iteratePageSize must be a whole number >= 1, not ${String(iteratePageSize)}.`);
  }
  const { nativeBinding } = options;
  if (nativeBinding !== undefined && (typeof nativeBinding !== 'string' || nativeBinding.length === 0)) {
    throw invalid('options.nativeBinding must be the path of a better_sqlite3.node file.');
  }
  if (database !== undefined && (database === null || typeof database.prepare !== 'function')) {
    throw invalid('options.database must be an open better-sqlite3 Database.');
  }
  return Object.freeze({
    path,
    synchronous,
    busyTimeoutMs,
    readonly: options.readonly === true,
    fileMustExist: options.fileMustExist === true,
    iteratePageSize,
    database,
    nativeBinding,
  });
}
