/**
 * Gaussian-process regression with an ARD (one length-scale per feature) Matérn-5/2 or RBF kernel,
 * hyper-parameters (signal variance, noise variance, length-scales) fitted by maximising the log
 * marginal likelihood with Adam on their logarithms from several starts. Pure TypeScript on
 * Float64Arrays: O(n³) per optimiser step, so a few hundred measured cells fit in about a second.
 *
 * Inputs are standardised per column on the training set (constant columns are dropped) and targets
 * to zero mean and unit variance, so the same bounds and starting points suit every feature set.
 */
import { backSubst, choleskyInverse, forwardSubst, robustCholesky } from './linalg';

export type KernelKind = 'matern52' | 'rbf';

export interface GpOptions {
  kernel?: KernelKind;
  /** One length-scale per feature (default) or one shared. */
  ard?: boolean;
  /** Optimiser starts (default 2): every length-scale √d × {1, 0.5, 2, …}. */
  restarts?: number;
  /** Adam steps per start (default 60). */
  iterations?: number;
  learningRate?: number;
}

export interface GpPrediction {
  mean: Float64Array;
  /** Standard deviation of a new measurement (latent variance + noise). */
  std: Float64Array;
}

const SQRT5 = Math.sqrt(5);
const LOG_2PI = Math.log(2 * Math.PI);
/** Bounds on the log hyper-parameters (targets and inputs are standardised). */
const BOUNDS = { signal: [Math.log(0.05), Math.log(20)], noise: [Math.log(1e-4), Math.log(2)], length: [Math.log(0.05), Math.log(1e3)] } as const;

interface Standardised {
  x: Float64Array;
  cols: number[];
  mean: Float64Array;
  scale: Float64Array;
}

function standardiseColumns(x: ArrayLike<number>, n: number, d: number): Standardised {
  const cols: number[] = [];
  const means: number[] = [];
  const scales: number[] = [];
  for (let c = 0; c < d; c++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += x[i * d + c];
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (x[i * d + c] - m) ** 2;
    const s = Math.sqrt(v / n);
    if (s > 1e-9) {
      cols.push(c);
      means.push(m);
      scales.push(s);
    }
  }
  const mean = Float64Array.from(means);
  const scale = Float64Array.from(scales);
  return { x: applyColumns(x, n, d, cols, mean, scale), cols, mean, scale };
}

function applyColumns(x: ArrayLike<number>, n: number, d: number, cols: number[], mean: Float64Array, scale: Float64Array): Float64Array {
  const k = cols.length;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) out[i * k + j] = (x[i * d + cols[j]] - mean[j]) / scale[j];
  return out;
}

