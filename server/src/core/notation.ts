/**
 * The `.cells` notation of a cell: NB201 arch strings, DARTS genotypes, NB101 matrices and whole
 * cells. Kept free of Node imports (the spaces' tables and hashes live elsewhere) so the webview
 * pages bundle the very same writer the server and CLI use.
 */
import type { CellSpec, Genotype } from '../protocol/cells';

/** (source, target) cell nodes of NAS-Bench-201's 6 edges, in arch-string order. */
export const NB201_EDGES: readonly (readonly [number, number])[] = [[0, 1], [0, 2], [1, 2], [0, 3], [1, 3], [2, 3]];

export function formatArch(ops: readonly string[]): string {
  const e = ops.map((op, i) => `${op}~${NB201_EDGES[i][0]}`);
  return `|${e[0]}|+|${e[1]}|${e[2]}|+|${e[3]}|${e[4]}|${e[5]}|`;
}

export function formatGenotype(g: Genotype): string {
  return g.map(([op, i]) => `${op} ${i}`).join(', ');
}

export function matrixLines(m: readonly (readonly number[])[], indent = '    '): string[] {
  return m.map((row) => indent + row.join(' '));
}

/** One cell in `.cells` syntax (what quick fixes, suggestions and the views' Insert write). */
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
