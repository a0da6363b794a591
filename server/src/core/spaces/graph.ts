/** Small DAG helpers shared by the spaces. Matrices are row = source, column = target. */
export type Matrix = number[][];

export function zeros(n: number, m = n): Matrix {
  return Array.from({ length: n }, () => new Array<number>(m).fill(0));
}

export function edgeCount(m: readonly (readonly number[])[]): number {
  let e = 0;
  for (const row of m) for (const x of row) e += x ? 1 : 0;
  return e;
}

/** Vertices reachable from `start` following edges forward (or backward). */
export function reachable(m: readonly (readonly number[])[], start: number, backward = false): Set<number> {
  const seen = new Set<number>([start]);
  const stack = [start];
  const n = m.length;
  while (stack.length) {
    const v = stack.pop()!;
    for (let w = 0; w < n; w++) {
      const edge = backward ? m[w][v] : m[v][w];
      if (edge && !seen.has(w)) {
        seen.add(w);
        stack.push(w);
      }
    }
  }
  return seen;
}

export function submatrix(m: readonly (readonly number[])[], keep: readonly number[]): Matrix {
  return keep.map((i) => keep.map((j) => m[i][j]));
}

export function matricesEqual(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): boolean {
  return a.length === b.length && a.every((row, i) => row.length === b[i].length && row.every((x, j) => x === b[i][j]));
}

/** One-hot rows; `columns` is the vocabulary size. Unknown (-1) labels give an all-zero row. */
export function oneHot(labels: readonly number[], columns: number, rows = labels.length): number[][] {
  return Array.from({ length: rows }, (_, i) => {
    const r = new Array<number>(columns).fill(0);
    if (i < labels.length && labels[i] >= 0) r[labels[i]] = 1;
    return r;
  });
}

/** Argmax per row; all-zero rows give -1 (padding). */
export function argmaxRows(x: readonly (readonly number[])[]): number[] {
  return x.map((row) => {
    let best = -1;
    let bestV = 0;
    row.forEach((v, j) => {
      if (v > bestV) {
        bestV = v;
        best = j;
      }
    });
    return best;
  });
}
