/**
 * Discrete search primitives per space (issue 12): a random cell and a one-edit mutation, as the
 * baselines (random search, regularised evolution) use them on the discrete encoding. Pure and
 * seeded: every draw comes from the caller's `rng`, so equal seeds give equal cells.
 *
 * NAS-Bench-101 follows the benchmark's own rules (google-research/nasbench): a mutation works on the
 * unpruned 7-vertex matrix, flips one of its 21 upper-triangle edges or gives one of the 5 interior
 * vertices another op (the one-exchange neighbourhood arch2vec's random walks and nas_benchmarks use),
 * and is retried until the pruned cell is in the benchmark (input connected to output, ≤ 7 vertices,
 * ≤ 9 edges) and differs from the parent (a change that only touches pruned vertices is no mutation).
 * Cells in a pool are pruned, so their 7-vertex form is rebuilt first: real vertices keep their order,
 * the output moves to vertex 6 and the missing vertices come back dangling — a random op and one
 * in-edge from an earlier vertex, no out-edge, so they are pruned — which lets one flip also ADD a
 * vertex (as a dangling vertex of an unpruned NB101 spec can join the cell).
 *
 * DARTS follows arch2vec's sampling rules (§1.4): a node's two inputs are distinct and each < 2 + node.
 * A mutation changes one op (to one of the 7 others) or one input (to another allowed input, distinct
 * from its sibling's) of one of the 8 (op, input) pairs, retried until the cell's graph hash changes.
 *
 * NAS-Bench-201's mutation (one edge gets one of the 4 other ops) is here too; each space module
 * (spaces/<id>/index.ts) exposes its own as `mutate` / `random`.
 */
import { DARTS_OPS, dartsHash, type Genotype } from './darts/encoding';
import { edgeCount } from './graph';
import { NB201_OPS } from './nasbench201/encoding';
import { NB101_CANONICAL_OPS, NB101_MAX_EDGES, NB101_MAX_VERTICES, nb101Hash, prune, type Nb101Cell } from './nasbench101/encoding';

import type { DiscreteRng } from './space';

export type { DiscreteRng };

/** Tries before a mutation gives up (never reached for a cell of the space: each has valid neighbours). */
const MAX_TRIES = 10_000;

// ------------------------------------------------------------------------------------------------
// NAS-Bench-101
// ------------------------------------------------------------------------------------------------

const V = NB101_MAX_VERTICES;

/** A cell of the benchmark after pruning, or undefined: the `api.is_valid` rules. */
export function nb101Canonical(cell: Nb101Cell): Nb101Cell | undefined {
  const p = prune(cell);
  if (!p.valid || p.matrix.length > V || edgeCount(p.matrix) > NB101_MAX_EDGES) return undefined;
  if (p.ops[0] !== 'input' || p.ops[p.ops.length - 1] !== 'output') return undefined;
  for (const op of p.ops.slice(1, -1)) if (!(NB101_CANONICAL_OPS as readonly string[]).includes(op)) return undefined;
  return { matrix: p.matrix, ops: p.ops };
}

/**
 * `nasbench`'s random spec: every upper-triangle edge of a 7×7 matrix with probability 1/2, every
 * interior op uniformly, redrawn until the spec is in the benchmark. Returns the pruned cell.
 */
export function randomNb101(rng: DiscreteRng): Nb101Cell {
  for (let t = 0; t < MAX_TRIES; t++) {
    const matrix = Array.from({ length: V }, (_, r) => Array.from({ length: V }, (_, c) => (c > r && rng.float() < 0.5 ? 1 : 0)));
    const ops = ['input', ...Array.from({ length: V - 2 }, () => NB101_CANONICAL_OPS[rng.int(3)]), 'output'];
    const cell = nb101Canonical({ matrix, ops });
    if (cell) return cell;
  }
  throw new Error('randomNb101: no valid cell drawn');
}

/** The 7-vertex form of a pruned cell with its missing vertices dangling (see the file comment). */
export function nb101Unpruned(cell: Nb101Cell, rng: DiscreteRng): Nb101Cell {
  const v = cell.matrix.length;
  if (v < 2 || v > V) throw new RangeError(`nb101Unpruned: a cell has 2..${V} vertices, got ${v}`);
  // Real vertices 0..v-2 stay, the output goes to 6, vertices v-1..5 are the dangling ones.
  const place = (i: number) => (i === v - 1 ? V - 1 : i);
  const matrix = Array.from({ length: V }, () => new Array<number>(V).fill(0));
  const ops: string[] = new Array(V);
  for (let i = 0; i < v; i++) {
    ops[place(i)] = cell.ops[i];
    for (let j = 0; j < v; j++) if (cell.matrix[i][j]) matrix[place(i)][place(j)] = 1;
  }
  for (let d = v - 1; d < V - 1; d++) {
    ops[d] = NB101_CANONICAL_OPS[rng.int(3)];
    matrix[rng.int(d)][d] = 1; // one in-edge, no out-edge: pruned until a flip connects it
  }
  return { matrix, ops };
}

