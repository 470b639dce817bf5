import { describe, expect, it } from 'vitest';
import { formatG } from '../src/format/number-format.js';

describe('formatG', () => {
  // Expected values printed by Python 3.11: format(x, 'g').
  const cases: [number, string][] = [
    [0.5, '0.5'],
    [0.333333333, '0.333333'],
    [2.6226043701171875e-6, '2.6226e-06'],
    [1234567.0, '1.23457e+06'],
    [123456.0, '123456'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [1e16, '1e+16'],
    [-0.000123456789, '-0.000123457'],
    [100, '100'],
    [1.5e300, '1.5e+300'],
    [0.1 + 0.2, '0.3'],
    [99999.95, '99999.9'],
    [999999.5, '1e+06'],
    [0, '0'],
    [-2.5, '-2.5'],
    [NaN, 'nan'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
  ];
  it.each(cases)('formats %d as Python does (%s)', (value, expected) => {
    expect(formatG(value)).toBe(expected);
  });
});
