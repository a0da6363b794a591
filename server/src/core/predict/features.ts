/**
 * Fixed-length feature vectors of cells, per search space, for the accuracy predictor. No model is
 * needed, so they work in every space and in the language server:
 *   - `onehot`: the discrete encoding (NB201: op per edge; NB101: ops per vertex + upper-triangular
 *     adjacency of the pruned cell padded to 7 vertices; DARTS: op and input of each pair, both cells);
 *   - `structure`: what the cell computes, read off its graph: ops on each input→output path, ops on
 *     live edges, path counts, depth in convolutions (NB201 cells whose edges lie on no live path
 *     compute nothing there, which the one-hot encoding cannot see);
 *   - `discrete` = onehot ++ structure (the product's default).
 * Embeddings, where a model exists, are appended by the caller.
 */
import type { CellSpec } from '../cellSpec';

export type FeatureSet = 'onehot' | 'structure' | 'discrete';
export const FEATURE_SETS: readonly FeatureSet[] = ['onehot', 'structure', 'discrete'];

const NB201_OP_ORDER = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'];
/** NB201's four input→output paths as edge indices (arch-string order). */
const NB201_PATHS = [[3], [0, 4], [1, 5], [0, 2, 5]];
const NB101_INTERIOR = ['conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3'];
const DARTS_OP_ORDER = ['none', 'max_pool_3x3', 'avg_pool_3x3', 'skip_connect', 'sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5'];

function nb201OneHot(ops: readonly string[]): number[] {
  const f = new Array<number>(6 * 5).fill(0);
  ops.forEach((op, e) => {
    const k = NB201_OP_ORDER.indexOf(op);
    if (k >= 0) f[e * 5 + k] = 1;
  });
  return f;
}

function nb201Structure(ops: readonly string[]): number[] {
  const f: number[] = [];
  const live = new Array<boolean>(6).fill(false);
  let alive = 0;
  let maxConv = 0;
  let minConv = Infinity;
  for (const path of NB201_PATHS) {
    const ok = path.every((e) => ops[e] !== 'none');
    const count = (op: string) => (ok ? path.filter((e) => ops[e] === op).length : 0);
    const c3 = count('nor_conv_3x3');
    const c1 = count('nor_conv_1x1');
    f.push(ok ? 1 : 0, c3, c1, count('avg_pool_3x3'), count('skip_connect'));
    if (ok) {
      alive++;
      for (const e of path) live[e] = true;
      maxConv = Math.max(maxConv, c3 + c1);
      minConv = Math.min(minConv, c3 + c1);
    }
  }
  for (const op of ['nor_conv_3x3', 'nor_conv_1x1', 'avg_pool_3x3', 'skip_connect']) f.push(ops.filter((o, e) => live[e] && o === op).length);
  f.push(alive, maxConv, alive ? minConv : 0, alive ? 1 : 0);
  return f;
}

/** Live vertices of an NB101 cell: reachable from the input and reaching the output. */
function nb101Live(matrix: readonly (readonly number[])[]): boolean[] {
  const n = matrix.length;
  const fwd = new Array<boolean>(n).fill(false);
  const bwd = new Array<boolean>(n).fill(false);
  fwd[0] = true;
  for (let i = 0; i < n; i++) if (fwd[i]) for (let j = i + 1; j < n; j++) if (matrix[i][j]) fwd[j] = true;
  bwd[n - 1] = true;
  for (let j = n - 1; j >= 0; j--) if (bwd[j]) for (let i = 0; i < j; i++) if (matrix[i][j]) bwd[i] = true;
  return fwd.map((x, i) => x && bwd[i]);
}

function nb101Pruned(spec: { matrix: number[][]; ops: string[] }): { m: number[][]; ops: string[] } {
  const live = nb101Live(spec.matrix);
  const keep = live.map((x, i) => (x ? i : -1)).filter((i) => i >= 0);
  return { m: keep.map((i) => keep.map((j) => spec.matrix[i][j])), ops: keep.map((i) => spec.ops[i]) };
}

function nb101OneHot(spec: { matrix: number[][]; ops: string[] }): number[] {
  const { m, ops } = nb101Pruned(spec);
  const v = m.length;
  // Vertices keep their order; the output goes to slot 6.
  const slot = (i: number) => (i === v - 1 ? 6 : Math.min(i, 5));
  const f = new Array<number>(5 * 3 + 21).fill(0);
  for (let i = 1; i < v - 1 && i <= 5; i++) {
    const k = NB101_INTERIOR.indexOf(ops[i]);
    if (k >= 0) f[(i - 1) * 3 + k] = 1;
  }
  const tri = (a: number, b: number) => 15 + (a * (13 - a)) / 2 + (b - a - 1);
  for (let i = 0; i < v; i++) for (let j = i + 1; j < v; j++) if (m[i][j] && slot(i) < slot(j)) f[tri(slot(i), slot(j))] = 1;
  return f;
}

