import { XetrackError, isXetrackError, type EngineErrorContext, type XetrackErrorCode } from '@xetrack/core/engine';

/** The engine error context; a server always has a `host:port` to name. */
type ServerErrorContext = EngineErrorContext & { server: string };

/** The SQLSTATE of a server error (`pg`'s `DatabaseError.code`), or '' for anything else. */
export function sqlState(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : '';
}

/** Node's network error code (ECONNREFUSED...), looking inside an AggregateError from happy eyeballs. */
function networkCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  const inner = (error as { errors?: unknown } | null)?.errors;
  if (Array.isArray(inner)) for (const e of inner) if (networkCode(e) !== '') return networkCode(e);
  return '';
}

function nativeMessage(error: unknown): string {
  if (error instanceof Error) {
    if (error.message !== '') return error.message;
    const inner = (error as { errors?: unknown }).errors;
    if (Array.isArray(inner) && inner[0] instanceof Error) return inner[0].message;
    return error.name;
  }
  return String(error);
}

const CONNECTION_MESSAGES = /Connection terminated|connection timeout|timeout expired|Client has encountered a connection error|not queryable|ECONNRESET|socket hang up|server closed the connection/i;

/**
 * True when `error` says the connection to the server failed or was lost (refused, reset, timed
 * out, terminated by a server shutdown), rather than that a statement was wrong.
 */
export function isConnectionError(error: unknown): boolean {
  const state = sqlState(error);
  if (state.startsWith('08') || state === '57P01' || state === '57P02' || state === '57P03') return true;
  if (networkCode(error) !== '') return true;
  return state === '' && CONNECTION_MESSAGES.test(nativeMessage(error));
}

function codeOf(error: unknown, context: ServerErrorContext): XetrackErrorCode {
  const state = sqlState(error);
  switch (state) {
    case '23505':
      return 'DUPLICATE_KEY';
    case '42P01':
      return 'UNKNOWN_TABLE';
    case '42703':
      return 'UNKNOWN_COLUMN';
    case '3D000': // database does not exist
    case '3F000': // schema does not exist
      return 'NOT_FOUND';
    case '25006': // read-only transaction (a hot standby, default_transaction_read_only)
      return 'READ_ONLY';
    case '42501':
      return context.write ? 'READ_ONLY' : 'ENGINE_FAILURE';
    case '53100':
      return 'STORAGE_FULL';
    case '55P03': // lock_not_available
    case '40P01': // deadlock_detected
    case '40001': // serialization_failure
      return 'LOCKED';
  }
  if (state.startsWith('22')) return 'INVALID_VALUE';
  return 'ENGINE_FAILURE';
}

function advice(code: XetrackErrorCode, error: unknown, context: ServerErrorContext): string {
  const state = sqlState(error);
  if (state === '28P01' || state === '28000') {
    return `the server at ${context.server} refused the login. Check the user name and password in the URL (percent-encode special characters) or PGPASSWORD, and the server's pg_hba.conf.`;
  }
  if (state === '3D000') return `the database does not exist on ${context.server}. Create it (createdb) or fix the database name in the URL.`;
  if (state === '3F000') return 'the schema does not exist (readers never create it). Check the schema name, or write to it first.';
  if (state === '53300') return `the server at ${context.server} has no free connection slots. Lower the engine's max option or raise the server's max_connections.`;
  if (isConnectionError(error)) {
    const net = networkCode(error);
    const what =
      net === 'ECONNREFUSED'
        ? 'connection refused'
        : net === 'ENOTFOUND' || net === 'EAI_AGAIN'
          ? 'host not found'
          : net === 'ETIMEDOUT' || /timeout/i.test(nativeMessage(error))
            ? 'timed out'
            : state.startsWith('57P')
              ? 'the server shut down or restarted'
              : 'the connection was lost';
    return `cannot reach the PostgreSQL server at ${context.server} (${what}). Check that the server is running and that host and port in the URL are right; the next call reconnects.${context.write ? ' A write that failed this way may not have been stored: write it again.' : ''}`;
  }
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'a row with the same (track_id, timestamp) already exists; nothing of this call was kept. Use a later timestamp or another track_id.';
    case 'UNKNOWN_TABLE':
      return 'the table does not exist. Check its name (Reader.tables() lists the tables).';
    case 'UNKNOWN_COLUMN':
      return 'the table has no such column. Check the name (Reader.columns() and xt columns list them).';
    case 'NOT_FOUND':
      return 'the database or schema does not exist.';
    case 'READ_ONLY':
      return 'the server refused to write (a read-only transaction or server, or no INSERT/UPDATE/CREATE privilege); nothing was written. Grant the privileges or connect to the primary.';
    case 'STORAGE_FULL':
      return `the disk of the server at ${context.server} is full. Free some space and retry.`;
    case 'LOCKED':
      return 'another session held a lock this statement needed (a lock timeout, deadlock or serialization failure). Retry.';
    case 'INVALID_VALUE':
      return 'a value cannot be stored in its column (PostgreSQL text cannot hold NUL characters; a json column needs JSON text). Fix the value.';
    default:
      return `the PostgreSQL server at ${context.server} reported an error. Check the statement and the server log.`;
  }
}

/**
 * Wraps whatever `pg` threw into a XetrackError with a code core can act on, the native error as
 * `cause`, and a message naming the server, what was attempted and what to do.
 * A XetrackError passes through unchanged.
 */
export function toXetrackError(error: unknown, context: ServerErrorContext): XetrackError {
  if (isXetrackError(error)) return error;
  const code = codeOf(error, context);
  const state = sqlState(error);
  const detail = `${state !== '' ? `PostgreSQL ${state}` : networkCode(error) || 'pg'}: ${nativeMessage(error)}`;
  const message = `postgres: ${context.action} failed on ${context.location}: ${advice(code, error, context)} (${detail})`;
  return new XetrackError(code, message, { cause: error });
}
