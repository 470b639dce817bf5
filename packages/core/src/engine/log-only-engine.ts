import { KEY_COLUMNS, type ColumnSpec, type Engine } from './contract.js';

/**
 * The engine of a log-only tracker (Python's `SKIP_INSERT`): it keeps the schema in memory so rows
 * are typed and encoded as usual, and stores no row. Reads return nothing.
 */
export function logOnlyEngine(location: string): Engine {
  const tables = new Map<string, ColumnSpec[]>();
  return {
    name: 'log-only',
    location,
    capabilities: {},
    async tables() {
      return [...tables.keys()].sort();
    },
    async describe(table) {
      return [...(tables.get(table) ?? [])];
    },
    async ensureColumns(table, columns) {
      const specs = tables.get(table) ?? KEY_COLUMNS.map((name): ColumnSpec => ({ name, type: 'text' }));
      for (const column of columns) {
        if (!specs.some((s) => s.name.toLowerCase() === column.name.toLowerCase())) specs.push(column);
      }
      tables.set(table, specs);
    },
    async insert(_table, rows) {
      return rows.length;
    },
    async select() {
      return [];
    },
    async count() {
      return 0;
    },
    async update() {
      return 0;
    },
    async delete() {
      return 0;
    },
    async close() {},
  };
}
