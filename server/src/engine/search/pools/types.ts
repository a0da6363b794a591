/**
 * A search pool that knows its cells (issue 12): what every strategy ranges over in one space.
 *   nasbench101  the 423,624 enumerated cells (the enumeration cache)
 *   nasbench201  the 15,625 benchmark cells
 *   darts        a seeded sample of unique genotypes (600,000 by default, as the reference)
 *   a table      the rows of a user's table, when the table is the objective
 * Index i is the same cell for every strategy, objective and embedding table of the pool.
 */
import type { CellSpec } from '../../../core/cellSpec';
import type { SpaceId } from '../../../core/spaces';
import type { Dataset } from '../../data/dataset';
import type { SearchPool } from '../types';

export interface SpacePool extends SearchPool {
  readonly space: SpaceId;
  /** Identity of the cells and their order: equal ids ⇒ equal pools (keys embedding caches). */
  readonly id: string;
  /** What the pool is, in words (for --json and logs). */
  readonly description: string;
  /** The cell at index i. */
  spec(i: number): CellSpec;
  /** A short cell name for outputs and evaluator files, e.g. `nb101_00005c14`. */
  name(i: number): string;
  /** Canonical id of cell i (NB101 hash, NB201 index, DARTS graph hash). */
  cellId(i: number): string;
  /** Index of a cell isomorphic to `spec`, or -1. */
  indexOf(spec: CellSpec): number;
  /**
   * The model-input encodings of the cells, when they are a training set's (fast batch embedding);
   * absent for pools whose cells need `spec` + `encodeCell`.
   */
  readonly dataset?: Dataset;
  /** Embedding columns per cell this pool's cells need (16; 32 for DARTS tables whose reduce cells differ). */
  readonly embeddingParts: 1 | 2;
}

/** Puts an embedding table (count × dim, row i = cell i) into a pool for bo / rl. */
export function attachEmbeddings<P extends SpacePool>(pool: P, data: Float32Array, dim: number): P {
  if (!(Number.isInteger(dim) && dim > 0) || data.length !== pool.count * dim) {
    throw new Error(`${pool.description}: expected ${pool.count} × ${dim} embeddings, got ${data.length} values`);
  }
  pool.embeddings = data;
  pool.dim = dim;
  return pool;
}
