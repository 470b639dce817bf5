/**
 * A table's columns as the engine knows them: read from DuckDB's catalog, looked up the way DuckDB
 * matches names (ASCII case-insensitively), checked to be a tracking table, and the DDL that adds
 * what a caller asks for.
 */
import { XetrackError, type ColumnSpec, type ColumnType, type Row } from '@xetrack/core/engine';
import { fold, quoteIdentifier } from './duckdb-names.js';
import { columnKindOf, columnTypeOf, DUCKDB_TYPES, type ColumnKind } from './duckdb-types.js';

/** The key columns every tracking table has. */
export const KEYS = ['track_id', 'timestamp'] as const;

export interface Column {
  name: string;
  /** DuckDB matches identifiers ASCII-case-insensitively; this is the name folded that way. */
  folded: string;
  sqlType: string;
  kind: ColumnKind;
  /** The logical type `describe` reports. */
  type: ColumnType;
  /** The name is also an Object.prototype property (`constructor`, `__proto__`...), so reads use own properties only. */
  inherited: boolean;
}

export interface TableSchema {
  name: string;
  columns: Column[];
  byName: Map<string, Column>;
  byFolded: Map<string, Column>;
  /** Single-row INSERTs by the row's key list, built once while this schema lasts. */
  inserts: Map<string, { sql: string; columns: Column[] }>;
}

/** Tracking tables of the main schema: those with `track_id` and `timestamp` columns. */
export const TABLES_SQL = `SELECT t.table_name AS name FROM duckdb_tables() t
         WHERE t.database_name = current_database() AND t.schema_name = 'main' AND NOT t.temporary
           AND EXISTS (SELECT 1 FROM duckdb_columns() c WHERE c.table_oid = t.table_oid AND lower(c.column_name) = 'track_id')
           AND EXISTS (SELECT 1 FROM duckdb_columns() c WHERE c.table_oid = t.table_oid AND lower(c.column_name) = 'timestamp')`;

/** The columns of the tables named `$1` in any ASCII case (`schemaFromCatalog` keeps the right one). */
export const COLUMNS_SQL = `SELECT t.table_name AS t, c.column_name AS c, c.data_type AS d, c.comment AS k
       FROM duckdb_tables() t JOIN duckdb_columns() c ON c.table_oid = t.table_oid
       WHERE t.database_name = current_database() AND t.schema_name = 'main' AND NOT t.temporary
         AND lower(t.table_name) = lower($1)
       ORDER BY c.column_index`;

/** The schema of `table` from the rows of COLUMNS_SQL, or undefined when there is no such table. */
export function schemaFromCatalog(table: string, rows: readonly Row[]): TableSchema | undefined {
  const own = rows.filter((r) => fold(r.t as string) === fold(table));
  if (own.length === 0) return undefined;
  const columns: Column[] = own.map((r) => {
    const name = r.c as string;
    const sqlType = r.d as string;
    return {
      name,
      folded: fold(name),
      sqlType,
      kind: columnKindOf(sqlType),
      type: columnTypeOf(sqlType, r.k as string | null),
      inherited: name in Object.prototype,
    };
  });
  return {
    name: own[0]!.t as string,
    columns,
    byName: new Map(columns.map((c) => [c.name, c])),
    byFolded: new Map(columns.map((c) => [c.folded, c])),
    inserts: new Map(),
  };
}

export function checkTable(table: string): void {
  if (typeof table !== 'string' || table === '') {
    throw new XetrackError('INVALID_IDENTIFIER', 'The table name is empty: pass a non-empty table name.');
  }
  if (table.includes('\0')) {
    throw new XetrackError('INVALID_IDENTIFIER', `The table name ${JSON.stringify(table)} contains a NUL character: remove it.`);
  }
}

