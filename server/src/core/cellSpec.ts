import { edgeCount, type Matrix } from './spaces/graph';
import type { CellSpec } from '../protocol/cells';
import { dartsGraph, dartsHash, encodeDarts } from './spaces/darts';
import { encodeNb101, nb101Hash, prune } from './spaces/nasbench101';
import { encodeNb201, nb201Index, NB201_ADJACENCY, formatArch } from './spaces/nasbench201';
import type { SpaceId } from './spaces';

export type { CellSpec };

/** Larger (invalid) NB101 cells get no hash; the validator reports their size instead. */
export const MAX_HASHED_VERTICES = 12;

export interface CellFacts {
  space: SpaceId;
  vertices: number;
  edges: number;
  prunedVertices: number;
  prunedEdges: number;
  /** Canonical id: NB101 hash, NB201 index, DARTS graph hash (normal, or normal/reduce when they differ). */
  id: string;
  idKind: 'nb101-hash' | 'nb201-index' | 'darts-hash';
  /** One line: the op counts. */
  summary: string;
}

function countOps(ops: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const op of ops) if (op !== 'input' && op !== 'output') counts.set(op, (counts.get(op) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([op, n]) => `${n}× ${op}`).join(', ') || 'no operations';
}

/** A stable text key of the spec, for caching facts across validations. */
export function specKey(spec: CellSpec): string {
  switch (spec.space) {
    case 'nasbench101': return `101|${spec.ops.join(' ')}|${spec.matrix.map((r) => r.join('')).join('/')}`;
    case 'nasbench201': return `201|${spec.ops.join(' ')}`;
    case 'darts': return `darts|${JSON.stringify(spec.normal)}|${spec.reduceGiven ? JSON.stringify(spec.reduce) : '='}`;
  }
}

export function computeFacts(spec: CellSpec): CellFacts {
  switch (spec.space) {
    case 'nasbench101': {
      const p = prune(spec);
      const pm = p.valid ? p.matrix : [];
      // The hash is O(V³) md5 work; beyond the space's size it identifies nothing, so skip it there.
      const hashable = p.valid && pm.length <= MAX_HASHED_VERTICES;
      return {
        space: spec.space, vertices: spec.matrix.length, edges: edgeCount(spec.matrix),
        prunedVertices: pm.length, prunedEdges: edgeCount(pm),
        id: hashable ? nb101Hash({ matrix: p.matrix, ops: p.ops }) : '',
        idKind: 'nb101-hash', summary: countOps(p.valid ? p.ops : spec.ops),
      };
    }
    case 'nasbench201': {
      const e = edgeCount(NB201_ADJACENCY);
      return { space: spec.space, vertices: 8, edges: e, prunedVertices: 8, prunedEdges: e, id: String(nb201Index(spec.ops)), idKind: 'nb201-index', summary: countOps(spec.ops) };
    }
    case 'darts': {
      const g = dartsGraph(spec.normal);
      const e = edgeCount(g.matrix);
      const n = dartsHash(spec.normal);
      const r = spec.reduceGiven ? dartsHash(spec.reduce) : n;
      const normalOps = spec.normal.map(([op]) => op);
      const summary = spec.reduceGiven && r !== n
        ? `normal: ${countOps(normalOps)}; reduce: ${countOps(spec.reduce.map(([op]) => op))}`
        : `${countOps(normalOps)} (reduce = normal)`;
      return { space: spec.space, vertices: 11, edges: e, prunedVertices: 11, prunedEdges: e, id: r === n ? n : `${n}/${r}`, idKind: 'darts-hash', summary };
    }
  }
}

/** arch2vec's fixed-size (adjacency, one-hot ops) pair for the cell (DARTS: the normal cell, as the reference). */
export function encodeCell(spec: CellSpec): { adjacency: Matrix; ops: number[][] } {
  switch (spec.space) {
    case 'nasbench101': {
      const p = prune(spec);
      if (!p.valid) throw new Error('cannot encode a cell whose input is not connected to its output');
      return encodeNb101(p);
    }
    case 'nasbench201': return encodeNb201(spec.ops);
    case 'darts': return encodeDarts(spec.normal);
  }
}

export function describeSpecId(spec: CellSpec): string {
  return spec.space === 'nasbench201' ? formatArch(spec.ops) : specKey(spec);
}
