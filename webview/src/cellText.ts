/**
 * Cell text for the pages' "Insert" actions: the server's own writer (core/notation.ts, free of Node
 * imports), plus the names and metrics a table row's cell gets.
 */
import type { CellSpec } from '../../server/src/protocol';

import { cellText } from '../../server/src/core/notation';
import { nb201RowMetrics } from '../../server/src/core/benchmarkMetrics';

export { cellText };

const SPACE_PREFIX: Record<CellSpec['space'], string> = { nasbench201: 'nb201', nasbench101: 'nb101', darts: 'darts' };

/** A cell name for table row `index` that the parser accepts (`[A-Za-z_][A-Za-z0-9_.-]*`), as the CLI names them. */
export const rowCellName = (space: CellSpec['space'], index: number) => `${SPACE_PREFIX[space]}_${index}`;

/**
 * Metrics to write with a table row's cell, named as the examples name them: `accuracy` (CIFAR-10
 * test) and `val_accuracy` (CIFAR-10 validation), only finite values (core/benchmarkMetrics.ts).
 */
export function rowMetrics(accuracies: Record<string, number> | undefined): Record<string, number> {
  return nb201RowMetrics(accuracies).metrics;
}

/** A table row's cell as Insert writes it: its metrics with comments naming dataset, split and epochs. */
export function rowCellText(name: string, spec: CellSpec, accuracies: Record<string, number> | undefined): string {
  const m = nb201RowMetrics(accuracies);
  return cellText(name, spec, m.metrics, m.notes);
}
