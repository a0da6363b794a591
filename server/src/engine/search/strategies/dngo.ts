/**
 * DNGO (Snoek et al. 2015) as arch2vec-BO uses it through pybnn (docs/reference-notes.md §5.2):
 *
 *  1. an MLP  x(16) → Linear → tanh(128) → Linear → y (tanh: see fastTanh), inputs standardised on the current training
 *     set, outputs NOT normalised; 100 epochs of Adam (lr 0.01), minibatches of 10 in a fresh random
 *     order each epoch with the partial last batch dropped (≤ 10 points: one full batch), MSE;
 *  2. Bayesian linear regression on the 128 tanh features (no bias column): weights ~ N(0, α⁻¹I),
 *     noise precision β; (α, β) maximise the marginal log-likelihood, found with Nelder–Mead over
 *     θ = (log α, log 1/β) from one prior sample (log α ~ N(0, 1), log σ² ~ N(−3, 1)), |θ| > 10
 *     rejected — pybnn's `do_mcmc=False` path;
 *  3. prediction mean φᵀm, variance 1/β + φᵀSφ with S = (αI + βΦᵀΦ)⁻¹, m = βSΦᵀy.
 *
 * Speed: the marginal likelihood is needed a few hundred times per fit. One eigen-decomposition of
 * the Gram matrix (ΦΦᵀ when there are fewer points than features, else ΦᵀΦ) turns every evaluation
 * into O(128) sums over eigenvalues instead of a 128×128 inverse + determinant. The same
 * decomposition gives m and a low-rank form of S used to score the whole pool.
 *
 * Everything random (weight init, minibatch order, the prior sample) comes from the Rng passed in,
 * so a fit is reproducible.
 */
import type { Rng } from '../../data/random';
import { FlatAdam } from './flatAdam';
import { symmetricEigen } from './linalg';
import { nelderMead } from './nelderMead';

export interface DngoOptions {
  /** Basis functions (tanh units), default 128. */
  hidden?: number;
  /** Default 100. */
  epochs?: number;
  /** Adam learning rate, default 0.01. */
  learningRate?: number;
  /** Default 10. */
  batchSize?: number;
  /**
   * The data-fit term of the marginal likelihood: 'squared' (default, the correct β/2·‖y − Φm‖²) or
   * 'reference' (pybnn's β/2·‖y − Φm‖ with the non-squared norm, an inherited quirk of the paper's code).
   */
  mllResidual?: 'squared' | 'reference';
}

export interface DngoFit {
  alpha: number;
  beta: number;
  /** Negative log marginal likelihood at (α, β). */
  nll: number;
  /** MSE of the network on its training set after the last epoch. */
  trainMse: number;
  nelderMeadEvaluations: number;
}

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * tanh as a clamped odd rational minimax fit (the coefficients of Eigen's float tanh; |error| ≤ 3e-7,
 * exactly odd, monotone). 3–4× faster than Math.tanh, which matters when 128 units × 15,625 pool cells
 * are evaluated every BO iteration. The network uses it everywhere (training, design matrix, scoring),
 * so the surrogate is one consistent function; 3e-7 is far below anything the fit can resolve.
 */
export function fastTanh(x: number): number {
  const c = 7.90531110763549805;
  if (x > c) x = c;
  else if (x < -c) x = -c;
  const x2 = x * x;
  let p = -2.76076847742355e-16;
  p = p * x2 + 2.00018790482477e-13;
  p = p * x2 - 8.60467152213735e-11;
  p = p * x2 + 5.12229709037114e-8;
  p = p * x2 + 1.48572235717979e-5;
  p = p * x2 + 6.37261928875436e-4;
  p = p * x2 + 4.89352455891786e-3;
  let q = 1.19825839466702e-6;
  q = q * x2 + 1.18534705686654e-4;
  q = q * x2 + 2.268434632439e-3;
  q = q * x2 + 4.89352518554385e-3;
  return (x * p) / q;
}

