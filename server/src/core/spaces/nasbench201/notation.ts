/** NAS-Bench-201 in `.cells` syntax: arch strings. Pure (the webview bundles it). */
import type { CellSpec } from '../../../protocol/cells';

/** (source, target) cell nodes of NAS-Bench-201's 6 edges, in arch-string order. */
export const NB201_EDGES: readonly (readonly [number, number])[] = [[0, 1], [0, 2], [1, 2], [0, 3], [1, 3], [2, 3]];

export function formatArch(ops: readonly string[]): string {
  const e = ops.map((op, i) => `${op}~${NB201_EDGES[i][0]}`);
  return `|${e[0]}|+|${e[1]}|${e[2]}|+|${e[3]}|${e[4]}|${e[5]}|`;
}

/** The cell's architecture properties. */
export function nb201CellLines(spec: Extract<CellSpec, { space: 'nasbench201' }>): string[] {
  return [`  arch: ${formatArch(spec.ops)}`];
}
