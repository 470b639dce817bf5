import { fitList } from './bounds.js';
import { defineTool, TABLE } from './tool.js';

/** `tables`: what the database holds, so an agent knows what to pass as `table`. */
export const tablesTool = defineTool({
  name: 'tables',
  title: 'List tables',
  description: 'The tracking tables in the database, each with its row and column counts. Pass a name as `table` to the other tools (default "default").',
  input: {},
  async run(_args, session) {
    return session.engine(async ({ engine }) => {
      const names = await engine.tables();
      const tables = [];
      for (const name of names) tables.push({ name, rows: await engine.count(name), columns: (await engine.describe(name)).length });
      const fitted = fitList(tables, session.limits);
      return {
        engine: engine.name,
        tables: fitted.items,
        truncated: fitted.cut,
        ...(fitted.cut ? { hint: `${names.length} tables; the first ${fitted.items.length} are shown: read the rest with the sql tool.` } : {}),
      };
    });
  },
});

/** `columns`: a table's columns and their logical types (what where-filters and metrics need). */
export const columnsTool = defineTool({
  name: 'columns',
  title: 'List columns',
  description: 'The columns of a table in table order with their types (integer, float, text, boolean, blob, json). track_id names the run a row belongs to; timestamp orders rows.',
  input: { table: TABLE },
  async run({ table }, session) {
    return session.reader(table, async (reader) => {
      const types = await reader.columnTypes();
      const columns = (await reader.columns()).map((name) => ({ name, type: types[name] ?? null }));
      const fitted = fitList(columns, { ...session.limits, maxRows: Infinity });
      return { table: reader.table, columns: fitted.items, truncated: fitted.cut, ...(fitted.cut ? { hint: `${columns.length} columns; the first ${fitted.items.length} are shown.` } : {}) };
    });
  },
});
