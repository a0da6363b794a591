/** The keys a cell may carry: architecture keys (per space, see each space module) and measured metrics. */

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
