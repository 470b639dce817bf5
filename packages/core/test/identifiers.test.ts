import { describe, expect, it } from 'vitest';
import { columnNameFor, isXetrackError } from '../src/index.js';
import { checkTableName } from '../src/schema/identifiers.js';

describe('columnNameFor', () => {
  it('follows the Python rule: non-word characters become _', () => {
    expect(columnNameFor('invalid key')).toBe('invalid_key');
    expect(columnNameFor('@@')).toBe('__');
    expect(columnNameFor('val-loss')).toBe('val_loss');
    expect(columnNameFor('é x')).toBe('__x');
    expect(columnNameFor('acc🎯')).toBe('acc_');
    expect(columnNameFor('valid_key')).toBe('valid_key');
  });

  it('prefixes a leading digit with _ (the Python intent, dead code there)', () => {
    expect(columnNameFor('7')).toBe('_7');
    expect(columnNameFor('1abc')).toBe('_1abc');
    expect(columnNameFor('_x')).toBe('_x');
  });

  it('cuts names to 64 characters', () => {
    expect(columnNameFor('a'.repeat(100))).toBe('a'.repeat(64));
    expect(columnNameFor('9'.repeat(64))).toBe(`_${'9'.repeat(63)}`);
  });

  it('rejects the empty key', () => {
    let caught: unknown;
    try {
      columnNameFor('');
    } catch (e) {
      caught = e;
    }
    expect(isXetrackError(caught, 'INVALID_IDENTIFIER')).toBe(true);
  });
});

describe('checkTableName', () => {
  it('accepts any text the engines can quote', () => {
    for (const name of ['default', 'order', '"; DROP TABLE x; --', 'ключ 🎉', 'a'.repeat(128)]) expect(checkTableName(name)).toBe(name);
  });

  it('rejects empty, NUL, too long and sqlite_ names', () => {
    for (const name of ['', 'a\0b', 'a'.repeat(129), 'sqlite_master', 'SQLITE_x']) {
      expect(() => checkTableName(name)).toThrow(/table name/);
    }
  });
});
