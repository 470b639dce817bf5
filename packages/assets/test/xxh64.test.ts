import { describe, expect, it } from 'vitest';
import { xxh64, xxh64Hex } from '../src/xxh64.js';

const text = (s: string) => new TextEncoder().encode(s);
/** Byte i = (i * 31 + 7) & 255: the pattern the reference values below were computed on. */
const pattern = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 255);

// Reference values from libxxhash 0.8.1 (XXH64), seeds 0, 2654435761 and 2^64 - 1.
const REFERENCE: [number, string, string, string][] = [
  [1, 'a96c7f0ce858bbb7', '84e535b36672440d', 'd7f46261ba7c5b95'],
  [3, '56e6957632a487f9', 'd095a9239060f0a3', 'c3f45502afca0370'],
  [4, 'c60d15b1e3ff8f04', 'd4e4b946fb0bfbb4', 'f52503fe9d55f874'],
  [7, 'afbefc3d6c6f9a8e', '38386302628c52dc', '80c7fbfebd75b559'],
  [8, '3da5c7aa269683e0', '3748218f9083d1c1', '33aee9656e99f801'],
  [9, '4b17a9ba9e215c09', '6b8304f6e0246c53', '3fe427b68ca14c9d'],
  [15, 'ae2a37eb9357caa7', '283deb489df92be1', '9bb8c61fe82d1156'],
  [16, 'a19ad429b02bc413', '06f2d4c8d982f096', '727897b822aaf2ee'],
  [31, '4a74f3a1a39ad4a1', 'b806f858c84789ea', 'abac8592adc08188'],
  [32, '8d57d6a4671cc43d', '8ef2e38dde10f162', 'a428e1465b2e4331'],
  [33, '62c9fd21ed857664', '5a653650552f822c', '51441ed0f594f61c'],
  [63, '5c320a0d2707057f', 'cdec73bbccfd2d50', 'f6470ccc2b8c65ca'],
  [64, '7bbabbc45729d17e', '861fd034d84dab20', '04573ca9335266c2'],
  [65, 'f3980c34bae65dc1', '31a55de20688e18d', 'aa55f7cdec465a22'],
  [100, 'efa0ad2d3e70c151', '4ac13414471c7284', 'bd4fcaabf7cad1a6'],
  [1000, '99594f4828043d35', 'f8735ce614aeb002', '44b2e23187d61c00'],
  [4097, 'd42496bbbecacb1d', '222dccf7fa6af0d5', '03454f1442739652'],
];

describe('xxh64', () => {
  it('known answers (what Python xxhash.xxh64(...).hexdigest() prints)', () => {
    expect(xxh64Hex(text(''))).toBe('ef46db3751d8e999');
    expect(xxh64Hex(text('a'))).toBe('d24ec4f1a98c6e5b');
    expect(xxh64Hex(text('abc'))).toBe('44bc2cf5ad770999');
    expect(xxh64Hex(text('The quick brown fox jumps over the lazy dog'))).toBe('0b242d361fda71bc');
  });

  it.each(REFERENCE)('%i bytes, every tail length and seed', (n, seed0, seedPrime, seedMax) => {
    expect(xxh64Hex(pattern(n))).toBe(seed0);
    expect(xxh64Hex(pattern(n), 2654435761n)).toBe(seedPrime);
    expect(xxh64Hex(pattern(n), 2n ** 64n - 1n)).toBe(seedMax);
  });

  it('hashes a view by its own bytes, aligned or not', () => {
    const backing = new Uint8Array(1003);
    backing.set(pattern(1000), 3);
    expect(xxh64Hex(backing.subarray(3, 1003))).toBe('99594f4828043d35');
    expect(xxh64Hex(Buffer.from(pattern(100)))).toBe('efa0ad2d3e70c151');
  });

  it('bigint form equals the hex form', () => {
    expect(xxh64(text('abc'))).toBe(0x44bc2cf5ad770999n);
  });

  it('the digests the hand-written implementation gave before xxhash-wasm (so stored asset hashes keep their names)', () => {
    const before: Record<number, string> = {
      0: 'ef46db3751d8e999',
      2: 'ac378c5993cd5f9a',
      5: '808815858624dd4e',
      12: '8fe8ab1c1fd0666e',
      17: 'fe9f0feb7eeedc09',
      24: '929438e5c2159ef9',
      40: '49b45332e280f187',
      127: '4822f4e67f60ea91',
      128: '725a5b9b3bedfe94',
      255: '2c3db4bb567f731e',
      1024: '149aa44972cdae00',
      65537: 'ec80f22fcacff852',
      1_000_003: '857fbf0ff5d9fcfc',
    };
    for (const [n, hex] of Object.entries(before)) expect(xxh64Hex(pattern(Number(n))), `${n} bytes`).toBe(hex);
  });
});
