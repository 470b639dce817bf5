/** fast-check arbitraries for hostile keys, table names and values. */
import fc from 'fast-check';

/** Text that SQL, JavaScript or SQLite treat specially. */
export const NASTY_PIECES = [
  '',
  ' ',
  '"',
  "'",
  '`',
  '""',
  "''",
  ';',
  '--',
  '/*',
  '*/',
  '\\',
  '[',
  ']',
  '(',
  ')',
  ',',
  '.',
  '?',
  ':1',
  '@a',
  '$a',
  '%',
  '\0',
  '\n',
  '\r\n',
  '\t',
  '\u200B',
  '\uFEFF',
  '\u00A0',
  'é',
  'ß',
  'İ',
  'ı',
  'ﬀ',
  'Ω',
  '😀',
  '𝔘',
  '中文',
  'select',
  'SELECT',
  'drop',
  'DROP TABLE "default"; --',
  "'); DROP TABLE x; --",
  '" OR 1=1 --',
  'order',
  'group',
  'table',
  'where',
  'from',
  'insert',
  'values',
  'null',
  'NULL',
  'primary',
  'key',
  'index',
  'pragma',
  'attach',
  'database',
  'vacuum',
  'rowid',
  'oid',
  '_rowid_',
  'track_id',
  'timestamp',
  'TRACK_ID',
  'Timestamp',
  'track-id',
  'sqlite_master',
  'sqlite_',
  'default',
  'main',
  'temp',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '0',
  '7',
  '-1',
  '1e3',
  'NaN',
  'Infinity',
  'true',
];

/**
 * Any Unicode scalar value (no surrogates). fast-check's own `unit: 'binary'` builds a reverse
 * table of every code point when the arbitrary is created (about 5 s per arbitrary here).
 */
const codePoint = fc.integer({ min: 0, max: 0x10ffff - 0x800 }).map((n) => String.fromCodePoint(n >= 0xd800 ? n + 0x800 : n));
const anyText = (constraints: { minLength?: number; maxLength?: number }) => fc.string({ unit: codePoint, ...constraints });

const piece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_PIECES) },
  { weight: 2, arbitrary: anyText({ maxLength: 6 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/) },
);

