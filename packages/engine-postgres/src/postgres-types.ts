import { XetrackError, type CellValue, type ColumnType } from '@xetrack/core/engine';
import type { PostgresTypeParser } from './postgres-pool.js';

/**
 * How the engine treats a column: one of the logical types; `variant` for a column widened to
 * JSONB because a later value had a type the column cannot hold (each value is kept with its own
 * JSON type, so reads return what was written); or `other` for a type xetrack never declares (a
 * table made by hand), whose values go in and come out as text.
 */
export type ColumnKind = ColumnType | 'variant' | 'other';

/** The PostgreSQL type each logical column type is declared as. */
export const DECLARED: Readonly<Record<ColumnType, string>> = Object.freeze({
  integer: 'bigint',
  float: 'double precision',
  text: 'text',
  boolean: 'boolean',
  blob: 'bytea',
  json: 'jsonb',
});

/** Type OIDs (fixed in every PostgreSQL installation). */
export const OID = Object.freeze({
  bool: 16,
  bytea: 17,
  name: 19,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  bpchar: 1042,
  varchar: 1043,
  numeric: 1700,
  jsonb: 3802,
});

/** The declared type of a logical type; INVALID_ARGUMENT for anything else. */
export function declaredType(type: ColumnType): string {
  const declared = Object.hasOwn(DECLARED, type) ? DECLARED[type] : undefined;
  if (declared === undefined) {
    throw new XetrackError('INVALID_ARGUMENT', `postgres: unknown column type ${JSON.stringify(type)}. Use one of ${Object.keys(DECLARED).join(', ')}.`);
  }
  return declared;
}

/**
 * The kind of a column from its type OID; a JSONB column whose comment remembers an earlier type
 * is a widened (`variant`) column.
 */
export function kindOf(typeOid: number, rememberedType: ColumnType | undefined): ColumnKind {
  switch (typeOid) {
    case OID.int2:
    case OID.int4:
    case OID.int8:
      return 'integer';
    case OID.float4:
    case OID.float8:
    case OID.numeric:
      return 'float';
    case OID.text:
    case OID.varchar:
    case OID.bpchar:
    case OID.name:
      return 'text';
    case OID.bool:
      return 'boolean';
    case OID.bytea:
      return 'blob';
    case OID.json:
      return 'json';
    case OID.jsonb:
      return rememberedType !== undefined && rememberedType !== 'json' ? 'variant' : 'json';
    default:
      return 'other';
  }
}

/**
 * The logical type `describe` reports: a widened column keeps reporting the type its first value
 * gave it (as SQLite keeps a column's declared type); other types read back as text.
 */
export function reportedType(kind: ColumnKind, rememberedType: ColumnType | undefined): ColumnType {
  if (rememberedType !== undefined && Object.hasOwn(DECLARED, rememberedType)) return rememberedType;
  if (kind === 'variant' || kind === 'other') return 'text';
  return kind;
}

/** Kinds whose array elements and parameters are plain tokens that never need quoting. */
export function isBareKind(kind: ColumnKind): boolean {
  return kind === 'integer' || kind === 'float' || kind === 'boolean';
}

/** What a value needs from a column that cannot hold it as it is: a double, or a variant column. */
export interface Widening {
  readonly widen: 'float' | 'variant';
}
export const TO_FLOAT: Widening = Object.freeze({ widen: 'float' });
export const TO_VARIANT: Widening = Object.freeze({ widen: 'variant' });

/** A value's text input form for its column, NULL, or the widening it needs. */
export type Encoded = string | null | Widening;

const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

function invalidValue(value: unknown, column: string, why: string): XetrackError {
  return new XetrackError('INVALID_VALUE', `postgres: cannot store ${describeValue(value)} in column ${JSON.stringify(column)}: ${why}`);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `a value of type ${Object.prototype.toString.call(value)}`;
  return `a value of type ${typeof value}`;
}

