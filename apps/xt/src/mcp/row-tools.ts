import type { OrderSpec, QueryWhere } from '@xetrack/core';
import { z } from 'zod';
import { page, type Page } from './bounds.js';
import { DEFAULT_LIMIT, defineTool, LIMIT, OFFSET, TABLE, WHERE } from './tool.js';

/** The page's fields of a result, with a hint on how to read on when it is cut. */
function paged(result: Page, what: string, tool: string): Record<string, unknown> {
  const hints = [];
  if (result.truncated) {
    hints.push(
      result.items.length === 0
        ? `The next ${what.replace(/s$/, '')} alone is over the server's byte cap: ask for fewer columns.`
        : `More ${what} follow: call ${tool} again with offset ${result.next}.`,
    );
  }
  if (result.clippedCells > 0) hints.push(`${result.clippedCells} long values were cut (they end with …): read them whole with the sql tool.`);
  return { next: result.next, truncated: result.truncated, ...(hints.length > 0 ? { hint: hints.join(' ') } : {}) };
}

/** `runs`: one summary per run, the first thing an agent asks of an experiment table. */
export const runsTool = defineTool({
  name: 'runs',
  title: 'List runs',
  description:
    'One summary per run (track_id), oldest first: its row count, first and last timestamp, params (the columns with one value on all its rows) ' +
    'and, for each metric named in `metrics`, its last and best value. Paged: pass `next` as `offset` for the following runs.',
  input: {
    table: TABLE,
    metrics: z
      .record(z.string(), z.enum(['max', 'min']))
      .optional()
      .describe('Metrics to summarize with their goal: {"accuracy": "max", "loss": "min"} (max: higher is better)'),
    limit: LIMIT,
    offset: OFFSET,
  },
  async run({ table, metrics, limit = DEFAULT_LIMIT, offset = 0 }, session) {
    return session.reader(table, async (reader) => {
      const runs = await reader.runs({ metrics: metrics ?? {} });
      const result = page(runs.slice(offset, offset + limit + 1), offset, limit, session.limits);
      return { table: reader.table, total: runs.length, offset, runs: result.items, ...paged(result, 'runs', 'runs') };
    });
  },
});

/** The sort keys, then timestamp and track_id (the primary key), so pages have one order and never skip or repeat a row. */
function stableOrder(orderBy: readonly { column: string; desc?: boolean | undefined }[] = []): OrderSpec[] {
  const keys: OrderSpec[] = orderBy.map((o) => [o.column, o.desc ? 'desc' : 'asc'] as const);
  for (const key of ['timestamp', 'track_id']) {
    if (!orderBy.some((o) => o.column.toLowerCase() === key)) keys.push(key);
  }
  return keys;
}

/** `rows`: the query API (where, columns, order) as paged reads. */
export const rowsTool = defineTool({
  name: 'rows',
  title: 'Read rows',
  description:
    'Rows of a table, filtered, sorted and paged: timestamp order unless `orderBy` says otherwise. `total` counts every matching row; ' +
    'pass `next` as `offset` for the following page. Long text values are cut (ending with …).',
  input: {
    table: TABLE,
    trackId: z.string().optional().describe('Only the rows of this run'),
    where: WHERE,
    columns: z.array(z.string()).min(1).optional().describe('Only these columns, in this order (default: all)'),
    orderBy: z
      .array(z.object({ column: z.string(), desc: z.boolean().optional().describe('Descending (default ascending)') }))
      .optional()
      .describe('Sort keys, the first one first, e.g. [{"column": "acc", "desc": true}]'),
    limit: LIMIT,
    offset: OFFSET,
  },
  async run({ table, trackId, where, columns, orderBy, limit = DEFAULT_LIMIT, offset = 0 }, session) {
    return session.reader(table, async (reader) => {
      const filter = { ...(trackId === undefined ? {} : { trackId }), ...(where === undefined ? {} : { where: where as QueryWhere }) };
      const take = Math.min(limit, session.limits.maxRows);
      const rows = await reader.toRows({ ...filter, ...(columns ? { columns } : {}), orderBy: stableOrder(orderBy), limit: take + 1, offset });
      const total = await reader.count(filter);
      const result = page(rows, offset, take, session.limits);
      return { table: reader.table, total, offset, rows: result.items, ...paged(result, 'rows', 'rows') };
    });
  },
});
