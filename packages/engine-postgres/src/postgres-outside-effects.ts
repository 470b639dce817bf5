/**
 * What a READ ONLY transaction does not stop. PostgreSQL refuses there every change to the
 * database, but not a statement that acts outside it: `COPY ... TO '/file'` or `TO PROGRAM`,
 * `lo_export()`, signalling other sessions, a lock that outlives the transaction, a write through
 * dblink. `sql()` asked to only read (`xt sql` without --write, the MCP `sql` tool) refuses those
 * by name before running anything. A function of the database's own that does such things inside
 * is not seen here: that is the role's privileges to limit (see the README).
 */

/** Statements refused by their first word, and why. */
const STATEMENTS: ReadonlyMap<string, string> = new Map([
  ['copy', 'COPY writes or reads files on the server, or runs a program there'],
  ['do', 'a DO block can run any code, COPY to a file among it'],
  ['call', 'a procedure can act outside the transaction'],
  ['load', 'LOAD loads a library into the server'],
]);

const WRITES_SERVER_FILES = 'writes files on the server';
const CHANGES_SERVER = "changes the server's state";
const OUTLIVES = 'takes a lock that outlives the statement';
const REMOTE = 'runs statements on another server';

/** Functions refused wherever they are called, and why. */
const FUNCTIONS: ReadonlyMap<string, string> = new Map([
  ...['lo_export', 'pg_file_write', 'pg_file_rename', 'pg_file_unlink', 'pg_file_sync'].map((f) => [f, WRITES_SERVER_FILES] as const),
  ...[
    'pg_terminate_backend',
    'pg_cancel_backend',
    'pg_reload_conf',
    'pg_rotate_logfile',
    'pg_promote',
    'pg_switch_wal',
    'pg_create_restore_point',
    'pg_backup_start',
    'pg_backup_stop',
    'pg_start_backup',
    'pg_stop_backup',
    'pg_wal_replay_pause',
    'pg_wal_replay_resume',
    'pg_log_backend_memory_contexts',
    'pg_create_physical_replication_slot',
    'pg_create_logical_replication_slot',
    'pg_copy_physical_replication_slot',
    'pg_copy_logical_replication_slot',
    'pg_drop_replication_slot',
    'pg_replication_slot_advance',
  ].map((f) => [f, CHANGES_SERVER] as const),
  ...['pg_advisory_lock', 'pg_advisory_lock_shared', 'pg_try_advisory_lock', 'pg_try_advisory_lock_shared'].map((f) => [f, OUTLIVES] as const),
  ...['dblink', 'dblink_exec', 'dblink_connect', 'dblink_connect_u', 'dblink_send_query', 'dblink_open'].map((f) => [f, REMOTE] as const),
]);

/** `pg_stat_reset`, `pg_stat_reset_shared`, `pg_stat_reset_single_table_counters`, ... */
const STAT_RESET = /^pg_stat_reset/;

/** One word of a statement: a name (unquoted ones folded to lower case, as PostgreSQL does) or a punctuation mark. */
interface Token {
  name?: string;
  mark?: string;
}

/**
 * Why `query` would act outside the database (`COPY writes ...`), or undefined. Reads it as
 * PostgreSQL does: string literals (also `E'...'` and `$tag$...$tag$`), comments (`--` and nested block comments)
 * and quoted names are skipped or read whole, so `SELECT 'copy'` or a column named "copy" pass.
 */
export function outsideEffect(query: string): string | undefined {
  const tokens = tokenize(query);
  let statementStart = true;
  for (let i = 0; i < tokens.length; i++) {
    const { name, mark } = tokens[i]!;
    if (mark === ';') statementStart = true;
    if (name === undefined) continue;
    if (statementStart) {
      statementStart = false;
      const why = STATEMENTS.get(name);
      if (why !== undefined) return why;
    }
    if (tokens[i + 1]?.mark === '(') {
      const why = FUNCTIONS.get(name) ?? (STAT_RESET.test(name) ? CHANGES_SERVER : undefined);
      if (why !== undefined) return `${name}() ${why}`;
    }
  }
  return undefined;
}

/** The names and marks of `query`, without whitespace, comments, literals and parameters. */
function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = query.length;
  while (i < n) {
    const c = query[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '-' && query[i + 1] === '-') {
      const end = query.indexOf('\n', i);
      i = end === -1 ? n : end + 1;
    } else if (c === '/' && query[i + 1] === '*') i = commentEnd(query, i);
    else if (c === "'") i = stringEnd(query, i, false);
    else if (c === '"') {
      const end = quotedEnd(query, i);
      tokens.push({ name: query.slice(i + 1, end - 1).replaceAll('""', '"') });
      i = end;
    } else if (c === '$' && /[A-Za-z_\u0080-\uffff$]/.test(query[i + 1] ?? '')) i = dollarEnd(query, i);
    else if (c === '$' && /\d/.test(query[i + 1] ?? '')) {
      i++;
      while (i < n && /\d/.test(query[i]!)) i++;
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      let end = i + 1;
      while (end < n && /[A-Za-z0-9_$\u0080-\uffff]/.test(query[end]!)) end++;
      const word = query.slice(i, end);
      // E'...' takes backslash escapes; U&'...', B'...', X'...' are read as plain literals
      if (query[end] === "'") i = stringEnd(query, end, word.toLowerCase() === 'e');
      else {
        tokens.push({ name: word.toLowerCase() });
        i = end;
      }
    } else {
      tokens.push({ mark: c });
      i++;
    }
  }
  return tokens;
}

/** The index after the block comment starting at `start` (they nest in PostgreSQL). */
function commentEnd(query: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < query.length) {
    if (query.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (query.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return query.length;
}

/** The index after the string literal whose opening quote is at `start`. */
function stringEnd(query: string, start: number, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < query.length) {
    const c = query[i];
    if (backslashEscapes && c === '\\') i += 2;
    else if (c === "'") {
      if (query[i + 1] === "'") i += 2;
      else return i + 1;
    } else i++;
  }
  return query.length;
}

/** The index after the `"`-quoted name starting at `start` (`""` inside is one quote). */
function quotedEnd(query: string, start: number): number {
  let i = start + 1;
  while (i < query.length) {
    if (query[i] === '"') {
      if (query[i + 1] === '"') i += 2;
      else return i + 1;
    } else i++;
  }
  return query.length;
}

/** The index after a `$tag$...$tag$` literal starting at `start`; a lone `$` is a mark. */
function dollarEnd(query: string, start: number): number {
  const open = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(query.slice(start));
  if (open === null) return start + 1;
  const close = query.indexOf(open[0], start + open[0].length);
  return close === -1 ? query.length : close + open[0].length;
}
