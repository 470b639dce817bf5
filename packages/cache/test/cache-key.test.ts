import { describe, expect, it } from 'vitest';
import { cacheKey } from '../src/cache-key.js';

const key = (args: unknown[], params: Record<string, unknown> = {}, name = 'f', version?: string) => {
  const out = cacheKey({ name, version, args, params });
  if (!('key' in out)) throw new Error(`uncacheable: ${out.uncacheable.type} at ${out.uncacheable.path}`);
  return out.key;
};
const why = (args: unknown[], params: Record<string, unknown> = {}) => {
  const out = cacheKey({ name: 'f', args, params });
  return 'uncacheable' in out ? out.uncacheable : undefined;
};

describe('cacheKey', () => {
  it('is a stable SHA-256: the same call gives the same key in every process and release', () => {
    // a change here invalidates every cache users have: bump KEY_FORMAT on purpose, never by accident.
    // The value: sha256('xetrack-cache-key/1' + 's"train"' + 's"v1"' + '[d1;s"a"{s"lr"d0.1;}]' + '{s"seed"d7;}')
    expect(key([1, 'a', { lr: 0.1 }], { seed: 7 }, 'train', 'v1')).toBe(key([1, 'a', { lr: 0.1 }], { seed: 7 }, 'train', 'v1'));
    expect(key([1, 'a', { lr: 0.1 }], { seed: 7 }, 'train', 'v1')).toMatch(/^[0-9a-f]{64}$/);
    expect(key([1, 'a', { lr: 0.1 }], { seed: 7 }, 'train', 'v1')).toBe('8cf03d424ea9b123534f6efe32cb99aa9658e147f6c457ae145cd8ff47a7531a');
  });

  it('sorts object keys, Map entries and Set members', () => {
    expect(key([{ a: 1, b: { c: 2, d: 3 } }])).toBe(key([{ b: { d: 3, c: 2 }, a: 1 }]));
    expect(
      key([
        new Map<unknown, unknown>([
          ['x', 1],
          [2, 'y'],
        ]),
      ]),
    ).toBe(
      key([
        new Map<unknown, unknown>([
          [2, 'y'],
          ['x', 1],
        ]),
      ]),
    );
    expect(key([new Set([3, 1, 2])])).toBe(key([new Set([2, 3, 1])]));
    expect(key([], { b: 1, a: 2 })).toBe(key([], { a: 2, b: 1 }));
  });

  it('keeps array order and tells types apart', () => {
    expect(key([[1, 2]])).not.toBe(key([[2, 1]]));
    const variants = [1, '1', 1n, [1], { 1: 1 }, true, null, undefined, 1.5, -0, 0, Number.NaN, Infinity, new Date(1), new Set([1]), new Map([[1, 1]])];
    const keys = variants.map((v) => key([v]));
    expect(new Set(keys).size).toBe(variants.length);
  });

  it('does not confuse argument boundaries or strings that look like the encoding', () => {
    expect(key(['ab', 'c'])).not.toBe(key(['a', 'bc']));
    expect(key(['a"]s"b'])).not.toBe(key(['a', 'b']));
    expect(key(['\ud800'])).not.toBe(key(['\ufffd'])); // a lone surrogate is not U+FFFD
    expect(key([{ a: undefined }])).not.toBe(key([{}]));
  });

  it('identity: name and version are part of the key; tracker params are not passed in at all', () => {
    expect(key([1], {}, 'f')).not.toBe(key([1], {}, 'g'));
    expect(key([1], {}, 'f', 'v1')).not.toBe(key([1], {}, 'f', 'v2'));
    expect(key([1], {}, 'f')).not.toBe(key([1], {}, 'f', ''));
    expect(key([1], { p: 1 })).not.toBe(key([1], { p: 2 }));
    expect(key([1], { p: 1 })).not.toBe(key([1, { p: 1 }]));
  });

  it('hashes typed arrays by type and bytes (a Buffer counts as a Uint8Array)', () => {
    expect(key([new Float32Array([1, 2])])).toBe(key([new Float32Array([1, 2])]));
    expect(key([new Float32Array([1, 2])])).not.toBe(key([new Float32Array([1, 3])]));
    expect(key([new Uint8Array([1, 2])])).toBe(key([Buffer.from([1, 2])]));
    expect(key([new Uint8Array([1, 2, 3, 4])])).not.toBe(key([new Int8Array([1, 2, 3, 4])]));
    const big = new Float64Array(100_000).map((_, i) => i);
    const other = big.slice();
    other[99_999] = 0;
    expect(key([big])).not.toBe(key([other]));
    const sub = new Uint8Array([9, 1, 2, 9]).subarray(1, 3);
    expect(key([sub])).toBe(key([new Uint8Array([1, 2])]));
  });

  it('Date, bigint, RegExp, ArrayBuffer and nested containers are cacheable', () => {
    expect(key([new Date('2024-01-01')])).toBe(key([new Date('2024-01-01T00:00:00Z')]));
    expect(key([2n ** 80n])).not.toBe(key([2n ** 80n + 1n]));
    expect(key([/a/g])).not.toBe(key([/a/i]));
    expect(key([new Uint8Array([1]).buffer])).not.toBe(key([new Uint8Array([2]).buffer]));
    expect(key([{ m: new Map([['k', [new Set([1])]]]) }])).toBeTypeOf('string');
  });

  it('a shared (non-circular) sub-object is fine', () => {
    const shared = { x: 1 };
    expect(key([{ a: shared, b: shared }])).toBe(key([{ a: { x: 1 }, b: { x: 1 } }]));
  });

  it('class instances: by toJSON() and class name when they have one', () => {
    class Config {
      constructor(readonly lr: number) {}
      toJSON() {
        return { lr: this.lr };
      }
    }
    class Other {
      constructor(readonly lr: number) {}
      toJSON() {
        return { lr: this.lr };
      }
    }
    expect(key([new Config(0.1)])).toBe(key([new Config(0.1)]));
    expect(key([new Config(0.1)])).not.toBe(key([new Config(0.2)]));
    expect(key([new Config(0.1)])).not.toBe(key([new Other(0.1)]));
    expect(key([new Config(0.1)])).not.toBe(key([{ lr: 0.1 }]));
  });

  it('names what makes a call uncacheable, and where', () => {
    class Model {
      w = 1;
    }
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(why([() => 1])).toEqual({ type: 'function', path: 'args[0]' });
    expect(why([1, { cb: Symbol('s') }])).toEqual({ type: 'symbol', path: 'args[1].cb' });
    expect(why([new Model()])).toEqual({ type: 'class Model', path: 'args[0]' });
    expect(why([new WeakMap()])).toEqual({ type: 'WeakMap', path: 'args[0]' });
    expect(why([Promise.resolve(1)])).toEqual({ type: 'Promise', path: 'args[0]' });
    expect(why([circular])).toEqual({ type: 'circular reference', path: 'args[0].self' });
    expect(why([], { fn: () => 1 })).toEqual({ type: 'function', path: 'params.fn' });
    expect(why([new Set([() => 1])])?.type).toBe('function');
    expect(why([1, 'a', { a: [1] }])).toBeUndefined();
  });

  it('names the place inside Maps, Sets and toJSON() results', () => {
    class Wrapper {
      constructor(readonly x: unknown) {}
      toJSON() {
        return { inner: this.x };
      }
    }
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = { back: circular };
    expect(
      why([
        new Map<unknown, unknown>([
          ['a', 1],
          ['b', () => 1],
        ]),
      ]),
    ).toEqual({ type: 'function', path: 'args[0].get("b")' });
    expect(why([new Map([[{ deep: [1, Symbol('x')] }, 1]])])).toEqual({ type: 'symbol', path: 'args[0].<key 0>.deep[1]' });
    expect(why([{ list: [new Set([1, new Map([[3, [0, { f: () => 1 }]]])])] }])).toEqual({ type: 'function', path: 'args[0].list[0].<member 1>.get(3)[1].f' });
    expect(why([new Wrapper(new WeakMap())])).toEqual({ type: 'WeakMap', path: 'args[0].toJSON().inner' });
    expect(why([new Map([['c', circular]])])).toEqual({ type: 'circular reference', path: 'args[0].get("c").self.back' });
    expect(why([], { p: new Map([[1, { '': Symbol('e') }]]) })).toEqual({ type: 'symbol', path: 'params.p.get(1).' });
  });
});
