import { describe, expect, it } from 'vitest';
import { formatMicros, nextTimestamp, parseTimestamp } from '../src/index.js';
import { advancePast, nextMicros } from '../src/schema/timestamp.js';

describe('timestamps', () => {
  it('have the Python format, in local time', () => {
    // A fixed local time: the text is its wall-clock reading here, whatever the time zone.
    const micros = new Date(2026, 0, 31, 23, 59, 59).getTime() * 1000 + 12_345;
    expect(formatMicros(micros)).toBe('2026-01-31 23:59:59.012345');
    expect(formatMicros(micros + 987_655)).toBe('2026-02-01 00:00:00.000000');
    // Now: the local date read just before or just after (a run may cross midnight between them).
    const day = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    const before = day(new Date());
    const ts = nextTimestamp();
    const after = day(new Date());
    expect(ts).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/);
    expect([before, after]).toContain(ts.slice(0, 10));
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
