/**
 * The NAS-Bench-101 pool: the 423,624 unique cells of the enumeration (engine/data), in its order —
 * the order a pretrained NB101 model's `embeddings.f32` rows follow. Mutation is NAS-Bench-101's
 * (core/spaces/mutation.ts); every valid child is in the enumeration, so it always lands in the pool.
 */
import type { CellSpec } from '../../../core/cellSpec';
import { mutateNb101 } from '../../../core/spaces/mutation';
import { nb101Hash, prune } from '../../../core/spaces/nasbench101';
import type { ProgressFn } from '../../data/dataset';
import { loadOrBuildNb101, type Nb101Dataset } from '../../data/nasbench101Data';
import type { SearchRng } from '../types';
import type { SpacePool } from './types';

export class Nb101Pool implements SpacePool {
  readonly space = 'nasbench101' as const;
  readonly embeddingParts = 1 as const;
  readonly id: string;
  readonly description: string;
  readonly count: number;
  embeddings = new Float32Array(0);
  dim = 0;

  constructor(readonly dataset: Nb101Dataset) {
    this.count = dataset.count;
    this.id = `nasbench101:${dataset.count}`;
    this.description = `NAS-Bench-101: all ${dataset.count.toLocaleString('en-US')} unique cells`;
  }

  spec(i: number): CellSpec {
    return { space: 'nasbench101', ...this.dataset.cell(i) };
  }

  name(i: number): string {
    return `nb101_${this.dataset.hash(i).slice(0, 8)}`;
  }

  cellId(i: number): string {
    return this.dataset.hash(i);
  }

  indexOf(spec: CellSpec): number {
    if (spec.space !== 'nasbench101') return -1;
    const p = prune(spec);
    if (!p.valid || p.matrix.length > 7) return -1;
    return this.dataset.indexOfHash(nb101Hash(p));
  }

  indexOfHash(hash: string): number {
    return this.dataset.indexOfHash(hash.toLowerCase());
  }

  mutate(index: number, rng: SearchRng): number {
    const child = mutateNb101(this.dataset.cell(index), rng);
    const i = this.dataset.indexOfHash(nb101Hash(child));
    if (i < 0) throw new Error(`NB101 pool: mutation produced a cell outside the enumeration (${nb101Hash(child)})`);
    return i;
  }
}

/** The pool from the enumeration cache in `cacheDir` (built, ~20 s, and cached on first use). */
export function nb101Pool(cacheDir: string, onProgress?: ProgressFn): Nb101Pool {
  return new Nb101Pool(loadOrBuildNb101(cacheDir, onProgress));
}
