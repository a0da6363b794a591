import { edgeCount, reachable, submatrix, zeros, oneHot, argmaxRows, type Matrix } from '../graph';
import { hashModule } from '../graphHash';

export const NB101_MAX_VERTICES = 7;
export const NB101_MAX_EDGES = 9;
/** Interior ops, in NAS-Bench-101's canonical order (the order its hash labels use). */
export const NB101_CANONICAL_OPS = ['conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3'] as const;
/** arch2vec's one-hot column order (docs/reference-notes.md §1.2): input, conv1x1, conv3x3, maxpool, output. */
export const NB101_ONEHOT_OPS = ['input', 'conv1x1-bn-relu', 'conv3x3-bn-relu', 'maxpool3x3', 'output'] as const;
export const NB101_OPS: readonly string[] = ['input', ...NB101_CANONICAL_OPS, 'output'];

export interface Nb101Cell {
  matrix: Matrix;
  ops: string[];
}

export interface PruneResult {
  /** False when no path joins input and output (NAS-Bench-101 marks such specs invalid). */
  valid: boolean;
  matrix: Matrix;
  ops: string[];
  /** Original indices of the kept vertices. */
  kept: number[];
  /** Original indices of the removed vertices. */
  removed: number[];
}

/** `ModelSpec._prune`: keep the vertices that are both reachable from input and reaching output. */
export function prune(cell: Nb101Cell): PruneResult {
  const n = cell.matrix.length;
  if (n === 0) return { valid: false, matrix: [], ops: [], kept: [], removed: [] };
  const fromInput = reachable(cell.matrix, 0);
  const toOutput = reachable(cell.matrix, n - 1, true);
  const kept: number[] = [];
  const removed: number[] = [];
  for (let v = 0; v < n; v++) (fromInput.has(v) && toOutput.has(v) ? kept : removed).push(v);
  if (removed.length > n - 2) return { valid: false, matrix: cell.matrix, ops: cell.ops, kept: [], removed };
  return { valid: true, matrix: submatrix(cell.matrix, kept), ops: kept.map((i) => cell.ops[i]), kept, removed };
}

/** The NAS-Bench-101 unique hash of an already pruned cell (`ModelSpec.hash_spec`). */
export function nb101Hash(pruned: Nb101Cell): string {
  const labels = pruned.ops.map((op, i) =>
    i === 0 ? -1 : i === pruned.ops.length - 1 ? -2 : (NB101_CANONICAL_OPS as readonly string[]).indexOf(op),
  );
  return hashModule(pruned.matrix, labels);
}

/** The `api._check_spec` rules on a pruned cell; returns the reasons it is not in the benchmark. */
export function nb101Violations(pruned: PruneResult): string[] {
  if (!pruned.valid) return ['input is not connected to output'];
  const out: string[] = [];
  const v = pruned.matrix.length;
  if (v > NB101_MAX_VERTICES) out.push(`${v} vertices > ${NB101_MAX_VERTICES}`);
  const e = edgeCount(pruned.matrix);
  if (e > NB101_MAX_EDGES) out.push(`${e} edges > ${NB101_MAX_EDGES}`);
  if (pruned.ops[0] !== 'input') out.push('first op is not input');
  if (pruned.ops[v - 1] !== 'output') out.push('last op is not output');
  for (const op of pruned.ops.slice(1, -1)) {
    if (!(NB101_CANONICAL_OPS as readonly string[]).includes(op)) out.push(`interior op '${op}'`);
  }
  return out;
}

/**
 * arch2vec's fixed-size encoding (docs/reference-notes.md §1.2): the pruned V×V matrix padded with zero rows/columns to 7×7,
 * 7×5 one-hot ops with all-zero rows for padding. The output stays at index V-1.
 */
export function encodeNb101(pruned: Nb101Cell): { adjacency: Matrix; ops: number[][] } {
  const n = NB101_MAX_VERTICES;
  const adjacency = zeros(n);
  pruned.matrix.forEach((row, i) => row.forEach((x, j) => (adjacency[i][j] = x)));
  const labels = pruned.ops.map((op) => (NB101_ONEHOT_OPS as readonly string[]).indexOf(op));
  return { adjacency, ops: oneHot(labels, NB101_ONEHOT_OPS.length, n) };
}

/** Inverse of `encodeNb101`: real vertices are the rows with a non-zero op row. */
export function decodeNb101(adjacency: Matrix, ops: number[][]): Nb101Cell {
  const labels = argmaxRows(ops);
  let v = labels.findIndex((l) => l < 0);
  if (v < 0) v = labels.length;
  const keep = Array.from({ length: v }, (_, i) => i);
  return {
    matrix: submatrix(adjacency.map((r) => r.map((x) => (x > 0.5 ? 1 : 0))), keep),
    ops: keep.map((i) => NB101_ONEHOT_OPS[labels[i]]),
  };
}
