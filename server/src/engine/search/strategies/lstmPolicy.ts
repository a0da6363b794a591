/**
 * arch2vec-RL's policy (`Policy_LSTM` in the reference): an LSTMCell(dim → hidden) whose hidden state
 * feeds a Linear(hidden → dim) giving the mean μ of a Gaussian action a ~ N(μ, I). Forward and
 * backprop-through-time are written out by hand — the net is tiny (≈76k weights) and plain float64
 * loops are deterministic, fast and free of tfjs.
 *
 * Parameters, flat (PyTorch's names and gate order i, f, g, o):
 *   W_ih (4H×D), W_hh (4H×H), b_ih (4H), b_hh (4H), W_fc (D×H), b_fc (D)
 * all initialised U(±1/√H) (PyTorch's LSTMCell default; nn.Linear(H, D) uses the same bound).
 */
import type { SearchRng } from '../types';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export interface PolicyLayout {
  wih: number;
  whh: number;
  bih: number;
  bhh: number;
  wfc: number;
  bfc: number;
  size: number;
}

export class LstmPolicy {
  readonly params: Float64Array;
  readonly layout: PolicyLayout;
  // Running state for sampling (carried across an episode, reset between episodes).
  private h: Float64Array;
  private c: Float64Array;
  private readonly gates: Float64Array;

  constructor(readonly dim: number, readonly hidden: number, rng: SearchRng) {
    const D = dim;
    const H = hidden;
    const wih = 0;
    const whh = wih + 4 * H * D;
    const bih = whh + 4 * H * H;
    const bhh = bih + 4 * H;
    const wfc = bhh + 4 * H;
    const bfc = wfc + D * H;
    this.layout = { wih, whh, bih, bhh, wfc, bfc, size: bfc + D };
    this.params = new Float64Array(this.layout.size);
    const bound = 1 / Math.sqrt(H);
    for (let i = 0; i < this.params.length; i++) this.params[i] = (2 * rng.float() - 1) * bound;
    this.h = new Float64Array(H);
    this.c = new Float64Array(H);
    this.gates = new Float64Array(4 * H);
  }

  /** Zero hidden and cell state (the reference sets hx = cx = None after each update). */
  reset(): void {
    this.h.fill(0);
    this.c.fill(0);
  }

  /**
   * One LSTM step from the running state: updates (h, c), returns μ. When `cache` is given the
   * step's activations are written there for backprop.
   */
  step(x: ArrayLike<number>, mu: Float64Array, cache?: StepCache): void {
    const D = this.dim;
    const H = this.hidden;
    const p = this.params;
    const L = this.layout;
    const g = this.gates;
    const hPrev = this.h;
    for (let r = 0; r < 4 * H; r++) {
      let z = p[L.bih + r] + p[L.bhh + r];
      const ri = L.wih + r * D;
      for (let k = 0; k < D; k++) z += p[ri + k] * x[k];
      const rh = L.whh + r * H;
      for (let k = 0; k < H; k++) z += p[rh + k] * hPrev[k];
      g[r] = z;
    }
    const hNew = new Float64Array(H);
    const cNew = new Float64Array(H);
    if (cache) {
      cache.x = Float64Array.from({ length: D }, (_, k) => x[k]);
      cache.hPrev = hPrev.slice();
      cache.cPrev = this.c.slice();
    }
    for (let u = 0; u < H; u++) {
      const i = sigmoid(g[u]);
      const f = sigmoid(g[H + u]);
      const gg = Math.tanh(g[2 * H + u]);
      const o = sigmoid(g[3 * H + u]);
      const c = f * this.c[u] + i * gg;
      const tc = Math.tanh(c);
      cNew[u] = c;
      hNew[u] = o * tc;
      if (cache) {
        cache.i[u] = i;
        cache.f[u] = f;
        cache.g[u] = gg;
        cache.o[u] = o;
        cache.tc[u] = tc;
      }
    }
    this.h = hNew;
    this.c = cNew;
    for (let d = 0; d < D; d++) {
      let z = p[L.bfc + d];
      const r = L.wfc + d * H;
      for (let k = 0; k < H; k++) z += p[r + k] * hNew[k];
      mu[d] = z;
    }
    if (cache) cache.h = hNew.slice();
  }

