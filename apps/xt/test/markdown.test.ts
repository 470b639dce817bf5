import { describe, expect, it } from 'vitest';
import { describeColumns } from '../src/format/stats.js';
import { markdownTable } from '../src/format/markdown.js';

describe('markdownTable', () => {
  it('prints what Python xetrack prints for the same rows (its markdown table)', () => {
    const rows = [
      { track_id: 'brave-name-2634', timestamp: '2026-11-27 02:01:36.087034', model: 'm', acc: 0.5, ep: 0, name: 'n0' },
      { track_id: 'brave-name-2634', timestamp: '2026-11-27 02:01:36.091074', model: 'm', acc: 0.6, ep: 1, name: 'n1' },
    ];
    expect(markdownTable(['track_id', 'timestamp', 'model', 'acc', 'ep', 'name'], rows)).toBe(
      [
        '| track_id        | timestamp                  | model   |   acc |   ep | name   |',
        '|:----------------|:---------------------------|:--------|------:|-----:|:-------|',
        '| brave-name-2634 | 2026-11-27 02:01:36.087034 | m       |   0.5 |    0 | n0     |',
        '| brave-name-2634 | 2026-11-27 02:01:36.091074 | m       |   0.6 |    1 | n1     |',
      ].join('\n'),
    );
  });

  it('lines up decimal points like tabulate (Python `xt stats describe`, labels aside)', () => {
    const acc = [0.5, 0.6, 0.7];
    const ep = [0, 1, 2];
    const table = describeColumns([
      { name: 'acc', type: 'float', values: acc },
      { name: 'ep', type: 'integer', values: ep },
    ]);
    const text = markdownTable(['acc', 'ep'], table.rows);
    expect(text).toBe(
      [
        '|   acc |   ep |',
        '|------:|-----:|',
        '|  3    |  3   |',
        '|  0.6  |  1   |',
        '|  0.1  |  1   |',
        '|  0.5  |  0   |',
        '|  0.55 |  0.5 |',
        '|  0.6  |  1   |',
        '|  0.65 |  1.5 |',
        '|  0.7  |  2   |',
      ].join('\n'),
    );
  });

  it('keeps cells on one line and pipes escaped; NULL is empty; other values readable', () => {
    const text = markdownTable(
      ['a', 'b'],
      [
        { a: 'x|y\nz', b: null },
        { a: true, b: 12345678901234567890n },
        { a: new Uint8Array(3), b: 1 },
        { a: { k: [1, 2] }, b: undefined },
      ],
    );
    const lines = text.split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[2]).toBe('| x\\|y<br>z   |                      |');
    expect(lines[3]).toContain('| true ');
    expect(lines[3]).toContain(' 12345678901234567890 |');
    expect(lines[4]).toContain('<3 bytes>');
    expect(lines[5]).toContain('{"k":[1,2]}');
    expect(lines[1]).toBe('|:------------|---------------------:|');
  });

  it('treats a column with any text as text (left-aligned), numbers-only as numbers', () => {
    const lines = markdownTable(
      ['mixed', 'num'],
      [
        { mixed: 3, num: 1.5 },
        { mixed: 'None', num: null },
      ],
    ).split('\n');
    expect(lines[1]).toBe('|:--------|------:|');
    expect(lines[2]).toBe('| 3       |   1.5 |');
  });

  it('prints a header and rule for no rows, and aligns wide characters', () => {
    expect(markdownTable(['a'], [])).toBe('| a   |\n|:----|');
    const lines = markdownTable(['名前'], [{ 名前: '日本' }, { 名前: 'ab' }]).split('\n');
    expect(lines).toEqual(['| 名前   |', '|:-------|', '| 日本   |', '| ab     |']);
  });
});
