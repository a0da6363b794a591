/**
 * The common shape of the three training sets (NB101 enumeration, NB201 table, DARTS sample), so the
 * trainer can batch any of them without knowing the space. Everything is index-based and writes into
 * caller-owned Float32Arrays: building JS matrices per sample would dominate an epoch over 400k cells.
 */
import type { SpaceId } from '../../core/spaces';

export interface Dataset {
  readonly space: SpaceId;
  /** Number of architectures; valid indices are 0..count-1. */
  readonly count: number;
  /** N: graph size after padding (NB101 7, NB201 8, DARTS 11). */
  readonly nodes: number;
  /** D: one-hot op columns in arch2vec's order (NB101 5, NB201 7, DARTS 11). */
  readonly opColumns: number;
  /**
   * Writes entry i's arch2vec encoding: the N×N 0/1 adjacency (row = source, column = target, row-major)
   * into `adj[slot·N² ..]` and the N×D one-hot ops into `ops[slot·N·D ..]`, overwriting every value of
   * both blocks (padding rows become zeros). `slot` lets a trainer fill batch row `slot` in place.
   */
  fillEncoding(i: number, adj: Float32Array, ops: Float32Array, slot?: number): void;
  /** Entry i as the body of a `.cells` cell (key lines, e.g. `ops: …` / `matrix:` rows), for display. */
  describe(i: number): string;
}

/** What embedding needs of a data set: its size, encoding shape and rows. */
export type EncodedRows = Pick<Dataset, 'count' | 'nodes' | 'opColumns' | 'fillEncoding'>;

export interface Progress {
  /** 'load' (reading a cache), 'cache-invalid' (see `message`), 'dedupe', 'hash', 'write', 'sample'. */
  phase: string;
  done: number;
  total: number;
  message?: string;
}

export type ProgressFn = (p: Progress) => void;

/**
 * Fills a batch: entry `indices[start + s]` goes to slot s, for s < end - start. The arrays must hold
 * at least (end - start) slots.
 */
export function fillBatch(ds: Dataset, indices: ArrayLike<number>, start: number, end: number, adj: Float32Array, ops: Float32Array): void {
  const n = end - start;
  if (adj.length < n * ds.nodes * ds.nodes || ops.length < n * ds.nodes * ds.opColumns) {
    throw new RangeError(`fillBatch: buffers too small for ${n} ${ds.space} graphs`);
  }
  for (let s = 0; s < n; s++) ds.fillEncoding(indices[start + s], adj, ops, s);
}

/** Throws unless 0 ≤ i < count (typed arrays would silently read undefined → NaN otherwise). */
export function checkIndex(i: number, count: number, space: string): void {
  if (!(Number.isInteger(i) && i >= 0 && i < count)) throw new RangeError(`${space}: index ${i} out of range 0..${count - 1}`);
}