/** k(r²) for scaled squared distance r². (∂k/∂log ℓ_d = G·Δ_d²/ℓ_d², G inlined in the optimiser.) */
function kernel(kind: KernelKind, s2: number, r2: number): number {
  if (kind === 'rbf') return s2 * Math.exp(-0.5 * r2);
  const r = Math.sqrt(r2);
  return s2 * (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
}

export class GaussianProcess {
  private constructor(
    private readonly kind: KernelKind,
    /** Standardised training inputs (n × k). */
    private readonly x: Float64Array,
    readonly n: number,
    private readonly d: number,
    private readonly std: Standardised,
    private readonly yMean: number,
    private readonly yScale: number,
    /** log signal var, log noise var, log length-scales (1 or k). */
    readonly theta: Float64Array,
    private readonly l: Float64Array,
    private readonly alpha: Float64Array,
    /** Negative log marginal likelihood (standardised targets). */
    readonly nll: number,
  ) {}

  /** Fits to n rows of d features (row-major) and targets y. Needs n ≥ 2. */
  static fit(xRaw: ArrayLike<number>, n: number, d: number, yRaw: ArrayLike<number>, opts: GpOptions = {}): GaussianProcess {
    if (n < 2) throw new Error(`a Gaussian process needs at least 2 measured points, got ${n}`);
    const kind = opts.kernel ?? 'matern52';
    const std = standardiseColumns(xRaw, n, d);
    const k = std.cols.length;
    let yMean = 0;
    for (let i = 0; i < n; i++) yMean += yRaw[i];
    yMean /= n;
    let yVar = 0;
    for (let i = 0; i < n; i++) yVar += (yRaw[i] - yMean) ** 2;
    const yScale = Math.sqrt(yVar / n) || 1;
    const y = Float64Array.from({ length: n }, (_, i) => (yRaw[i] - yMean) / yScale);
    const ard = (opts.ard ?? true) && k > 0;
    const nl = ard ? k : 1;
    const starts = Math.max(1, opts.restarts ?? 2);
    const iters = opts.iterations ?? 60;
    const lr = opts.learningRate ?? 0.08;
    let best: { theta: Float64Array; nll: number } | undefined;
    const base = Math.log(Math.sqrt(Math.max(k, 1)));
    for (let s = 0; s < starts; s++) {
      const theta = new Float64Array(2 + nl);
      theta[0] = 0;
      theta[1] = Math.log([0.1, 0.3, 0.03][s % 3]);
      theta[2] = 0;
      theta.fill(base + [0, -0.7, 0.7, -1.4, 1.4][s % 5], 2);
      const r = optimise(kind, std.x, n, k, y, theta, iters, lr);
      if (!best || r.nll < best.nll) best = r;
    }
    const { theta } = best!;
    const kmat = covariance(kind, std.x, n, k, theta, true);
    const { l } = robustCholesky(kmat, n);
    const alpha = backSubst(l, n, forwardSubst(l, n, Float64Array.from(y)));
    let nll = 0.5 * n * LOG_2PI;
    for (let i = 0; i < n; i++) nll += 0.5 * y[i] * alpha[i] + Math.log(l[i * n + i]);
    return new GaussianProcess(kind, std.x, n, k, std, yMean, yScale, theta, l, alpha, nll);
  }

  /** Length-scales per original feature column (Infinity for dropped constant columns), in standardised units. */
  lengthScales(featureCount: number): number[] {
    const out = new Array<number>(featureCount).fill(Infinity);
    this.std.cols.forEach((c, j) => (out[c] = Math.exp(this.theta[2 + (this.theta.length > 3 ? j : 0)])));
    return out;
  }

  get noiseStd(): number {
    return Math.sqrt(Math.exp(this.theta[1])) * this.yScale;
  }

  /** Mean and std of a new measurement at m rows of the same d raw features. */
  predict(xRaw: ArrayLike<number>, m: number, dRaw: number, opts: { std?: boolean } = {}): GpPrediction {
    const xs = applyColumns(xRaw, m, dRaw, this.std.cols, this.std.mean, this.std.scale);
    const { n, d, theta } = this;
    const s2 = Math.exp(theta[0]);
    const noise = Math.exp(theta[1]);
    const inv = invLengths(theta, d);
    const mean = new Float64Array(m);
    const sd = new Float64Array(m);
    const kv = new Float64Array(n);
    for (let p = 0; p < m; p++) {
      for (let i = 0; i < n; i++) kv[i] = kernel(this.kind, s2, dist2(xs, p, this.x, i, d, inv));
      let mu = 0;
      for (let i = 0; i < n; i++) mu += kv[i] * this.alpha[i];
      mean[p] = this.yMean + this.yScale * mu;
      if (opts.std === false) continue;
      forwardSubst(this.l, n, kv);
      let q = 0;
      for (let i = 0; i < n; i++) q += kv[i] * kv[i];
      sd[p] = this.yScale * Math.sqrt(Math.max(s2 - q, 0) + noise);
    }
    return { mean, std: sd };
  }

  /** Kernel correlations k(x, xᵢ)/σ² of m rows with each training point (m × n), for "nearest measured" lists. */
  correlations(xRaw: ArrayLike<number>, m: number, dRaw: number): Float64Array {
    const xs = applyColumns(xRaw, m, dRaw, this.std.cols, this.std.mean, this.std.scale);
    const inv = invLengths(this.theta, this.d);
    const out = new Float64Array(m * this.n);
    for (let p = 0; p < m; p++) for (let i = 0; i < this.n; i++) out[p * this.n + i] = kernel(this.kind, 1, dist2(xs, p, this.x, i, this.d, inv));
    return out;
  }

  /**
   * Leave-one-out predictions of the training points, in target units (closed form with the
   * hyper-parameters fixed: μ₋ᵢ = yᵢ − αᵢ/[K⁻¹]ᵢᵢ, σ²₋ᵢ = 1/[K⁻¹]ᵢᵢ).
   */
  leaveOneOut(yRaw: ArrayLike<number>): GpPrediction {
    const { n } = this;
    const kinv = choleskyInverse(this.l, n);
    const mean = new Float64Array(n);
    const sd = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const kii = kinv[i * n + i];
      mean[i] = yRaw[i] - (this.yScale * this.alpha[i]) / kii;
      sd[i] = this.yScale * Math.sqrt(1 / kii);
    }
    return { mean, std: sd };
  }
}

function invLengths(theta: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d);
  for (let j = 0; j < d; j++) out[j] = Math.exp(-(theta.length > 3 ? theta[2 + j] : theta[2]));
  return out;
}

function dist2(a: Float64Array, i: number, b: Float64Array, j: number, d: number, inv: Float64Array): number {
  let s = 0;
  const oi = i * d;
  const oj = j * d;
  for (let c = 0; c < d; c++) {
    const t = (a[oi + c] - b[oj + c]) * inv[c];
    s += t * t;
  }
  return s;
}