function nb101Structure(spec: { matrix: number[][]; ops: string[] }): number[] {
  const { m, ops } = nb101Pruned(spec);
  const v = m.length;
  let edges = 0;
  for (const row of m) for (const x of row) edges += x ? 1 : 0;
  // Paths input→output, each with its number of conv3x3 / conv1x1 / maxpool.
  const counts = Array.from({ length: v }, () => [] as number[][]);
  if (v) counts[0] = [[0, 0, 0, 0]];
  for (let j = 1; j < v; j++) {
    for (let i = 0; i < j; i++) {
      if (!m[i][j]) continue;
      for (const p of counts[i]) {
        const q = p.slice();
        const k = NB101_INTERIOR.indexOf(ops[j]);
        if (k >= 0) q[k]++;
        q[3]++;
        counts[j].push(q);
      }
    }
  }
  const paths = v ? counts[v - 1] : [];
  const max = (k: number) => paths.reduce((s, p) => Math.max(s, p[k]), 0);
  const mean = (k: number) => paths.reduce((s, p) => s + p[k], 0) / Math.max(paths.length, 1);
  return [
    ...NB101_INTERIOR.map((op) => ops.filter((o) => o === op).length),
    v, edges, paths.length, v > 1 && m[0][v - 1] ? 1 : 0,
    max(3), max(0), mean(0), mean(1), mean(2), paths.length ? Math.min(...paths.map((p) => p[3])) : 0,
  ];
}

function dartsOneHot(g: readonly [string, number][]): number[] {
  const f = new Array<number>(8 * 13).fill(0);
  g.slice(0, 8).forEach(([op, input], i) => {
    const k = DARTS_OP_ORDER.indexOf(op);
    if (k >= 0) f[i * 13 + k] = 1;
    if (input >= 0 && input < 5) f[i * 13 + 8 + input] = 1;
  });
  return f;
}

function dartsStructure(g: readonly [string, number][]): number[] {
  const counts = DARTS_OP_ORDER.map((op) => g.filter(([o]) => o === op).length);
  // Depth in intermediate nodes (node 2+b's depth = 1 + deepest input), and parameterised ops on the deepest chain.
  const depth = [0, 0];
  for (let b = 0; b < 4; b++) {
    const ins = g.slice(2 * b, 2 * b + 2).map(([, i]) => depth[i] ?? 0);
    depth.push(1 + Math.max(...ins, 0));
  }
  const fromInputs = g.filter(([, i]) => i < 2).length;
  const used = new Set(g.map(([, i]) => i));
  const leaves = [2, 3, 4, 5].filter((nd) => !used.has(nd)).length;
  return [...counts, Math.max(...depth), fromInputs, leaves];
}

/** The feature vector of a cell; same length for every cell of a space. */
export function cellFeatures(spec: CellSpec, set: FeatureSet): number[] {
  const parts: number[][] = [];
  const want = (s: 'onehot' | 'structure') => set === s || set === 'discrete';
  switch (spec.space) {
    case 'nasbench201':
      if (want('onehot')) parts.push(nb201OneHot(spec.ops));
      if (want('structure')) parts.push(nb201Structure(spec.ops));
      break;
    case 'nasbench101':
      if (want('onehot')) parts.push(nb101OneHot(spec));
      if (want('structure')) parts.push(nb101Structure(spec));
      break;
    case 'darts':
      if (want('onehot')) parts.push(dartsOneHot(spec.normal), dartsOneHot(spec.reduce));
      if (want('structure')) parts.push(dartsStructure(spec.normal), dartsStructure(spec.reduce));
      break;
  }
  return parts.flat();
}

/** Row-major matrix of features for many cells of one space. */
export function featureMatrix(specs: readonly CellSpec[], set: FeatureSet): { x: Float64Array; d: number } {
  const rows = specs.map((s) => cellFeatures(s, set));
  const d = rows[0]?.length ?? 0;
  const x = new Float64Array(rows.length * d);
  rows.forEach((r, i) => x.set(r, i * d));
  return { x, d };
}
