import { toJsonText } from '../schema/values.js';
import { parameterNames } from './parameter-names.js';

/** How deep object arguments are unpacked into columns, as in Python xetrack. */
export const MAX_UNPACK_DEPTH = 10;

/**
 * True for values unpacked into `{arg}_{field}` columns: plain objects and class instances, but
 * not arrays, Maps, Sets, Dates, RegExps, buffers, typed arrays or promises (those are values).
 */
export function isRecordLike(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  return !(
    Array.isArray(value) ||
    value instanceof Map ||
    value instanceof Set ||
    value instanceof Date ||
    value instanceof RegExp ||
    value instanceof Promise ||
    value instanceof ArrayBuffer ||
    ArrayBuffer.isView(value)
  );
}

/** True for a plain object (`{}` or `Object.create(null)`): a tracked function's result merged as columns. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Columns for the object arguments of a call: argument `cfg = { lr: 0.1, opt: { name: 'adam' } }`
 * gives `cfg_lr` and `cfg_opt_name`. Names come from `argNames`, else the function's parameter
 * list, else `arg0`, `arg1`. Only cycles stop the walk (a shared sub-object is unpacked twice).
 */
export function unpackArguments(fn: Function, args: readonly unknown[], argNames: readonly string[] | undefined, warn: (message: string) => void): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!args.some(isRecordLike)) return out;
  const names = argNames ?? parameterNames(fn);
  args.forEach((arg, i) => {
    if (isRecordLike(arg)) unpack(arg, names[i] ?? `arg${i}`, 0, [], out, warn);
  });
  return out;
}

function unpack(obj: Record<string, unknown>, prefix: string, depth: number, ancestors: object[], out: Record<string, unknown>, warn: (message: string) => void): void {
  if (depth >= MAX_UNPACK_DEPTH) {
    warn(`Max nesting depth (${MAX_UNPACK_DEPTH}) reached for ${prefix}: deeper fields are not unpacked.`);
    return;
  }
  if (ancestors.includes(obj)) {
    warn(`Circular reference detected for ${prefix}: it is not unpacked again.`);
    return;
  }
  ancestors.push(obj);
  for (const [field, value] of Object.entries(obj)) {
    const key = `${prefix}_${field}`;
    if (typeof value === 'function' || typeof value === 'symbol') continue;
    if (isRecordLike(value)) unpack(value, key, depth + 1, ancestors, out, warn);
    else out[key] = value;
  }
  ancestors.pop();
}

/** JSON text of the call's arguments for the `args` column; an argument JSON can't hold becomes its String(). */
export function argumentsText(args: readonly unknown[]): string {
  const parts = args.map((arg) => {
    try {
      // most arguments are plain data, which JSON.stringify writes alone as toJsonText would, without its replacer
      return isPlainJson(arg, 0) ? JSON.stringify(arg) : toJsonText(arg, 'args', { lenient: true });
    } catch {
      return JSON.stringify(String(arg));
    }
  });
  return `[${parts.join(',')}]`;
}

/** Deepest plain data `isPlainJson` accepts (deeper, or a cycle, goes to toJsonText). */
const PLAIN_JSON_DEPTH = 32;

/**
 * True for plain data JSON writes as is: strings, numbers, booleans and null, in arrays and plain
 * objects (no `toJSON`, no holes, no undefined). Anything else (bigint, Map, class instances...)
 * needs toJsonText's rules.
 */
function isPlainJson(v: unknown, depth: number): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return true;
  if (typeof v !== 'object' || depth >= PLAIN_JSON_DEPTH || (v as { toJSON?: unknown }).toJSON !== undefined) return false;
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) return false;
    for (let i = 0; i < v.length; i++) if (!isPlainJson(v[i], depth + 1)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key of Object.keys(v)) if (!isPlainJson((v as Record<string, unknown>)[key], depth + 1)) return false;
  return true;
}

/**
 * A function result that is not a plain object, as a storable `function_result`: primitives as
 * they are, `undefined` as null, functions and symbols by name, a class instance as its own fields
 * (the call already ran: its row must not be refused for the result's class), anything else as
 * given (objects become JSON by the column rules).
 */
export function resultValue(result: unknown): unknown {
  if (result === undefined) return null;
  if (typeof result === 'function') return `[function ${result.name || 'anonymous'}]`;
  if (typeof result === 'symbol') return result.toString();
  if (isRecordLike(result) && !isPlainObject(result) && typeof (result as { toJSON?: unknown }).toJSON !== 'function') {
    return JSON.parse(toJsonText(result, 'function_result', { lenient: true })) as unknown;
  }
  return result;
}
