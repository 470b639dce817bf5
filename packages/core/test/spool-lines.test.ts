import { describe, expect, it } from 'vitest';
import { decodeRow, encodeRow } from '../src/spool/spool-lines.js';
import { sameCell } from '../src/insert-new-rows.js';

describe('spool lines', () => {
  it('carry every cell value exactly through JSON', () => {
    const row = {
      track_id: 'run',
      timestamp: '2026-01-01 00:00:00.000001',
      text: 'a\nb"c',
      int: 42,
      float: 0.1,
      big: 2n ** 62n,
      neg: -(2n ** 63n),
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      ninf: Number.NEGATIVE_INFINITY,
      zero: -0,
      yes: true,
      no: false,
      none: null,
      bytes: new Uint8Array([0, 255, 7]),
      json: '{"k":[1,2]}',
    };
    const back = decodeRow(JSON.parse(JSON.stringify(encodeRow(row))) as Record<string, unknown>);
    expect(back).toEqual(row);
    expect(Object.is(back.zero, -0)).toBe(true);
    expect(back.bytes).toBeInstanceOf(Uint8Array);
  });

  it('reject a tag they do not know', () => {
    expect(() => decodeRow({ x: { $what: 1 } })).toThrow(/unknown cell/);
  });
});

describe('sameCell: equal once each engine stored it', () => {
  it.each([
    [true, 1],
    [false, '0'],
    [true, 'true'],
    [5, '5'],
    [5n, 5],
    [2n ** 60n, '1152921504606846976'],
    [0.5, '0.5'],
    [-0, 0],
    ['{"b":1,"a":[1,2]}', '{"a": [1, 2], "b": 1}'],
    [null, null],
    [new Uint8Array([1, 2]), Buffer.from([1, 2])],
  ])('%s and %s are the same', (a, b) => expect(sameCell(a as never, b as never)).toBe(true));
  it.each([
    [1, 2],
    ['a', 'b'],
    [null, ''],
    [null, 0],
    ['{"a":1}', '{"a":2}'],
    [new Uint8Array([1]), new Uint8Array([2])],
    [true, 0],
    ['007', 'x'],
  ])('%s and %s differ', (a, b) => expect(sameCell(a as never, b as never)).toBe(false));
});
