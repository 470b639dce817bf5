import { createHash, hash as hashOnce } from 'node:crypto';
import type { CallIdentity } from '@xetrack/core';

/** Why a call can't be cached: the first value of a type the key can't hold, and where it was. */
export interface Uncacheable {
  /** The type, e.g. `function`, `symbol`, `class Model`, `WeakMap`, `circular reference`. */
  type: string;
  /** Where in the call, e.g. `args[0].model` or `params.cb`. */
  path: string;
}

/** Bumped when the canonical form changes, so old entries stop matching instead of being misread. */
const KEY_FORMAT = 'xetrack-cache-key/1';

/**
 * The cache key of a call: a SHA-256 (64 hex characters) of a canonical serialization of the
 * function's identity (name and version), its arguments and its per-call params. Equal inputs give
 * equal keys in any process and on any machine: object keys are sorted, Map entries and Set
 * members are sorted by their own serialization, and every value carries its type (`1`, `1n`, `'1'`
 * and `[1]` are different keys, as are `-0` and `0`).
 *
 * Cacheable: undefined, null, booleans, numbers (NaN, -0, Infinity included), bigints, strings,
 * arrays, plain objects, Date, RegExp, Map, Set, ArrayBuffer, typed arrays and DataView (by their
 * bytes; a Buffer counts as a Uint8Array), and class instances with a `toJSON()` method (by class
 * name and that method's result). Anything else (functions, symbols, promises, WeakMap/WeakSet,
 * class instances without `toJSON()`, circular values) returns `{ uncacheable }` instead.
 */
export function cacheKey(call: CallIdentity): { key: string } | { uncacheable: Uncacheable } {
  const encoder = new Encoder();
  try {
    encoder.text(KEY_FORMAT);
    encoder.value(call.name, 'name');
    encoder.value(call.version, 'version');
    encoder.value(call.args, 'args');
    encoder.value(call.params, 'params');
  } catch (error) {
    if (error instanceof UncacheableValue) return { uncacheable: { type: error.type, path: error.path } };
    if (error instanceof RangeError) return { uncacheable: { type: 'deeply nested value', path: 'args' } };
    throw error;
  }
  return { key: encoder.digest() };
}

class UncacheableValue extends Error {
  constructor(
    readonly type: string,
    readonly path: string,
  ) {
    super(`${type} at ${path}`);
  }
}

const TYPED_ARRAY = Object.getPrototypeOf(Uint8Array) as Function;

/**
 * Writes the canonical form of values: text into a string, bytes of typed arrays as pieces of
 * their own (never copied into text). Map and Set members are each encoded on their own first, then
 * sorted, so insertion order does not change the key. A key of text only (the usual call) is hashed
 * in one step.
 */
class Encoder {
  private pending = '';
  /** What was written before the pending text, once bytes were written. */
  private readonly pieces: (string | Uint8Array)[] = [];
  private readonly ancestors: object[] = [];
  /**
   * Where the value being written is, from the call down: an index (`[0]`), a key (`.lr`) or a
   * step written out (`.get("a")`). Kept as steps and only joined when a value can't be keyed:
   * joining them for every value cost more than the rest of the encoding.
   */
  private readonly at: (string | number | { step: string })[] = [];

  text(s: string): void {
    this.pending += s;
  }

