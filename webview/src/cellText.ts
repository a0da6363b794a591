/**
 * Cell text for the pages' "Insert" actions: the server's own writer (core/notation.ts, free of Node
 * imports), plus the names and metrics a table row's cell gets.
 */
import type { CellSpec } from '../../server/src/protocol';

export { cellText } from '../../server/src/core/notation';

const SPACE_PREFIX: Record<CellSpec['space'], string> = { nasbench201: 'nb201', nasbench101: 'nb101', darts: 'darts' };

/** A cell name for table row `index` that the parser accepts (`[A-Za-z_][A-Za-z0-9_.-]*`), as the CLI names them. */
export const rowCellName = (space: CellSpec['space'], index: number) => `${SPACE_PREFIX[space]}_${index}`;

/**
 * Metrics to write with a table row's cell: the CIFAR-10 validation and test accuracies when the
 * benchmark has them (what `arch2vec neighbours` writes), only finite values.
 */
export function rowMetrics(accuracies: Record<string, number> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  const val = accuracies?.cifar10_valid_valid_acc;
  const test = accuracies?.cifar10_test_acc;
  if (typeof val === 'number' && Number.isFinite(val)) out.val_accuracy = val;
  if (typeof test === 'number' && Number.isFinite(test)) out.test_accuracy = test;
  return out;
}
