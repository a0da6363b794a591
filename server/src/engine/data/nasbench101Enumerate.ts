/**
 * Enumerates the NAS-Bench-101 space the way the benchmark's generator did (docs/reference-notes.md §1.2):
 * upper-triangular DAGs with 2..7 vertices, vertex 0 = input, last = output, interior ops from
 * {conv3x3, conv1x1, maxpool}, only "full" graphs (every vertex on an input→output path, so pruning
 * removes nothing; pruned duplicates of bigger graphs are the full graphs with fewer vertices),
 * at most 9 edges, one entry per NB101 graph hash. The result has exactly 423,624 cells.
 *
 * How it stays fast (~1.3M labelled candidates instead of 2^21 × 243):
 * 1. Matrices are filtered first (full + ≤ 9 edges): 6,472 survive over all vertex counts.
 * 2. Each (matrix, labelling) gets the cheap `wl64` key, which induces the same partition as the md5
 *    `hash_module`; the first candidate of each class is its representative.
 * 3. The real md5 hash is computed only for the 423,624 representatives, and we assert that they are
 *    pairwise distinct (so wl64 neither merged nor split md5 classes).
 *
 * Order (deterministic, documented because NB101's own `hash_iterator` order cannot be reproduced):
 * by vertex count V ascending, then adjacency code ascending, then ops code ascending, where each class
 * is represented by its first candidate in that order. Adjacency code: bit k is the k-th pair (i, j),
 * i < j, of the 7×7 grid in row-major order ((0,1) = bit 0, (0,2) = bit 1, …, (5,6) = bit 20), so a
 * V-vertex cell occupies the top-left V×V block exactly as in arch2vec's padded 7×7 matrix. Ops code:
 * Σ label(v)·3^(v-1) over interior vertices v = 1..V-2, label = index in NB101's canonical op order
 * (0 conv3x3-bn-relu, 1 conv1x1-bn-relu, 2 maxpool3x3).
 */
import { NB101_MAX_EDGES, NB101_MAX_VERTICES } from '../../core/spaces/nasbench101';
import { Key64Map, DigestIndex } from './hashTable';
import type { ProgressFn } from './dataset';
import { Md5Wl, popcount, wl64, wl64Key } from './wlHash';

/** Unique models in NAS-Bench-101 (`len(nasbench.hash_iterator())`). */
export const NB101_UNIQUE_CELLS = 423624;
export const NB101_INPUT_LABEL = -1;
export const NB101_OUTPUT_LABEL = -2;

/** PAIR_BIT[i * 7 + j] = bit of pair (i, j), i < j, in the 21-bit adjacency code; -1 elsewhere. */
export const PAIR_BIT: Int8Array = (() => {
  const t = new Int8Array(49).fill(-1);
  let k = 0;
  for (let i = 0; i < 7; i++) for (let j = i + 1; j < 7; j++) t[i * 7 + j] = k++;
  return t;
})();

/** Column-oriented cells: entry i is (vertices[i], adjacency[i], ops[i], hashes[16i..16i+16)). */
export interface Nb101Columns {
  count: number;
  vertices: Uint8Array;
  adjacency: Uint32Array;
  ops: Uint16Array;
  /** Raw 16-byte md5 NB101 hashes, back to back. */
  hashes: Uint8Array;
}


/** In/out neighbour bit masks of a V-vertex cell from its adjacency code. */
export function masksOf(v: number, adj: number, inMask: Int32Array | number[], outMask: Int32Array | number[]): void {
  for (let i = 0; i < v; i++) {
    inMask[i] = 0;
    outMask[i] = 0;
  }
  for (let i = 0; i < v; i++) {
    for (let j = i + 1; j < v; j++) {
      if ((adj >>> PAIR_BIT[i * 7 + j]) & 1) {
        outMask[i] |= 1 << j;
        inMask[j] |= 1 << i;
      }
    }
  }
}

/** NB101 hash labels (-1 input, canonical op index, -2 output) of a V-vertex cell from its ops code. */
export function labelsOf(v: number, opsCode: number, labels: Int32Array | number[]): void {
  labels[0] = NB101_INPUT_LABEL;
  for (let k = 1; k < v - 1; k++) {
    labels[k] = opsCode % 3;
    opsCode = (opsCode / 3) | 0;
  }
  labels[v - 1] = NB101_OUTPUT_LABEL;
}

