/**
 * Two implementations of NAS-Bench-101's graph fingerprint (`graph_util.hash_module`) on graphs given
 * as bit masks (vertex v's in-/out-neighbours as bits of `inMask[v]` / `outMask[v]`, v < 31):
 *
 * - `Md5Wl`: byte-identical to the core's `hashModule` (same md5 strings), but built in a reused byte
 *   buffer with the JS md5 of ./md5 instead of JS strings + node:crypto: ~10x faster. This is what
 *   the dataset stores and what users see.
 * - `wl64`: the same Weisfeiler-Lehman iteration (initial colour from (out-degree, in-degree, label);
 *   V rounds of colour ← f(multiset of in-colours, multiset of out-colours, own colour); fingerprint =
 *   multiset of final colours) with a 2×32-bit integer mix instead of md5 and order-free sums instead
 *   of sorted concatenation. Because it is a function of exactly the information md5 sees, graphs with
 *   equal md5 hashes get equal wl64 keys, and with 64 bits unequal ones collide with probability ~2^-64
 *   per pair. It is ~50x cheaper, so de-duplication runs on wl64 and md5 is computed once per class;
 *   callers assert afterwards that the md5 set is exactly as large (no class was split or merged).
 */
import { md5Into, hexBytesInto, MD5_PAD } from './md5';

const MAX_N = 31;
const MAX_MSG = MAX_N * 36 + 8; // the final "['h', 'h', ...]" list is the longest message

export class Md5Wl {
  private readonly msg = new Uint8Array(MAX_MSG + MD5_PAD);
  private cur = new Uint8Array(MAX_N * 32);
  private next = new Uint8Array(MAX_N * 32);
  private readonly digest = new Uint8Array(16);
  private readonly order = new Int32Array(MAX_N);
  /** Hex md5 of the initial `(out, in, label)` tuples, keyed by their packed ints: a handful, worth caching. */
  private readonly initial = new Map<number, Uint8Array>();

  /** Writes the 16-byte fingerprint of the graph to `out[outOff..]`. */
  hash(n: number, inMask: ArrayLike<number>, outMask: ArrayLike<number>, labels: ArrayLike<number>, out: Uint8Array, outOff = 0): void {
    if (n > MAX_N) throw new RangeError(`Md5Wl: ${n} vertices > ${MAX_N}`);
    const msg = this.msg;
    for (let v = 0; v < n; v++) {
      const out = popcount(outMask[v]);
      const inn = popcount(inMask[v]);
      const label = labels[v];
      if (!(Number.isInteger(label) && label >= -2048 && label < 2048)) throw new RangeError(`Md5Wl: label ${label} outside -2048..2047`);
      const key = (out * 32 + inn) * 4096 + (label + 2048);
      let hex = this.initial.get(key);
      if (!hex) {
        const text = `(${out}, ${inn}, ${label})`; // Python's str((out_degree, in_degree, label))
        for (let k = 0; k < text.length; k++) msg[k] = text.charCodeAt(k);
        md5Into(msg, text.length, this.digest, 0);
        hex = new Uint8Array(32);
        hexBytesInto(this.digest, 0, hex, 0);
        this.initial.set(key, hex);
      }
      copy32(hex, 0, this.cur, v * 32);
    }
    for (let round = 0; round < n; round++) {
      const cur = this.cur;
      for (let v = 0; v < n; v++) {
        let len = this.appendSorted(inMask[v], 0);
        msg[len++] = 124; // '|'
        len = this.appendSorted(outMask[v], len);
        msg[len++] = 124;
        copy32(cur, v * 32, msg, len);
        md5Into(msg, len + 32, this.digest, 0);
        hexBytesInto(this.digest, 0, this.next, v * 32);
      }
      // `next` now holds this round's hashes: make it current and reuse the old array next round.
      this.cur = this.next;
      this.next = cur;
    }
    // Python: md5(str(sorted(hashes))) = "['h1', 'h2']"
    const order = this.order;
    for (let v = 0; v < n; v++) order[v] = v;
    this.sortByHash(order, n);
    let len = 0;
    msg[len++] = 91; // '['
    for (let k = 0; k < n; k++) {
      if (k > 0) {
        msg[len++] = 44; // ','
        msg[len++] = 32; // ' '
      }
      msg[len++] = 39; // "'"
      copy32(this.cur, order[k] * 32, msg, len);
      len += 32;
      msg[len++] = 39;
    }
    msg[len++] = 93; // ']'
    md5Into(msg, len, out, outOff);
  }

