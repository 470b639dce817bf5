/**
 * An independent model of packages/core/README.md "What is stored": which column a key names, which
 * column type a first value gives, what the file holds and what a read returns. Written from the
 * documented rules, not from the library's code, so the fuzz tests compare the two.
 */

export type ColumnKind = 'integer' | 'float' | 'text' | 'boolean' | 'blob' | 'json';

export const DECLARED: Record<ColumnKind, string> = {
  integer: 'INTEGER',
  float: 'REAL',
  text: 'TEXT',
  boolean: 'BOOLEAN',
  blob: 'BLOB',
  json: 'JSON',
};

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The documented key rule: characters (code points, as in Python) outside [A-Za-z0-9_] become `_`,
 * a leading digit gets `_`, at most 64 characters.
 */
export function columnName(key: string): string | undefined {
  if (key.length === 0) return undefined;
  let name = '';
  for (const ch of key) name += /^[A-Za-z0-9_]$/.test(ch) ? ch : '_';
  if (/^[0-9]/.test(name)) name = `_${name}`;
  return name.slice(0, 64);
}

/** Python xetrack's rule on code points (what the architecture asks for). */
export function pythonColumnName(key: string): string {
  return [...key]
    .map((ch) => (/^[A-Za-z0-9_]$/.test(ch) ? ch : '_'))
    .join('')
    .slice(0, 64);
}

/** SQLite's identifier matching: ASCII letters fold, nothing else. */
export function fold(name: string): string {
  return name.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

export class Rejected {
  constructor(readonly why: string) {}
}

/** What logging `value` as the first value of a new column must do. */
export type FirstValueOutcome =
  | { kind: 'rejected'; why: string }
  /** null/undefined: no column is created, the row has no such key */
  | { kind: 'no-column' }
  | { kind: 'stored'; column: ColumnKind; read: unknown };

/** The documented rule for a first value (and so the column's type), and what a read returns. */
export function firstValue(value: unknown): FirstValueOutcome {
  switch (typeof value) {
    case 'undefined':
      return { kind: 'no-column' };
    case 'function':
      return { kind: 'rejected', why: 'function' };
    case 'symbol':
      return { kind: 'rejected', why: 'symbol' };
    case 'boolean':
      return { kind: 'stored', column: 'boolean', read: value };
    case 'string':
      return { kind: 'stored', column: 'text', read: value };
    case 'bigint':
      if (value < INT64_MIN || value > INT64_MAX) return { kind: 'rejected', why: 'bigint beyond 64 bits' };
      return { kind: 'stored', column: 'integer', read: Number.isSafeInteger(Number(value)) ? Number(value) : value };
    case 'number':
      if (Number.isInteger(value)) return { kind: 'stored', column: 'integer', read: integerRead(value) };
      return { kind: 'stored', column: 'float', read: Number.isNaN(value) ? null : value };
    default:
      break;
  }
  if (value === null) return { kind: 'no-column' };
  if (value instanceof Uint8Array) return { kind: 'stored', column: 'blob', read: new Uint8Array(value) };
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return { kind: 'rejected', why: 'invalid Date' };
    return { kind: 'stored', column: 'text', read: value.toISOString() };
  }
  const json = jsonModel(value);
  if (json instanceof Rejected) return { kind: 'rejected', why: json.why };
  return { kind: 'stored', column: 'json', read: json === undefined ? null : json };
}

/**
 * A whole number in an INTEGER column: "number (bigint beyond ±2^53)". SQLite keeps a whole double
 * strictly between the smallest and the largest 64-bit integer as an INTEGER (read back as a bigint
 * past 2^53) and anything else as a REAL (sqlite3VdbeIntegerAffinity leaves out both ends).
 */
function integerRead(value: number): unknown {
  if (Number.isSafeInteger(value)) return value === 0 ? 0 : value; // -0 reads back as 0
  const big = BigInt(value);
  return big > INT64_MIN && big < INT64_MAX ? big : value;
}

