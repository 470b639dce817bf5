import { describe, expect, it } from 'vitest';
import { histogram, scatterPlot } from '../src/format/plot.js';

const base = { pch: '#', title: 'T', color: false };
/** Lines of the drawing area: those with the y axis (┤ or │). */
const area = (text: string) => text.split('\n').filter((l) => /[┤│]/.test(l));

describe('histogram', () => {
  it('draws `bins` bars within `width` columns and `height` rows, tallest for the fullest bin', () => {
    const values = [1, 1, 1, 1, 2, 3, 3, 10];
    const text = histogram(values, { ...base, bins: 3, width: 12, height: 4, summary: true });
    const rows = area(text);
    expect(rows).toHaveLength(4);
    const axis = rows[0]!.search(/[┤│]/);
    for (const row of rows) expect(row.length - axis - 1).toBeLessThanOrEqual(12);
    // bins [1,4) [4,7) [7,10]: 7, 0, 1 values; the first bar is full height, the last one row
    expect(rows[0]!.slice(axis + 1)).toBe('###');
    expect(rows[3]!.slice(axis + 1)).toBe('###     ###');
    expect(rows[0]).toMatch(/^7 ┤/);
    expect(text).toContain('n=8  min=1  mean=2.75  ');
    expect(text.split('\n')[0]!.trim()).toBe('T');
  });

  it('gives small whole numbers one bar each, labelled', () => {
    const text = histogram([0, 1, 1, 2, 2, 2], { ...base, width: 30, height: 3, summary: false });
    const lines = text.split('\n');
    expect(lines[lines.length - 1]!.trim().split(/\s+/)).toEqual(['0', '1', '2']);
    expect(area(text)[0]!.split('#').length - 1).toBe(9); // only the "2" bar reaches the top: 9 columns wide
  });

  it('draws a single repeated value and colours bars only when asked', () => {
    expect(histogram([5, 5], { ...base, width: 10, height: 2, summary: false })).toContain('#');
    const coloured = histogram([1, 2], { ...base, width: 10, height: 2, summary: false, color: true });
    expect(coloured).toContain('\x1b[36m#');
    expect(histogram([1, 2], { ...base, width: 10, height: 2, summary: false })).not.toContain('\x1b[');
  });
});

describe('scatterPlot', () => {
  it('puts each point in its cell of a width × height grid', () => {
    const text = scatterPlot([0, 10, 5], [0, 10, 0], { ...base, width: 11, height: 3 });
    const rows = area(text);
    expect(rows).toHaveLength(3);
    const axis = rows[0]!.indexOf('┤');
    expect(rows[0]!.slice(axis + 1)).toBe('          #');
    expect(rows[2]!.slice(axis + 1)).toBe('#    #');
    expect(rows[0]).toMatch(/^10 ┤/);
    expect(rows[2]).toMatch(/^ 0 ┤/);
    expect(text).toContain('n=3');
  });
});
