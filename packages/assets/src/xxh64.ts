/**
 * XXH64 (xxHash, 64-bit) in plain TypeScript: the hash Python xetrack names its assets with
 * (`xxhash.xxh64(bytes).hexdigest()`). Every 64-bit value is a pair of unsigned 32-bit halves and
 * products are built from 16-bit limbs, so no step leaves the exact range of a double: no BigInt
 * on the hot path and no native module.
 */

// The five primes of the specification as 32-bit halves (H high, L low).
const P1H = 0x9e3779b1, P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d, P2L = 0x27d4eb4f;
const P3H = 0x165667b1, P3L = 0x9e3779f9;
const P4H = 0x85ebca77, P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f, P5L = 0x165667c5;

/**
 * Registers: `R[0]:R[1]` is the result of the helpers below, `V` the four lane accumulators
 * (high, low, high, low, ...). Typed arrays, so storing a 32-bit value never allocates a heap number.
 */
const R = new Uint32Array(2);
const V = new Uint32Array(8);

/** (ah:al) * (bh:bl) mod 2^64 into R. */
function mul(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
  const lo = a0 * b0, m1 = a1 * b0, m2 = a0 * b1;
  const t = (lo >>> 16) + (m1 & 0xffff) + (m2 & 0xffff);
  R[1] = ((t & 0xffff) << 16) | (lo & 0xffff);
  R[0] = a1 * b1 + (m1 >>> 16) + (m2 >>> 16) + (t >>> 16) + Math.imul(ah, bl) + Math.imul(al, bh);
}

/** (ah:al) + (bh:bl) mod 2^64 into R. */
function add(ah: number, al: number, bh: number, bl: number): void {
  const low = al + bl;
  R[1] = low;
  R[0] = ah + bh + (low > 0xffffffff ? 1 : 0);
}

/** (h:l) rotated left by r (0 < r < 32) into R. */
function rotl(h: number, l: number, r: number): void {
  R[0] = (h << r) | (l >>> (32 - r));
  R[1] = (l << r) | (h >>> (32 - r));
}

/** round(acc, input) = rotl(acc + input * P2, 31) * P1, into R. */
function round(acch: number, accl: number, inh: number, inl: number): void {
  mul(inh, inl, P2H, P2L);
  add(acch, accl, R[0]!, R[1]!);
  rotl(R[0]!, R[1]!, 31);
  mul(R[0]!, R[1]!, P1H, P1L);
}

/**
 * The rounds over every whole 32-byte stripe, on the four lanes in `V` (updated in place); resolves
 * the offset after the last stripe. The hot loop of the hash: written out with locals only (each
 * lane is \`round()\` inlined), so it runs without calls or memory traffic.
 */
