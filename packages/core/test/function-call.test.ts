import { describe, expect, it } from 'vitest';
import { argumentsText, isPlainObject, isRecordLike, resultValue, unpackArguments } from '../src/tracking/function-call.js';
import { parameterNames } from '../src/tracking/parameter-names.js';
import { toJsonText } from '../src/schema/values.js';

describe('parameterNames', () => {
  it('reads names from every function form', () => {
    function plain(a: number, b = 2, ...rest: number[]) {
      return [a, b, rest];
    }
    expect(parameterNames(plain)).toEqual(['a', 'b', 'rest']);
    expect(parameterNames((x: number, y: string) => x + y)).toEqual(['x', 'y']);
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    expect(parameterNames(async (cfg: unknown) => cfg)).toEqual(['cfg']);
    expect(parameterNames(new Function('single', 'return single') as never)).toEqual(['single']);
    const obj = {
      method(p: number, q = { a: [1, 2], b: '(,)' }) {
        return [p, q];
      },
    };
    expect(parameterNames(obj.method)).toEqual(['p', 'q']);
    expect(parameterNames(({ a }: { a: number }, [b]: number[]) => a + (b ?? 0))).toEqual([undefined, undefined]);
    expect(parameterNames(Math.max)).toEqual([]);
    expect(parameterNames(plain.bind(null))).toEqual([]);
    // default values may hold commas, brackets and quotes: only top-level commas split
    expect(
      parameterNames(function f(a: number, d = ')', e = [1, 2], p = { q: '(,)' }, r = 'a,b') {
        return [a, d, e, p, r];
      }),
    ).toEqual(['a', 'd', 'e', 'p', 'r']);
  });

  it('reads a bare arrow parameter', () => {
    expect(parameterNames(eval('(value => value)') as Function)).toEqual(['value']);
    expect(parameterNames(eval('(async value => value)') as Function)).toEqual(['value']);
  });
});

describe('unpackArguments', () => {
  const noWarn = () => undefined;
  it('unpacks plain objects and class instances, not arrays, Maps, Dates or buffers', () => {
    class C {
      x = 1;
    }
    function f(a: unknown, b: unknown, c: unknown, d: unknown, e: unknown) {
      return [a, b, c, d, e];
    }
    expect(unpackArguments(f, [{ k: 1 }, new C(), [1], new Map(), new Date(0)], undefined, noWarn)).toEqual({ a_k: 1, b_x: 1 });
    expect(isRecordLike(new Uint8Array(1))).toBe(false);
    expect(isRecordLike(Buffer.from('x'))).toBe(false);
  });

  it('warns at cycles and at depth 10', () => {
    const warnings: string[] = [];
    const cyc: Record<string, unknown> = { v: 1 };
    cyc.self = cyc;
    expect(
      unpackArguments(
        () => 0,
        [cyc],
        ['n'],
        (m) => warnings.push(m),
      ),
    ).toEqual({ n_v: 1 });
    expect(warnings[0]).toMatch(/Circular/);
    let deep: Record<string, unknown> = { v: 'bottom' };
    for (let i = 0; i < 12; i++) deep = { v: i, d: deep };
    const out = unpackArguments(
      () => 0,
      [deep],
      ['x'],
      (m) => warnings.push(m),
    );
    expect(Object.keys(out)).toHaveLength(10);
    expect(warnings.some((w) => w.includes('depth'))).toBe(true);
  });
});

describe('results and args', () => {
  it('merges only plain objects', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
    expect(isPlainObject(new (class {})())).toBe(false);
    expect(isPlainObject([])).toBe(false);
  });

  it('stores undefined as null and functions by name', () => {
    expect(resultValue(undefined)).toBeNull();
    expect(resultValue(function named() {})).toBe('[function named]');
    expect(resultValue(3)).toBe(3);
  });

  it('writes args as JSON, never throwing', () => {
    const cyc: Record<string, unknown> = {};
    cyc.c = cyc;
    expect(argumentsText([1, 'a', { b: 2n }])).toBe('[1,"a",{"b":2}]');
    expect(argumentsText([cyc, 1])).toBe('["[object Object]",1]');
    expect(argumentsText([])).toBe('[]');
  });

  it('writes plain data exactly as toJsonText does, and everything else by its rules', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    const values: unknown[] = [
      { lr: 0.25, opt: { name: 'adam', betas: [0.9, 0.999] }, tags: ['a', 'b'], on: true, none: null },
      [NaN, -0, Infinity, 'lone \ud800', 1e21],
      bare,
      { skipped: undefined, kept: 1 },
      [1, undefined, 3],
      Object.assign(new Array(3), { 0: 1, 2: 3 }), // a hole at 1
      { n: 2n, big: 2n ** 70n },
      { m: new Map([['a', 1]]), s: new Set([1, 2]), t: new Float32Array([0.5]) },
      { d: new Date(0), p: new Point(1) },
      { toJSON: () => ({ replaced: true }) },
      Object.assign([1, 2], { extra: 'x' }),
      Object.assign([1, 2], { toJSON: () => new Map([['replaced', 1n]]) }),
      { deep: JSON.parse(`${'['.repeat(40)}1${']'.repeat(40)}`) as unknown },
    ];
    for (const value of values) expect(argumentsText([value])).toBe(`[${toJsonText(value, 'args', { lenient: true })}]`);
    expect(argumentsText([{ m: new Map([['a', 1]]) }])).toBe('[{"m":{"a":1}}]');
  });
});