  private bytes(view: ArrayBufferView | ArrayBuffer): void {
    this.flush();
    this.pieces.push(view instanceof ArrayBuffer ? new Uint8Array(view) : new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  }

  flush(): void {
    if (this.pending.length > 0) this.pieces.push(this.pending);
    this.pending = '';
  }

  digest(): string {
    if (this.pieces.length === 0) return hashOnce('sha256', this.pending, 'hex');
    this.flush();
    const h = createHash('sha256');
    for (const piece of this.pieces) h.update(piece);
    return h.digest('hex');
  }

  /** Everything written, as bytes (a Map or Set member, before sorting). */
  concat(): Buffer {
    this.flush();
    return Buffer.concat(this.pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
  }

  /** Writes `v`, found at `step` (an index, a key, a root name or a step written out) of where the encoder is. */
  value(v: unknown, step: string | number | { step: string }): void {
    this.at.push(step);
    this.write(v);
    this.at.pop();
  }

  private write(v: unknown): void {
    switch (typeof v) {
      case 'undefined':
        return this.text('u');
      case 'boolean':
        return this.text(v ? 't' : 'f');
      case 'number':
        return this.text(`d${Object.is(v, -0) ? '-0' : String(v)};`);
      case 'bigint':
        return this.text(`i${v.toString()};`);
      case 'string':
        // JSON text escapes lone surrogates, so two different strings never share a form
        return this.text(`s${JSON.stringify(v)}`);
      case 'function':
        throw this.uncacheable('function');
      case 'symbol':
        throw this.uncacheable('symbol');
      default:
        if (v === null) return this.text('n');
        return this.object(v as object);
    }
  }

  /** The error for a value that can't be keyed, naming where it is (e.g. `args[0].model`). */
  private uncacheable(type: string): UncacheableValue {
    let path = '';
    for (const step of this.at) {
      if (typeof step === 'number') path += `[${step}]`;
      else if (typeof step === 'object') path += step.step;
      else path += path === '' ? step : `.${step}`;
    }
    return new UncacheableValue(type, path);
  }

  private object(v: object): void {
    if (this.ancestors.includes(v)) throw this.uncacheable('circular reference');
    if (Array.isArray(v)) return this.array(v);
    if (v instanceof Date) return this.text(`D${Number.isNaN(v.getTime()) ? 'NaN' : v.getTime()};`);
    if (v instanceof RegExp) return this.text(`R${JSON.stringify(v.source)}/${v.flags};`);
    if (ArrayBuffer.isView(v)) {
      const type = v instanceof DataView ? 'DataView' : Buffer.isBuffer(v) ? 'Uint8Array' : typedArrayName(v);
      this.text(`T${type}:${v.byteLength}:`);
      return this.bytes(v);
    }
    if (v instanceof ArrayBuffer) {
      this.text(`A${v.byteLength}:`);
      return this.bytes(v);
    }
    if (v instanceof Map)
      return this.within(v, () =>
        this.sorted(
          'M',
          v.size,
          [...v].map(([k, val], i) =>
            this.encodeAlone((e) => {
              e.value(k, { step: `.<key ${i}>` });
              e.value(val, { step: `.get(${keyLabel(k)})` });
            }),
          ),
        ),
      );
    if (v instanceof Set)
      return this.within(v, () =>
        this.sorted(
          'S',
          v.size,
          [...v].map((member, i) => this.encodeAlone((e) => e.value(member, { step: `.<member ${i}>` }))),
        ),
      );
    const proto = Object.getPrototypeOf(v) as object | null;
    if (proto === Object.prototype || proto === null) return this.record(v as Record<string, unknown>);
    const className = (proto as { constructor?: { name?: string } }).constructor?.name || 'anonymous';
    const toJSON = (v as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function' && !isThenable(v)) {
      return this.within(v, () => {
        this.text(`C${JSON.stringify(className)}`);
        this.value((toJSON as () => unknown).call(v), { step: '.toJSON()' });
      });
    }
    throw this.uncacheable(BUILT_IN_NAMES.has(className) ? className : `class ${className}`);
  }

  private within(v: object, encode: () => void): void {
    this.ancestors.push(v);
    try {
      encode();
    } finally {
      this.ancestors.pop();
    }
  }

  // arrays and records (most of a key) enter the ancestors without a closure; an error ends the whole encoding anyway
  private array(v: readonly unknown[]): void {
    this.ancestors.push(v);
    this.text('[');
    for (let i = 0; i < v.length; i++) this.value(v[i], i);
    this.text(']');
    this.ancestors.pop();
  }

  private record(v: Record<string, unknown>): void {
    this.ancestors.push(v);
    const keys = Object.keys(v).sort();
    this.text('{');
    for (const key of keys) {
      this.text(`s${JSON.stringify(key)}`);
      this.value(v[key], key);
    }
    this.text('}');
    this.ancestors.pop();
  }

  /** The canonical form of one member on its own (sharing the ancestors and the place, so cycles are still seen and named). */
  private encodeAlone(encode: (e: Encoder) => void): Buffer {
    const inner = new Encoder();
    inner.ancestors.push(...this.ancestors);
    inner.at.push(...this.at);
    encode(inner);
    return inner.concat();
  }

  private sorted(tag: string, size: number, members: Buffer[]): void {
    members.sort(Buffer.compare);
    this.text(`${tag}${size}{`);
    for (const member of members) {
      this.text(`${member.length}:`);
      this.bytes(member);
    }
    this.text('}');
  }
}

function typedArrayName(v: ArrayBufferView): string {
  return v instanceof TYPED_ARRAY ? (v.constructor as { name: string }).name : 'ArrayBufferView';
}

function keyLabel(k: unknown): string {
  return typeof k === 'string' ? JSON.stringify(k) : typeof k === 'object' && k !== null ? '…' : String(k);
}

function isThenable(v: object): boolean {
  return typeof (v as { then?: unknown }).then === 'function';
}

/** Built-ins named as they are in warnings (not as "class Promise"). */
const BUILT_IN_NAMES = new Set(['Promise', 'WeakMap', 'WeakSet', 'WeakRef', 'Error', 'TypeError', 'RangeError', 'Number', 'String', 'Boolean', 'BigInt', 'Symbol']);