function covariance(kind: KernelKind, x: Float64Array, n: number, d: number, theta: Float64Array, withNoise: boolean): Float64Array {
  const s2 = Math.exp(theta[0]);
  const inv = invLengths(theta, d);
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    k[i * n + i] = s2 + (withNoise ? Math.exp(theta[1]) : 0);
    for (let j = 0; j < i; j++) {
      const v = kernel(kind, s2, dist2(x, i, x, j, d, inv));
      k[i * n + j] = v;
      k[j * n + i] = v;
    }
  }
  return k;
}

/** Adam on the negative log marginal likelihood; returns the best θ visited. */
function optimise(kind: KernelKind, x: Float64Array, n: number, d: number, y: Float64Array, theta0: Float64Array, iters: number, lr: number): { theta: Float64Array; nll: number } {
  const theta = Float64Array.from(theta0);
  const p = theta.length;
  const ard = p > 3;
  const rbf = kind === 'rbf';
  const m1 = new Float64Array(p);
  const m2 = new Float64Array(p);
  const grad = new Float64Array(p);
  const zs = new Float64Array(n * d);
  const kf = new Float64Array(n * n);
  const gk = new Float64Array(n * n);
  let best = { theta: Float64Array.from(theta), nll: Infinity };
  for (let t = 1; t <= iters; t++) {
    const s2 = Math.exp(theta[0]);
    const noise = Math.exp(theta[1]);
    const inv = invLengths(theta, d);
    for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) zs[i * d + c] = x[i * d + c] * inv[c];
    const kmat = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      kf[i * n + i] = s2;
      gk[i * n + i] = 0;
      kmat[i * n + i] = s2 + noise;
      for (let j = 0; j < i; j++) {
        let r2 = 0;
        for (let c = 0; c < d; c++) {
          const u = zs[i * d + c] - zs[j * d + c];
          r2 += u * u;
        }
        let kv: number;
        let g: number;
        if (rbf) {
          kv = s2 * Math.exp(-0.5 * r2);
          g = kv;
        } else {
          const r = Math.sqrt(r2);
          const e = s2 * Math.exp(-SQRT5 * r);
          kv = (1 + SQRT5 * r + (5 / 3) * r2) * e;
          g = (5 / 3) * (1 + SQRT5 * r) * e;
        }
        kf[i * n + j] = kf[j * n + i] = kv;
        gk[i * n + j] = gk[j * n + i] = g;
        kmat[i * n + j] = kmat[j * n + i] = kv;
      }
    }
    let chol;
    try {
      chol = robustCholesky(kmat, n);
    } catch {
      break;
    }
    const { l } = chol;
    const alpha = backSubst(l, n, forwardSubst(l, n, Float64Array.from(y)));
    let nll = 0.5 * n * LOG_2PI;
    for (let i = 0; i < n; i++) nll += 0.5 * y[i] * alpha[i] + Math.log(l[i * n + i]);
    if (nll < best.nll) best = { theta: Float64Array.from(theta), nll };
    if (t === iters) break;
    // M = K⁻¹ − ααᵀ; ∂nll/∂θ = ½ Σ M ∘ ∂K/∂θ.
    const kinv = choleskyInverse(l, n);
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      grad[0] += 0.5 * (kinv[i * n + i] - alpha[i] * alpha[i]) * kf[i * n + i];
      grad[1] += 0.5 * (kinv[i * n + i] - alpha[i] * alpha[i]) * noise;
      for (let j = 0; j < i; j++) {
        const mij = kinv[i * n + j] - alpha[i] * alpha[j];
        grad[0] += mij * kf[i * n + j];
        const w = mij * gk[i * n + j];
        if (w === 0) continue;
        if (ard) {
          for (let c = 0; c < d; c++) {
            const u = zs[i * d + c] - zs[j * d + c];
            grad[2 + c] += w * u * u;
          }
        } else {
          let r2 = 0;
          for (let c = 0; c < d; c++) {
            const u = zs[i * d + c] - zs[j * d + c];
            r2 += u * u;
          }
          grad[2] += w * r2;
        }
      }
    }
    // Weak log-normal prior pulling length-scales toward the start keeps irrelevant ones from collapsing.
    for (let c = 2; c < p; c++) grad[c] += (theta[c] - theta0[c]) / 9;
    const b1 = 0.9;
    const b2 = 0.999;
    for (let c = 0; c < p; c++) {
      m1[c] = b1 * m1[c] + (1 - b1) * grad[c];
      m2[c] = b2 * m2[c] + (1 - b2) * grad[c] * grad[c];
      const step = (lr * (m1[c] / (1 - b1 ** t))) / (Math.sqrt(m2[c] / (1 - b2 ** t)) + 1e-8);
      theta[c] -= step;
    }
    theta[0] = Math.min(Math.max(theta[0], BOUNDS.signal[0]), BOUNDS.signal[1]);
    theta[1] = Math.min(Math.max(theta[1], BOUNDS.noise[0]), BOUNDS.noise[1]);
    for (let c = 2; c < p; c++) theta[c] = Math.min(Math.max(theta[c], BOUNDS.length[0]), BOUNDS.length[1]);
  }
  return best;
}
