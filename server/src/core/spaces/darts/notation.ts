/** DARTS in `.cells` syntax: genotypes. Pure (the webview bundles it). */
import type { CellSpec, Genotype } from '../../../protocol/cells';

export function formatGenotype(g: Genotype): string {
  return g.map(([op, i]) => `${op} ${i}`).join(', ');
}

/** The cell's architecture properties (reduce only when written: it defaults to normal). */
export function dartsCellLines(spec: Extract<CellSpec, { space: 'darts' }>): string[] {
  return [`  normal: ${formatGenotype(spec.normal)}`, ...(spec.reduceGiven ? [`  reduce: ${formatGenotype(spec.reduce)}`] : [])];
}
