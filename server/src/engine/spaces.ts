/**
 * The engine's side of each space module (Node-only: datasets, tables): the data arch2vec trains on
 * and whose rows a model's embedding table holds, and how a spec maps to a row and back. Keyed like the
 * core registry (core/spaces), whose pure parts (checks, encoding, notation) it complements.
 */
import type { CellSpec } from '../protocol/cells';
import type { SpaceId } from '../protocol/values';
import { computeFacts } from '../core/cellSpec';
import { nb201Index, nb201OpsAt, nb201Table } from '../core/spaces/nasbench201';
import type { SpecOf } from '../core/spaces/space';
import { sampleDarts, type DartsDataset } from './data/dartsSample';
import type { Dataset, ProgressFn } from './data/dataset';
import { loadOrBuildNb101, type Nb101Dataset } from './data/nasbench101Data';
import { loadNb201 } from './data/nasbench201Data';

export interface DatasetOptions {
  /** Where the NB101 enumeration cache lives. */
  cacheDir: string;
  /** DARTS pool size and sampling seed. */
  dartsPool: number;
  seed: number;
  onProgress?: ProgressFn;
}

export interface EngineSpace<K extends SpaceId = SpaceId> {
  loadDataset(o: DatasetOptions): Dataset;
  /** What embeddings.json says row i is. */
  embeddingOrder: string;
  /** Row of the dataset holding this very architecture, or -1. */
  indexOf(ds: Dataset, spec: SpecOf<K>): number;
  /** Row i of the dataset as a spec. */
  specAt(ds: Dataset, i: number): SpecOf<K>;
  /** Where the dataset's rows come from, in words (the CLI's `enumerate` prints it). */
  sourceOf(ds: Dataset, o: DatasetOptions): string;
  /** Benchmark accuracies (percent) by row, where the space has a table. */
  accuracies?: { columns(): string[]; row(i: number): Record<string, number> };
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
  const out: Record<string, number> = {};
  for (const name of nb201AccuracyColumns()) out[name] = Math.round(t.columns.get(name)![i] * 1e4) / 1e4;
  return out;
}

export const ENGINE_SPACES: { readonly [K in SpaceId]: EngineSpace<K> } = {
  nasbench101: {
    loadDataset: (o) => loadOrBuildNb101(o.cacheDir, o.onProgress),
    embeddingOrder: 'dataset order',
    indexOf: (ds, spec) => {
      const id = computeFacts(spec).id;
      return id ? (ds as Nb101Dataset).indexOfHash(id) : -1;
    },
    specAt: (ds, i) => ({ space: 'nasbench101', ...(ds as Nb101Dataset).cell(i) }),
    sourceOf: (ds) => (ds as Nb101Dataset).source,
  },
  nasbench201: {
    loadDataset: () => loadNb201(),
    embeddingOrder: 'NAS-Bench-201 index',
    indexOf: (_ds, spec) => nb201Index(spec.ops),
    specAt: (_ds, i) => ({ space: 'nasbench201', ops: nb201OpsAt(i) }),
    sourceOf: () => 'shipped NAS-Bench-201 table',
    accuracies: { columns: nb201AccuracyColumns, row: nb201Accuracies },
  },
  darts: {
    loadDataset: (o) => sampleDarts({ count: o.dartsPool, seed: o.seed }),
    embeddingOrder: 'dataset order',
    // arch2vec embeds the normal cell only.
    indexOf: (ds, spec) => (ds as DartsDataset).indexOf(spec.normal),
    specAt: (ds, i) => {
      const g = (ds as DartsDataset).genotype(i);
      return { space: 'darts', normal: g, reduce: g, reduceGiven: false };
    },
    sourceOf: (_ds, o) => `seeded sample of ${o.dartsPool} unique genotypes`,
  },
};

/** The engine side of the spec's space, typed for that spec. */
export function engineSpaceOf<S extends CellSpec>(spec: S): EngineSpace & { indexOf(ds: Dataset, spec: S): number } {
  return ENGINE_SPACES[spec.space] as never;
}
