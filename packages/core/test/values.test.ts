import { describe, expect, it } from 'vitest';
import { isXetrackError } from '../src/index.js';
import { columnTypeOf, decodeValue, encodeValue, toJsonText } from '../src/schema/values.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (e) {
    return isXetrackError(e) ? e.code : 'not a XetrackError';
  }
  return undefined;
}

describe('columnTypeOf', () => {
  it('types a column by its first value', () => {
    expect(columnTypeOf(1)).toBe('integer');
    expect(columnTypeOf(-0)).toBe('integer');
    expect(columnTypeOf(1.5)).toBe('float');
    expect(columnTypeOf(Number.NaN)).toBe('float');
    expect(columnTypeOf(Infinity)).toBe('float');
    expect(columnTypeOf(5n)).toBe('integer');
    expect(columnTypeOf(true)).toBe('boolean');
    expect(columnTypeOf('x')).toBe('text');
    expect(columnTypeOf(new Uint8Array(1))).toBe('blob');
    expect(columnTypeOf(Buffer.from('a'))).toBe('blob');
    expect(columnTypeOf(new Date())).toBe('text');
    expect(columnTypeOf([1])).toBe('json');
    expect(columnTypeOf({ a: 1 })).toBe('json');
    expect(columnTypeOf(new Float32Array(2))).toBe('json');
    expect(columnTypeOf(null)).toBeUndefined();
    expect(columnTypeOf(undefined)).toBeUndefined();
  });
});

describe('encodeValue', () => {
  it('stores values as given, NaN as null, Dates as ISO text', () => {
    expect(encodeValue(Number.NaN, 'float', 'k')).toBeNull();
    expect(encodeValue(Infinity, 'float', 'k')).toBe(Infinity);
    expect(encodeValue(new Date('2024-01-01T00:00:00Z'), 'text', 'k')).toBe('2024-01-01T00:00:00.000Z');
    expect(encodeValue(2n ** 63n - 1n, 'integer', 'k')).toBe(2n ** 63n - 1n);
    expect(encodeValue(-(2n ** 63n), 'integer', 'k')).toBe(-(2n ** 63n));
    expect(encodeValue('text in int column', 'integer', 'k')).toBe('text in int column');
  });

  it('JSON-encodes every value of a json column, so strings survive', () => {
    expect(encodeValue('abc', 'json', 'k')).toBe('"abc"');
    expect(encodeValue(5, 'json', 'k')).toBe('5');
    expect(decodeValue('"abc"', 'json')).toBe('abc');
    expect(decodeValue('not json', 'json')).toBe('not json');
  });

  it('rejects functions, symbols, out-of-range bigints, invalid Dates and cycles', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.me = cyclic;
    expect(codeOf(() => encodeValue(() => 1, 'text', 'k'))).toBe('INVALID_VALUE');
    expect(codeOf(() => encodeValue(Symbol('s'), 'text', 'k'))).toBe('INVALID_VALUE');
    expect(codeOf(() => encodeValue(2n ** 63n, 'integer', 'k'))).toBe('INVALID_VALUE');
    expect(codeOf(() => encodeValue(new Date(Number.NaN), 'text', 'k'))).toBe('INVALID_VALUE');
    expect(codeOf(() => encodeValue(cyclic, 'json', 'k'))).toBe('INVALID_VALUE');
  });
});

describe('toJsonText', () => {
  it('makes bigint, Map, Set and typed arrays explicit', () => {
    expect(toJsonText({ a: 1n, b: 2n ** 60n }, 'k')).toBe('{"a":1,"b":"1152921504606846976"}');
    expect(toJsonText(new Map([['x', 1]]), 'k')).toBe('{"x":1}');
    expect(toJsonText(new Set([1, 2]), 'k')).toBe('[1,2]');
    expect(toJsonText(new Float32Array([0.5, 1]), 'k')).toBe('[0.5,1]');
    expect(toJsonText([Number.NaN, Infinity], 'k')).toBe('[null,null]');
  });

  it('accepts shared sub-objects but refuses cycles, also through Maps', () => {
    const shared = { v: 1 };
    expect(toJsonText({ a: shared, b: shared }, 'k')).toBe('{"a":{"v":1},"b":{"v":1}}');
    const m = new Map<string, unknown>();
    m.set('self', { back: m });
    expect(codeOf(() => toJsonText(m, 'k'))).toBe('INVALID_VALUE');
  });
});
