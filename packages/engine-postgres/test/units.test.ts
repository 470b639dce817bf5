import { describe, expect, it } from 'vitest';
import { isXetrackError } from '@xetrack/core/engine';
import { literal, physicalName, quote } from '../src/postgres-names.js';
import { parseUrl, resolveOptions } from '../src/postgres-options.js';
import { arrayElement, compactJson, decodeVariant, encode, parseBytea, parseInteger, TO_FLOAT, TO_VARIANT, variantText } from '../src/postgres-types.js';

describe('names', () => {
  it('quotes identifiers and literals so any text stays data', () => {
    expect(quote('a"b')).toBe('"a""b"');
    expect(literal("it's \\ here")).toBe("E'it''s \\\\ here'");
  });

  it('keeps names up to 63 bytes and shortens longer ones on a character boundary, deterministically', () => {
    expect(physicalName('x'.repeat(63))).toBe('x'.repeat(63));
    const long = 'é'.repeat(64); // 128 bytes
    const short = physicalName(long);
    expect(Buffer.byteLength(short)).toBeLessThanOrEqual(63);
    expect(short).toMatch(/^(é)+~[0-9a-f]{16}$/);
    expect(physicalName(long)).toBe(short);
    expect(physicalName('X'.repeat(64))).not.toBe(physicalName('x'.repeat(64)));
  });
});

describe('values', () => {
  it('encodes each type for its column, and asks for a widening when it does not fit', () => {
    expect(encode('integer', 5, 'c')).toBe('5');
    expect(encode('integer', 2n ** 63n - 1n, 'c')).toBe('9223372036854775807');
    expect(encode('integer', -0, 'c')).toBe('0');
    expect(encode('integer', 0.5, 'c')).toBe(TO_FLOAT);
    expect(encode('integer', 2 ** 60, 'c')).toBe(TO_FLOAT);
    expect(encode('integer', 'x', 'c')).toBe(TO_VARIANT);
    expect(encode('float', Infinity, 'c')).toBe('Infinity');
    expect(encode('float', 2n ** 62n, 'c')).toBe('4611686018427387904');
    expect(encode('float', 2n ** 62n + 1n, 'c')).toBe(TO_VARIANT);
    expect(encode('text', 0.5, 'c')).toBe('0.5');
    expect(encode('text', new Uint8Array([1]), 'c')).toBe(TO_VARIANT);
    expect(encode('boolean', 1, 'c')).toBe('true');
    expect(encode('boolean', 0n, 'c')).toBe('false');
    expect(encode('boolean', 2, 'c')).toBe(TO_VARIANT);
    expect(encode('blob', new Uint8Array([0, 255]), 'c')).toBe('\\x00ff');
    expect(encode('json', 7, 'c')).toBe('7');
    expect(encode('integer', Number.NaN, 'c')).toBeNull();
    for (const bad of [() => encode('json', new Uint8Array([1]), 'c'), () => encode('text', {} as never, 'c'), () => encode('integer', 2n ** 64n, 'c')]) {
      expect(bad).toThrow(expect.objectContaining({ code: 'INVALID_VALUE' }));
    }
  });

  it('a widened cell keeps its type through JSON, with tags only for what JSON cannot say', () => {
    const values = ['text', '{"a":1}', true, false, 0.25, 42, 2n ** 62n, -(2n ** 63n), Infinity, -Infinity, 2 ** 60, 1e300, 5e-324];
    for (const value of values) {
      const text = variantText(value, 'c') as string;
      expect(decodeVariant(text), String(value)).toEqual(value);
    }
    expect(Array.from(decodeVariant(variantText(new Uint8Array([1, 2, 250]), 'c') as string) as Uint8Array)).toEqual([1, 2, 250]);
    expect(decodeVariant('9007199254740993')).toBe(9007199254740993n);
    expect(decodeVariant('[1, 2]')).toBe('[1, 2]');
    expect(variantText(Number.NaN, 'c')).toBeNull();
  });

  it("reads integers exactly, bytea in both output formats, and JSON without PostgreSQL's spaces", () => {
    expect(parseInteger('9007199254740991')).toBe(9007199254740991);
    expect(parseInteger('-9223372036854775808')).toBe(-(2n ** 63n));
    expect(Array.from(parseBytea('\\x00ff10'))).toEqual([0, 255, 16]);
    expect(Array.from(parseBytea('a\\000\\\\b'))).toEqual([97, 0, 92, 98]);
    expect(compactJson('{"a b": [1, 2], "c": {"d": " x , y "}}')).toBe('{"a b":[1,2],"c":{"d":" x , y "}}');
    expect(compactJson('{"q": "say \\"a, b\\""}')).toBe('{"q":"say \\"a, b\\""}');
  });

  it('quotes array elements that need it', () => {
    expect(arrayElement(null, false)).toBe('NULL');
    expect(arrayElement('NULL', false)).toBe('"NULL"');
    expect(arrayElement('a"b\\c', false)).toBe('"a\\"b\\\\c"');
    expect(arrayElement('12', true)).toBe('12');
  });
});

describe('options', () => {
  it('parses URLs: schema parameter out, password never shown, percent-encoding decoded', () => {
    const parsed = parseUrl('postgresql://al%40ice:p%40ss%3Aword@db.example:6543/ml%20db?schema=team&sslmode=require');
    expect(parsed.schema).toBe('team');
    expect(parsed.connectionString).toBe('postgresql://al%40ice:p%40ss%3Aword@db.example:6543/ml%20db?sslmode=require');
    expect(parsed.user).toBe('al@ice');
    expect(parsed.database).toBe('ml db');
    expect(`${parsed.host}:${parsed.port}`).toBe('db.example:6543');
    expect(parsed.display).toBe('postgresql://al%40ice@db.example:6543/ml%20db?sslmode=require&schema=team');
    const { resolved, connectionString } = resolveOptions({ url: 'postgres://u:secret@h/db?schema=s1', schema: 's2' });
    expect(resolved.schema).toBe('s2');
    expect(resolved.location).toBe('postgres://u@h/db?schema=s2');
    expect(connectionString).toBe('postgres://u:secret@h/db');
    expect(JSON.stringify(resolved)).not.toContain('secret');
  });

  it('a socket directory in the host parameter names the server', () => {
    expect(resolveOptions({ url: 'postgres:///test?host=/var/run/postgresql' }).resolved.server).toBe('/var/run/postgresql:5432');
  });

  it('refuses what cannot work, with INVALID_ARGUMENT', () => {
    for (const options of [undefined, { url: 'file:///x.db' }, { url: 'postgres://h/db', schema: '' }, { url: 'postgres://h/db', lockTimeoutMs: 1.5 }, { pool: {} }]) {
      let error: unknown;
      try {
        resolveOptions(options as never);
      } catch (e) {
        error = e;
      }
      expect(isXetrackError(error, 'INVALID_ARGUMENT'), JSON.stringify(options)).toBe(true);
    }
  });
});
