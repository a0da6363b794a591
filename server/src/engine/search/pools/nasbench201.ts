/**
 * The NAS-Bench-201 pool as a SpacePool: the 15,625 benchmark cells by index (row = NB201 index, the
 * order of the shipped model's embeddings). Mutation as before (search/pool.ts): one of the 6 edges
 * gets one of the 4 other ops.
 */
import type { CellSpec } from '../../../core/cellSpec';
import { formatArch, nb201Index, NB201_SIZE, nb201OpsAt } from '../../../core/spaces/nasbench201';
import { loadNb201 } from '../../data/nasbench201Data';
import type { Dataset } from '../../data/dataset';
import { mutateNb201 } from '../pool';
import type { SearchRng } from '../types';
import type { SpacePool } from './types';

export class Nb201Pool implements SpacePool {
  readonly space = 'nasbench201' as const;
  readonly embeddingParts = 1 as const;
  readonly id = `nasbench201:${NB201_SIZE}`;
  readonly description = `NAS-Bench-201: all ${NB201_SIZE.toLocaleString('en-US')} cells`;
  readonly count = NB201_SIZE;
  embeddings = new Float32Array(0);
  dim = 0;
  private ds?: Dataset;

  get dataset(): Dataset {
    return (this.ds ??= loadNb201());
  }

  spec(i: number): CellSpec {
    return { space: 'nasbench201', ops: nb201OpsAt(i) };
  }

  name(i: number): string {
    return `nb201_${i}`;
  }

  cellId(i: number): string {
    return String(i);
  }

  arch(i: number): string {
    return formatArch(nb201OpsAt(i));
  }

  indexOf(spec: CellSpec): number {
    return spec.space === 'nasbench201' ? nb201Index(spec.ops) : -1;
  }

  mutate(index: number, rng: SearchRng): number {
    return mutateNb201(index, rng);
  }
}