/** Adjacency codes (7-grid layout, ascending) of the full V-vertex DAGs with ≤ 9 edges. */
export function fullMatrices(v: number): number[] {
  const pairs: number[] = [];
  for (let i = 0; i < v; i++) for (let j = i + 1; j < v; j++) pairs.push(i * 7 + j);
  const out: number[] = [];
  const inMask = new Int32Array(v);
  const outMask = new Int32Array(v);
  const all = (1 << v) - 1;
  for (let m = 0; m < 1 << pairs.length; m++) {
    if (popcount(m) > NB101_MAX_EDGES) continue;
    let code = 0;
    for (let k = 0; k < pairs.length; k++) if ((m >>> k) & 1) code |= 1 << PAIR_BIT[pairs[k]];
    masksOf(v, code, inMask, outMask);
    // Vertices are topologically ordered, so one forward and one backward sweep give reachability.
    let fwd = 1;
    for (let j = 1; j < v; j++) if (inMask[j] & fwd) fwd |= 1 << j;
    let bwd = 1 << (v - 1);
    for (let i = v - 2; i >= 0; i--) if (outMask[i] & bwd) bwd |= 1 << i;
    if (fwd === all && bwd === all) out.push(code);
  }
  return out.sort((a, b) => a - b);
}

/** The whole space, in the order described in the file comment. Takes ~10-20 s (md5 dominates). */
export function enumerateNb101(onProgress?: ProgressFn): Nb101Columns {
  const candidates: { v: number; codes: number[] }[] = [];
  let totalLabelled = 0;
  for (let v = 2; v <= NB101_MAX_VERTICES; v++) {
    const codes = fullMatrices(v);
    candidates.push({ v, codes });
    totalLabelled += codes.length * 3 ** (v - 2);
  }

  // Pass 1: de-duplicate on wl64 keys, keeping the first candidate of each class.
  const seen = new Key64Map(1 << 20);
  const repV: number[] = [];
  const repAdj: number[] = [];
  const repOps: number[] = [];
  const inMask = new Int32Array(7);
  const outMask = new Int32Array(7);
  const labels = new Int32Array(7);
  let done = 0;
  for (const { v, codes } of candidates) {
    const labellings = 3 ** (v - 2);
    for (const code of codes) {
      masksOf(v, code, inMask, outMask);
      for (let opsCode = 0; opsCode < labellings; opsCode++) {
        labelsOf(v, opsCode, labels);
        wl64(v, inMask, outMask, labels);
        if (seen.setIfAbsent(wl64Key[0], wl64Key[1], repV.length) < 0) {
          repV.push(v);
          repAdj.push(code);
          repOps.push(opsCode);
        }
      }
      done += labellings;
      if (onProgress && (done & 0xffff) < labellings) onProgress({ phase: 'dedupe', done, total: totalLabelled });
    }
  }
  onProgress?.({ phase: 'dedupe', done: totalLabelled, total: totalLabelled });

  // Pass 2: the real NB101 md5 hash of each representative.
  const count = repV.length;
  const cols: Nb101Columns = {
    count,
    vertices: Uint8Array.from(repV),
    adjacency: Uint32Array.from(repAdj),
    ops: Uint16Array.from(repOps),
    hashes: new Uint8Array(count * 16),
  };
  const md5wl = new Md5Wl();
  for (let i = 0; i < count; i++) {
    const v = cols.vertices[i];
    masksOf(v, cols.adjacency[i], inMask, outMask);
    labelsOf(v, cols.ops[i], labels);
    md5wl.hash(v, inMask, outMask, labels, cols.hashes, i * 16);
    if (onProgress && (i & 0x3fff) === 0) onProgress({ phase: 'hash', done: i, total: count });
  }
  onProgress?.({ phase: 'hash', done: count, total: count });

  const dup = new DigestIndex(cols.hashes, count).duplicates;
  if (dup !== 0) throw new Error(`NB101 enumeration: ${dup} representatives share an md5 hash with another (wl64 split an md5 class)`);
  return cols;
}
