/**
 * Plain-JS MD5 over a byte buffer. Why not `node:crypto`? NAS-Bench-101's graph hash calls md5 about
 * 50 times per 7-vertex cell on strings of 30-250 bytes; for messages that short the per-call cost of
 * crypto's native binding (and of building JS strings) dominates, and a tight JS loop on a reused
 * buffer is several times faster. It is tested byte-for-byte against `node:crypto` in
 * test/engine-data.test.ts.
 */

/** Bytes `scratch` needs beyond the message for the in-place padding. */
export const MD5_PAD = 72;

/**
 * MD5 of `buf[0..len)`, written as 16 raw bytes to `out[outOff..]`. The padding is written in place
 * after the message, so `buf` is scratch and needs `len + MD5_PAD` bytes of room.
 */
export function md5Into(buf: Uint8Array, len: number, out: Uint8Array, outOff: number): void {
  const total = (((len + 8) >>> 6) + 1) << 6;
  if (buf.length < total) throw new RangeError(`md5Into: buffer of ${buf.length} bytes too small for a ${len}-byte message`);
  buf[len] = 0x80;
  buf.fill(0, len + 1, total - 8);
  const bits = len * 8;
  buf[total - 8] = bits & 0xff;
  buf[total - 7] = (bits >>> 8) & 0xff;
  buf[total - 6] = (bits >>> 16) & 0xff;
  buf[total - 5] = (bits >>> 24) & 0xff;
  buf[total - 4] = 0; // messages here are far below 512 MiB
  buf[total - 3] = 0;
  buf[total - 2] = 0;
  buf[total - 1] = 0;

  let h0 = 0x67452301;
  let h1 = 0xefcdab89 | 0;
  let h2 = 0x98badcfe | 0;
  let h3 = 0x10325476;
  // Fully unrolled, inlined rounds (generated): a loop with a K table, or helper calls per step, are
  // 2-5x slower in V8 because they do not stay in registers.
  for (let off = 0; off < total; off += 64) {
    const w0 = buf[off + 0] | (buf[off + 1] << 8) | (buf[off + 2] << 16) | (buf[off + 3] << 24);
    const w1 = buf[off + 4] | (buf[off + 5] << 8) | (buf[off + 6] << 16) | (buf[off + 7] << 24);
    const w2 = buf[off + 8] | (buf[off + 9] << 8) | (buf[off + 10] << 16) | (buf[off + 11] << 24);
    const w3 = buf[off + 12] | (buf[off + 13] << 8) | (buf[off + 14] << 16) | (buf[off + 15] << 24);
    const w4 = buf[off + 16] | (buf[off + 17] << 8) | (buf[off + 18] << 16) | (buf[off + 19] << 24);
    const w5 = buf[off + 20] | (buf[off + 21] << 8) | (buf[off + 22] << 16) | (buf[off + 23] << 24);
    const w6 = buf[off + 24] | (buf[off + 25] << 8) | (buf[off + 26] << 16) | (buf[off + 27] << 24);
    const w7 = buf[off + 28] | (buf[off + 29] << 8) | (buf[off + 30] << 16) | (buf[off + 31] << 24);
    const w8 = buf[off + 32] | (buf[off + 33] << 8) | (buf[off + 34] << 16) | (buf[off + 35] << 24);
    const w9 = buf[off + 36] | (buf[off + 37] << 8) | (buf[off + 38] << 16) | (buf[off + 39] << 24);
    const w10 = buf[off + 40] | (buf[off + 41] << 8) | (buf[off + 42] << 16) | (buf[off + 43] << 24);
    const w11 = buf[off + 44] | (buf[off + 45] << 8) | (buf[off + 46] << 16) | (buf[off + 47] << 24);
    const w12 = buf[off + 48] | (buf[off + 49] << 8) | (buf[off + 50] << 16) | (buf[off + 51] << 24);
    const w13 = buf[off + 52] | (buf[off + 53] << 8) | (buf[off + 54] << 16) | (buf[off + 55] << 24);
    const w14 = buf[off + 56] | (buf[off + 57] << 8) | (buf[off + 58] << 16) | (buf[off + 59] << 24);
    const w15 = buf[off + 60] | (buf[off + 61] << 8) | (buf[off + 62] << 16) | (buf[off + 63] << 24);
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let t: number;
    t = (a + ((b & c) | (~b & d)) + w0 + (0xd76aa478 | 0)) | 0;
    a = (b + ((t << 7) | (t >>> 25))) | 0;
    t = (d + ((a & b) | (~a & c)) + w1 + (0xe8c7b756 | 0)) | 0;
    d = (a + ((t << 12) | (t >>> 20))) | 0;
    t = (c + ((d & a) | (~d & b)) + w2 + (0x242070db | 0)) | 0;
    c = (d + ((t << 17) | (t >>> 15))) | 0;
    t = (b + ((c & d) | (~c & a)) + w3 + (0xc1bdceee | 0)) | 0;
    b = (c + ((t << 22) | (t >>> 10))) | 0;
    t = (a + ((b & c) | (~b & d)) + w4 + (0xf57c0faf | 0)) | 0;
    a = (b + ((t << 7) | (t >>> 25))) | 0;
    t = (d + ((a & b) | (~a & c)) + w5 + (0x4787c62a | 0)) | 0;
    d = (a + ((t << 12) | (t >>> 20))) | 0;
    t = (c + ((d & a) | (~d & b)) + w6 + (0xa8304613 | 0)) | 0;
    c = (d + ((t << 17) | (t >>> 15))) | 0;
    t = (b + ((c & d) | (~c & a)) + w7 + (0xfd469501 | 0)) | 0;
    b = (c + ((t << 22) | (t >>> 10))) | 0;
    t = (a + ((b & c) | (~b & d)) + w8 + (0x698098d8 | 0)) | 0;
    a = (b + ((t << 7) | (t >>> 25))) | 0;
    t = (d + ((a & b) | (~a & c)) + w9 + (0x8b44f7af | 0)) | 0;
    d = (a + ((t << 12) | (t >>> 20))) | 0;
    t = (c + ((d & a) | (~d & b)) + w10 + (0xffff5bb1 | 0)) | 0;
    c = (d + ((t << 17) | (t >>> 15))) | 0;
    t = (b + ((c & d) | (~c & a)) + w11 + (0x895cd7be | 0)) | 0;
    b = (c + ((t << 22) | (t >>> 10))) | 0;
    t = (a + ((b & c) | (~b & d)) + w12 + (0x6b901122 | 0)) | 0;
    a = (b + ((t << 7) | (t >>> 25))) | 0;
    t = (d + ((a & b) | (~a & c)) + w13 + (0xfd987193 | 0)) | 0;
    d = (a + ((t << 12) | (t >>> 20))) | 0;
    t = (c + ((d & a) | (~d & b)) + w14 + (0xa679438e | 0)) | 0;
    c = (d + ((t << 17) | (t >>> 15))) | 0;
    t = (b + ((c & d) | (~c & a)) + w15 + (0x49b40821 | 0)) | 0;
    b = (c + ((t << 22) | (t >>> 10))) | 0;
    t = (a + ((b & d) | (c & ~d)) + w1 + (0xf61e2562 | 0)) | 0;
    a = (b + ((t << 5) | (t >>> 27))) | 0;
    t = (d + ((a & c) | (b & ~c)) + w6 + (0xc040b340 | 0)) | 0;
    d = (a + ((t << 9) | (t >>> 23))) | 0;
    t = (c + ((d & b) | (a & ~b)) + w11 + (0x265e5a51 | 0)) | 0;
    c = (d + ((t << 14) | (t >>> 18))) | 0;
    t = (b + ((c & a) | (d & ~a)) + w0 + (0xe9b6c7aa | 0)) | 0;
    b = (c + ((t << 20) | (t >>> 12))) | 0;
    t = (a + ((b & d) | (c & ~d)) + w5 + (0xd62f105d | 0)) | 0;
    a = (b + ((t << 5) | (t >>> 27))) | 0;
    t = (d + ((a & c) | (b & ~c)) + w10 + (0x02441453 | 0)) | 0;
    d = (a + ((t << 9) | (t >>> 23))) | 0;
    t = (c + ((d & b) | (a & ~b)) + w15 + (0xd8a1e681 | 0)) | 0;
    c = (d + ((t << 14) | (t >>> 18))) | 0;
    t = (b + ((c & a) | (d & ~a)) + w4 + (0xe7d3fbc8 | 0)) | 0;
    b = (c + ((t << 20) | (t >>> 12))) | 0;
    t = (a + ((b & d) | (c & ~d)) + w9 + (0x21e1cde6 | 0)) | 0;
    a = (b + ((t << 5) | (t >>> 27))) | 0;
    t = (d + ((a & c) | (b & ~c)) + w14 + (0xc33707d6 | 0)) | 0;
    d = (a + ((t << 9) | (t >>> 23))) | 0;
    t = (c + ((d & b) | (a & ~b)) + w3 + (0xf4d50d87 | 0)) | 0;
    c = (d + ((t << 14) | (t >>> 18))) | 0;
    t = (b + ((c & a) | (d & ~a)) + w8 + (0x455a14ed | 0)) | 0;
    b = (c + ((t << 20) | (t >>> 12))) | 0;
    t = (a + ((b & d) | (c & ~d)) + w13 + (0xa9e3e905 | 0)) | 0;
    a = (b + ((t << 5) | (t >>> 27))) | 0;
    t = (d + ((a & c) | (b & ~c)) + w2 + (0xfcefa3f8 | 0)) | 0;
    d = (a + ((t << 9) | (t >>> 23))) | 0;
    t = (c + ((d & b) | (a & ~b)) + w7 + (0x676f02d9 | 0)) | 0;
    c = (d + ((t << 14) | (t >>> 18))) | 0;
    t = (b + ((c & a) | (d & ~a)) + w12 + (0x8d2a4c8a | 0)) | 0;
    b = (c + ((t << 20) | (t >>> 12))) | 0;
    t = (a + (b ^ c ^ d) + w5 + (0xfffa3942 | 0)) | 0;
    a = (b + ((t << 4) | (t >>> 28))) | 0;
    t = (d + (a ^ b ^ c) + w8 + (0x8771f681 | 0)) | 0;
    d = (a + ((t << 11) | (t >>> 21))) | 0;
    t = (c + (d ^ a ^ b) + w11 + (0x6d9d6122 | 0)) | 0;
    c = (d + ((t << 16) | (t >>> 16))) | 0;
    t = (b + (c ^ d ^ a) + w14 + (0xfde5380c | 0)) | 0;
    b = (c + ((t << 23) | (t >>> 9))) | 0;
    t = (a + (b ^ c ^ d) + w1 + (0xa4beea44 | 0)) | 0;
    a = (b + ((t << 4) | (t >>> 28))) | 0;
    t = (d + (a ^ b ^ c) + w4 + (0x4bdecfa9 | 0)) | 0;
    d = (a + ((t << 11) | (t >>> 21))) | 0;
    t = (c + (d ^ a ^ b) + w7 + (0xf6bb4b60 | 0)) | 0;
    c = (d + ((t << 16) | (t >>> 16))) | 0;
    t = (b + (c ^ d ^ a) + w10 + (0xbebfbc70 | 0)) | 0;
    b = (c + ((t << 23) | (t >>> 9))) | 0;
    t = (a + (b ^ c ^ d) + w13 + (0x289b7ec6 | 0)) | 0;
    a = (b + ((t << 4) | (t >>> 28))) | 0;
    t = (d + (a ^ b ^ c) + w0 + (0xeaa127fa | 0)) | 0;
    d = (a + ((t << 11) | (t >>> 21))) | 0;
    t = (c + (d ^ a ^ b) + w3 + (0xd4ef3085 | 0)) | 0;
    c = (d + ((t << 16) | (t >>> 16))) | 0;
    t = (b + (c ^ d ^ a) + w6 + (0x04881d05 | 0)) | 0;
    b = (c + ((t << 23) | (t >>> 9))) | 0;
    t = (a + (b ^ c ^ d) + w9 + (0xd9d4d039 | 0)) | 0;
    a = (b + ((t << 4) | (t >>> 28))) | 0;
    t = (d + (a ^ b ^ c) + w12 + (0xe6db99e5 | 0)) | 0;
    d = (a + ((t << 11) | (t >>> 21))) | 0;
    t = (c + (d ^ a ^ b) + w15 + (0x1fa27cf8 | 0)) | 0;
    c = (d + ((t << 16) | (t >>> 16))) | 0;
    t = (b + (c ^ d ^ a) + w2 + (0xc4ac5665 | 0)) | 0;
    b = (c + ((t << 23) | (t >>> 9))) | 0;
    t = (a + (c ^ (b | ~d)) + w0 + (0xf4292244 | 0)) | 0;
    a = (b + ((t << 6) | (t >>> 26))) | 0;
    t = (d + (b ^ (a | ~c)) + w7 + (0x432aff97 | 0)) | 0;
    d = (a + ((t << 10) | (t >>> 22))) | 0;
    t = (c + (a ^ (d | ~b)) + w14 + (0xab9423a7 | 0)) | 0;
    c = (d + ((t << 15) | (t >>> 17))) | 0;
    t = (b + (d ^ (c | ~a)) + w5 + (0xfc93a039 | 0)) | 0;
    b = (c + ((t << 21) | (t >>> 11))) | 0;
    t = (a + (c ^ (b | ~d)) + w12 + (0x655b59c3 | 0)) | 0;
    a = (b + ((t << 6) | (t >>> 26))) | 0;
    t = (d + (b ^ (a | ~c)) + w3 + (0x8f0ccc92 | 0)) | 0;
    d = (a + ((t << 10) | (t >>> 22))) | 0;
    t = (c + (a ^ (d | ~b)) + w10 + (0xffeff47d | 0)) | 0;
    c = (d + ((t << 15) | (t >>> 17))) | 0;
    t = (b + (d ^ (c | ~a)) + w1 + (0x85845dd1 | 0)) | 0;
    b = (c + ((t << 21) | (t >>> 11))) | 0;
    t = (a + (c ^ (b | ~d)) + w8 + (0x6fa87e4f | 0)) | 0;
    a = (b + ((t << 6) | (t >>> 26))) | 0;
    t = (d + (b ^ (a | ~c)) + w15 + (0xfe2ce6e0 | 0)) | 0;
    d = (a + ((t << 10) | (t >>> 22))) | 0;
    t = (c + (a ^ (d | ~b)) + w6 + (0xa3014314 | 0)) | 0;
    c = (d + ((t << 15) | (t >>> 17))) | 0;
    t = (b + (d ^ (c | ~a)) + w13 + (0x4e0811a1 | 0)) | 0;
    b = (c + ((t << 21) | (t >>> 11))) | 0;
    t = (a + (c ^ (b | ~d)) + w4 + (0xf7537e82 | 0)) | 0;
    a = (b + ((t << 6) | (t >>> 26))) | 0;
    t = (d + (b ^ (a | ~c)) + w11 + (0xbd3af235 | 0)) | 0;
    d = (a + ((t << 10) | (t >>> 22))) | 0;
    t = (c + (a ^ (d | ~b)) + w2 + (0x2ad7d2bb | 0)) | 0;
    c = (d + ((t << 15) | (t >>> 17))) | 0;
    t = (b + (d ^ (c | ~a)) + w9 + (0xeb86d391 | 0)) | 0;
    b = (c + ((t << 21) | (t >>> 11))) | 0;
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
  }
  writeLe(out, outOff, h0);
  writeLe(out, outOff + 4, h1);
  writeLe(out, outOff + 8, h2);
  writeLe(out, outOff + 12, h3);
}

