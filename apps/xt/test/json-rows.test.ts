import { describe, expect, it } from 'vitest';
import { jsonRows, jsonValue } from '../src/format/json-rows.js';

describe('jsonRows', () => {
  it('keeps the column order, even for integer-like names', () => {
    const text = jsonRows([{ b: 1, 7: 'seven', a: null }], ['b', '7', 'a']);
    expect(text).toBe('[\n  {\n    "b": 1,\n    "7": "seven",\n    "a": null\n  }\n]');
    expect(JSON.parse(text)).toEqual([{ b: 1, 7: 'seven', a: null }]);
  });

  it('prints bigints as numbers, blobs as base64, non-finite numbers as null, nested values indented', () => {
    const text = jsonRows([{ big: 2n ** 63n - 1n, blob: Buffer.from('hi'), nan: NaN, nested: { k: [1, { z: 2 }] } }]);
    expect(text).toContain('"big": 9223372036854775807,');
    expect(text).toContain('"blob": "aGk=",');
    expect(text).toContain('"nan": null,');
    expect(JSON.parse(text.replace('9223372036854775807', '0'))[0].nested).toEqual({ k: [1, { z: 2 }] });
    expect(text).toContain('    "nested": {\n      "k": [\n        1,\n        {\n          "z": 2\n        }\n      ]\n    }');
  });

  it('prints [] for no rows and plain values as JSON', () => {
    expect(jsonRows([])).toBe('[]');
    expect(jsonValue(['a', 'b'])).toBe('[\n  "a",\n  "b"\n]');
    expect(jsonValue('quote"')).toBe('"quote\\""');
  });
});
