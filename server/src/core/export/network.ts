/**
 * Which network a cell is exported into / costed in: each benchmark's own training network, with the
 * knobs users change (dataset → classes and input size, channels, cells, DARTS' auxiliary head).
 * Defaults are the benchmarks' own settings, so a default export is the network the benchmark trained.
 */
import type { SpaceId } from '../spaces';

export const EXPORT_DATASETS = ['cifar10', 'cifar100', 'imagenet16-120', 'imagenet'] as const;
export type ExportDataset = (typeof EXPORT_DATASETS)[number];

export function isExportDataset(s: string): s is ExportDataset {
  return (EXPORT_DATASETS as readonly string[]).includes(s);
}

export interface NetworkOptions {
  dataset?: ExportDataset;
  /** NB101: stem channels (128); NB201: first-stage channels (16); DARTS: initial channels C (36 CIFAR, 48 ImageNet). */
  channels?: number;
  /** NB101: cells per stack (3); NB201: cells per stage (5); DARTS: total cells (20 CIFAR, 14 ImageNet). */
  cells?: number;
  /** DARTS only: build the auxiliary head (default on, as DARTS trained). */
  auxiliary?: boolean;
}

/** A fully resolved network: every number the code generator and the cost model use. */
export interface NetworkConfig {
  space: SpaceId;
  dataset: ExportDataset;
  classes: number;
  /** Square input side the FLOPs are counted at. */
  inputSize: number;
  channels: number;
  cells: number;
  auxiliary: boolean;
  /** DARTS: which of its two networks. */
  variant: 'nb101' | 'nb201' | 'darts-cifar' | 'darts-imagenet';
  /** One line naming the benchmark network, for headers and hovers. */
  title: string;
}

export class NetworkOptionError extends Error {}

const CLASSES: Record<ExportDataset, number> = { cifar10: 10, cifar100: 100, 'imagenet16-120': 120, imagenet: 1000 };
const INPUT: Record<ExportDataset, number> = { cifar10: 32, cifar100: 32, 'imagenet16-120': 16, imagenet: 224 };
const DATASET_LABEL: Record<ExportDataset, string> = { cifar10: 'CIFAR-10', cifar100: 'CIFAR-100', 'imagenet16-120': 'ImageNet16-120', imagenet: 'ImageNet' };

/** Datasets each space's network is defined for (NB101/NB201: their training sets; DARTS: CIFAR and the mobile ImageNet setting). */
export const SPACE_DATASETS: Record<SpaceId, readonly ExportDataset[]> = {
  nasbench101: ['cifar10', 'cifar100', 'imagenet16-120'],
  nasbench201: ['cifar10', 'cifar100', 'imagenet16-120'],
  darts: ['cifar10', 'cifar100', 'imagenet'],
};

function positiveInt(name: string, v: number | undefined, fallback: number, max: number): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < 1 || v > max) throw new NetworkOptionError(`${name} must be an integer from 1 to ${max}, got ${v}`);
  return v;
}

export function resolveNetwork(space: SpaceId, o: NetworkOptions = {}): NetworkConfig {
  const dataset = o.dataset ?? 'cifar10';
  if (!SPACE_DATASETS[space].includes(dataset)) {
    throw new NetworkOptionError(`the ${space} network is defined for ${SPACE_DATASETS[space].join(', ')}, not ${dataset}`);
  }
  const base = { space, dataset, classes: CLASSES[dataset], inputSize: INPUT[dataset] };
  const ds = `${DATASET_LABEL[dataset]} (${base.classes} classes, ${base.inputSize}×${base.inputSize} input)`;
  if (space !== 'darts' && o.auxiliary) throw new NetworkOptionError(`an auxiliary head exists only in the DARTS network, not in ${space}`);
  switch (space) {
    case 'nasbench101': {
      const channels = positiveInt('channels', o.channels, 128, 4096);
      const cells = positiveInt('cells', o.cells, 3, 64);
      return { ...base, channels, cells, auxiliary: false, variant: 'nb101', title: `NAS-Bench-101 network (stem ${channels} channels, 3 stacks × ${cells} cells), ${ds}` };
    }
    case 'nasbench201': {
      const channels = positiveInt('channels', o.channels, 16, 4096);
      const cells = positiveInt('cells', o.cells, 5, 64);
      return { ...base, channels, cells, auxiliary: false, variant: 'nb201', title: `NAS-Bench-201 TinyNetwork (C=${channels}, N=${cells}: 3 stages × ${cells} cells), ${ds}` };
    }
    case 'darts': {
      const imagenet = dataset === 'imagenet';
      const channels = positiveInt('channels', o.channels, imagenet ? 48 : 36, 4096);
      // FactorizedReduce splits its output channels in two halves (DARTS asserts this).
      if (channels % 2) throw new NetworkOptionError(`the DARTS network needs an even number of channels, got ${channels}`);
      const cells = positiveInt('cells', o.cells, imagenet ? 14 : 20, 200);
      if (cells < 3) throw new NetworkOptionError(`the DARTS network needs at least 3 cells (two of them reductions), got ${cells}`);
      const auxiliary = o.auxiliary ?? true;
      const name = imagenet ? 'DARTS ImageNet network (mobile setting)' : 'DARTS CIFAR evaluation network';
      return { ...base, channels, cells, auxiliary, variant: imagenet ? 'darts-imagenet' : 'darts-cifar', title: `${name} (C=${channels}, ${cells} cells${auxiliary ? ', auxiliary head' : ''}), ${ds}` };
    }
  }
}