/** One NAS-Bench-101 mutation of a (pruned) cell; returns the pruned child, never equal to the parent. */
export function mutateNb101(cell: Nb101Cell, rng: DiscreteRng): Nb101Cell {
  const parent = nb101Canonical(cell);
  if (!parent) throw new RangeError('mutateNb101: the parent is not a NAS-Bench-101 cell');
  const parentHash = nb101Hash(parent);
  const edges = (V * (V - 1)) / 2;
  for (let t = 0; t < MAX_TRIES; t++) {
    const base = nb101Unpruned(parent, rng);
    const matrix = base.matrix.map((r) => r.slice());
    const ops = base.ops.slice();
    let k = rng.int(edges + (V - 2));
    if (k < edges) {
      let r = 0;
      while (k >= V - 1 - r) k -= V - 1 - r++;
      const c = r + 1 + k;
      matrix[r][c] = 1 - matrix[r][c];
    } else {
      const vertex = 1 + (k - edges);
      const others = NB101_CANONICAL_OPS.filter((o) => o !== ops[vertex]);
      ops[vertex] = others[rng.int(others.length)];
    }
    const child = nb101Canonical({ matrix, ops });
    if (child && nb101Hash(child) !== parentHash) return child;
  }
  throw new Error('mutateNb101: no valid mutation found');
}

// ------------------------------------------------------------------------------------------------
// DARTS
// ------------------------------------------------------------------------------------------------

/** Why a genotype breaks arch2vec's sampling rules (empty: it follows them). */
export function dartsViolations(g: Genotype): string[] {
  const out: string[] = [];
  if (g.length !== 8) return [`a DARTS cell has 8 (op, input) pairs, found ${g.length}`];
  g.forEach(([op, input], p) => {
    const node = 2 + (p >> 1);
    if (!(DARTS_OPS as readonly string[]).includes(op)) out.push(`pair ${p + 1}: unknown op '${op}'`);
    if (!(Number.isInteger(input) && input >= 0 && input < node)) out.push(`pair ${p + 1}: input ${input} of node ${node} must be 0..${node - 1}`);
    if (p % 2 === 1 && g[p - 1][1] === input) out.push(`node ${node}: both edges come from input ${input}`);
  });
  return out;
}

/** arch2vec's sampling (`gen_isomorphism_graphs.py`): per node 2 distinct inputs and 2 ops with replacement. */
export function randomDarts(rng: DiscreteRng): Genotype {
  const g: Genotype = [];
  for (let b = 0; b < 4; b++) {
    const first = rng.int(b + 2);
    let second = rng.int(b + 1);
    if (second >= first) second++;
    g.push([DARTS_OPS[rng.int(DARTS_OPS.length)], first], [DARTS_OPS[rng.int(DARTS_OPS.length)], second]);
  }
  return g;
}

/** One edit of one pair: another op, or another allowed input (distinct from the sibling's). */
function editDarts(g: Genotype, rng: DiscreteRng): Genotype {
  const child = g.map(([op, input]) => [op, input] as [string, number]);
  const p = rng.int(8);
  const node = 2 + (p >> 1);
  const sibling = child[p ^ 1][1];
  const inputs: number[] = [];
  for (let i = 0; i < node; i++) if (i !== child[p][1] && i !== sibling) inputs.push(i);
  if (inputs.length > 0 && rng.int(2) === 1) child[p][1] = inputs[rng.int(inputs.length)];
  else {
    const others = DARTS_OPS.filter((o) => o !== child[p][0]);
    child[p][0] = others[rng.int(others.length)];
  }
  return child;
}

/** One DARTS mutation; the child follows the sampling rules and is not isomorphic to the parent. */
export function mutateDarts(g: Genotype, rng: DiscreteRng): Genotype {
  const bad = dartsViolations(g);
  if (bad.length) throw new RangeError(`mutateDarts: the parent breaks the DARTS rules: ${bad.join('; ')}`);
  const h = dartsHash(g);
  for (let t = 0; t < MAX_TRIES; t++) {
    const child = editDarts(g, rng);
    if (dartsHash(child) !== h) return child;
  }
  throw new Error('mutateDarts: no mutation found');
}

/**
 * Mutates a (normal, reduce) pair: one of the two cells when they differ (each with probability 1/2),
 * both together when reduce = normal (arch2vec's convention stays in force).
 */
export function mutateDartsPair(normal: Genotype, reduce: Genotype | undefined, rng: DiscreteRng): { normal: Genotype; reduce?: Genotype } {
  if (!reduce) return { normal: mutateDarts(normal, rng) };
  return rng.int(2) === 0 ? { normal: mutateDarts(normal, rng), reduce } : { normal, reduce: mutateDarts(reduce, rng) };
}

// ------------------------------------------------------------------------------------------------
// NAS-Bench-201
// ------------------------------------------------------------------------------------------------

/** One of the 6 edges, chosen uniformly, gets one of the 4 other ops (Real et al. / NB201's REA). */
export function mutateNb201Ops(ops: readonly string[], rng: DiscreteRng): string[] {
  const out = ops.slice();
  const e = rng.int(6);
  const others = NB201_OPS.filter((o) => o !== out[e]);
  out[e] = others[rng.int(others.length)];
  return out;
}

/** A uniformly random NB201 cell (6 edge ops). */
export function randomNb201Ops(rng: DiscreteRng): string[] {
  return Array.from({ length: 6 }, () => NB201_OPS[rng.int(NB201_OPS.length)]);
}