export function checkSpecs(columns: ColumnSpec[]): ColumnSpec[] {
  if (!Array.isArray(columns)) throw new XetrackError('INVALID_ARGUMENT', 'ensureColumns() takes an array of { name, type } column specs.');
  for (const spec of columns) {
    if (typeof spec?.name !== 'string' || spec.name === '' || spec.name.includes('\0')) {
      throw new XetrackError('INVALID_IDENTIFIER', `The column name ${JSON.stringify(spec?.name)} cannot be used: pass a non-empty name without NUL characters.`);
    }
    if (!Object.hasOwn(DUCKDB_TYPES, spec.type)) {
      throw new XetrackError('INVALID_ARGUMENT', `Column ${quoteIdentifier(spec.name)} has type ${JSON.stringify(spec.type)}: use one of ${Object.keys(DUCKDB_TYPES).join(', ')}.`);
    }
  }
  return columns;
}

export function checkTracking(schema: TableSchema, location: string): void {
  for (const key of KEYS) {
    if (!schema.byFolded.has(key)) {
      throw new XetrackError('SCHEMA_MISMATCH', `Table ${quoteIdentifier(schema.name)} in ${location} has no ${key} column, so it is not a tracking table: choose another table name.`);
    }
  }
}

/** The column `name` names: by its exact name, else as DuckDB would match it. */
export function findColumn(schema: TableSchema, name: string): Column | undefined {
  return schema.byName.get(name) ?? schema.byFolded.get(fold(name));
}

/** UNKNOWN_COLUMN for `name`, listing the table's columns. */
export function unknownColumn(schema: TableSchema, name: string): XetrackError {
  const known = schema.columns.map((c) => c.name);
  const listed = known.length > 20 ? `${known.slice(0, 20).join(', ')}, ...` : known.join(', ');
  return new XetrackError(
    'UNKNOWN_COLUMN',
    `Table ${quoteIdentifier(schema.name)} has no column ${quoteIdentifier(name)} (it has: ${listed}): check the name, or add the column with ensureColumns().`,
  );
}

/** The column `name` names, or UNKNOWN_COLUMN. */
export function resolveColumn(schema: TableSchema, name: string): Column {
  if (typeof name !== 'string') throw new XetrackError('INVALID_ARGUMENT', `A column name must be a string, got ${typeof name}.`);
  const column = findColumn(schema, name);
  if (column) return column;
  throw unknownColumn(schema, name);
}

/** INVALID_ARGUMENT for a row with two keys naming one column. */
export function sameColumnTwice(column: Column): XetrackError {
  return new XetrackError('INVALID_ARGUMENT', `A row has two keys for column ${quoteIdentifier(column.name)} (names differing only in case): keep one.`);
}

/** The specs whose columns the table lacks (`schema` undefined: no table yet), first of each name in DuckDB's matching. */
export function missingColumns(schema: TableSchema | undefined, wanted: readonly ColumnSpec[]): ColumnSpec[] {
  const seen = new Set<string>(schema ? [] : KEYS);
  const missing: ColumnSpec[] = [];
  for (const spec of wanted) {
    const folded = fold(spec.name);
    if (schema?.byFolded.has(folded) || seen.has(folded)) continue;
    seen.add(folded);
    missing.push(spec);
  }
  return missing;
}

/** A new tracking table: the keys (as text, the primary key) and `columns`. */
export function createTableSql(table: string, columns: readonly ColumnSpec[]): string {
  const defs = [`${quoteIdentifier('track_id')} VARCHAR`, `${quoteIdentifier('timestamp')} VARCHAR`, ...columns.map(columnDef)];
  return `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(table)} (${defs.join(', ')}, PRIMARY KEY (${quoteIdentifier('track_id')}, ${quoteIdentifier('timestamp')}))`;
}

export function addColumnSql(table: string, spec: ColumnSpec): string {
  return `ALTER TABLE ${quoteIdentifier(table)} ADD COLUMN IF NOT EXISTS ${columnDef(spec)}`;
}

function columnDef(spec: ColumnSpec): string {
  return `${quoteIdentifier(spec.name)} ${DUCKDB_TYPES[spec.type]}`;
}
