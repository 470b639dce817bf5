import { describe, expect, it } from 'vitest';
import { formatMicros, nextTimestamp, parseTimestamp } from '../src/index.js';
import { advancePast, nextMicros } from '../src/schema/timestamp.js';

describe('timestamps', () => {
  it('have the Python format, in local time', () => {
    const ts = nextTimestamp();
    expect(ts).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/);
    const now = new Date();
    expect(ts.slice(0, 10)).toBe(`${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`);
  });

  it('strictly increase, even within one microsecond', () => {
    const stamps = Array.from({ length: 50_000 }, () => nextTimestamp());
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]! > stamps[i - 1]!).toBe(true);
  });

  it('round-trip through parseTimestamp', () => {
    const micros = nextMicros();
    expect(parseTimestamp(formatMicros(micros))).toBe(micros);
    expect(parseTimestamp('2026-11-27 02:22:17.951060')).toBe(new Date(2026, 10, 27, 2, 22, 17).getTime() * 1000 + 951060);
    expect(parseTimestamp('nonsense')).toBeNaN();
  });

  it('move past a time another writer used', () => {
    const future = nextMicros() + 5_000_000;
    advancePast(future);
    expect(nextMicros()).toBe(future + 1);
  });
});
