import type { CellSpec } from './cellSpec';
import { formatGenotype } from './spaces/darts';
import { formatArch, NB201_ADJACENCY, nb201NodeOps } from './spaces/nasbench201';

/** `.cells` text for matrices, op lists and whole cells; what quick fixes and suggestions insert. */
export function matrixLines(m: readonly (readonly number[])[], indent = '    '): string[] {
  return m.map((row) => indent + row.join(' '));
}

export function cellText(name: string, spec: CellSpec, metrics: Record<string, number> = {}): string {
  const lines = [`cell ${name}`, `  space: ${spec.space}`];
  switch (spec.space) {
    case 'nasbench101':
      lines.push(`  ops: ${spec.ops.join(' ')}`, '  matrix:', ...matrixLines(spec.matrix));
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

/** NAS-Bench-201 8-node op-on-node form, as `ops:` and `matrix:` property lines. */
export function nb201NodeFormLines(ops: readonly string[]): string[] {
  return [`  ops: ${nb201NodeOps(ops).join(' ')}`, '  matrix:', ...matrixLines(NB201_ADJACENCY)];
}
