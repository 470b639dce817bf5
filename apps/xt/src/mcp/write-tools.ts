import { columnNameFor, KEY_COLUMNS, XetrackError, type QueryWhere } from '@xetrack/core';
import { z } from 'zod';
import { defineTool, TABLE, WHERE } from './tool.js';

/** `set`: `xt set` for agents; refused unless the server runs with --write. */
export const setTool = defineTool({
  name: 'set',
  title: 'Set a value',
  description:
    "Set a column to a value on every row of a table, on one run's rows (`trackId`), or on the rows matching `where`; a new column is added. " +
    'Changes the database: refused unless the server was started with --write.',
  changes: 'always',
  input: {
    table: TABLE,
    key: z.string().min(1).describe('The column to set (created when new); not track_id or timestamp'),
    value: z.union([z.string(), z.number(), z.boolean(), z.null()]).describe('The value to store'),
    trackId: z.string().optional().describe("Only this run's rows"),
    where: WHERE,
  },
  async run({ table, key, value, trackId, where }, session) {
    if ((KEY_COLUMNS as readonly string[]).includes(columnNameFor(key).toLowerCase())) {
      throw new XetrackError('INVALID_ARGUMENT', `${key} cannot be set: track_id and timestamp identify each row.`);
    }
    return session.reader(
      table,
      async (reader) => {
        const scope = { ...(trackId === undefined ? {} : { trackId }), ...(where === undefined ? {} : { where: where as QueryWhere }) };
        return { table: reader.table, key, changed: await reader.setValue(key, value, scope) };
      },
      true,
    );
  },
});

/** `delete`: `xt delete` for agents; refused unless the server runs with --write. */
export const deleteTool = defineTool({
  name: 'delete',
  title: 'Delete a run',
  description: 'Delete every row of one run. Changes the database: refused unless the server was started with --write.',
  changes: 'always',
  destructive: true,
  input: { table: TABLE, trackId: z.string().min(1).describe('The run (track_id) to delete') },
  async run({ table, trackId }, session) {
    return session.reader(
      table,
      async (reader) => {
        const deleted = await reader.deleteRun(trackId);
        if (deleted === 0) throw new XetrackError('NOT_FOUND', `No run ${JSON.stringify(trackId)} in table ${JSON.stringify(reader.table)}: nothing was deleted. List the runs with the runs tool.`);
        return { table: reader.table, trackId, deleted };
      },
      true,
    );
  },
});
