import { describe, expect, it } from 'vitest';
import { parseValue } from '../src/commands/parse-value.js';
import { colorWanted } from '../src/context.js';
import { textWidth } from '../src/format/text-width.js';

describe('parseValue', () => {
  it('reads JSON when it parses, text otherwise', () => {
    expect(parseValue('0.5')).toBe(0.5);
    expect(parseValue('3')).toBe(3);
    expect(parseValue('true')).toBe(true);
    expect(parseValue('null')).toBe(null);
    expect(parseValue('"0.5"')).toBe('0.5');
    expect(parseValue('[1,2]')).toEqual([1, 2]);
    expect(parseValue('small model')).toBe('small model');
    expect(parseValue('1e400')).toBe('1e400');
    expect(parseValue('')).toBe('');
  });
});

describe('colorWanted', () => {
  it('colours a terminal unless NO_COLOR is set; FORCE_COLOR colours a pipe', () => {
    expect(colorWanted({}, true)).toBe(true);
    expect(colorWanted({}, false)).toBe(false);
    expect(colorWanted({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colorWanted({ NO_COLOR: '' }, true)).toBe(true); // no-color.org: only a non-empty value counts
    expect(colorWanted({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colorWanted({ FORCE_COLOR: '0' }, true)).toBe(true);
    expect(colorWanted({ FORCE_COLOR: '1', NO_COLOR: '1' }, true)).toBe(false);
  });
});

describe('textWidth', () => {
  it('counts terminal columns', () => {
    expect(textWidth('abc')).toBe(3);
    expect(textWidth('日本')).toBe(4);
    expect(textWidth('e\u0301')).toBe(1);
    expect(textWidth('\x1b[36mab\x1b[39m')).toBe(2);
  });
});
