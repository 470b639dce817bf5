import type { CellValue } from '@xetrack/core';
import { z } from 'zod';
import { guardedSql } from '../commands/guarded-sql.js';
import { fitList } from './bounds.js';
import { defineTool, readOnlyServer } from './tool.js';

/**
 * `sql`: one statement as `xt sql` runs it: read-only unless the server has `--write` (each engine
 * refuses a writing statement itself, so nothing is guessed from the text), one statement only.
 */
export const sqlTool = defineTool({
  name: 'sql',
  title: 'Run SQL',
  description:
    'Run one SQL statement and return the rows it gives. Read-only unless the server was started with --write: a statement that would change ' +
    'the database is refused and nothing changes. Quote table names in double quotes ("default" is an SQL keyword). The rows are bounded: ' +
    'use LIMIT and OFFSET in the statement to page through a large result.',
  changes: 'with --write',
  input: {
    query: z.string().min(1).describe('One SQL statement, e.g. SELECT model, max(acc) FROM "default" GROUP BY model'),
    params: z
      .array(z.union([z.string(), z.number(), z.boolean(), z.null()]))
      .optional()
      .describe("Values for the statement's placeholders ($1, $2… or ?), in order"),
  },
  async run({ query, params = [] }, session) {
    const write = session.options.write;
    return session.engine(async ({ engine }) => {
      const rows = await guardedSql(engine, query, params as CellValue[], { write, otherwise: 'use the rows tool instead', refuse: readOnlyServer });
      const fitted = fitList(rows, session.limits);
      const hints = [];
      if (fitted.cut) hints.push(`The statement returned ${rows.length} rows; the first ${fitted.items.length} are shown: add LIMIT and OFFSET (or select fewer columns) to read the rest.`);
      if (fitted.clips > 0) hints.push(`${fitted.clips} long values were cut (they end with …): select them with substr() to read them in parts.`);
      return {
        columns: rows[0] ? Object.keys(rows[0]) : [],
        rowCount: rows.length,
        rows: fitted.items,
        truncated: fitted.cut,
        ...(hints.length > 0 ? { hint: hints.join(' ') } : {}),
      };
    }, write);
  },
});
