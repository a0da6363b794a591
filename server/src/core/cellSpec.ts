/** Space-independent operations on a cell spec; each dispatches to the spec's space module. */
import type { CellSpec, Matrix } from '../protocol/cells';
import { spaceOf } from './spaces';
import type { CellFacts } from './spaces/space';

export type { CellFacts, CellSpec };
export { MAX_HASHED_VERTICES } from './spaces/nasbench101';

/** A stable text key of the spec, for caching facts across validations. */
export function specKey(spec: CellSpec): string {
  return spaceOf(spec).specKey(spec);
}

export function computeFacts(spec: CellSpec): CellFacts {
  return spaceOf(spec).facts(spec);
}

/** arch2vec's fixed-size (adjacency, one-hot ops) pair for the cell (DARTS: the normal cell, as the reference). */
export function encodeCell(spec: CellSpec): { adjacency: Matrix; ops: number[][] } {
  return spaceOf(spec).encode(spec);
}