function writeLe(out: Uint8Array, off: number, v: number): void {
  out[off] = v & 0xff;
  out[off + 1] = (v >>> 8) & 0xff;
  out[off + 2] = (v >>> 16) & 0xff;
  out[off + 3] = (v >>> 24) & 0xff;
}

const HEX = '0123456789abcdef';
const HEX_CODES = Array.from(HEX, (c) => c.charCodeAt(0));

/** Lower-case hex of 16 digest bytes as ASCII codes into `out[outOff..outOff+32)` (what Python's hexdigest gives). */
export function hexBytesInto(digest: Uint8Array, dOff: number, out: Uint8Array, outOff: number): void {
  for (let k = 0; k < 16; k++) {
    const b = digest[dOff + k];
    out[outOff + 2 * k] = HEX_CODES[b >>> 4];
    out[outOff + 2 * k + 1] = HEX_CODES[b & 15];
  }
}

export function digestToHex(digest: Uint8Array, off = 0): string {
  let s = '';
  for (let k = 0; k < 16; k++) {
    const b = digest[off + k];
    s += HEX[b >>> 4] + HEX[b & 15];
  }
  return s;
}

/** Parses a 32-char hex md5 into 16 bytes; undefined if it is not one. */
export function hexToDigest(hex: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return undefined;
  const d = new Uint8Array(16);
  for (let k = 0; k < 16; k++) d[k] = parseInt(hex.slice(2 * k, 2 * k + 2), 16);
  return d;
}
