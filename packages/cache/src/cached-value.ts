import { deserialize, serialize } from 'node:v8';

/**
 * How a result is stored: `node:v8` serialization (the structured clone format), so Map, Set,
 * Date, RegExp, bigint, typed arrays, Buffer, errors, -0 and shared or circular references come
 * back as they went in. v8 silently turns a class instance into a plain object; the cache refuses
 * that instead of returning something that has lost its methods.
 */
export function encodeResult(value: unknown): Buffer {
  const lost = lostClass(value);
  if (lost) {
    throw new Error(`the result holds an instance of class ${lost}, which would come back from the cache as a plain object (its class lost): return plain data to cache it.`);
  }
  try {
    return serialize(value);
  } catch (error) {
    throw new Error(`the result cannot be stored (${(error as Error).message}): return plain data (no functions or symbols) to cache it.`, { cause: error });
  }
}

export function decodeResult(data: Uint8Array): unknown {
  return deserialize(data);
}

/**
 * A stored result's bytes, for a store that keeps results in memory. A flat result (a primitive,
 * or a plain object or dense array of primitives: most metrics) is decoded once and each later hit
 * gets a shallow copy, which is exactly what decoding again would give, for a fraction of the cost;
 * anything else is decoded on every hit. Either way every caller gets its own copy.
 */
export class StoredResult {
  /** A private copy of the decoded result, once it is known to be flat. */
  private flat: { value: unknown } | undefined;

  constructor(readonly data: Buffer) {}

  /** A fresh copy of the result. */
  value(): unknown {
    if (this.flat) return shallowCopy(this.flat.value);
    const value = decodeResult(this.data);
    if (isFlat(value)) this.flat = { value: shallowCopy(value) };
    return value;
  }
}

function isPrimitive(v: unknown): boolean {
  return (typeof v !== 'object' || v === null) && typeof v !== 'function';
}

/** A primitive, a plain object of primitives, or an array of primitives with no holes and no other properties. */
function isFlat(value: unknown): boolean {
  if (isPrimitive(value)) return true;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype || Object.keys(value).length !== value.length) return false;
    for (let i = 0; i < value.length; i++) if (!(i in value) || !isPrimitive(value[i])) return false;
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value as Record<string, unknown>) if (!isPrimitive((value as Record<string, unknown>)[key])) return false;
  return true;
}

function shallowCopy(value: unknown): unknown {
  if (isPrimitive(value)) return value;
  return Array.isArray(value) ? value.slice() : { ...(value as Record<string, unknown>) };
}

/** Prototypes v8 serialization keeps. */
const KEPT = new Set<unknown>([
  null,
  Object.prototype,
  Array.prototype,
  Map.prototype,
  Set.prototype,
  Date.prototype,
  RegExp.prototype,
  ArrayBuffer.prototype,
  DataView.prototype,
  Buffer.prototype,
  Number.prototype,
  String.prototype,
  Boolean.prototype,
  BigInt.prototype,
  Error.prototype,
  EvalError.prototype,
  RangeError.prototype,
  ReferenceError.prototype,
  SyntaxError.prototype,
  TypeError.prototype,
  URIError.prototype,
  ...[Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array].map((t) => t.prototype),
]);

/** The name of the first class instance in `value` whose class v8 serialization would drop, if any. */
function lostClass(value: unknown): string | undefined {
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    const proto = Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null;
    if (!KEPT.has(proto)) return proto?.constructor?.name || 'anonymous';
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) continue;
    if (v instanceof Map) {
      for (const [k, val] of v) stack.push(k, val);
    } else if (v instanceof Set) {
      for (const member of v) stack.push(member);
    } else {
      for (const key of Object.keys(v)) stack.push((v as Record<string, unknown>)[key]);
    }
  }
  return undefined;
}
