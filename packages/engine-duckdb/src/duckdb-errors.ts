import { isXetrackError, XetrackError, type EngineErrorContext, type XetrackErrorCode } from '@xetrack/core/engine';

/**
 * DuckDB's ways of saying that another connection committed a conflicting change first (the
 * whole statement or transaction was aborted, so running it again is safe).
 */
export const TRANSACTION_CONFLICT =
  /Transaction conflict|write-write conflict|Conflict on (tuple|update)|another transaction has altered|altered by a different transaction|by a concurrent transaction/i;

/**
 * Runs a write again when another connection of this process (another engine on the same file)
 * committed a conflicting change first, e.g. added a column while this insert was open: DuckDB
 * then aborts ours as a whole, so retrying is safe. `onConflict` drops what the engine cached.
 */
export async function retryOnConflict<T>(task: () => Promise<T>, onConflict: () => void): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await task();
    } catch (error) {
      const message = error instanceof Error ? error.message : '';
      if (attempt >= 30 || !TRANSACTION_CONFLICT.test(message)) throw error;
      onConflict();
      // random, growing back-off: two connections retrying in lockstep would conflict again
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 ** attempt)));
    }
  }
}

/** A failure a stale cached schema explains: a column it does not know, a table gone, a column whose type changed. */
export function explainedByStaleSchema(error: unknown): boolean {
  return isXetrackError(error, 'UNKNOWN_COLUMN') || (error instanceof Error && /Table with name .* does not exist|Referenced column .* not found|explicit cast is required/i.test(error.message));
}

interface Rule {
  code: XetrackErrorCode;
  test: RegExp;
  advice: (native: string, context: EngineErrorContext) => string;
}

// DuckDB reports every failure as a plain Error whose message starts with its class
// ("Constraint Error: ...", "IO Error: ..."), so the message is all there is to classify.
const RULES: Rule[] = [
  {
    code: 'DUPLICATE_KEY',
    test: /duplicate key|PRIMARY KEY or UNIQUE constraint/i,
    advice: () => 'A row with the same (track_id, timestamp) already exists; nothing of this call was written. Use a new timestamp (the Tracker does this itself).',
  },
  {
    code: 'LOCKED',
    test: /Could not set lock on file/i,
    advice: (native, { location }) => {
      const pid = /PID (\d+)/.exec(native)?.[1];
      return (
        `Another process${pid ? ` (PID ${pid})` : ''} holds the lock on ${location}. DuckDB lets one process open a file ` +
        'for writing, and read-only processes only while no writer has it open. Write from one process ' +
        '(share its Tracker), use the SQLite or PostgreSQL engine when several processes must write, or ' +
        'open with `readonly: true` once the writer has closed the file.'
      );
    },
  },
  {
    code: 'LOCKED',
    test: /different configuration than existing connections/i,
    advice: (_native, { location }) =>
      `This process already has ${location} open with other options (read-write vs read-only, or another \`threads\`). ` + 'Reuse that engine, or open this one with the same options.',
  },
  {
    code: 'LOCKED',
    test: TRANSACTION_CONFLICT,
    advice: () => 'Another engine of this process on the same file changed the same table at the same time, again and again. Retry the call, or share one engine.',
  },
  {
    code: 'READ_ONLY',
    test: /read-only mode|read-only database|attached in read-only|launched in read-only/i,
    advice: (_native, { location }) => `${location} is open read-only: open it without \`readonly\` to write.`,
  },
  {
    code: 'READ_ONLY',
    test: /Permission denied/i,
    advice: (_native, { location }) => `The file permissions do not allow this access to ${location}: check the owner and mode of the file and its directory, or open it with \`readonly: true\`.`,
  },
  {
    code: 'NOT_A_DATABASE',
    test: /not a valid DuckDB database file|is not a DuckDB database|Is a directory/i,
    advice: (_native, { location }) => `${location} is not a DuckDB database file; it was left untouched. Check the path, or open it with the engine that wrote it.`,
  },
  {
    code: 'NOT_FOUND',
    test: /database does not exist|No such file or directory/i,
    advice: (_native, { location }) => `${location} does not exist: check the path (readers never create a database).`,
  },
  {
    code: 'STORAGE_FULL',
    test: /No space left on device|disk is full|Disk quota exceeded/i,
    advice: (_native, { location }) => `The disk holding ${location} is full: free some space and retry.`,
  },
  {
    code: 'UNKNOWN_TABLE',
    test: /Table with name .* does not exist|Table ".*" could not be found/i,
    advice: () => 'Create the table first (ensureColumns, which the Tracker calls) or check its name.',
  },
  {
    code: 'UNKNOWN_COLUMN',
    test: /Referenced column .* not found|Column with name .* does not exist|does not have a column named/i,
    advice: () => 'Check the column name (Reader.columns() and xt columns list them).',
  },
  {
    code: 'INVALID_VALUE',
    test: /NOT NULL constraint/i,
    advice: () => 'track_id and timestamp are the primary key and cannot be NULL: give every row both.',
  },
  {
    code: 'INVALID_VALUE',
    test: /Conversion Error|Could not convert|out of range for the destination type/i,
    advice: () => 'DuckDB columns hold one type each: store this value under another key, or convert it first.',
  },
  {
    code: 'CLOSED',
    test: /connection (has been |was )?closed|database (has been |is )?closed|Connection already closed/i,
    advice: () => 'The engine was closed: open a new one to use the database again.',
  },
];

/**
 * Turns anything DuckDB threw into a XetrackError whose code says what happened and whose message
 * says what to do; the native error stays as `cause`. XetrackErrors pass through unchanged.
 */
export function toXetrackError(error: unknown, context: EngineErrorContext): XetrackError {
  if (isXetrackError(error)) return error;
  const native = error instanceof Error ? error.message : String(error);
  const firstLine = (native.split('\n')[0] ?? native).replace(/[.!\s]+$/, '');
  const rule = RULES.find((r) => r.test.test(native));
  const code: XetrackErrorCode = rule?.code ?? 'ENGINE_FAILURE';
  const advice = rule ? rule.advice(native, context) : "Check the statement and the database file; the cause holds DuckDB's own error.";
  return new XetrackError(code, `DuckDB could not ${context.action} (${context.location}): ${firstLine}. ${advice}`, { cause: error });
}
