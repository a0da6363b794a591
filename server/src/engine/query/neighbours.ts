/** The k nearest architectures of a cell in a model's embedding space, described for display. */
import type { Neighbour } from '../../protocol';
import { computeFacts, type CellSpec } from '../../core/cellSpec';
import { formatGenotype } from '../../core/spaces/darts';
import { formatArch, nb201Index, nb201OpsAt, nb201Table } from '../../core/spaces/nasbench201';
import type { DartsDataset } from '../data/dartsSample';
import type { Nb101Dataset } from '../data/nasbench101Data';
import { EngineError } from './errors';
import { knn } from './knn';
import type { QueryModel } from './model';

/** Row of the model's table holding this very architecture, or null when the space has no such row. */
export function tableIndexOf(qm: QueryModel, spec: CellSpec): number | null {
  let i = -1;
  switch (spec.space) {
    case 'nasbench201':
      i = nb201Index(spec.ops);
      break;
    case 'nasbench101': {
      const id = computeFacts(spec).id;
      i = id ? (qm.dataset() as Nb101Dataset).indexOfHash(id) : -1;
      break;
    }
    case 'darts':
      // arch2vec embeds the normal cell only.
      i = (qm.dataset() as DartsDataset).indexOf(spec.normal);
      break;
  }
  return i >= 0 && i < qm.embeddings().index.count ? i : null;
}

/** One-line id of a spec: NB201 arch string, NB101 hash, DARTS normal genotype. */
export function archOf(spec: CellSpec): string {
  switch (spec.space) {
    case 'nasbench201': return formatArch(spec.ops);
    case 'nasbench101': return computeFacts(spec).id || '(invalid)';
    case 'darts': return formatGenotype(spec.normal);
  }
}

let accColumns: string[] | undefined;

/** The shipped NB201 table's accuracy columns (percent). */
export function nb201AccuracyColumns(): string[] {
  accColumns ??= nb201Table().header.columns.map((c) => c.name).filter((n) => n.endsWith('_acc'));
  return accColumns;
}

/** NB201 benchmark accuracies (percent) of index i: every `*_acc` column of the shipped table. */
export function nb201Accuracies(i: number): Record<string, number> {
  const t = nb201Table();
  nb201AccuracyColumns();
  const out: Record<string, number> = {};
  for (const name of accColumns!) out[name] = Math.round(t.columns.get(name)![i] * 1e4) / 1e4;
  return out;
}

/** Row i of the model's dataset as a spec. */
export function specAt(qm: QueryModel, i: number): CellSpec {
  switch (qm.space) {
    case 'nasbench201': return { space: 'nasbench201', ops: nb201OpsAt(i) };
    case 'nasbench101': return { space: 'nasbench101', ...(qm.dataset() as Nb101Dataset).cell(i) };
    case 'darts': {
      const g = (qm.dataset() as DartsDataset).genotype(i);
      return { space: 'darts', normal: g, reduce: g, reduceGiven: false };
    }
  }
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
    if (qm.space === 'nasbench201') n.accuracies = nb201Accuracies(h.index);
    return n;
  });
  return { index: self, embedding: q, neighbours };
}
