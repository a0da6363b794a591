/** `.cells` text for matrices, op lists and whole cells; what quick fixes and suggestions insert. */
import { matrixLines } from './notation';
import { NB201_ADJACENCY, nb201NodeOps } from './spaces/nasbench201/encoding';

export { cellText, matrixLines } from './notation';

/** NAS-Bench-201 8-node op-on-node form, as `ops:` and `matrix:` property lines. */
export function nb201NodeFormLines(ops: readonly string[]): string[] {
  return [`  ops: ${nb201NodeOps(ops).join(' ')}`, '  matrix:', ...matrixLines(NB201_ADJACENCY)];
}
