import type { ColumnSpec, ColumnType } from '@xetrack/core/engine';
import { parseComment, physicalName, quote } from './postgres-names.js';
import type { PostgresQueryable } from './postgres-pool.js';
import { isBareKind, kindOf, reportedType, type ColumnKind } from './postgres-types.js';

/** One column as the engine knows it. */
export interface Column {
  /** The name users see (the full name of a shortened identifier). */
  readonly name: string;
  /** The identifier in the database. */
  readonly physical: string;
  readonly quoted: string;
  readonly kind: ColumnKind;
  /** What `describe` reports. */
  readonly type: ColumnType;
  /** The type remembered in the comment (the type before a widening), if any. */
  readonly remembered: ColumnType | undefined;
  /** `format_type()` of the column, for casts (`bigint`, `jsonb`, `timestamp without time zone`...). */
  readonly sqlType: string;
  readonly typeOid: number;
  /** Its values are bare tokens in array literals (numbers, booleans). */
  readonly bare: boolean;
}

/** A table's columns as this engine last read them. */
export interface TableSchema {
  /** The table's name as users see it. */
  readonly name: string;
  /** `"schema"."table"`. */
  readonly qualified: string;
  readonly columns: readonly Column[];
  readonly byName: ReadonlyMap<string, Column>;
  /** By lower-cased name: names are matched case-insensitively, as core does. */
  readonly byLower: ReadonlyMap<string, Column>;
  readonly byPhysical: ReadonlyMap<string, Column>;
  /** The key columns (`track_id`, `timestamp`), when both exist. */
  readonly keys: readonly [Column, Column] | undefined;
}

/**
 * One round trip: the table's columns in order with their type, type OID and comment. Ordinary
 * and partitioned tables, views and foreign tables; no rows when the table does not exist.
 */
const DESCRIBE = `SELECT a.attname, a.atttypid::int4 AS oid, format_type(a.atttypid, a.atttypmod) AS sqltype,
    col_description(c.oid, a.attnum) AS comment
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  ORDER BY a.attnum`;

/** Reads `table`'s schema in `schema` (a named prepared statement unless `prepared` is false); undefined when the table does not exist. */
export async function readSchema(db: PostgresQueryable, schema: string, table: string, prepared = true): Promise<TableSchema | undefined> {
  const physical = physicalName(table);
  const result = await db.query({ text: DESCRIBE, values: [schema, physical], rowMode: 'array', ...(prepared ? { name: 'xetrack_describe' } : {}) });
  if (result.rows.length === 0) return undefined;
  const columns = (result.rows as [string, number, string, string | null][]).map(([attname, oid, sqlType, comment]) => {
    const remembered = parseComment(comment);
    const kind = kindOf(Number(oid), remembered.type);
    return Object.freeze({
      name: remembered.name ?? attname,
      physical: attname,
      quoted: quote(attname),
      kind,
      type: reportedType(kind, remembered.type),
      remembered: remembered.type,
      sqlType,
      typeOid: Number(oid),
      bare: isBareKind(kind),
    });
  });
  return buildSchema(table, `${quote(schema)}.${quote(physical)}`, columns);
}

function buildSchema(name: string, qualified: string, columns: Column[]): TableSchema {
  const byName = new Map<string, Column>();
  const byLower = new Map<string, Column>();
  const byPhysical = new Map<string, Column>();
  for (const column of columns) {
    byName.set(column.name, column);
    const lower = column.name.toLowerCase();
    if (!byLower.has(lower)) byLower.set(lower, column);
    byPhysical.set(column.physical, column);
  }
  const trackId = byName.get('track_id') ?? byLower.get('track_id');
  const timestamp = byName.get('timestamp') ?? byLower.get('timestamp');
  return Object.freeze({
    name,
    qualified,
    columns: Object.freeze(columns),
    byName,
    byLower,
    byPhysical,
    keys: trackId !== undefined && timestamp !== undefined ? ([trackId, timestamp] as const) : undefined,
  });
}

/** The column `name` refers to: exactly, else case-insensitively. */
export function findColumn(schema: TableSchema, name: string): Column | undefined {
  return schema.byName.get(name) ?? schema.byLower.get(name.toLowerCase());
}

/** The specs `describe` returns. */
export function specsOf(schema: TableSchema): ColumnSpec[] {
  return schema.columns.map((c) => ({ name: c.name, type: c.type }));
}