function unsupported(value: unknown, column: string): XetrackError {
  return invalidValue(value, column, 'pass a string, number, bigint, boolean, Uint8Array or null.');
}

/** `bytes` as bytea's hex input (`\x...`). */
function hex(bytes: Uint8Array): string {
  return `\\x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;
}

function checkBigint(value: bigint, column: string): string {
  if (value < MIN_INT64 || value > MAX_INT64) throw invalidValue(value, column, 'the bigint does not fit in 64 bits.');
  return String(value);
}

/**
 * A value's JSON form in a widened (variant) column: strings, booleans and numbers as themselves
 * (integers exact at any size), and what JSON cannot say as tagged objects: `{"$hex": ...}` for
 * bytes, `{"$float": ...}` for infinities and whole doubles beyond 2^53 (which would otherwise read
 * back as bigints). No other object is ever stored there, so the tags are unambiguous.
 */
export function variantText(value: unknown, column: string): string | null {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (Number.isNaN(value)) return null;
      if (!Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value))) return `{"$float":"${String(value)}"}`;
      return String(value);
    case 'bigint':
      return checkBigint(value, column);
    case 'undefined':
      return null;
    case 'object':
      if (value === null) return null;
      if (value instanceof Uint8Array) return `{"$hex":"${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}"}`;
  }
  throw unsupported(value, column);
}

/**
 * The text input form of `value` for a column of `kind`, NULL, or the widening the column needs to
 * hold it. Values keep their type: a column is only converted (never a value) when they differ,
 * except where the column's own type says it (a number in a text column is its text, 0/1 in a
 * boolean column a boolean, as SQLite stores them).
 */
export function encode(kind: ColumnKind, value: unknown, column: string): Encoded {
  if (value === null || value === undefined) return null;
  const type = typeof value;
  if (type !== 'string' && type !== 'number' && type !== 'bigint' && type !== 'boolean' && !(value instanceof Uint8Array)) {
    throw unsupported(value, column);
  }
  switch (kind) {
    case 'integer':
      if (type === 'number') {
        const n = value as number;
        if (Number.isSafeInteger(n)) return String(n); // -0 too: '0'
        return Number.isNaN(n) ? null : TO_FLOAT;
      }
      if (type === 'bigint') return checkBigint(value as bigint, column);
      return TO_VARIANT;
    case 'float':
      if (type === 'number') return Number.isNaN(value) ? null : String(value);
      if (type === 'bigint') {
        const b = value as bigint;
        checkBigint(b, column);
        return BigInt(Number(b)) === b ? String(b) : TO_VARIANT;
      }
      return TO_VARIANT;
    case 'text':
      if (type === 'string') return value as string;
      if (type === 'number') return Number.isNaN(value) ? null : String(value);
      if (type === 'bigint') return String(value);
      if (type === 'boolean') return value ? 'true' : 'false';
      return TO_VARIANT;
    case 'boolean':
      if (type === 'boolean') return value ? 'true' : 'false';
      if (type === 'number' && Number.isNaN(value)) return null;
      if (value === 0 || value === 0n) return 'false';
      if (value === 1 || value === 1n) return 'true';
      return TO_VARIANT;
    case 'blob':
      return value instanceof Uint8Array ? hex(value) : TO_VARIANT;
    case 'json':
      if (type === 'string') return value as string;
      if (type === 'number') return Number.isNaN(value) ? null : Number.isFinite(value) ? String(value) : 'null';
      if (type === 'bigint' || type === 'boolean') return String(value);
      throw invalidValue(value, column, 'a json column holds JSON text; encode the bytes (e.g. base64) first.');
    case 'variant':
      return variantText(value, column);
    default:
      if (value instanceof Uint8Array) return hex(value);
      if (type === 'number' && Number.isNaN(value)) return null;
      return String(value);
  }
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const INTEGER_TEXT = /^-?\d+$/;

/** An int8 (or any whole number's) text as a number when exact, else a bigint. */
export function parseInteger(text: string): number | bigint {
  const n = Number(text);
  return n <= MAX_SAFE && n >= -MAX_SAFE ? n : BigInt(text);
}

function parseFloat8(text: string): number | null {
  return text === 'NaN' ? null : Number(text);
}

function parseNumeric(text: string): number | bigint | null {
  if (text === 'NaN') return null;
  return INTEGER_TEXT.test(text) ? parseInteger(text) : Number(text);
}

function parseBool(text: string): boolean {
  return text === 't';
}

/** bytea text output: hex (`\x...`, the default) or the old escape format. */
export function parseBytea(text: string): Buffer {
  if (text.startsWith('\\x')) return Buffer.from(text.slice(2), 'hex');
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) {
      if (text.charCodeAt(i + 1) === 92) {
        bytes.push(92);
        i += 1;
      } else {
        bytes.push(parseInt(text.slice(i + 1, i + 4), 8));
        i += 3;
      }
    } else {
      bytes.push(c);
    }
  }
  return Buffer.from(bytes);
}

const JSON_TOKEN = /"(?:[^"\\]|\\.)*"|[ \t\n\r]+/g;

/** JSON text without the spaces PostgreSQL puts after `,` and `:`; strings are left exactly as they are. */
export function compactJson(text: string): string {
  if (!/[ \t\n\r]/.test(text)) return text;
  return text.replace(JSON_TOKEN, (token) => (token.charCodeAt(0) === 34 ? token : ''));
}

/** A JSON number as a number, or a bigint for a whole number beyond +-(2^53-1). */
function parseJsonNumber(text: string): number | bigint {
  return INTEGER_TEXT.test(text) ? parseInteger(text) : Number(text);
}

/** A widened (variant) cell, from its JSON text back to the value that was written. */
export function decodeVariant(text: string): CellValue {
  const first = text.charCodeAt(0);
  if (first === 34 /* " */) return JSON.parse(text) as string;
  if (first === 116 /* t */) return true;
  if (first === 102 /* f */) return false;
  if (first === 110 /* n */) return null;
  if (first === 123 /* { */) {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    if (typeof parsed.$hex === 'string') return Buffer.from(parsed.$hex, 'hex');
    if (typeof parsed.$float === 'string') return Number(parsed.$float);
    return text;
  }
  if (first === 91 /* [ */) return text;
  return parseJsonNumber(text);
}

const identity: PostgresTypeParser = (text) => text;

/** The parser of each type OID for reads in the contract's JS forms. */
function parserFor(oid: number): PostgresTypeParser {
  switch (oid) {
    case OID.int8:
      return parseInteger;
    case OID.int2:
    case OID.int4:
    case OID.oid:
      return Number;
    case OID.float4:
    case OID.float8:
      return parseFloat8;
    case OID.numeric:
      return parseNumeric;
    case OID.bool:
      return parseBool;
    case OID.bytea:
      return parseBytea;
    case OID.json:
    case OID.jsonb:
      return compactJson;
    default:
      return identity;
  }
}

/** `pg`'s per-query type parsers: integers exact, JSON as compact text, everything else as text. */
export const READ_TYPES = Object.freeze({
  getTypeParser(oid: number): PostgresTypeParser {
    return parserFor(oid);
  },
});

/** Values as sent as parameters of raw `sql()`: bytes as Buffers, bigints as text, booleans as themselves. */
export function sqlParameter(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isNaN(value) ? null : String(value);
    case 'bigint':
      return String(value);
    case 'undefined':
      return null;
    case 'object':
      if (value === null) return null;
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  throw unsupported(value, 'a parameter');
}

const ARRAY_ESCAPE = /["\\]/g;

/** One element of an array literal: NULL, a bare token, or a double-quoted string. */
export function arrayElement(text: string | null, bare: boolean): string {
  if (text === null) return 'NULL';
  if (bare) return text;
  return `"${text.replace(ARRAY_ESCAPE, '\\$&')}"`;
}
