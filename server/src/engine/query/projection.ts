/**
 * PCA of an embedding table to 2-D for the latent-space map. The d×d covariance (d = 16) is
 * accumulated in one pass in float64 and decomposed with the same Jacobi routine DNGO uses, so a
 * 423,624-row NB101 table projects in well under a second without a second copy of the table.
 */
import { symmetricEigen } from '../search/strategies/linalg';

export interface Projection2 {
  mean: Float64Array;
  /** Two unit principal axes, each of length dim. */
  axes: [Float64Array, Float64Array];
  /** Fraction of total variance along each axis. */
  explained: [number, number];
}

export function pca2(data: Float32Array, dim: number): Projection2 {
  const n = Math.floor(data.length / dim);
  if (n < 1) throw new Error('pca2: empty table');
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] += data[i * dim + j];
  for (let j = 0; j < dim; j++) mean[j] /= n;
  const cov = new Float64Array(dim * dim);
  const row = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) row[j] = data[i * dim + j] - mean[j];
    for (let a = 0; a < dim; a++) {
      const ra = row[a];
      for (let b = a; b < dim; b++) cov[a * dim + b] += ra * row[b];
    }
  }
  for (let a = 0; a < dim; a++) for (let b = a; b < dim; b++) cov[b * dim + a] = cov[a * dim + b] /= n;
  const { values, vectors } = symmetricEigen(cov, dim);
  const order = Array.from(values.keys()).sort((x, y) => values[y] - values[x]);
  const total = values.reduce((s, v) => s + Math.max(v, 0), 0) || 1;
  const axis = (k: number) => {
    const v = new Float64Array(dim);
    for (let j = 0; j < dim; j++) v[j] = vectors[j * dim + k];
    // Deterministic sign: the largest component positive, so the picture does not flip between runs.
    let big = 0;
    for (let j = 1; j < dim; j++) if (Math.abs(v[j]) > Math.abs(v[big])) big = j;
    if (v[big] < 0) for (let j = 0; j < dim; j++) v[j] = -v[j];
    return v;
  };
  return {
    mean,
    axes: [axis(order[0]), axis(order[1 % dim])],
    explained: [Math.max(values[order[0]], 0) / total, dim > 1 ? Math.max(values[order[1]], 0) / total : 0],
  };
}

/** Rows of `data` (count × dim) projected: interleaved x, y. */
export function project(p: Projection2, data: Float32Array | number[], dim: number): Float32Array {
  const n = Math.floor(data.length / dim);
  const out = new Float32Array(2 * n);
  const [u, v] = p.axes;
  for (let i = 0; i < n; i++) {
    let x = 0;
    let y = 0;
    for (let j = 0; j < dim; j++) {
      const c = data[i * dim + j] - p.mean[j];
      x += c * u[j];
      y += c * v[j];
    }
    out[2 * i] = x;
    out[2 * i + 1] = y;
  }
  return out;
}
