/**
 * Exact k nearest neighbours by brute force over a row-major Float32 table (count × dim), kept in a
 * bounded max-heap (no sort of all rows). Large tables with a row width divisible by 4 get their squared
 * distances from a WebAssembly SIMD kernel (`SimdTable`, the table copied into its memory once per
 * table object: treat a queried table as immutable; a sampled check rebuilds the copy if it changed),
 * then one compare per row against the current k-th best. Otherwise one JS pass with early exit.
 */
import { SimdTable } from './simdDistances';

/** Below this many rows the JS loop is as fast as copying the table once. */
const SIMD_MIN_ROWS = 20_000;
const simdTables = new WeakMap<Float32Array, SimdTable | null>();

function simdTableFor(table: Float32Array, dim: number, count: number): SimdTable | null {
  if (count < SIMD_MIN_ROWS) return null;
  let t = simdTables.get(table);
  if (t === undefined || (t && (t.dim !== dim || t.count !== count || !t.matches(table)))) {
    t = SimdTable.create(table, dim);
    simdTables.set(table, t);
  }
  return t;
}
export interface Hit {
  index: number;
  /** Euclidean distance. */
  distance: number;
}

export interface KnnOptions {
  /** Ranked first among equal distances (the query's own row, so "itself at distance 0" comes first). */
  prefer?: number;
}

export function knn(table: Float32Array, dim: number, query: ArrayLike<number>, k: number, opts: KnnOptions = {}): Hit[] {
  if (query.length !== dim) throw new RangeError(`knn: query has ${query.length} values, the table ${dim} per row`);
  const count = Math.floor(table.length / dim);
  k = Math.max(0, Math.min(k, count));
  if (k === 0) return [];
  // Max-heap of (squared distance, index), worst at the root; ties: larger index is "worse".
  const hd = new Float64Array(k);
  const hi = new Int32Array(k);
  let size = 0;
  const worse = (da: number, ia: number, db: number, ib: number) => da > db || (da === db && ia > ib);
  const push = (d: number, i: number) => {
    let c = size++;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (!worse(d, i, hd[p], hi[p])) break;
      hd[c] = hd[p];
      hi[c] = hi[p];
      c = p;
    }
    hd[c] = d;
    hi[c] = i;
  };
  const replaceRoot = (d: number, i: number) => {
    let c = 0;
    for (;;) {
      const l = 2 * c + 1;
      if (l >= size) break;
      const r = l + 1;
      const m = r < size && worse(hd[r], hi[r], hd[l], hi[l]) ? r : l;
      if (!worse(hd[m], hi[m], d, i)) break;
      hd[c] = hd[m];
      hi[c] = hi[m];
      c = m;
    }
    hd[c] = d;
    hi[c] = i;
  };

  const q = Float32Array.from(query);
  let bound = Infinity;
  const simd = simdTableFor(table, dim, count);
  if (simd) {
    const dist = simd.distances(q);
    for (let i = 0; i < count; i++) {
      const s = dist[i];
      if (!(s <= bound)) continue; // also skips NaN rows
      if (size < k) {
        push(s, i);
        if (size === k) bound = hd[0];
      } else if (s < hd[0]) {
        replaceRoot(s, i);
        bound = hd[0];
      }
    }
  } else if (dim === 16) {
    const [q0, q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11, q12, q13, q14, q15] = q;
    for (let i = 0, o = 0; i < count; i++, o += 16) {
      let t, s;
      t = table[o] - q0; s = t * t;
      t = table[o + 1] - q1; s += t * t;
      t = table[o + 2] - q2; s += t * t;
      t = table[o + 3] - q3; s += t * t;
      t = table[o + 4] - q4; s += t * t;
      t = table[o + 5] - q5; s += t * t;
      t = table[o + 6] - q6; s += t * t;
      t = table[o + 7] - q7; s += t * t;
      if (s > bound) continue;
      t = table[o + 8] - q8; s += t * t;
      t = table[o + 9] - q9; s += t * t;
      t = table[o + 10] - q10; s += t * t;
      t = table[o + 11] - q11; s += t * t;
      t = table[o + 12] - q12; s += t * t;
      t = table[o + 13] - q13; s += t * t;
      t = table[o + 14] - q14; s += t * t;
      t = table[o + 15] - q15; s += t * t;
      if (s > bound) continue;
      if (size < k) {
        push(s, i);
        if (size === k) bound = hd[0];
      } else if (s < hd[0]) {
        replaceRoot(s, i);
        bound = hd[0];
      }
    }
  } else {
    for (let i = 0, o = 0; i < count; i++, o += dim) {
      let s = 0;
      for (let j = 0; j < dim && s <= bound; j++) {
        const t = table[o + j] - q[j];
        s += t * t;
      }
      if (s > bound) continue;
      if (size < k) {
        push(s, i);
        if (size === k) bound = hd[0];
      } else if (s < hd[0]) {
        replaceRoot(s, i);
        bound = hd[0];
      }
    }
  }
  const hits: { d: number; index: number }[] = [];
  for (let j = 0; j < size; j++) hits.push({ d: hd[j], index: hi[j] });
  const prefer = opts.prefer ?? -1;
  // The preferred row loses ties at the k-th place in the scan (strict <); put it back if it ties.
  if (prefer >= 0 && prefer < count && !hits.some((h) => h.index === prefer)) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += (table[prefer * dim + j] - q[j]) ** 2;
    const worst = hits.reduce((w, h, j) => (h.d > hits[w].d ? j : w), 0);
    if (s <= hits[worst].d) hits[worst] = { d: s, index: prefer };
  }
  hits.sort((a, b) => a.d - b.d || (a.index === prefer ? -1 : b.index === prefer ? 1 : a.index - b.index));
  return hits.map((h) => ({ index: h.index, distance: Math.sqrt(h.d) }));
}
