import type { CellValue, ColumnType } from '../engine/contract.js';
import { XetrackError } from '../errors.js';

/** A JSON document as reads return it from a `json` column. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Any value a read can return: a cell, or a parsed JSON array or object. */
export type Value = CellValue | JsonValue[] | { [key: string]: JsonValue };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The column type a first value gives its column (architecture §3), or `undefined` for
 * null/undefined: such a key creates no column until a typed value arrives.
 */
export function columnTypeOf(value: unknown): ColumnType | undefined {
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'float';
    case 'string':
      return 'text';
    case 'boolean':
      return 'boolean';
    case 'bigint':
      return 'integer';
    case 'undefined':
      return undefined;
    case 'object':
      if (value === null) return undefined;
      if (value instanceof Uint8Array) return 'blob';
      if (value instanceof Date) return 'text';
      return 'json';
    default:
      // functions and symbols: encodeValue rejects them with the reason
      return 'text';
  }
}

/**
 * The cell stored for `value` in a column of type `type`. A `json` column holds a JSON document
 * in every row (so a later string is stored as its JSON text and reads back as the same string);
 * other columns store the value as given: NaN becomes NULL, a Date its ISO-8601 text, arrays and
 * objects their JSON text. Throws INVALID_VALUE for what no store can hold.
 */
export function encodeValue(value: unknown, type: ColumnType | undefined, key: string): CellValue {
  if (value === null || value === undefined) return null;
  if (type === 'json') return toJsonText(value, key);
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isNaN(value) ? null : value;
    case 'bigint':
      if (value < INT64_MIN || value > INT64_MAX) {
        throw new XetrackError('INVALID_VALUE', `Key "${key}": the bigint ${value} does not fit in 64 bits: log it as a string (String(value)) instead.`);
      }
      return value;
    case 'function':
      throw new XetrackError('INVALID_VALUE', `Key "${key}": a function cannot be stored: log its name or its result instead.`);
    case 'symbol':
      throw new XetrackError('INVALID_VALUE', `Key "${key}": a symbol cannot be stored: log its description (symbol.description) instead.`);
    default:
      if (value instanceof Uint8Array) return value;
      if (value instanceof Date) return dateText(value, key);
      return toJsonText(value, key);
  }
}

/** Turns a stored cell back into what the user logged: JSON columns are parsed. */
export function decodeValue(cell: CellValue, type: ColumnType | undefined): Value {
  if (type === 'json' && typeof cell === 'string') {
    try {
      return JSON.parse(cell) as JsonValue;
    } catch {
      return cell; // text written by another tool: return it as stored
    }
  }
  return cell;
}

function dateText(date: Date, key: string): string {
  if (Number.isNaN(date.getTime())) {
    throw new XetrackError('INVALID_VALUE', `Key "${key}": the Date is invalid (its time is NaN): pass a valid Date or null.`);
  }
  return date.toISOString();
}

/**
 * JSON text of any value, with the types JSON lacks made explicit: bigint as a number when it is
 * safe and as a string otherwise, Map as an object, Set and typed arrays as arrays, NaN and
 * Infinity as null (JSON's own rule). Cycles are rejected with the key named.
 */
export function toJsonText(value: unknown, key: string): string {
  // The path from the root to the current holder: shared (non-cyclic) sub-objects are fine and
  // only a real cycle is refused. `holder` is what JSON.stringify walks (a Map's replacement object),
  // `original` what the user passed.
  const path: { holder: unknown; original: object }[] = [];
  const replacer = function (this: unknown, _k: string, v: unknown): unknown {
    if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
    if (typeof v === 'function' || typeof v === 'symbol') return undefined;
    if (typeof v !== 'object' || v === null) return v;
    while (path.length > 0 && path[path.length - 1]!.holder !== this) path.pop();
    if (path.some((step) => step.original === v)) {
      throw new XetrackError('INVALID_VALUE', `Key "${key}": the value contains a circular reference: log a copy without the cycle.`);
    }
    let out: unknown = v;
    if (v instanceof Map) out = Object.fromEntries(v);
    else if (v instanceof Set) out = [...v];
    else if (ArrayBuffer.isView(v) && !(v instanceof DataView)) out = Array.from(v as unknown as ArrayLike<unknown>);
    path.push({ holder: out, original: v });
    return out;
  };
  try {
    const text = JSON.stringify(value, replacer);
    return text === undefined ? 'null' : text;
  } catch (error) {
    if (error instanceof XetrackError) throw error;
    throw new XetrackError('INVALID_VALUE', `Key "${key}": the value cannot be turned into JSON (${(error as Error).message}): log plain data instead.`, { cause: error });
  }
}
