import type { SpaceId } from '../../core/spaces';
import { hashModule } from '../../core/spaces/graphHash';
import { NB101_ONEHOT_OPS, nb101Violations, prune } from '../../core/spaces/nasbench101';
import { NB201_ADJACENCY } from '../../core/spaces/nasbench201';

/**
 * Validity of a decoded graph exactly as the reference judges it (docs/reference-notes.md §3.2), quirks included: NB101 runs
 * the benchmark's own rules on the 7-node graph (so index 6 must decode as `output`); NB201 looks only
 * at op labels of nodes 0 and 2..7 (node 1 unchecked, adjacency ignored); DARTS checks labels and that
 * each op-node pair has an in-edge from an allowed earlier node.
 */
export function isValidDecoded(space: SpaceId, adj: number[][], labels: number[]): boolean {
  const n = labels.length;
  switch (space) {
    case 'nasbench101': {
      const ops = labels.map((l) => NB101_ONEHOT_OPS[l]);
      return nb101Violations(prune({ matrix: adj, ops })).length === 0;
    }
    case 'nasbench201': {
      if (labels[0] !== 0 || labels[n - 1] !== 6) return false;
      for (let i = 2; i < n - 1; i++) if (labels[i] < 1 || labels[i] > 5) return false;
      return true;
    }
    case 'darts': {
      if (labels[0] !== 0 || labels[1] !== 1 || labels[n - 1] !== 10) return false;
      for (let i = 2; i < 10; i++) if (labels[i] < 2 || labels[i] > 9) return false;
      // Op-nodes 2b, 2b+1 (b = block) need an in-edge from nodes 0..2b+1.
      for (let node = 2; node < 10; node++) {
        const limit = 2 + 2 * Math.floor((node - 2) / 2);
        let ok = false;
        for (let s = 0; s < limit; s++) if (adj[s][node]) ok = true;
        if (!ok) return false;
      }
      return true;
    }
  }
}

/**
 * Our stricter validity: the decoded graph must BE a cell of the space, not merely pass the
 * reference's partial checks. NB101: reference-valid, nothing to prune, every interior label an op.
 * NB201: all 8 labels right (node 1 included) and exactly the fixed topology. DARTS: all labels right
 * and exactly the edges a genotype produces (each op-node fed by one cell input or by both op-nodes of
 * one earlier block, every op-node into the output, nothing else).
 */
export function isStrictlyValid(space: SpaceId, adj: number[][], labels: number[]): boolean {
  const n = labels.length;
  switch (space) {
    case 'nasbench101': {
      const ops = labels.map((l) => NB101_ONEHOT_OPS[l]);
      const p = prune({ matrix: adj, ops });
      return nb101Violations(p).length === 0 && p.removed.length === 0 && labels.slice(1, -1).every((l) => l >= 1 && l <= 3);
    }
    case 'nasbench201': {
      if (labels[0] !== 0 || labels[n - 1] !== 6) return false;
      for (let i = 1; i < n - 1; i++) if (labels[i] < 1 || labels[i] > 5) return false;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if ((adj[i][j] ? 1 : 0) !== NB201_ADJACENCY[i][j]) return false;
      return true;
    }
    case 'darts': {
      if (!isValidDecoded(space, adj, labels)) return false;
      for (let node = 2; node < 10; node++) {
        const block = Math.floor((node - 2) / 2);
        const src: number[] = [];
        for (let s = 0; s < n; s++) if (adj[s][node]) src.push(s);
        const fromInput = src.length === 1 && src[0] < 2;
        const fromBlock = src.length === 2 && src[0] >= 2 && src[0] % 2 === 0 && src[1] === src[0] + 1 && (src[0] - 2) / 2 < block;
        if (!fromInput && !fromBlock) return false;
        if (!adj[node][10]) return false;
        for (let t = 0; t < n; t++) if (adj[node][t] && t !== 10 && !(t >= 2 && t < 10)) return false;
      }
      // Op-node → op-node edges must come in block pairs feeding a later node (checked above per target);
      // no edge may leave the cell inputs for the output directly.
      return !adj[0][10] && !adj[1][10];
    }
  }
}

/** The reference's uniqueness fingerprint: hash_module on the unpruned decoded graph. */
export function decodedFingerprint(adj: number[][], labels: number[]): string {
  return hashModule(adj, labels);
}

/** Decodes one sample from row-major probabilities: op = argmax, edge = strict upper triangle p > 0.5. */
export function decodeSample(opsP: Float32Array, adjP: Float32Array, offset: number, n: number, d: number): { adj: number[][]; labels: number[] } {
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < d; j++) if (opsP[offset * n * d + i * d + j] > opsP[offset * n * d + i * d + best]) best = j;
    labels.push(best);
  }
  const adj = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (j > i && adjP[offset * n * n + i * n + j] > 0.5 ? 1 : 0)));
  return { adj, labels };
}
