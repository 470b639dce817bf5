/**
 * The one error class of xetrack. Check errors with `isXetrackError(e, code)`, not `instanceof`:
 * a plugin may bring its own copy of core, and the brand works across copies.
 */

export type XetrackErrorCode =
  /** A key, column or table name that cannot be used. */
  | 'INVALID_IDENTIFIER'
  /** A value the store cannot hold (e.g. a bigint outside 64 bits). */
  | 'INVALID_VALUE'
  /** A bad option or argument. */
  | 'INVALID_ARGUMENT'
  /** An engine package is not installed or exports no engine. */
  | 'ENGINE_NOT_FOUND'
  /** An optional add-on package (cache, assets, git, ui, the Parquet writer) is not installed or too old. */
  | 'PACKAGE_NOT_FOUND'
  /** An engine built for another version of the engine contract. */
  | 'ENGINE_API_MISMATCH'
  /** The database reported an error. */
  | 'ENGINE_FAILURE'
  /** The file exists but is not a database of this engine. */
  | 'NOT_A_DATABASE'
  /** A file or directory that does not exist. */
  | 'NOT_FOUND'
  /** A table that does not exist (readers never create one). */
  | 'UNKNOWN_TABLE'
  /** A column that does not exist. */
  | 'UNKNOWN_COLUMN'
  /** A selection that matched nothing, e.g. a side of a comparison without rows. */
  | 'EMPTY_SELECTION'
  /** A table of our name whose shape is not a tracking table. */
  | 'SCHEMA_MISMATCH'
  /** An insert hit an existing (track_id, timestamp). Core retries these itself. */
  | 'DUPLICATE_KEY'
  /** The database is busy or locked by another writer. */
  | 'LOCKED'
  /** The store is read-only (file permissions or a read-only open). */
  | 'READ_ONLY'
  /** The disk or the database is full. */
  | 'STORAGE_FULL'
  /** The tracker, reader or engine was used after `close()`. */
  | 'CLOSED'
  /** Stored data no longer reads back as written (changed outside xetrack): the message says how to restore it. */
  | 'DAMAGED';

const BRAND = Symbol.for('xetrack.error');

export class XetrackError extends Error {
  readonly code: XetrackErrorCode;
  readonly [BRAND] = true;

  constructor(code: XetrackErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'XetrackError';
    this.code = code;
  }
}

/** True when `error` is a xetrack error (from any copy of core), optionally with the given code. */
export function isXetrackError(error: unknown, code?: XetrackErrorCode): error is XetrackError {
  if (typeof error !== 'object' || error === null) return false;
  const branded = (error as Record<symbol, unknown>)[BRAND] === true;
  return branded && (code === undefined || (error as XetrackError).code === code);
}

/** The message of any thrown value, for wrapping. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * What an engine was doing when its database failed: every engine builds its error messages from
 * this one shape (`toXetrackError(error, context)` in each engine's errors module).
 */
export interface EngineErrorContext {
  /** The store, as `Engine.location` shows it (a file path, `:memory:`, a URL without password). */
  location: string;
  /** What was attempted, e.g. `insert into "runs"`. */
  action: string;
  /** `host:port` of a database server, for engines that have one. */
  server?: string;
  /** True when the action writes (a permission error then means the store is read-only for us). */
  write?: boolean;
}
