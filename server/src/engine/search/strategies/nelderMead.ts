/**
 * Nelder–Mead simplex minimisation, a port of scipy.optimize.fmin (the non-adaptive variant pybnn's
 * DNGO calls): same initial simplex (+5 % per coordinate, 0.00025 for zero coordinates), the same
 * reflection/expansion/contraction/shrink rules and coefficients (1, 2, ½, ½), the same stopping test
 * (simplex spread ≤ xtol and value spread ≤ ftol, defaults 1e-4) and budget (200·n iterations and
 * function calls). Small and dependency-free; used for DNGO's two hyper-parameters.
 */

export interface NelderMeadOptions {
  xtol?: number;
  ftol?: number;
  maxIterations?: number;
  maxEvaluations?: number;
}

export interface NelderMeadResult {
  x: number[];
  fx: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

export function nelderMead(f: (x: readonly number[]) => number, x0: readonly number[], options: NelderMeadOptions = {}): NelderMeadResult {
  const n = x0.length;
  const xtol = options.xtol ?? 1e-4;
  const ftol = options.ftol ?? 1e-4;
  const maxIter = options.maxIterations ?? 200 * n;
  const maxFun = options.maxEvaluations ?? 200 * n;
  let evaluations = 0;
  // NaN would break every comparison; treat it as +∞ (a point to move away from).
  const fun = (x: number[]): number => {
    evaluations++;
    const v = f(x);
    return Number.isNaN(v) ? Infinity : v;
  };

  let sim: number[][] = [x0.slice()];
  for (let k = 0; k < n; k++) {
    const y = x0.slice();
    y[k] = y[k] !== 0 ? 1.05 * y[k] : 0.00025;
    sim.push(y);
  }
  let fsim = sim.map(fun);
  const sort = () => {
    // Stable order on ties keeps the run deterministic whatever the engine's sort does.
    const ind = fsim.map((_, i) => i).sort((a, b) => fsim[a] - fsim[b] || a - b);
    sim = ind.map((i) => sim[i]);
    fsim = ind.map((i) => fsim[i]);
  };
  sort();

  const comb = (a: number, xa: number[], b: number, xb: number[]) => xa.map((v, i) => a * v + b * xb[i]);
  let iterations = 1;
  let converged = false;
  while (evaluations < maxFun && iterations < maxIter) {
    let xs = 0;
    let fs = 0;
    for (let j = 1; j <= n; j++) {
      fs = Math.max(fs, Math.abs(fsim[0] - fsim[j]));
      for (let i = 0; i < n; i++) xs = Math.max(xs, Math.abs(sim[j][i] - sim[0][i]));
    }
    if (xs <= xtol && fs <= ftol) {
      converged = true;
      break;
    }
    const xbar = new Array<number>(n).fill(0);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) xbar[i] += sim[j][i] / n;
    const worst = sim[n];
    const xr = comb(2, xbar, -1, worst);
    const fxr = fun(xr);
    let shrink = false;
    if (fxr < fsim[0]) {
      const xe = comb(3, xbar, -2, worst);
      const fxe = fun(xe);
      if (fxe < fxr) {
        sim[n] = xe;
        fsim[n] = fxe;
      } else {
        sim[n] = xr;
        fsim[n] = fxr;
      }
    } else if (fxr < fsim[n - 1]) {
      sim[n] = xr;
      fsim[n] = fxr;
    } else if (fxr < fsim[n]) {
      const xc = comb(1.5, xbar, -0.5, worst); // outside contraction
      const fxc = fun(xc);
      if (fxc <= fxr) {
        sim[n] = xc;
        fsim[n] = fxc;
      } else shrink = true;
    } else {
      const xcc = comb(0.5, xbar, 0.5, worst); // inside contraction
      const fxcc = fun(xcc);
      if (fxcc < fsim[n]) {
        sim[n] = xcc;
        fsim[n] = fxcc;
      } else shrink = true;
    }
    if (shrink) {
      for (let j = 1; j <= n; j++) {
        sim[j] = comb(0.5, sim[j], 0.5, sim[0]);
        fsim[j] = fun(sim[j]);
      }
    }
    sort();
    iterations++;
  }
  return { x: sim[0].slice(), fx: fsim[0], iterations, evaluations, converged };
}
