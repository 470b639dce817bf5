/**
 * What a READ ONLY transaction does not stop. PostgreSQL refuses there every change to the
 * database, but not a statement that acts outside it: `COPY ... TO '/file'` or `TO PROGRAM`,
 * `lo_export()`, signalling other sessions, a lock that outlives the transaction, a write through
 * dblink. `sql()` asked to only read (`xt sql` without --write, the MCP `sql` tool) refuses those
 * by name before running anything. A function of the database's own that does such things inside
 * is not seen here: that is the role's privileges to limit (see the README).
 */
import { sqlWords } from '@xetrack/core/engine';

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

/**
 * Why `query` would act outside the database (`COPY writes ...`), or undefined. Its words are read
 * as PostgreSQL reads them (`sqlWords`), so `SELECT 'copy'` or a column named "copy" pass.
 */
export function outsideEffect(query: string): string | undefined {
  const words = sqlWords(query);
  for (let i = 0; i < words.length; i++) {
    const { name, first } = words[i]!;
    if (name === undefined) continue;
    const command = first ? STATEMENTS.get(name) : undefined;
    if (command !== undefined) return command;
    if (words[i + 1]?.mark === '(') {
      const why = FUNCTIONS.get(name) ?? (STAT_RESET.test(name) ? CHANGES_SERVER : undefined);
      if (why !== undefined) return `${name}() ${why}`;
    }
  }
  return undefined;
}
