/**
 * "Suggest similar": among a cell's latent-space neighbours, the ones worth trying next. Where the
 * space has benchmark accuracies (NAS-Bench-201) those that beat the cell, best first; elsewhere the
 * nearest. Cells already in the file are left out. Pure (tested without an editor).
 */
import type { EngineNeighboursResult, Neighbour, SearchDatasetName } from '../../server/src/protocol';

/** Which NB201 table column ranks suggestions for each dataset of the search settings. */
export const RANK_COLUMN: Record<SearchDatasetName, string> = {
  cifar10: 'cifar10_valid_valid_acc',
  cifar100: 'cifar100_test_acc',
  'imagenet16-120': 'imagenet16_120_test_acc',
};

export function rankSimilar(r: EngineNeighboursResult, dataset: SearchDatasetName, k: number, inFile: (n: Neighbour) => boolean): { neighbours: Neighbour[]; queryAccuracies?: Record<string, number>; note?: string } {
  const column = RANK_COLUMN[dataset];
  const self = r.query.index !== null ? r.neighbours.find((n) => n.index === r.query.index) : undefined;
  const others = r.neighbours.filter((n) => n.index !== r.query.index && !inFile(n));
  const scored = others.filter((n) => typeof n.accuracies?.[column] === 'number');
  if (scored.length === 0) {
    return { neighbours: others.slice(0, k).map((n, i) => ({ ...n, rank: i + 1 })), note: `no benchmark accuracies for ${r.space}: the nearest cells not in the file` };
  }
  const base = self?.accuracies?.[column];
  const better = base === undefined ? scored : scored.filter((n) => n.accuracies![column] > base);
  const pool = better.length ? better : scored;
  const out = [...pool].sort((a, b) => b.accuracies![column] - a.accuracies![column] || a.distance - b.distance).slice(0, k).map((n, i) => ({ ...n, rank: i + 1 }));
  const note = better.length === 0 && base !== undefined ? `no cell among the ${r.neighbours.length} nearest beats this one on ${column}; the best of them` : undefined;
  return { neighbours: out, ...(self?.accuracies ? { queryAccuracies: self.accuracies } : {}), ...(note ? { note } : {}) };
}