export class Dngo {
  readonly hidden: number;
  readonly epochs: number;
  readonly learningRate: number;
  readonly batchSize: number;
  readonly mllResidual: 'squared' | 'reference';
  // Network, flat: W1 (hidden×dim, row = unit), b1 (hidden), W2 (hidden), b2 (1).
  private params: Float64Array = new Float64Array(0);
  // Folded input standardisation: z = W1s·x + b1s on raw inputs.
  private w1s: Float64Array = new Float64Array(0);
  private b1s: Float64Array = new Float64Array(0);
  // Posterior: mean weights m, and var(φ) = ‖φ‖²/α − ‖Pφ‖² (P has `rank` rows).
  private m: Float64Array = new Float64Array(0);
  private proj: Float64Array = new Float64Array(0);
  private rank = 0;
  private alpha = 1;
  private beta = 1;
  private fitted = false;
  private norm2 = 0;

  constructor(readonly dim: number, private readonly rng: Rng, options: DngoOptions = {}) {
    this.hidden = options.hidden ?? 128;
    this.epochs = options.epochs ?? 100;
    this.learningRate = options.learningRate ?? 0.01;
    this.batchSize = options.batchSize ?? 10;
    this.mllResidual = options.mllResidual ?? 'squared';
  }

  /** Trains from scratch on n rows of x (n×dim, row-major) with targets y. Needs n ≥ 1. */
  fit(x: Float64Array, y: Float64Array, n: number): DngoFit {
    const d = this.dim;
    const h = this.hidden;
    if (n < 1) throw new Error('Dngo.fit: no data');

    // Standardise inputs (population std, as numpy; a constant column is left unscaled).
    const mean = new Float64Array(d);
    const std = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k] += x[i * d + k] / n;
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) std[k] += (x[i * d + k] - mean[k]) ** 2 / n;
    for (let k = 0; k < d; k++) std[k] = std[k] > 0 ? Math.sqrt(std[k]) : 1;
    const xs = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) xs[i * d + k] = (x[i * d + k] - mean[k]) / std[k];

    this.initNetwork();
    const trainMse = this.train(xs, y, n);

    // Fold the standardisation into the first layer so pool scoring works on raw embeddings.
    const p = this.params;
    this.w1s = new Float64Array(h * d);
    this.b1s = new Float64Array(h);
    for (let j = 0; j < h; j++) {
      let b = p[h * d + j];
      for (let k = 0; k < d; k++) {
        const w = p[j * d + k] / std[k];
        this.w1s[j * d + k] = w;
        b -= w * mean[k];
      }
      this.b1s[j] = b;
    }

    // Design matrix Φ (n×h) of the tanh basis functions on the training inputs.
    const phi = new Float64Array(n * h);
    // (through the folded first layer, i.e. on the raw inputs: the exact function used for scoring).
    for (let i = 0; i < n; i++) this.featureRow(x, i * d, phi.subarray(i * h, (i + 1) * h));
    const blr = this.fitBlr(phi, y, n);
    this.fitted = true;
    return { ...blr, trainMse };
  }

  private initNetwork(): void {
    const d = this.dim;
    const h = this.hidden;
    // PyTorch's nn.Linear default: U(±1/√fan_in) for weights and biases.
    this.params = new Float64Array(h * d + h + h + 1);
    const b1 = 1 / Math.sqrt(d);
    const b2 = 1 / Math.sqrt(h);
    for (let i = 0; i < h * d + h; i++) this.params[i] = (2 * this.rng.float() - 1) * b1;
    for (let i = h * d + h; i < this.params.length; i++) this.params[i] = (2 * this.rng.float() - 1) * b2;
  }

  private train(xs: Float64Array, y: Float64Array, n: number): number {
    const d = this.dim;
    const h = this.hidden;
    const p = this.params;
    const oB1 = h * d;
    const oW2 = oB1 + h;
    const oB2 = oW2 + h;
    const adam = new FlatAdam(p.length, this.learningRate);
    const grad = new Float64Array(p.length);
    const act = new Float64Array(h);
    const bs = n <= this.batchSize ? n : this.batchSize;
    // featureRow (the fast, unrolled path) computes tanh(W1·x + b1) and its dot with `m`: point it at
    // views of the live parameters, so out = b2 + featureRow(x).
    this.w1s = p.subarray(0, oB1);
    this.b1s = p.subarray(oB1, oW2);
    this.m = p.subarray(oW2, oB2);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let epoch = 0; epoch < this.epochs; epoch++) {
      this.rng.shuffle(order);
      for (let start = 0; start + bs <= n; start += bs) {
        grad.fill(0);
        for (let b = start; b < start + bs; b++) {
          const i = order[b];
          const out = p[oB2] + this.featureRow(xs, i * d, act); // featureRow reads the live weights
          const dout = (2 * (out - y[i])) / bs; // d MSE / d out
          grad[oB2] += dout;
          const xo = i * d;
          for (let j = 0; j < h; j++) {
            grad[oW2 + j] += dout * act[j];
            const dz = dout * p[oW2 + j] * (1 - act[j] * act[j]);
            grad[oB1 + j] += dz;
            const r = j * d;
            for (let k = 0; k < d; k++) grad[r + k] += dz * xs[xo + k];
          }
        }
        adam.step(p, grad);
      }
    }
    let mse = 0;
    for (let i = 0; i < n; i++) mse += (p[oB2] + this.featureRow(xs, i * d, act) - y[i]) ** 2 / n;
    return mse;
  }

  private fitBlr(phi: Float64Array, y: Float64Array, n: number): Omit<DngoFit, 'trainMse'> {
    // One sample from pybnn's prior as the start: log α ~ N(0, 1), log σ² = log 1/β ~ N(−3, 1).
    const theta0 = [this.rng.normal(), -3 + this.rng.normal()];
    const blr = bayesianLinearRegression(phi, y, n, this.hidden, theta0, this.mllResidual);
    this.alpha = blr.alpha;
    this.beta = blr.beta;
    this.m = blr.mean;
    this.proj = blr.proj;
    this.rank = blr.rank;
    return { alpha: blr.alpha, beta: blr.beta, nll: blr.nll, nelderMeadEvaluations: blr.evaluations };
  }

  /**
   * Features φ of the raw input at `table[off..off+dim)` into `phi`; returns φᵀm and stores ‖φ‖² in
   * `this.norm2`. For arch2vec's 16-d embeddings the first layer is fully unrolled (≈3× faster in V8):
   * scoring the whole pool every iteration is where BO spends its time.
   */
  private featureRow(table: Float32Array | Float64Array, off: number, phi: Float64Array): number {
    const d = this.dim;
    const h = this.hidden;
    const w1 = this.w1s;
    const b1 = this.b1s;
    const m = this.m;
    let mu = 0;
    let norm2 = 0;
    if (d === 16) {
      const x0 = table[off], x1 = table[off + 1], x2 = table[off + 2], x3 = table[off + 3];
      const x4 = table[off + 4], x5 = table[off + 5], x6 = table[off + 6], x7 = table[off + 7];
      const x8 = table[off + 8], x9 = table[off + 9], x10 = table[off + 10], x11 = table[off + 11];
      const x12 = table[off + 12], x13 = table[off + 13], x14 = table[off + 14], x15 = table[off + 15];
      for (let u = 0, r = 0; u < h; u++, r += 16) {
        const z = b1[u] + w1[r] * x0 + w1[r + 1] * x1 + w1[r + 2] * x2 + w1[r + 3] * x3 + w1[r + 4] * x4 + w1[r + 5] * x5
          + w1[r + 6] * x6 + w1[r + 7] * x7 + w1[r + 8] * x8 + w1[r + 9] * x9 + w1[r + 10] * x10 + w1[r + 11] * x11
          + w1[r + 12] * x12 + w1[r + 13] * x13 + w1[r + 14] * x14 + w1[r + 15] * x15;
        const f = fastTanh(z);
        phi[u] = f;
        mu += f * m[u];
        norm2 += f * f;
      }
    } else {
      for (let u = 0; u < h; u++) {
        let z = b1[u];
        const r = u * d;
        for (let k = 0; k < d; k++) z += w1[r + k] * table[off + k];
        const f = fastTanh(z);
        phi[u] = f;
        mu += f * m[u];
        norm2 += f * f;
      }
    }
    this.norm2 = norm2;
    return mu;
  }

  /** Σ (P_i φ)² over rows [from, to) of P (unrolled by 4). */
  private explained(phi: Float64Array, from: number, to: number): number {
    const h = this.hidden;
    const h4 = h - (h % 4);
    const pr = this.proj;
    let e = 0;
    for (let i = from; i < to; i++) {
      const r = i * h;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let u = 0;
      for (; u < h4; u += 4) {
        s0 += pr[r + u] * phi[u];
        s1 += pr[r + u + 1] * phi[u + 1];
        s2 += pr[r + u + 2] * phi[u + 2];
        s3 += pr[r + u + 3] * phi[u + 3];
      }
      for (; u < h; u++) s0 += pr[r + u] * phi[u];
      const s = s0 + s1 + s2 + s3;
      e += s * s;
    }
    return e;
  }

  /**
   * Predictive mean and variance for rows `rows` of a row-major table of raw inputs (e.g. the pool's
   * embeddings), written to `mean[j]`, `variance[j]` for rows[j].
   */
  predictRows(table: Float32Array | Float64Array, rows: ArrayLike<number>, mean: Float64Array, variance: Float64Array): void {
    if (!this.fitted) throw new Error('Dngo.predict before fit');
    const phi = new Float64Array(this.hidden);
    const invAlpha = 1 / this.alpha;
    const noise = 1 / this.beta;
    for (let j = 0; j < rows.length; j++) {
      mean[j] = this.featureRow(table, rows[j] * this.dim, phi);
      variance[j] = noise + Math.max(this.norm2 * invAlpha - this.explained(phi, 0, this.rank), 0);
    }
  }

  /**
   * The `k` rows with the highest `score(mean, variance)`, best first (ties: earlier in `rows`).
   * `score` must be non-decreasing in the variance (EI is, in both variants).
   *
   * Exact, but most rows never pay for the full variance: the variance is prior − Σ_i (P_iφ)² with
   * non-negative terms sorted largest first, so the first few rows give an upper bound. Every row
   * gets its mean and that bound; only rows whose bound reaches the k-th best exact score so far are
   * finished (typically a handful of the 15,625 with incumbent EI).
   */
  rankRows(table: Float32Array | Float64Array, rows: ArrayLike<number>, k: number, score: (mean: number, variance: number) => number): { rows: number[]; scores: number[]; exact: number } {
    if (!this.fitted) throw new Error('Dngo.rankRows before fit');
    const n = rows.length;
    const lead = Math.min(this.rank, 8);
    const phi = new Float64Array(this.hidden);
    const invAlpha = 1 / this.alpha;
    const noise = 1 / this.beta;
    const mus = new Float64Array(n);
    const rest = new Float64Array(n); // prior variance − leading explained part
    const bound = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const mu = this.featureRow(table, rows[j] * this.dim, phi);
      mus[j] = mu;
      rest[j] = this.norm2 * invAlpha - this.explained(phi, 0, lead);
      bound[j] = score(mu, noise + Math.max(rest[j], 0));
    }
    // NaN bounds (a diverged fit) count as −∞ rather than poisoning comparisons.
    const key = (j: number) => (Number.isNaN(bound[j]) ? -Infinity : bound[j]);
    const best: number[] = [];
    const bestScore: number[] = [];
    const done = new Uint8Array(n);
    let exact = 0;
    const finish = (j: number) => {
      done[j] = 1;
      exact++;
      this.featureRow(table, rows[j] * this.dim, phi);
      const variance = noise + Math.max(rest[j] - this.explained(phi, lead, this.rank), 0);
      const s = score(mus[j], variance);
      // Insert keeping (score desc, position asc).
      let p = best.length;
      while (p > 0 && (s > bestScore[p - 1] || (s === bestScore[p - 1] && j < best[p - 1]))) p--;
      if (p >= k) return;
      best.splice(p, 0, j);
      bestScore.splice(p, 0, s);
      if (best.length > k) {
        best.pop();
        bestScore.pop();
      }
    };
    // Seed with the k largest bounds (likely winners), then one pass finishes every row whose bound
    // still reaches the k-th best exact score — no sort of the whole pool needed.
    const seeds: number[] = [];
    for (let j = 0; j < n; j++) {
      let p = seeds.length;
      while (p > 0 && key(j) > key(seeds[p - 1])) p--;
      if (p >= k) continue;
      seeds.splice(p, 0, j);
      if (seeds.length > k) seeds.pop();
    }
    for (const j of seeds) finish(j);
    for (let j = 0; j < n; j++) {
      if (done[j]) continue;
      if (best.length < k || key(j) >= bestScore[k - 1]) finish(j);
    }
    return { rows: best.map((j) => rows[j]), scores: bestScore, exact };
  }

  /** Predictive mean and variance at one raw input vector. */
  predict(x: ArrayLike<number>): { mean: number; variance: number } {
    const mean = new Float64Array(1);
    const variance = new Float64Array(1);
    this.predictRows(Float64Array.from({ length: this.dim }, (_, k) => x[k]), [0], mean, variance);
    return { mean: mean[0], variance: variance[0] };
  }

  get hyperparameters(): { alpha: number; beta: number } {
    return { alpha: this.alpha, beta: this.beta };
  }
}