/**
 * The value a read returns from a json column: JSON's own rules (toJSON, NaN/Infinity → null,
 * functions and symbols dropped) with the documented additions: bigint as a number when safe and a
 * string otherwise, Map as an object, Set and typed arrays as arrays. `undefined`: JSON has nothing
 * for it. A cycle, a throwing toJSON/getter, or an object that is not plain (a class instance
 * without toJSON, an Error, a Promise...) is Rejected.
 */
export function jsonModel(value: unknown, key = '', ancestors: object[] = []): unknown {
  try {
    return walk(value, key, ancestors);
  } catch (error) {
    if (error instanceof Rejected) return error;
    return new Rejected(`throws: ${(error as Error).message}`);
  }
}

function walk(input: unknown, key: string, ancestors: object[]): unknown {
  let value = input;
  if ((typeof value === 'object' && value !== null) || typeof value === 'bigint') {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') value = toJSON.call(value, key);
  }
  if (typeof value === 'bigint') value = Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === null) return null;
  if (typeof value !== 'object') {
    if (typeof value === 'number') return Number.isFinite(value) ? (value === 0 ? 0 : value) : null;
    return value;
  }
  if (ancestors.includes(value)) throw new Rejected('circular');
  const original = value;
  if (value instanceof Map) value = Object.fromEntries(value);
  else if (value instanceof Set) value = [...value];
  else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) value = Array.from(value as unknown as ArrayLike<unknown>);
  // boxed primitives serialize as their primitive
  if (value instanceof Number) return walk(Number(value), key, ancestors);
  if (value instanceof String) return String(value);
  if (value instanceof Boolean) return value.valueOf();
  // anything else but plain objects and arrays (class instances, Error, Promise...) would lose what it is: refused
  const proto = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) throw new Rejected('class instance');
  const inner = [...ancestors, original];
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const item = walk(value[i], String(i), inner);
      out.push(item === undefined ? null : item);
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value as object)) {
    const item = walk((value as Record<string, unknown>)[k], k, inner);
    if (item !== undefined) Object.defineProperty(out, k, { value: item, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Deep equality for read values: bigint/number kept apart, bytes compared, own keys in any order, -0 = 0. */
export function sameValue(actual: unknown, expected: unknown): boolean {
  if (typeof expected === 'number' && typeof actual === 'number') {
    return (Number.isNaN(expected) && Number.isNaN(actual)) || actual === expected;
  }
  if (typeof expected !== typeof actual) return false;
  if (expected === null || typeof expected !== 'object') return actual === expected;
  if (actual === null || typeof actual !== 'object') return false;
  if (expected instanceof Uint8Array) {
    return actual instanceof Uint8Array && actual.length === expected.length && actual.every((b, i) => b === expected[i]);
  }
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => sameValue(actual[i], e));
  }
  if (Array.isArray(actual)) return false;
  const ek = Object.keys(expected);
  const ak = Object.keys(actual);
  if (ek.length !== ak.length) return false;
  return ek.every((k) => Object.prototype.hasOwnProperty.call(actual, k) && sameValue((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k]));
}

/** A printable form of any value (bigints, bytes, undefined, cycles) for failure messages. */
export function show(value: unknown): string {
  const seen = new Set<unknown>();
  try {
    return (
      JSON.stringify(value, (_k, v: unknown) => {
        if (typeof v === 'bigint') return `${v}n`;
        if (v === undefined) return '<undefined>';
        if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
        if (typeof v === 'function') return '<function>';
        if (typeof v === 'symbol') return v.toString();
        if (v instanceof Uint8Array) return `<bytes ${Buffer.from(v).toString('hex')}>`;
        if (typeof v === 'object' && v !== null) {
          if (seen.has(v)) return '<cycle>';
          seen.add(v);
        }
        return v;
      }) ?? String(value)
    );
  } catch {
    return String(value);
  }
}
