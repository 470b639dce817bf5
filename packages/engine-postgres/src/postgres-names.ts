import { createHash } from 'node:crypto';
import { XetrackError, type ColumnType } from '@xetrack/core/engine';

/** PostgreSQL keeps identifiers up to NAMEDATALEN - 1 = 63 bytes and silently cuts longer ones. */
export const MAX_IDENTIFIER_BYTES = 63;
/** Bytes of a long name kept in front of its hash. */
const PREFIX_BYTES = MAX_IDENTIFIER_BYTES - 17;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const COMMENT_PREFIX = 'xetrack:';

/**
 * Refuses names PostgreSQL cannot carry intact: empty, with NUL (not allowed in identifiers), or
 * with unpaired surrogates (they would arrive as U+FFFD, so the name would change).
 */
export function checkName(name: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.includes('\0') || LONE_SURROGATE.test(name)) {
    throw new XetrackError(
      'INVALID_IDENTIFIER',
      `postgres: ${JSON.stringify(name)} cannot be used as a table or column name: names must be non-empty, without NUL characters or unpaired surrogates. Rename it.`,
    );
  }
  return name;
}

/** `name` as a double-quoted identifier (`"` doubled), so any name is data, never SQL. */
export function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `text` as an escape-string literal (`E'...'`, `\` and `'` escaped), for statements that take no parameters. */
export function literal(text: string): string {
  return `E'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/**
 * The identifier a table or column is created under. Names up to 63 bytes are used as they are.
 * A longer name (xetrack allows 64-character columns and 128-character tables) becomes its first
 * bytes, `~` and 16 hex digits of its SHA-256, and the full name is kept in the object's comment,
 * which is where `describe` and `tables` read it from.
 */
export function physicalName(name: string): string {
  if (Buffer.byteLength(name, 'utf8') <= MAX_IDENTIFIER_BYTES) return name;
  let prefix = '';
  let bytes = 0;
  for (const char of name) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > PREFIX_BYTES) break;
    prefix += char;
    bytes += size;
  }
  return `${prefix}~${createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 16)}`;
}

/** Column names PostgreSQL reserves for its system columns in every table (`oid` is free since version 12). */
const SYSTEM_COLUMNS: ReadonlySet<string> = new Set(['tableoid', 'xmin', 'cmin', 'xmax', 'cmax', 'ctid']);

/**
 * The identifier a column is created under: `physicalName`, except that a system column's name
 * (`xmin`...), which PostgreSQL refuses, becomes `xmin~` and a hash, like a long name. The column
 * keeps its name for users (it is in the comment), so a logged `xmin` reads back and copies as `xmin`.
 */
export function physicalColumnName(name: string): string {
  return SYSTEM_COLUMNS.has(name) ? `${name}~${createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 16)}` : physicalName(name);
}

/** What the engine remembers in a table's or column's comment. */
export interface NameComment {
  /** The full name, when the identifier is a shortened one. */
  name?: string;
  /** The column's logical type before it was widened to hold values of another type. */
  type?: ColumnType;
}

/** The engine's part of a comment (`xetrack:{...}`), or `{}` for any other comment. */
export function parseComment(comment: string | null | undefined): NameComment {
  if (typeof comment !== 'string' || !comment.startsWith(COMMENT_PREFIX)) return {};
  try {
    const parsed = JSON.parse(comment.slice(COMMENT_PREFIX.length)) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    const { name, type } = parsed as Record<string, unknown>;
    return {
      ...(typeof name === 'string' ? { name } : {}),
      ...(typeof type === 'string' ? { type: type as ColumnType } : {}),
    };
  } catch {
    return {};
  }
}

/** The comment text for `comment`, or undefined when there is nothing to remember. */
export function formatComment(comment: NameComment): string | undefined {
  if (comment.name === undefined && comment.type === undefined) return undefined;
  return `${COMMENT_PREFIX}${JSON.stringify(comment)}`;
}

/** A 31-bit key for advisory locks on one table (PostgreSQL's int4 lock keys). */
export function lockKey(schema: string, table: string): number {
  return createHash('sha256').update(`${schema}\0${table}`, 'utf8').digest().readInt32BE(0);
}

/** The first advisory-lock key of every lock this engine takes ('xt' in ASCII), so they never meet other users'. */
export const LOCK_CLASS = 0x7874;
