import type { CellValue, ColumnType } from '../engine/contract.js';
import { XetrackError } from '../errors.js';

/** A JSON document as reads return it from a `json` column. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Any value a read can return: a cell, or a parsed JSON array or object. */
export type Value = CellValue | JsonValue[] | { [key: string]: JsonValue };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The column type a first value gives its column (the first value decides), or `undefined` for
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
      try {
        if (value instanceof Uint8Array) return 'blob';
        if (value instanceof Date) return 'text';
      } catch {
        // a revoked Proxy: encodeValue rejects it with the reason
      }
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
      return wellFormed(value);
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
      if (isObjectOf(value, Uint8Array, key)) return value;
      if (isObjectOf(value, Date, key)) return dateText(value, key);
      return toJsonText(value, key);
  }
}

/** ES2024 string methods (Node 20 has them; the TypeScript lib here predates them). */
interface WellFormedString {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/**
 * `text` with each unpaired surrogate (half of a character cut in two, e.g. by `slice`) replaced by
 * U+FFFD, as UTF-8 encoders do: a database file must hold valid UTF-8, or Python cannot read it.
 */
function wellFormed(text: string): string {
  const t = text as unknown as WellFormedString;
  return t.isWellFormed() ? text : t.toWellFormed();
}

/** `instanceof` that reports a revoked Proxy (whose prototype cannot be read) as INVALID_VALUE. */
function isObjectOf<T>(value: object, type: abstract new (...args: never[]) => T, key: string): value is T & object {
  try {
    return value instanceof type;
  } catch (error) {
    return revokedProxy(error, key);
  }
}

function revokedProxy(error: unknown, key: string): never {
  throw new XetrackError('INVALID_VALUE', `Key "${key}": the value is or holds a revoked Proxy, which cannot be read: log a plain copy of the data instead.`, { cause: error });
}

/** Objects that JSON would turn into `{}` or lose: what each is, and what to log instead. */
const UNSTORABLE: readonly [abstract new (...args: never[]) => unknown, string][] = [
  [Promise, 'a Promise: await it and log its result'],
  [Error, 'an Error: log error.message (or String(error))'],
  [RegExp, 'a RegExp: log String(regexp)'],
  [WeakMap, 'a WeakMap, whose entries cannot be read: log a Map or a plain object'],
  [WeakSet, 'a WeakSet, whose entries cannot be read: log a Set or an array'],
  [WeakRef, 'a WeakRef: log the value it holds (ref.deref())'],
  [ArrayBuffer, 'an ArrayBuffer: log new Uint8Array(buffer)'],
  [SharedArrayBuffer, 'a SharedArrayBuffer: log new Uint8Array(buffer)'],
  [DataView, 'a DataView: log new Uint8Array(view.buffer, view.byteOffset, view.byteLength)'],
];

/**
 * Why an object cannot be stored as JSON, or undefined when it can: plain objects and arrays,
 * Map, Set, typed arrays, boxed primitives and anything with a `toJSON()` method (Date among them)
 * can; a class instance without `toJSON()` would lose its class and its private state, so it is
 * refused rather than stored as its public fields (open the tracker with `assets` to keep it whole).
 */
function unstorable(value: object, key: string): string | undefined {
  let proto: unknown;
  try {
    proto = Object.getPrototypeOf(value);
  } catch (error) {
    return revokedProxy(error, key);
  }
  if (proto === Object.prototype || proto === null || Array.isArray(value)) return undefined;
  for (const [type, reason] of UNSTORABLE) if (value instanceof type) return reason;
  if (value instanceof Map || value instanceof Set || ArrayBuffer.isView(value)) return undefined;
  if (value instanceof Number || value instanceof String || value instanceof Boolean) return undefined;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined;
  const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
  return `an instance of class ${typeof name === 'string' && name ? name : '(anonymous)'}, which would lose its class: log a plain object ({ ...value }), give the class a toJSON() method, or open the tracker with \`assets\` to store it whole`;
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

/** How `toJsonText` treats what plain JSON cannot say. */
export interface JsonTextOptions {
  /** Write a bigint beyond +-2^53-1 as an exact JSON integer (as Python's json does), not as a string. */
  exactIntegers?: boolean;
  /** Indent nested levels by this many spaces (JSON.stringify's `space`). */
  indent?: number;
  /** Write objects that would be refused (class instances, Errors...) as their own fields instead, for descriptive text such as `args`. */
  lenient?: boolean;
}

/** Marks a bigint's digits inside a JSON string, so they can be written unquoted afterwards. */
const BIGINT_MARK = `\u2063xt-bigint-${Math.random().toString(36).slice(2)}:`;
const MARKED_BIGINT = new RegExp(`"${BIGINT_MARK}(-?\\d+)"`, 'g');

/**
 * JSON text of any value, with the types JSON lacks made explicit: bigint as a number when it is
 * safe and as a string otherwise (or exactly, see `exactIntegers`), Map as an object, Set and typed
 * arrays as arrays, NaN and Infinity as null (JSON's own rule). Cycles and objects JSON would empty
 * (Promise, Error, class instances...) are rejected with the key named.
 */
export function toJsonText(value: unknown, key: string, options: JsonTextOptions = {}): string {
  // The path from the root to the current holder: shared (non-cyclic) sub-objects are fine and
  // only a real cycle is refused. `holder` is what JSON.stringify walks (a Map's replacement object),
  // `original` what the user passed.
  const path: { holder: unknown; original: object }[] = [];
  const replacer = function (this: unknown, _k: string, v: unknown): unknown {
    if (typeof v === 'bigint') {
      if (Number.isSafeInteger(Number(v))) return Number(v);
      return options.exactIntegers ? `${BIGINT_MARK}${v}` : v.toString();
    }
    if (typeof v === 'function' || typeof v === 'symbol') return undefined;
    if (typeof v !== 'object' || v === null) return v;
    const reason = unstorable(v, key);
    if (reason !== undefined && !options.lenient) throw new XetrackError('INVALID_VALUE', `Key "${key}": the value is or holds ${reason}.`);
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
    const text = JSON.stringify(value, replacer, options.indent);
    if (text === undefined) return 'null';
    return options.exactIntegers && text.includes(BIGINT_MARK) ? text.replace(MARKED_BIGINT, '$1') : text;
  } catch (error) {
    if (error instanceof XetrackError) throw error;
    throw new XetrackError('INVALID_VALUE', `Key "${key}": the value cannot be turned into JSON (${(error as Error).message}): log plain data instead.`, { cause: error });
  }
}
