import { DuckDBTypeId, DuckDBVariantValue, JsonDuckDBValueConverter, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import type { CellValue, ColumnType } from '@xetrack/core/engine';

/** The DuckDB type each logical column type is declared as. */
export const DUCKDB_TYPES: Readonly<Record<ColumnType, string>> = Object.freeze({
  integer: 'BIGINT',
  float: 'DOUBLE',
  text: 'VARCHAR',
  boolean: 'BOOLEAN',
  blob: 'BLOB',
  json: 'JSON',
});

/**
 * How the engine treats a column's values: one of the logical types; `variant` for a column
 * widened to VARIANT because a later value had another type (it holds each value with its own
 * type); or `other` for a type xetrack never declares (a table made with raw SQL), whose values
 * are passed as text and left to DuckDB to cast.
 */
export type ColumnKind = ColumnType | 'variant' | 'other';

/** The column comment that remembers a widened column's logical type, e.g. `xetrack:integer`. */
export const TYPE_COMMENT_PREFIX = 'xetrack:';

const INTEGER_TYPES = new Set([
  'TINYINT',
  'SMALLINT',
  'INTEGER',
  'BIGINT',
  'HUGEINT',
  'UTINYINT',
  'USMALLINT',
  'UINTEGER',
  'UBIGINT',
  'UHUGEINT',
  'INT1',
  'INT2',
  'INT4',
  'INT8',
  'INT',
  'LONG',
  'SHORT',
  'SIGNED',
  'INT128',
  'UINT128',
]);
const FLOAT_TYPES = new Set(['DOUBLE', 'FLOAT', 'REAL', 'FLOAT4', 'FLOAT8']);

/**
 * The kind of a column from the type name DuckDB reports (`duckdb_columns().data_type`):
 * BIGINT and the other integers → integer, DOUBLE/FLOAT/DECIMAL → float, VARCHAR → text,
 * BOOLEAN, BLOB, JSON; anything else (TIMESTAMP, UUID, lists...) → other.
 */
export function columnKindOf(duckdbType: string): ColumnKind {
  const type = duckdbType.trim().toUpperCase();
  if (INTEGER_TYPES.has(type)) return 'integer';
  if (FLOAT_TYPES.has(type) || type.startsWith('DECIMAL') || type.startsWith('NUMERIC')) return 'float';
  if (type === 'VARCHAR' || type.startsWith('VARCHAR(') || type === 'TEXT' || type === 'STRING') return 'text';
  if (type === 'BOOLEAN' || type === 'BOOL') return 'boolean';
  if (type === 'BLOB' || type === 'BYTEA' || type === 'VARBINARY') return 'blob';
  if (type === 'JSON') return 'json';
  if (type === 'VARIANT') return 'variant';
  return 'other';
}

/**
 * The logical type `describe` reports. A VARIANT column reports the type it had before it was
 * widened (kept in its comment), as SQLite keeps the declared type of a column holding mixed
 * values; `other` columns read back as their text, so `text`.
 */
export function columnTypeOf(duckdbType: string, comment?: string | null): ColumnType {
  const kind = columnKindOf(duckdbType);
  if (kind === 'variant') {
    const remembered = comment?.startsWith(TYPE_COMMENT_PREFIX) ? comment.slice(TYPE_COMMENT_PREFIX.length) : '';
    return Object.hasOwn(DUCKDB_TYPES, remembered) ? (remembered as ColumnType) : 'text';
  }
  return kind === 'other' ? 'text' : kind;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;

/** A 64-bit integer as the contract wants it: a number when exact, a bigint beyond ±(2^53-1). */
export function fromBigint(value: bigint): number | bigint {
  return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value;
}

/** Turns one DuckDB value of a column into its JS form. */
export type CellReader = (value: DuckDBValue) => CellValue;

const passThrough: CellReader = (value) => value as CellValue;
const readBigint: CellReader = (value) => (value === null ? null : fromBigint(value as bigint));
const readBlob: CellReader = (value) => (value === null ? null : (value as { bytes: Uint8Array }).bytes);
const readNumberLike: CellReader = (value) => (value === null ? null : Number(String(value)));
const readText: CellReader = (value) => (value === null ? null : String(value));

/**
 * The reader for a result column of `type`. Numbers, strings and booleans pass through as
 * node-api gives them; 64-bit integers become numbers when exact; blobs their bytes; nested
 * values (lists, structs, maps) their JSON text; every other type its DuckDB text form.
 */
export function cellReaderFor(type: DuckDBType): CellReader {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.SQLNULL:
      return passThrough;
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      return readBigint;
    case DuckDBTypeId.BLOB:
      return readBlob;
    case DuckDBTypeId.DECIMAL:
      return readNumberLike;
    case DuckDBTypeId.VARIANT:
      return readVariant;
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
    case DuckDBTypeId.STRUCT:
    case DuckDBTypeId.MAP:
    case DuckDBTypeId.UNION:
      return (value) => (value === null ? null : JSON.stringify(JsonDuckDBValueConverter(value, type, JsonDuckDBValueConverter)));
    default:
      return readText;
  }
}

/** A VARIANT cell read by the type it was stored with (an INT64 as a number, a VARCHAR as text...). */
function readVariant(value: DuckDBValue): CellValue {
  if (value === null) return null;
  if (!(value instanceof DuckDBVariantValue)) return value as CellValue;
  const inner = value.value;
  if (inner === null) return null;
  if (inner instanceof DuckDBVariantValue) return readVariant(inner);
  if (!value.type) return typeof inner === 'bigint' ? fromBigint(inner) : (inner as CellValue);
  return cellReaderFor(value.type)(inner);
}
