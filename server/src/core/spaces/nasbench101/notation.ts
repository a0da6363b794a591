/** NAS-Bench-101 in `.cells` syntax: op lists and matrices. Pure (the webview bundles it). */
import type { CellSpec } from '../../../protocol/cells';

export function matrixLines(m: readonly (readonly number[])[], indent = '    '): string[] {
  return m.map((row) => indent + row.join(' '));
}

/** The cell's architecture properties. */
export function nb101CellLines(spec: Extract<CellSpec, { space: 'nasbench101' }>): string[] {
  return [`  ops: ${spec.ops.join(' ')}`, '  matrix:', ...matrixLines(spec.matrix)];
}
