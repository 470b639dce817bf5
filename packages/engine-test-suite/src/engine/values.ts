import { expect, it } from 'vitest';
import type { CellValue, ColumnType } from '@xetrack/core/engine';
import { bytesEqual, defineGroup, type EngineGroup, keyRow } from './engine-suite-context.js';

export const valuesGroup: EngineGroup = defineGroup({ name: 'values', title: 'values round trip' }, ({ engine, table }) => {
  /** Writes each value in its own row of a `type` column and reads them back in order. */
  const roundTrip = async (type: ColumnType, values: CellValue[]): Promise<CellValue[]> => {
    await table(
      't',
      [{ name: 'v', type }],
      values.map((v, i) => keyRow(i, { v })),
    );
    const rows = await engine.select('t', { orderBy: [{ column: 'timestamp' }] });
    expect(rows).toHaveLength(values.length);
    return rows.map((r) => r.v as CellValue);
  };

  it('integer: numbers within +-(2^53-1) as numbers', async () => {
    const values = [0, 1, -1, 42, 2 ** 31, -(2 ** 31) - 1, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    expect(await roundTrip('integer', values)).toEqual(values);
  });

  it('integer: 64-bit values beyond 2^53 as exact bigints (2^63-1 and -2^63 included)', async () => {
    const values = [2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 2n ** 62n + 12345n, 2n ** 63n - 1n, -(2n ** 63n)];
    const back = await roundTrip('integer', values);
    expect(back).toEqual(values);
    for (const v of back) expect(typeof v).toBe('bigint');
  });

  it('integer: a bigint within the safe range reads back as a number', async () => {
    expect(await roundTrip('integer', [42n, -7n, 0n])).toEqual([42, -7, 0]);
  });

  it('float: fractions, extremes and infinities exactly', async () => {
    const values = [0.5, -2.25, Math.PI, 0.1 + 0.2, 1e-300, -1e-300, 5e-324, 1.7976931348623157e308, 1e21, Infinity, -Infinity];
    expect(await roundTrip('float', values)).toEqual(values);
  });

  it('float: -0 reads back as zero (its sign may be lost) and NaN as NULL', async () => {
    const [negativeZero, nan] = await roundTrip('float', [-0, Number.NaN]);
    expect(negativeZero === 0).toBe(true);
    expect(nan).toBeNull();
  });

  it('text: empty, quotes, control characters, unicode and emoji, long strings', async () => {
    const values = [
      '',
      'plain',
      `quote " and ' and \`; DROP TABLE t; --`,
      'line\nbreak\ttab\r\n',
      'é è ç ß ø',
      '中文 日本語 한국어',
      'עברית العربية',
      '😀👩‍👩‍👧🏳️‍🌈 e\u0301',
      '\u2028\u2029\uFEFF',
      'NULL',
      '1',
      '0.5',
      'x'.repeat(100_000),
      '🙂'.repeat(10_000),
    ];
    expect(await roundTrip('text', values)).toEqual(values);
  });

  it('boolean: true and false as booleans', async () => {
    expect(await roundTrip('boolean', [true, false, true])).toEqual([true, false, true]);
  });

  it('blob: empty, every byte value, a large blob, from Uint8Array and Buffer', async () => {
    const every = Uint8Array.from({ length: 256 }, (_, i) => i);
    const large = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 7919) % 251);
    const offset = new Uint8Array([9, 9, 1, 2, 3, 9]).subarray(2, 5);
    const values = [new Uint8Array(0), every, large, Buffer.from('bytes'), offset];
    const back = await roundTrip('blob', values);
    back.forEach((v, i) => expect(bytesEqual(v, values[i] as Uint8Array), `blob ${i}`).toBe(true));
  });

  it('json: documents as their text', async () => {
    const values = ['{"a":1,"b":[true,null,"x"],"c":{"d":-1.5}}', '[]', '{}', '"a string"', '{"emoji":"😀","quote":"\\"","nested":[[[]]]}', 'null', 'true', '42'];
    expect(await roundTrip('json', values)).toEqual(values);
  });

  it('NULL in a column of every type', async () => {
    const types: ColumnType[] = ['integer', 'float', 'text', 'boolean', 'blob', 'json'];
    const row = keyRow(1, Object.fromEntries(types.map((t) => [t, null])));
    await table(
      't',
      types.map((type) => ({ name: type, type })),
      [row],
    );
    expect(await engine.select('t')).toEqual([row]);
  });

  it('values written by update read back the same way', async () => {
    await table(
      't',
      [
        { name: 'i', type: 'integer' },
        { name: 'b', type: 'boolean' },
        { name: 'x', type: 'blob' },
      ],
      [keyRow(1)],
    );
    expect(await engine.update('t', { i: 2n ** 63n - 1n, b: false, x: new Uint8Array([0, 255]) }, [])).toBe(1);
    const [row] = await engine.select('t');
    expect(row?.i).toBe(2n ** 63n - 1n);
    expect(row?.b).toBe(false);
    expect(bytesEqual(row?.x, new Uint8Array([0, 255]))).toBe(true);
  });
});