  /** Appends the current hashes of the vertices in `mask`, sorted as strings, at `msg[len..]`. */
  private appendSorted(mask: number, len: number): number {
    const order = this.order;
    let m = 0;
    for (let bits = mask; bits !== 0; bits &= bits - 1) order[m++] = 31 - Math.clz32(bits & -bits);
    this.sortByHash(order, m);
    for (let k = 0; k < m; k++) {
      copy32(this.cur, order[k] * 32, this.msg, len);
      len += 32;
    }
    return len;
  }

  /** Insertion sort of vertex ids by their 32-byte hex hash (byte order = Python string order). */
  private sortByHash(order: Int32Array, m: number): void {
    const h = this.cur;
    for (let i = 1; i < m; i++) {
      const x = order[i];
      let j = i - 1;
      while (j >= 0 && compareHex(h, order[j] * 32, x * 32) > 0) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = x;
    }
  }
}

// A byte loop: `set(subarray(...))` allocates a view per call, which costs more than copying 32 bytes.
function copy32(src: Uint8Array, from: number, dst: Uint8Array, to: number): void {
  for (let k = 0; k < 32; k++) dst[to + k] = src[from + k];
}

function compareHex(h: Uint8Array, a: number, b: number): number {
  for (let k = 0; k < 32; k++) {
    const d = h[a + k] - h[b + k];
    if (d !== 0) return d;
  }
  return 0;
}

export function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

function fmix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

// Scratch for wl64 (module-level: the function is not re-entrant, and JS is single-threaded per isolate).
const A = new Int32Array(MAX_N);
const B = new Int32Array(MAX_N);
const A2 = new Int32Array(MAX_N);
const B2 = new Int32Array(MAX_N);
const GA = new Int32Array(MAX_N);
const GB = new Int32Array(MAX_N);

/** Two independent 32-bit lanes of the wl64 key of the last `wl64` call. */
export const wl64Key = new Uint32Array(2);

/** Fast 64-bit WL fingerprint (see the file comment); the result is left in `wl64Key`. */
export function wl64(n: number, inMask: ArrayLike<number>, outMask: ArrayLike<number>, labels: ArrayLike<number>): void {
  let a = A;
  let b = B;
  let na = A2;
  let nb = B2;
  for (let v = 0; v < n; v++) {
    const t = (popcount(outMask[v]) << 8) ^ (popcount(inMask[v]) << 16) ^ (labels[v] & 0xff);
    a[v] = fmix(t ^ 0x3c6ef372);
    b[v] = fmix(Math.imul(t, 0x27d4eb2f) ^ 0x5be0cd19);
  }
  for (let round = 0; round < n; round++) {
    // g(colour): a second mix so that the sums over neighbour multisets behave like random values.
    for (let v = 0; v < n; v++) {
      GA[v] = fmix((a[v] + 0x6a09e667) | 0);
      GB[v] = fmix(Math.imul(b[v], 0x9e3779b1) ^ 0x510e527f);
    }
    for (let v = 0; v < n; v++) {
      let ia = 0x1f83d9ab;
      let ib = 0x243f6a88;
      for (let m = inMask[v]; m !== 0; m &= m - 1) {
        const w = 31 - Math.clz32(m & -m);
        ia = (ia + GA[w]) | 0;
        ib = (ib + GB[w]) | 0;
      }
      let oa = 0x7137449f;
      let ob = 0x3c6ef372;
      for (let m = outMask[v]; m !== 0; m &= m - 1) {
        const w = 31 - Math.clz32(m & -m);
        oa = (oa + GA[w]) | 0;
        ob = (ob + GB[w]) | 0;
      }
      na[v] = fmix(fmix(fmix(ia) ^ Math.imul(oa, 0xcc9e2d51)) + a[v]);
      nb[v] = fmix(fmix(fmix(ib ^ 0x85ebca6b) + Math.imul(ob, 0x1b873593)) ^ b[v]);
    }
    let t = a;
    a = na;
    na = t;
    t = b;
    b = nb;
    nb = t;
  }
  let fa = n;
  let fb = Math.imul(n, 0x9e3779b1);
  for (let v = 0; v < n; v++) {
    fa = (fa + fmix((a[v] + 0x2545f491) | 0)) | 0;
    fb = (fb + fmix(b[v] ^ 0x4f1bbcdc)) | 0;
  }
  wl64Key[0] = fmix(fa);
  wl64Key[1] = fmix(fb);
}
