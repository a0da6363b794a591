import { DARTS_OPS } from './darts';
import { NB101_OPS } from './nasbench101';
import { NB201_OPS } from './nasbench201';

import { isSpaceId, SPACE_IDS, type SpaceId } from '../../protocol/values';

export { isSpaceId, SPACE_IDS, type SpaceId };

export interface SpaceInfo {
  id: SpaceId;
  title: string;
  /** Ops a user may write in this space's op positions (for completion and suggestions). */
  ops: readonly string[];
  /** Keys that describe the architecture in this space. */
  keys: readonly string[];
  summary: string;
}

export const SPACES: Record<SpaceId, SpaceInfo> = {
  nasbench101: {
    id: 'nasbench101', title: 'NAS-Bench-101', ops: NB101_OPS, keys: ['ops', 'matrix'],
    summary: 'Up to 7 vertices and 9 edges (after pruning); ops conv3x3-bn-relu, conv1x1-bn-relu, maxpool3x3 between input and output.',
  },
  nasbench201: {
    id: 'nasbench201', title: 'NAS-Bench-201', ops: NB201_OPS, keys: ['arch', 'ops', 'matrix'],
    summary: '15,625 cells: 6 edges over 4 nodes, each none, skip_connect, nor_conv_1x1, nor_conv_3x3 or avg_pool_3x3.',
  },
  darts: {
    id: 'darts', title: 'DARTS', ops: DARTS_OPS, keys: ['normal', 'reduce'],
    summary: 'Normal and reduction cells of 4 intermediate nodes, each summing 2 (op, input) edges.',
  },
};


/** Measured-metric keys any cell may carry. */
export const METRIC_KEYS: Record<string, { description: string; min: number; max: number; percent?: boolean }> = {
  accuracy: { description: 'Measured accuracy in percent (what `--objective file` searches from).', min: 0, max: 100, percent: true },
  val_accuracy: { description: 'Validation accuracy in percent.', min: 0, max: 100, percent: true },
  test_accuracy: { description: 'Test accuracy in percent.', min: 0, max: 100, percent: true },
  train_seconds: { description: 'Training time in seconds.', min: 0, max: Number.MAX_VALUE },
  params: { description: 'Parameter count (any unit you use consistently, e.g. millions).', min: 0, max: Number.MAX_VALUE },
  flops: { description: 'FLOPs or MACs (any unit you use consistently).', min: 0, max: Number.MAX_VALUE },
};

export const KEY_DOCS: Record<string, string> = {
  space: 'Search space of this cell: `nasbench101`, `nasbench201` or `darts`. Overrides the file-level `space` line.',
  ops: 'Operations, one per vertex, `input` first and `output` last. NAS-Bench-201 accepts its 8-node op-on-node form here.',
  matrix: 'Adjacency matrix (row = source, column = target), upper triangular 0/1; one row per line, `0 1 0` or `[0, 1, 0]`.',
  arch: 'NAS-Bench-201 arch string, e.g. `|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|`.',
  normal: 'DARTS normal cell: 8 `op input` pairs separated by commas, two per intermediate node.',
  reduce: 'DARTS reduction cell: 8 `op input` pairs. Defaults to the normal cell, as arch2vec assumes.',
  ...Object.fromEntries(Object.entries(METRIC_KEYS).map(([k, v]) => [k, v.description])),
};

export const ALL_KEYS = Object.keys(KEY_DOCS);