  /**
   * REINFORCE loss of one episode and its gradient by backprop through time:
   *   loss = Σ_t weight_t · (−log N(a_t; μ_t, I)),
   * μ_t from running the LSTM from a zero state over `inputs` (the reference's episode, whose hidden
   * state is carried across steps). The strategy passes weight_t = (r_t − b)/T. Re-running the
   * forward pass here (instead of keeping the sampling-time graph) lets a late-arriving episode be
   * updated with the current weights; with a sequential driver they are the sampling weights.
   */
  episodeLossAndGradient(inputs: readonly ArrayLike<number>[], actions: readonly ArrayLike<number>[], weights: readonly number[], grad: Float64Array): number {
    const D = this.dim;
    const H = this.hidden;
    const p = this.params;
    const L = this.layout;
    const T = inputs.length;
    grad.fill(0);
    const savedH = this.h;
    const savedC = this.c;
    this.reset();
    const caches: StepCache[] = [];
    const mus: Float64Array[] = [];
    let loss = 0;
    for (let t = 0; t < T; t++) {
      const cache = newCache(H);
      const mu = new Float64Array(D);
      this.step(inputs[t], mu, cache);
      caches.push(cache);
      mus.push(mu);
      let sq = 0;
      for (let d = 0; d < D; d++) sq += (actions[t][d] - mu[d]) ** 2;
      loss += weights[t] * (0.5 * sq + D * HALF_LOG_2PI);
    }
    this.h = savedH;
    this.c = savedC;

    let dhNext = new Float64Array(H);
    let dcNext = new Float64Array(H);
    const dh = new Float64Array(H);
    const dG = new Float64Array(4 * H);
    for (let t = T - 1; t >= 0; t--) {
      const cache = caches[t];
      const mu = mus[t];
      dh.set(dhNext);
      // d(−log π)/dμ = −(a − μ); fc layer.
      for (let d = 0; d < D; d++) {
        const dmu = -weights[t] * (actions[t][d] - mu[d]);
        if (dmu === 0) continue;
        grad[L.bfc + d] += dmu;
        const r = L.wfc + d * H;
        for (let k = 0; k < H; k++) {
          grad[r + k] += dmu * cache.h[k];
          dh[k] += dmu * p[r + k];
        }
      }
      const dcPrev = new Float64Array(H);
      for (let u = 0; u < H; u++) {
        const i = cache.i[u];
        const f = cache.f[u];
        const gg = cache.g[u];
        const o = cache.o[u];
        const tc = cache.tc[u];
        const dO = dh[u] * tc;
        const dc = dh[u] * o * (1 - tc * tc) + dcNext[u];
        const dI = dc * gg;
        const dGg = dc * i;
        const dF = dc * cache.cPrev[u];
        dcPrev[u] = dc * f;
        dG[u] = dI * i * (1 - i);
        dG[H + u] = dF * f * (1 - f);
        dG[2 * H + u] = dGg * (1 - gg * gg);
        dG[3 * H + u] = dO * o * (1 - o);
      }
      const dhPrev = new Float64Array(H);
      for (let r = 0; r < 4 * H; r++) {
        const gr = dG[r];
        if (gr === 0) continue;
        grad[L.bih + r] += gr;
        grad[L.bhh + r] += gr;
        const ri = L.wih + r * D;
        for (let k = 0; k < D; k++) grad[ri + k] += gr * cache.x[k];
        const rh = L.whh + r * H;
        for (let k = 0; k < H; k++) {
          grad[rh + k] += gr * cache.hPrev[k];
          dhPrev[k] += gr * p[rh + k];
        }
      }
      dhNext = dhPrev;
      dcNext = dcPrev;
    }
    return loss;
  }
}

export interface StepCache {
  x: Float64Array;
  hPrev: Float64Array;
  cPrev: Float64Array;
  h: Float64Array;
  i: Float64Array;
  f: Float64Array;
  g: Float64Array;
  o: Float64Array;
  tc: Float64Array;
}

function newCache(H: number): StepCache {
  const z = () => new Float64Array(H);
  return { x: new Float64Array(0), hPrev: z(), cPrev: z(), h: z(), i: z(), f: z(), g: z(), o: z(), tc: z() };
}

/** −log N(a; μ, I) for a D-dimensional action. */
export function gaussianNegLogProb(a: ArrayLike<number>, mu: ArrayLike<number>): number {
  let sq = 0;
  for (let d = 0; d < mu.length; d++) sq += (a[d] - mu[d]) ** 2;
  return 0.5 * sq + mu.length * HALF_LOG_2PI;
}