function stripes(u32: Uint32Array, limit: number): number {
  let v1h = V[0]!, v1l = V[1]!, v2h = V[2]!, v2l = V[3]!, v3h = V[4]!, v3l = V[5]!, v4h = V[6]!, v4l = V[7]!;
  let inh: number, inl: number, a0: number, a1: number, lo: number, m1: number, m2: number, t: number;
  let pl: number, ph: number, sum: number, al: number, ah: number, xh: number, xl: number;
  let i = 0;
  while (i <= limit) {
      // lane 1
      inl = u32[(i + 0) >> 2]!; inh = u32[(i + 4) >> 2]!;
      a0 = inl & 0xffff; a1 = inl >>> 16;
      lo = a0 * 0xeb4f; m1 = a1 * 0xeb4f; m2 = a0 * 0x27d4;
      t = (lo >>> 16) + (m1 & 0xffff) + (m2 & 0xffff);
      pl = (((t & 0xffff) << 16) | (lo & 0xffff)) >>> 0;
      ph = a1 * 0x27d4 + (m1 >>> 16) + (m2 >>> 16) + (t >>> 16) + Math.imul(inh, P2L) + Math.imul(inl, P2H);
      sum = v1l + pl; al = sum >>> 0; ah = (v1h + ph + (sum > 0xffffffff ? 1 : 0)) >>> 0;
      xh = ((ah << 31) | (al >>> 1)) >>> 0; xl = ((al << 31) | (ah >>> 1)) >>> 0;
      a0 = xl & 0xffff; a1 = xl >>> 16;
      lo = a0 * 0xca87; m1 = a1 * 0xca87; m2 = a0 * 0x85eb;
      t = (lo >>> 16) + (m1 & 0xffff) + (m2 & 0xffff);
      v1l = (((t & 0xffff) << 16) | (lo & 0xffff)) >>> 0;
      v1h = (a1 * 0x85eb + (m1 >>> 16) + (m2 >>> 16) + (t >>> 16) + Math.imul(xh, P1L) + Math.imul(xl, P1H)) >>> 0;
      // lane 2
      inl = u32[(i + 8) >> 2]!; inh = u32[(i + 12) >> 2]!;
      a0 = inl & 0xffff; a1 = inl >>> 16;
      lo = a0 * 0xeb4f; m1 = a1 * 0xeb4f; m2 = a0 * 0x27d4;
      t = (lo >>> 16) + (m1 & 0xffff) + (m2 & 0xffff);
      pl = (((t & 0xffff) << 16) | (lo & 0xffff)) >>> 0;
      ph = a1 * 0x27d4 + (m1 >>> 16) + (m2 >>> 16) + (t >>> 16) + Math.imul(inh, P2L) + Math.imul(inl, P2H);
      sum = v2l + pl; al = sum >>> 0; ah = (v2h + ph + (sum > 0xffffffff ? 1 : 0)) >>> 0;
      xh = ((ah << 31) | (al >>> 1)) >>> 0; xl = ((al << 31) | (ah >>> 1)) >>> 0;
      a0 = xl & 0xffff; a1 = xl >>> 16;
      lo = a0 * 0xca87; m1 = a1 * 0xca87; m2 = a0 * 0x85eb;
      t = (lo >>> 16) + (m1 & 0xffff) + (m2 & 0xffff);
      v2l = (((t & 0xffff) << 16) | (lo & 0xffff)) >>> 0;
      v2h = (a1 * 0x85eb + (m1 >>> 16) + (m2 >>> 16) + (t >>> 16) + Math.imul(xh, P1L) + Math.imul(xl, P1H)) >>> 0;
      // lane 3
      inl = u32[(i + 16) >> 2]!; inh = u32[(i + 20) >> 2]!;
      a0 = inl & 0xffff; a1 = inl >>> 16;
      lo = a0 * 0xeb4f; m1 = a1 * 0xeb4f; m2 = a0 * 0x27d4;
      t = (lo >>> 16) + (m1 & 0xffff) + (m2 & 0xffff);
      pl = (((t & 0xffff) << 16) | (lo & 0xffff)) >>> 0;
      ph = a1 * 0x27d4 + (m1 >>> 16) + (m2 >>> 16) + (t >>> 16) + Math.imul(inh, P2L) + Math.imul(inl, P2H);
      sum = v3l + pl; al = sum >>> 0; ah = (v3h + ph + (sum > 0xffffffff ? 1 : 0)) >>> 0;
      xh = ((ah << 31) | (al >>> 1)) >>> 0; xl = ((al << 31) | (ah >>> 1)) >>> 0;
      a0 = xl & 0xffff; a1 = xl >>> 16;
      lo = a0 * 0xca87; m1 = a1 * 0xca87; m2 = a0 * 0x85eb;
      t = (lo >>> 16) + (m1 & 0xffff) + (m2 & 0xffff);
      v3l = (((t & 0xffff) << 16) | (lo & 0xffff)) >>> 0;
      v3h = (a1 * 0x85eb + (m1 >>> 16) + (m2 >>> 16) + (t >>> 16) + Math.imul(xh, P1L) + Math.imul(xl, P1H)) >>> 0;
      // lane 4
      inl = u32[(i + 24) >> 2]!; inh = u32[(i + 28) >> 2]!;
      a0 = inl & 0xffff; a1 = inl >>> 16;
      lo = a0 * 0xeb4f; m1 = a1 * 0xeb4f; m2 = a0 * 0x27d4;
      t = (lo >>> 16) + (m1 & 0xffff) + (m2 & 0xffff);
      pl = (((t & 0xffff) << 16) | (lo & 0xffff)) >>> 0;
      ph = a1 * 0x27d4 + (m1 >>> 16) + (m2 >>> 16) + (t >>> 16) + Math.imul(inh, P2L) + Math.imul(inl, P2H);
      sum = v4l + pl; al = sum >>> 0; ah = (v4h + ph + (sum > 0xffffffff ? 1 : 0)) >>> 0;
      xh = ((ah << 31) | (al >>> 1)) >>> 0; xl = ((al << 31) | (ah >>> 1)) >>> 0;
      a0 = xl & 0xffff; a1 = xl >>> 16;
      lo = a0 * 0xca87; m1 = a1 * 0xca87; m2 = a0 * 0x85eb;
      t = (lo >>> 16) + (m1 & 0xffff) + (m2 & 0xffff);
      v4l = (((t & 0xffff) << 16) | (lo & 0xffff)) >>> 0;
      v4h = (a1 * 0x85eb + (m1 >>> 16) + (m2 >>> 16) + (t >>> 16) + Math.imul(xh, P1L) + Math.imul(xl, P1H)) >>> 0;
      i += 32;
  }
  V[0] = v1h; V[1] = v1l; V[2] = v2h; V[3] = v2l; V[4] = v3h; V[5] = v3l; V[6] = v4h; V[7] = v4l;
  return i;
}

/**
 * The input as little-endian 32-bit words (the whole-word prefix). Typed arrays use the platform's
 * byte order, so a big-endian machine, or an input not aligned to 4 bytes, gets a converted copy.
 */
