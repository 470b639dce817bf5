import type { CellValue, Engine, Row, SqlOptions } from '../engine/contract.js';
import { isXetrackError, messageOf, XetrackError } from '../errors.js';

/**
 * Raw SQL as `Reader.sql()` and `xt sql` run it: exactly as typed, with the same hints on failure.
 * A table whose name is an SQL keyword used without quotes (Python users write `FROM default`)
 * gets "write it in double quotes"; an unknown column gets the columns the tables have. The query
 * is never rewritten.
 */
export async function runSql(engine: Engine, query: string, params: CellValue[] = [], options: SqlOptions & { otherwise?: string } = {}): Promise<Row[]> {
  const { otherwise = 'use toRows() or iterate() instead', ...sqlOptions } = options;
  if (!engine.sql) throw new XetrackError('INVALID_ARGUMENT', `The ${engine.name} engine does not run raw SQL: ${otherwise}.`);
  try {
    return await engine.sql(query, params, sqlOptions);
  } catch (error) {
    if (isXetrackError(error, 'READ_ONLY')) throw error;
    throw await withHint(error, query, engine);
  }
}

/** Words SQLite, DuckDB and PostgreSQL reserve that make sense as table names. */
const KEYWORDS = new Set([
  'all',
  'analyze',
  'and',
  'as',
  'asc',
  'between',
  'by',
  'case',
  'check',
  'column',
  'create',
  'cross',
  'current',
  'default',
  'delete',
  'desc',
  'distinct',
  'drop',
  'else',
  'end',
  'except',
  'from',
  'full',
  'group',
  'having',
  'in',
  'index',
  'inner',
  'insert',
  'intersect',
  'into',
  'is',
  'join',
  'key',
  'left',
  'limit',
  'natural',
  'not',
  'null',
  'offset',
  'on',
  'or',
  'order',
  'outer',
  'primary',
  'references',
  'right',
  'select',
  'set',
  'table',
  'then',
  'to',
  'transaction',
  'union',
  'unique',
  'update',
  'user',
  'using',
  'values',
  'view',
  'when',
  'where',
  'window',
  'with',
]);

/** How SQLite, PostgreSQL and DuckDB name a missing column. */
const UNKNOWN_COLUMN = [/no such column: ([^\s,;)]+)/i, /column "([^"]+)" does not exist/i, /Referenced column "([^"]+)" not found/i];

async function withHint(error: unknown, query: string, engine: Engine): Promise<unknown> {
  let tables: string[];
  try {
    tables = await engine.tables();
  } catch {
    return error;
  }
  const message = messageOf(error);
  let hint: string | undefined;
  const unquoted = tables.find((t) => KEYWORDS.has(t.toLowerCase()) && new RegExp(`(?<![\\w"\`\\[.])${escape(t)}(?![\\w"\`\\]])`, 'i').test(query));
  if (unquoted !== undefined) {
    hint = `The table name ${unquoted} is an SQL keyword: write it in double quotes, e.g. SELECT * FROM "${unquoted}".`;
  } else {
    const column = UNKNOWN_COLUMN.map((pattern) => pattern.exec(message)?.[1]).find((name) => name !== undefined);
    if (column !== undefined && tables.length > 0) {
      const lists = await Promise.all(tables.slice(0, 5).map(async (t) => `"${t}": ${(await engine.describe(t)).map((c) => c.name).join(', ')}`));
      hint = `There is no column ${column}. Columns of ${lists.join('; ')}.`;
    }
  }
  if (hint === undefined) return error;
  return new XetrackError(isXetrackError(error) ? error.code : 'ENGINE_FAILURE', `${message.replace(/\.?$/, '.')} ${hint}`, { cause: error });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
