/** A cell as the processes exchange it: reduced to what defines its architecture. No imports. */

/** Row = source, column = target; 0/1 entries. */
export type Matrix = number[][];

/** DARTS (op, input) pairs; pairs 2b and 2b+1 feed intermediate node b (DARTS node 2+b); input < 2 + b. */
export type Genotype = [string, number][];

/** A cell reduced to what defines its architecture, independent of how it was written. */
export type CellSpec =
  | { space: 'nasbench101'; matrix: Matrix; ops: string[] }
  | { space: 'nasbench201'; ops: string[] }
  | { space: 'darts'; normal: Genotype; reduce: Genotype; reduceGiven: boolean };
