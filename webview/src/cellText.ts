/**
 * `.cells` text of a cell, for the pages' "Insert" actions. The same output as the server's
 * core/render.ts `cellText`, which the page bundles cannot import: its space modules also read the
 * shipped tables (node:fs) and hash with node:crypto. test/webview.test.ts checks the two agree.
 */
import type { CellSpec } from '../../server/src/protocol';

/** Sources of NB201's 6 edges in arch-string order. */
const NB201_SOURCES = [0, 0, 1, 0, 1, 2];

const formatArch = (ops: readonly string[]) => {
  const e = ops.map((op, i) => `${op}~${NB201_SOURCES[i]}`);
  return `|${e[0]}|+|${e[1]}|${e[2]}|+|${e[3]}|${e[4]}|${e[5]}|`;
};

const formatGenotype = (g: readonly (readonly [string, number])[]) => g.map(([op, i]) => `${op} ${i}`).join(', ');

export function cellText(name: string, spec: CellSpec, metrics: Record<string, number> = {}): string {
  const lines = [`cell ${name}`, `  space: ${spec.space}`];
  switch (spec.space) {
    case 'nasbench101':
      lines.push(`  ops: ${spec.ops.join(' ')}`, '  matrix:', ...spec.matrix.map((row) => '    ' + row.join(' ')));
      break;
    case 'nasbench201':
      lines.push(`  arch: ${formatArch(spec.ops)}`);
      break;
    case 'darts':
      lines.push(`  normal: ${formatGenotype(spec.normal)}`);
      if (spec.reduceGiven) lines.push(`  reduce: ${formatGenotype(spec.reduce)}`);
      break;
  }
  for (const [k, v] of Object.entries(metrics)) lines.push(`  ${k}: ${v}`);
  return lines.join('\n') + '\n';
}

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