export interface BlrFit {
  alpha: number;
  beta: number;
  /** Negative log marginal likelihood at the optimum. */
  nll: number;
  evaluations: number;
  /** Posterior mean weights m (h). */
  mean: Float64Array;
  /** P (rank×h): φᵀSφ = ‖φ‖²/α − ‖Pφ‖². */
  proj: Float64Array;
  rank: number;
  /** The objective Nelder–Mead minimised, θ = (log α, log 1/β). */
  negLogMarginal: (theta: readonly number[]) => number;
}

/**
 * Bayesian linear regression on the n×h design matrix Φ (no bias column) with (α, β) maximising the
 * marginal likelihood, Nelder–Mead from θ0 = (log α, log 1/β). Exported for tests.
 */
export function bayesianLinearRegression(phi: Float64Array, y: Float64Array, n: number, h: number, theta0: readonly number[], residual: 'squared' | 'reference' = 'squared'): BlrFit {
  // Eigenpairs (λ_i, v_i) of ΦᵀΦ with c_i = v_iᵀΦᵀy; through ΦΦᵀ when n < h (then v_i = Φᵀu_i/√λ_i,
  // c_i = √λ_i·u_iᵀy, and the h − r missing directions have λ = 0 and c = 0).
  const lambdas: number[] = [];
  const cs: number[] = [];
  const vecs: Float64Array[] = [];
  if (n < h) {
    const g = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        let s = 0;
        for (let k = 0; k < h; k++) s += phi[i * h + k] * phi[j * h + k];
        g[i * n + j] = s;
        g[j * n + i] = s;
      }
    }
    const { values, vectors } = symmetricEigen(g, n);
    let maxL = 0;
    for (const l of values) maxL = Math.max(maxL, l);
    for (let e = 0; e < n; e++) {
      const l = values[e];
      if (!(l > 1e-12 * maxL)) continue; // numerically null: contributes λ = 0, c = 0
      const sl = Math.sqrt(l);
      const v = new Float64Array(h);
      let uy = 0;
      for (let i = 0; i < n; i++) {
        const u = vectors[i * n + e];
        uy += u * y[i];
        for (let k = 0; k < h; k++) v[k] += (u * phi[i * h + k]) / sl;
      }
      lambdas.push(l);
      cs.push(sl * uy);
      vecs.push(v);
    }
  } else {
    const g = new Float64Array(h * h);
    for (let a = 0; a < h; a++) {
      for (let b = a; b < h; b++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += phi[i * h + a] * phi[i * h + b];
        g[a * h + b] = s;
        g[b * h + a] = s;
      }
    }
    const py = new Float64Array(h);
    for (let i = 0; i < n; i++) for (let k = 0; k < h; k++) py[k] += phi[i * h + k] * y[i];
    const { values, vectors } = symmetricEigen(g, h);
    for (let e = 0; e < h; e++) {
      const v = new Float64Array(h);
      let c = 0;
      for (let k = 0; k < h; k++) {
        v[k] = vectors[k * h + e];
        c += v[k] * py[k];
      }
      lambdas.push(Math.max(values[e], 0));
      cs.push(c);
      vecs.push(v);
    }
  }
  let yy = 0;
  for (let i = 0; i < n; i++) yy += y[i] * y[i];
  const r = lambdas.length;
  const squared = residual === 'squared';

  const nll = (theta: readonly number[]): number => {
    if (Math.abs(theta[0]) > 10 || Math.abs(theta[1]) > 10) return 1e25; // pybnn: mll = −1e25
    const alpha = Math.exp(theta[0]);
    const beta = Math.exp(-theta[1]);
    let logDet = (h - r) * Math.log(alpha);
    let s1 = 0; // Σ c²/d      (yᵀΦm = β·s1)
    let s2 = 0; // Σ c²/d²     (mᵀm = β²·s2)
    let s3 = 0; // Σ λc²/d²    (‖Φm‖² = β²·s3)
    for (let i = 0; i < r; i++) {
      const dI = beta * lambdas[i] + alpha;
      const c2 = cs[i] * cs[i];
      logDet += Math.log(dI);
      s1 += c2 / dI;
      s2 += c2 / (dI * dI);
      s3 += (lambdas[i] * c2) / (dI * dI);
    }
    const res2 = Math.max(yy - 2 * beta * s1 + beta * beta * s3, 0);
    const fitTerm = squared ? res2 : Math.sqrt(res2);
    const mll = (h / 2) * Math.log(alpha) + (n / 2) * Math.log(beta) - (n / 2) * LOG_2PI - (beta / 2) * fitTerm - (alpha / 2) * beta * beta * s2 - 0.5 * logDet;
    return -mll;
  };
  const res = nelderMead(nll, theta0);
  const alpha = Math.exp(res.x[0]);
  const beta = Math.exp(-res.x[1]);

  // m = β Σ v_i c_i / d_i;  S = Σ v_i v_iᵀ/d_i + (I − Σ v_i v_iᵀ)/α  ⇒  φᵀSφ = ‖φ‖²/α − Σ w_i (v_iᵀφ)²
  // with w_i = 1/α − 1/d_i ≥ 0. Directions with negligible w_i (no data) are dropped from P.
  const mean = new Float64Array(h);
  const rows: { w: number; row: Float64Array }[] = [];
  for (let i = 0; i < r; i++) {
    const dI = beta * lambdas[i] + alpha;
    const coef = (beta * cs[i]) / dI;
    const v = vecs[i];
    for (let k = 0; k < h; k++) mean[k] += coef * v[k];
    const w = 1 / alpha - 1 / dI;
    if (w * alpha > 1e-12) rows.push({ w, row: v.map((x) => x * Math.sqrt(w)) });
  }
  // Largest variance reductions first: Dngo.rankRows bounds the variance from the leading rows.
  rows.sort((a, b) => b.w - a.w);
  const proj = new Float64Array(rows.length * h);
  rows.forEach((r, i) => proj.set(r.row, i * h));
  return { alpha, beta, nll: res.fx, evaluations: res.evaluations, mean, proj, rank: rows.length, negLogMarginal: nll };
}

