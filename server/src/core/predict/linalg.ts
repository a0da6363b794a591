/**
 * The dense linear algebra a Gaussian process needs, on row-major Float64Arrays (n × n), with no
 * dependencies so the language server, the CLI and the webviews can all run it.
 */

/** In-place lower Cholesky factor of a symmetric positive-definite matrix; false if it is not. */
export function choleskyInPlace(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j];
    for (let k = 0; k < j; k++) d -= a[rj + k] * a[rj + k];
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= a[ri + k] * a[rj + k];
      a[ri + j] = s / ljj;
    }
    for (let i = 0; i < j; i++) a[i * n + j] = 0;
  }
  return true;
}

/**
 * Cholesky of K + jitter·I, raising the jitter (relative to the mean diagonal) until it succeeds.
 * Returns the factor (a copy) and the jitter used.
 */
export function robustCholesky(k: Float64Array, n: number): { l: Float64Array; jitter: number } {
  let meanDiag = 0;
  for (let i = 0; i < n; i++) meanDiag += k[i * n + i];
  meanDiag = Math.max(meanDiag / Math.max(n, 1), 1e-12);
  for (let jitter = 0, step = 0; step < 8; step++, jitter = meanDiag * 10 ** (step - 9)) {
    const l = Float64Array.from(k);
    if (jitter) for (let i = 0; i < n; i++) l[i * n + i] += jitter;
    if (choleskyInPlace(l, n)) return { l, jitter };
  }
  throw new Error('covariance matrix is not positive definite even with jitter');
}

/** Solves L x = b (L lower-triangular), in place on b. */
export function forwardSubst(l: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    let s = b[i];
    const ri = i * n;
    for (let k = 0; k < i; k++) s -= l[ri + k] * b[k];
    b[i] = s / l[ri + i];
  }
  return b;
}

/** Solves Lᵀ x = b (L lower-triangular), in place on b. */
export function backSubst(l: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * b[k];
    b[i] = s / l[i * n + i];
  }
  return b;
}

/** K⁻¹ from its Cholesky factor (symmetric, full). */
export function choleskyInverse(l: Float64Array, n: number): Float64Array {
  // L⁻¹ (lower), then K⁻¹ = L⁻ᵀ L⁻¹.
  const li = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    li[j * n + j] = 1 / l[j * n + j];
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      const ri = i * n;
      for (let k = j; k < i; k++) s -= l[ri + k] * li[k * n + j];
      li[ri + j] = s / l[ri + i];
    }
  }
  // K⁻¹[i][j] = Σ_k L⁻¹[k][i]·L⁻¹[k][j]: rank-one updates along contiguous rows of L⁻¹.
  const inv = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    for (let i = 0; i <= k; i++) {
      const a = li[rk + i];
      if (a === 0) continue;
      const ri = i * n;
      for (let j = 0; j <= i; j++) inv[ri + j] += a * li[rk + j];
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) inv[j * n + i] = inv[i * n + j];
  return inv;
}