/** Keys and names: nasty pieces glued together, any unicode, empty, and very long. */
export const identifier = fc.oneof(
  { weight: 12, arbitrary: fc.array(piece, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: anyText({ minLength: 60, maxLength: 300 }) },
  { weight: 1, arbitrary: fc.tuple(fc.stringMatching(/^[a-z]{1,5}$/), fc.integer({ min: 55, max: 200 })).map(([s, n]) => s.repeat(n).slice(0, n)) },
  { weight: 1, arbitrary: fc.constant('') },
);

/** True when `text` holds a UTF-16 surrogate without its partner. */
export function hasLoneSurrogate(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/** A name with unpaired UTF-16 surrogates somewhere in it. */
export const withLoneSurrogate = fc.tuple(fc.string({ maxLength: 4 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string({ maxLength: 4 })).map(([a, s, b]) => `${a}${String.fromCharCode(s)}${b}`);

/** Table names: identifiers, lone surrogates, and the limits (128 characters, the sqlite_ prefix). */
export const tableName = fc.oneof(
  { weight: 10, arbitrary: identifier },
  { weight: 1, arbitrary: withLoneSurrogate },
  { weight: 1, arbitrary: fc.integer({ min: 120, max: 136 }).map((n) => 't'.repeat(n)) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('sqlite_', 'SQLITE_', 'Sqlite_', 'sqlite'), identifier).map(([a, b]) => a + b) },
);

/** Strings without unpaired surrogates (their own test in fuzz-values.test.ts: stored with U+FFFD). */
export const wellFormedText = fc.oneof(
  anyText({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.array(fc.constantFrom(...NASTY_PIECES), { maxLength: 5 }).map((p) => p.join('')),
  anyText({ minLength: 1000, maxLength: 5000 }),
);

class Point {
  constructor(
    readonly x: number,
    readonly y: unknown,
  ) {}
  get norm(): number {
    return Math.hypot(this.x, 1);
  }
  method(): number {
    return this.x;
  }
}

class WithToJson {
  constructor(readonly inner: unknown) {}
  toJSON(): unknown {
    return { wrapped: this.inner };
  }
}

const numbers = fc.oneof(
  fc.integer(),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  fc.double(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(
    NaN,
    Infinity,
    -Infinity,
    -0,
    0,
    0.1,
    2 ** 53,
    2 ** 53 + 2,
    -(2 ** 53),
    2 ** 62,
    2 ** 63,
    -(2 ** 63),
    2 ** 64,
    1e21,
    1e300,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    -Number.MIN_VALUE,
    Number.EPSILON,
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
  ),
);

const bigints = fc.oneof(
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.constantFrom(0n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 63n, -(2n ** 63n) - 1n, 10n ** 40n),
);

const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((a) => a.subarray(1)), // a view with an offset
);

const typedArrays = fc.oneof(
  fc.float32Array({ maxLength: 8 }),
  fc.float64Array({ maxLength: 8 }),
  fc.int16Array({ maxLength: 8 }),
  fc.int32Array({ maxLength: 8 }),
  fc.uint8Array({ maxLength: 8 }).map((a) => new Uint8ClampedArray(a)),
  fc.bigInt64Array({ maxLength: 4 }),
  fc.constant(new DataView(new ArrayBuffer(4))),
  fc.constant(new ArrayBuffer(8)),
);

const dates = fc.oneof(fc.date(), fc.date({ noInvalidDate: false }), fc.constantFrom(new Date(0), new Date(-1), new Date(8.64e15), new Date(-8.64e15), new Date(NaN)));

/** Leaves any value may hold: the whole zoo the issue names. */
const leaf = fc.oneof(
  numbers,
  bigints,
  fc.boolean(),
  wellFormedText,
  withLoneSurrogate,
  dates,
  bytes,
  typedArrays,
  fc.constantFrom(null, undefined),
  fc.constant(() => 1),
  fc.constant(Symbol('s')),
  fc.constantFrom(new Number(3), new String('boxed'), new Boolean(false)),
);

/** Nested plain objects, arrays, Maps, Sets and class instances of leaves. */
const nested = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(identifier, fc.constantFrom('__proto__', 'toJSON', 'constructor')), tie('node'), { maxKeys: 4 }),
    fc.array(fc.tuple(fc.oneof(fc.string({ maxLength: 4 }), fc.integer()), tie('node')), { maxLength: 3 }).map((e) => new Map(e)),
    fc.array(tie('node'), { maxLength: 3 }).map((e) => new Set(e)),
    fc.tuple(numbers, tie('node')).map(([x, y]) => new Point(x, y)),
    tie('node').map((inner) => new WithToJson(inner)),
    fc.array(tie('node'), { maxLength: 4 }).map((a) => {
      const sparse = [...a];
      sparse.length += 2; // holes
      return sparse;
    }),
  ),
})).node;

/** `value` with a cycle added somewhere inside when it has an object to hang one on. */
function withCycle(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return { self: value, loop: [] as unknown[] };
  if (Array.isArray(value)) value.push(value);
  else if (value instanceof Map) value.set('self', value);
  else if (value instanceof Set) value.add(value);
  else (value as Record<string, unknown>).self = value;
  return value;
}

/** Any value a user might log, hostile ones included. */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: leaf },
  { weight: 4, arbitrary: nested },
  {
    weight: 1,
    arbitrary: nested.map((v) => {
      const root: Record<string, unknown> = { v };
      const target = typeof v === 'object' && v !== null && !ArrayBuffer.isView(v) && !(v instanceof Date) && !(v instanceof ArrayBuffer) ? v : root;
      withCycle(target);
      return root;
    }),
  },
  {
    weight: 1,
    arbitrary: nested.map((v) => {
      const shared = { v };
      return { a: shared, b: [shared, shared] }; // shared, not circular: allowed
    }),
  },
);
