import { XetrackError, isXetrackError, type EngineErrorContext, type XetrackErrorCode } from '@xetrack/core/engine';

/** better-sqlite3 reports SQLite result codes as strings on `code` (`SQLITE_BUSY`, `SQLITE_CONSTRAINT_PRIMARYKEY`). */
function sqliteCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

function nativeMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function codeOf(error: unknown): XetrackErrorCode {
  const code = sqliteCode(error);
  const message = nativeMessage(error);
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'DUPLICATE_KEY';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'LOCKED';
  if (code.startsWith('SQLITE_READONLY')) return 'READ_ONLY';
  if (code === 'SQLITE_FULL') return 'STORAGE_FULL';
  if (code === 'SQLITE_NOTADB') return 'NOT_A_DATABASE';
  if (code === 'SQLITE_ERROR') {
    if (message.startsWith('no such table')) return 'UNKNOWN_TABLE';
    if (message.startsWith('no such column') || message.includes('has no column named')) return 'UNKNOWN_COLUMN';
  }
  // better-sqlite3 throws plain TypeError/RangeError for values it cannot bind, and for a closed handle.
  if (code === '' && error instanceof TypeError && message.includes('not open')) return 'CLOSED';
  if (code === '' && (error instanceof TypeError || error instanceof RangeError) && /bind|too big/i.test(message)) {
    return 'INVALID_VALUE';
  }
  return 'ENGINE_FAILURE';
}

/** What happened and what to do, for each code a native error can map to. */
const ADVICE: Readonly<Partial<Record<XetrackErrorCode, string>>> = Object.freeze({
  DUPLICATE_KEY: 'a row with the same (track_id, timestamp) already exists; nothing of this call was kept. Use a later timestamp or another track_id.',
  LOCKED: 'the database stayed locked by another connection for the whole busy timeout. Retry, or raise busyTimeoutMs.',
  READ_ONLY: 'the database is read-only (opened with readonly: true, or the file or its directory is not writable); nothing was written. Open it writable, or write to another file.',
  STORAGE_FULL: 'the disk or the database is full. Free some space and retry.',
  NOT_A_DATABASE: 'the file is not a SQLite database (or is encrypted); it was left untouched. Point to a SQLite file, or to a new path to create one.',
  UNKNOWN_TABLE: 'the table does not exist. Check its name (Reader.tables() lists the tables).',
  UNKNOWN_COLUMN: 'the table has no such column. Check the name (Reader.columns() and xt columns list them).',
  INVALID_VALUE: 'a value cannot be stored. Pass a string, number, bigint within 64 bits, boolean, Uint8Array or null.',
  CLOSED: 'the connection is closed. Open a new engine.',
  ENGINE_FAILURE: 'SQLite reported an error. Check the statement and the file.',
});

/**
 * Wraps whatever better-sqlite3 threw into a XetrackError with a code core can act on, the native
 * error as `cause`, and a message naming the location, what was attempted and what to do.
 * A XetrackError passes through unchanged.
 */
export function toXetrackError(error: unknown, context: EngineErrorContext): XetrackError {
  if (isXetrackError(error)) return error;
  const code = codeOf(error);
  const message = `sqlite: ${context.action} failed on ${context.location}: ${ADVICE[code] ?? ''} (SQLite: ${nativeMessage(error)})`;
  return new XetrackError(code, message, { cause: error });
}