function wordsOf(b: Uint8Array): Uint32Array {
  const count = b.length >>> 2;
  if (LITTLE_ENDIAN && b.byteOffset % 4 === 0) return new Uint32Array(b.buffer, b.byteOffset, count);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const words = new Uint32Array(count);
  for (let w = 0; w < count; w++) words[w] = view.getUint32(w * 4, true);
  return words;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** mergeRound(acc, v) = (acc ^ round(0, v)) * P1 + P4, into R. */
function mergeRound(acch: number, accl: number, vh: number, vl: number): void {
  round(0, 0, vh, vl);
  mul((acch ^ R[0]!) >>> 0, (accl ^ R[1]!) >>> 0, P1H, P1L);
  add(R[0]!, R[1]!, P4H, P4L);
}

/** The XXH64 digest of `input` with `seed` (default 0), as a bigint. */
export function xxh64(input: Uint8Array, seed: bigint = 0n): bigint {
  digest(input, seed);
  return (BigInt(R[0]!) << 32n) | BigInt(R[1]!);
}

/** The XXH64 digest as 16 lowercase hex characters: what asset hashes look like (Python's `hexdigest()`). */
export function xxh64Hex(input: Uint8Array, seed: bigint = 0n): string {
  digest(input, seed);
  return R[0]!.toString(16).padStart(8, '0') + R[1]!.toString(16).padStart(8, '0');
}

/** Computes the digest into R. */
function digest(b: Uint8Array, seed: bigint): void {
  const s = BigInt.asUintN(64, seed);
  const sh = Number(s >> 32n) >>> 0;
  const sl = Number(s & 0xffffffffn) >>> 0;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const len = b.length;
  let i = 0;
  let hh: number, hl: number;

  if (len >= 32) {
    add(sh, sl, P1H, P1L); add(R[0]!, R[1]!, P2H, P2L); V[0] = R[0]!; V[1] = R[1]!;
    add(sh, sl, P2H, P2L); V[2] = R[0]!; V[3] = R[1]!;
    V[4] = sh; V[5] = sl;
    mul(P1H, P1L, 0xffffffff, 0xffffffff); // -P1 mod 2^64
    add(sh, sl, R[0]!, R[1]!); V[6] = R[0]!; V[7] = R[1]!;
    i = stripes(wordsOf(b), len - 32);
    rotl(V[0]!, V[1]!, 1); hh = R[0]!; hl = R[1]!;
    rotl(V[2]!, V[3]!, 7); add(hh, hl, R[0]!, R[1]!); hh = R[0]!; hl = R[1]!;
    rotl(V[4]!, V[5]!, 12); add(hh, hl, R[0]!, R[1]!); hh = R[0]!; hl = R[1]!;
    rotl(V[6]!, V[7]!, 18); add(hh, hl, R[0]!, R[1]!); hh = R[0]!; hl = R[1]!;
    for (let k = 0; k < 8; k += 2) {
      mergeRound(hh, hl, V[k]!, V[k + 1]!); hh = R[0]!; hl = R[1]!;
    }
  } else {
    add(sh, sl, P5H, P5L); hh = R[0]!; hl = R[1]!;
  }

  // h += len (a length beyond 2^32 bytes carries into the high half)
  add(hh, hl, Math.floor(len / 0x100000000) >>> 0, len >>> 0); hh = R[0]!; hl = R[1]!;

  while (i + 8 <= len) {
    round(0, 0, view.getUint32(i + 4, true), view.getUint32(i, true));
    rotl((hh ^ R[0]!) >>> 0, (hl ^ R[1]!) >>> 0, 27);
    mul(R[0]!, R[1]!, P1H, P1L);
    add(R[0]!, R[1]!, P4H, P4L); hh = R[0]!; hl = R[1]!;
    i += 8;
  }
  if (i + 4 <= len) {
    mul(0, view.getUint32(i, true), P1H, P1L);
    rotl((hh ^ R[0]!) >>> 0, (hl ^ R[1]!) >>> 0, 23);
    mul(R[0]!, R[1]!, P2H, P2L);
    add(R[0]!, R[1]!, P3H, P3L); hh = R[0]!; hl = R[1]!;
    i += 4;
  }
  while (i < len) {
    mul(0, b[i]!, P5H, P5L);
    rotl((hh ^ R[0]!) >>> 0, (hl ^ R[1]!) >>> 0, 11);
    mul(R[0]!, R[1]!, P1H, P1L); hh = R[0]!; hl = R[1]!;
    i += 1;
  }

  // avalanche
  hl = (hl ^ (hh >>> 1)) >>> 0; // h ^= h >> 33
  mul(hh, hl, P2H, P2L); hh = R[0]!; hl = R[1]!;
  hl = (hl ^ ((hl >>> 29) | (hh << 3))) >>> 0; // h ^= h >> 29 (low half first: it reads the old high half)
  hh = (hh ^ (hh >>> 29)) >>> 0;
  mul(hh, hl, P3H, P3L); hh = R[0]!; hl = R[1]!;
  R[0] = hh;
  R[1] = hl ^ hh; // h ^= h >> 32
}
