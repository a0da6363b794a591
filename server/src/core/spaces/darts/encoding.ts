import type { Genotype } from '../../../protocol/cells';
import { argmaxRows, oneHot, zeros, type Matrix } from '../graph';
import { hashModule } from '../graphHash';

/** `darts/cnn/genotypes.py::PRIMITIVES`, in order. */
export const DARTS_OPS = ['none', 'max_pool_3x3', 'avg_pool_3x3', 'skip_connect', 'sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5'] as const;
/** arch2vec's 11 one-hot columns: the two cell inputs, the primitives (index + 2), the output. */
export const DARTS_ONEHOT_OPS = ['c_k-2', 'c_k-1', ...DARTS_OPS, 'output'] as const;
export const DARTS_PAIRS = 8;
export const DARTS_NODES = 11;

/** (op, input) pairs; pairs 2b and 2b+1 feed intermediate node b (DARTS node 2+b); input < 2 + b. */
export type { Genotype };

/** The 11-node op-on-node graph arch2vec builds (docs/reference-notes.md §1.4): a block source feeds both of its op-nodes. */
export function dartsGraph(g: Genotype): { matrix: Matrix; labels: number[] } {
  const matrix = zeros(DARTS_NODES);
  const labels = [0, 1];
  g.forEach(([op, input], i) => {
    const node = 2 + i;
    if (input < 2) matrix[input][node] = 1;
    else {
      matrix[2 + 2 * (input - 2)][node] = 1;
      matrix[3 + 2 * (input - 2)][node] = 1;
    }
    matrix[node][DARTS_NODES - 1] = 1;
    labels.push((DARTS_OPS as readonly string[]).indexOf(op) + 2);
  });
  labels.push(DARTS_NODES - 1);
  return { matrix, labels };
}

/** The NB101 graph hash of the 11-node graph: arch2vec's DARTS de-duplication key. */
export function dartsHash(g: Genotype): string {
  const { matrix, labels } = dartsGraph(g);
  return hashModule(matrix, labels);
}

export function encodeDarts(g: Genotype): { adjacency: Matrix; ops: number[][] } {
  const { matrix, labels } = dartsGraph(g);
  return { adjacency: matrix, ops: oneHot(labels, DARTS_ONEHOT_OPS.length) };
}

/** Inverse of `encodeDarts`: reads each op-node's label and where its in-edges come from. */
export function decodeDarts(adjacency: Matrix, ops: number[][]): Genotype {
  const labels = argmaxRows(ops);
  const g: Genotype = [];
  for (let node = 2; node < 2 + DARTS_PAIRS; node++) {
    const sources = adjacency.map((row, src) => (row[node] > 0.5 ? src : -1)).filter((s) => s >= 0);
    const first = sources[0] ?? 0;
    const input = first < 2 ? first : 2 + Math.floor((first - 2) / 2);
    g.push([DARTS_OPS[labels[node] - 2], input]);
  }
  return g;
}

export { formatGenotype } from './notation';
