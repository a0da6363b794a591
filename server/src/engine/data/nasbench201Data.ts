/**
 * The NB201 training set: all 15,625 cells in the benchmark's own index order (the shipped table),
 * so entry i is NB201 arch index i, as in arch2vec's JSON keys "0".."15624".
 */
import { formatArch, NB201_ADJACENCY, NB201_ONEHOT_OPS, NB201_SIZE, nb201OpsAt, type Nb201Ops } from '../../core/spaces/nasbench201';
import { checkIndex, type Dataset } from './dataset';

const N = 8;
const D = NB201_ONEHOT_OPS.length;
/** The fixed 8×8 op-on-node adjacency shared by every cell (docs/reference-notes.md §1.3), flattened row-major. */
const ADJ = Float32Array.from(NB201_ADJACENCY.flat());

export class Nb201Dataset implements Dataset {
  readonly space = 'nasbench201' as const;
  readonly count = NB201_SIZE;
  readonly nodes = N;
  readonly opColumns = D;
  /** arch2vec one-hot column of each of the 6 edge ops, 6 bytes per cell. */
  private readonly columns = new Uint8Array(NB201_SIZE * 6);

  constructor() {
    for (let i = 0; i < NB201_SIZE; i++) {
      nb201OpsAt(i).forEach((op, e) => (this.columns[i * 6 + e] = (NB201_ONEHOT_OPS as readonly string[]).indexOf(op)));
    }
  }

  /** The 6 edge ops in arch-string order. */
  ops(i: number): Nb201Ops {
    checkIndex(i, this.count, this.space);
    return nb201OpsAt(i);
  }

  arch(i: number): string {
    return formatArch(this.ops(i));
  }

  fillEncoding(i: number, adj: Float32Array, ops: Float32Array, slot = 0): void {
    checkIndex(i, this.count, this.space);
    adj.set(ADJ, slot * N * N);
    const o = slot * N * D;
    ops.fill(0, o, o + N * D);
    ops[o] = 1; // input
    for (let e = 0; e < 6; e++) ops[o + (e + 1) * D + this.columns[i * 6 + e]] = 1;
    ops[o + (N - 1) * D + D - 1] = 1; // output
  }

  describe(i: number): string {
    return `arch: ${this.arch(i)}\n# nb201 index ${i}`;
  }
}

let shared: Nb201Dataset | undefined;

/** The dataset, built once per process (~20 ms) from the shipped table. */
export function loadNb201(): Nb201Dataset {
  shared ??= new Nb201Dataset();
  return shared;
}
