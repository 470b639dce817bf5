import xxhash from 'xxhash-wasm';

/**
 * XXH64 through xxhash-wasm (about 5x faster than the plain TypeScript version it replaced, with the
 * same digests). Its WebAssembly is instantiated once, when this module loads, so hashing stays
 * synchronous.
 */
const { h64Raw } = await xxhash();

/** The XXH64 digest of `input` with `seed` (default 0), as a bigint. */
export function xxh64(input: Uint8Array, seed: bigint = 0n): bigint {
  return h64Raw(input, seed);
}

/** The XXH64 digest as 16 lowercase hex characters: what asset hashes look like (Python's `hexdigest()`). */
export function xxh64Hex(input: Uint8Array, seed: bigint = 0n): string {
  return h64Raw(input, seed).toString(16).padStart(16, '0');
}
