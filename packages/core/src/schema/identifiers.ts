import { XetrackError } from '../errors.js';

/** Python xetrack's limit on column names; kept so files stay interchangeable. */
export const MAX_COLUMN_LENGTH = 64;
const MAX_TABLE_LENGTH = 128;

/**
 * The column name for a data key, by Python xetrack's rule done right: every character outside
 * `[A-Za-z0-9_]` becomes `_`, a leading digit gets a `_` prefix, and the result is cut to 64
 * characters. `val-loss` → `val_loss`, `7` → `_7`, `é x` → `__x`.
 */
export function columnNameFor(key: string): string {
  if (key.length === 0) {
    throw new XetrackError('INVALID_IDENTIFIER', 'An empty key cannot name a column: give the value a non-empty key.');
  }
  // per code point (`u`): an emoji is one character, one `_`, as in Python
  let name = key.replace(/[^A-Za-z0-9_]/gu, '_');
  if (name.charCodeAt(0) >= 48 && name.charCodeAt(0) <= 57) name = `_${name}`;
  return name.length > MAX_COLUMN_LENGTH ? name.slice(0, MAX_COLUMN_LENGTH) : name;
}

/** Tables xetrack's add-ons keep beside the tracking tables (SQLite matches names case-insensitively). */
const RESERVED_TABLES = ['xetrack_assets'];

/**
 * Checks a table name. Any text is allowed (engines always quote it) except the empty string,
 * NUL characters, names over 128 characters, SQLite's reserved `sqlite_` prefix and the tables
 * add-ons keep (`xetrack_assets`).
 */
export function checkTableName(table: string): string {
  if (typeof table !== 'string' || table.length === 0) {
    throw new XetrackError('INVALID_IDENTIFIER', 'The table name is empty: pass a non-empty `table` option (default "default").');
  }
  if (table.includes('\0')) {
    throw new XetrackError('INVALID_IDENTIFIER', `The table name ${JSON.stringify(table)} contains a NUL character: remove it.`);
  }
  if (table.length > MAX_TABLE_LENGTH) {
    throw new XetrackError('INVALID_IDENTIFIER', `The table name is ${table.length} characters long: use at most ${MAX_TABLE_LENGTH}.`);
  }
  if (RESERVED_TABLES.includes(table.toLowerCase())) {
    throw new XetrackError('INVALID_IDENTIFIER', `The table name ${JSON.stringify(table)} is reserved: @xetrack/assets keeps its assets in a table named xetrack_assets. Choose another name.`);
  }
  if (table.toLowerCase().startsWith('sqlite_')) {
    throw new XetrackError('INVALID_IDENTIFIER', `The table name ${JSON.stringify(table)} starts with "sqlite_", which SQLite reserves: choose another name.`);
  }
  return table;
}
