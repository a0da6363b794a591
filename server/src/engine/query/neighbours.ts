/** The k nearest architectures of a cell in a model's embedding space, described for display. */
import type { Neighbour } from '../../protocol';
import type { CellSpec } from '../../core/cellSpec';
import { spaceOf } from '../../core/spaces';
import { engineSpaceOf, ENGINE_SPACES, nb201AccuracyColumns, nb201Accuracies } from '../spaces';
import { EngineError } from '../errors';
import { knn } from './knn';
import type { QueryModel } from './model';
import { costFields } from './listedCells';

/** Row of the model's table holding this very architecture, or null when the space has no such row. */
export function tableIndexOf(qm: QueryModel, spec: CellSpec): number | null {
  const i = engineSpaceOf(spec).indexOf(qm.dataset(), spec);
  return i >= 0 && i < qm.embeddings().index.count ? i : null;
}

/** One-line id of a spec: NB201 arch string, NB101 hash, DARTS normal genotype. */
export function archOf(spec: CellSpec): string {
  return spaceOf(spec).arch(spec);
}

export { nb201AccuracyColumns, nb201Accuracies };

/** Row i of the model's dataset as a spec. */
export function specAt(qm: QueryModel, i: number): CellSpec {
  return ENGINE_SPACES[qm.space].specAt(qm.dataset(), i);
}

export interface NeighboursOf {
  index: number | null;
  embedding: Float32Array;
  neighbours: Neighbour[];
}

export async function neighboursOf(qm: QueryModel, spec: CellSpec, k: number): Promise<NeighboursOf> {
  if (spec.space !== qm.space) throw new EngineError('badInput', `the cell is ${spec.space} but the model (${qm.dir}) is ${qm.space}`);
  if (!(Number.isInteger(k) && k >= 1)) throw new EngineError('badInput', `k must be a positive integer, got ${k}`);
  const { index: tableIndex, data } = qm.embeddings();
  const dim = tableIndex.dim;
  const self = tableIndexOf(qm, spec);
  // A cell of the space uses its own row, so it is its own nearest neighbour at exactly 0.
  const q = self !== null ? data.slice(self * dim, (self + 1) * dim) : await qm.embedSpecs([spec]);
  for (const x of q) if (!Number.isFinite(x)) throw new EngineError('badModelDir', `${qm.dir}: the model embeds this cell to non-finite values: its weights are corrupt (retrain, or use the shipped model)`);
  const hits = knn(data, dim, q, k, self !== null ? { prefer: self } : {});
  // Finite inputs can still overflow float32 arithmetic: never answer with a non-finite distance.
  const bad = hits.find((h) => !Number.isFinite(h.distance));
  if (bad) throw new EngineError('badModelDir', `${qm.dir}: embedding row ${bad.index} gives a non-finite distance: the embedding table is corrupt; re-embed (\`arch2vec pretrain --space ${qm.space} --resume --out ${qm.dir}\`), retrain, or use the shipped model`);
  const neighbours = hits.map((h, r): Neighbour => {
    const s = specAt(qm, h.index);
    const n: Neighbour = { rank: r + 1, index: h.index, distance: h.distance, arch: archOf(s), spec: s };
    const acc = ENGINE_SPACES[qm.space].accuracies;
    if (acc) n.accuracies = acc.row(h.index);
    return Object.assign(n, costFields(s));
  });
  return { index: self, embedding: q, neighbours };
}
