import { describe, expect, it } from 'vitest';
import { sqlWords } from '../src/engine/sql-words.js';

const names = (query: string) => sqlWords(query).flatMap((w) => (w.name === undefined ? [] : [w.first ? `^${w.name}` : w.name]));

describe('sqlWords: the words of a statement as PostgreSQL and DuckDB read them', () => {
  it('folds plain names, keeps quoted ones whole, and marks the first name of each statement', () => {
    expect(names('SELECT "My Col", x FROM "t""q"; copy t TO \'f\'')).toEqual(['^select', 'My Col', 'x', 'from', 't"q', '^copy', 't', 'to']);
    expect(names("( (Export database 'd'))")).toEqual(['^export', 'database']);
    expect(sqlWords('f (1)').map((w) => w.name ?? w.mark)).toEqual(['f', '(', '1', ')']);
  });

  it('skips literals of every quoting, comments (nested too) and parameters', () => {
    expect(names(`SELECT 'copy', E'it\\'s copy', $$copy$$, $a$ copy $a$, $1 -- copy\n/* copy /* copy */ copy */ FROM t`)).toEqual(['^select', 'from', 't']);
    expect(names(`SELECT 'it''s' AS "a""b"`)).toEqual(['^select', 'as', 'a"b']);
  });

  it('ends at the end of the text when a literal, quote or comment is left open', () => {
    expect(names(`SELECT 'open copy`)).toEqual(['^select']);
    expect(names('SELECT /* open copy')).toEqual(['^select']);
    expect(names('SELECT $$ open copy')).toEqual(['^select']);
  });
});
