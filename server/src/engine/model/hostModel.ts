/**
 * The arch2vec VAE's training step with a hand-derived backward pass, on flat Float32Arrays.
 *
 * Why: on host-memory backends (wasm, cpu) a batch-32 step through tfjs autodiff is ~1,100 kernel
 * dispatches, each costing tens of microseconds of bookkeeping, so dispatch, not arithmetic, dominated.
 * Here the only kernels are the large matrix products (`MatMul`, tfjs-wasm's XNNPACK kernels, always
 * without transpose flags: operands are transposed in JS first, as wasm's transposed matMul is ~10x
 * slower); everything elementwise — batch norm with its statistics and gradient, ReLU, reparameterisation,
 * dropout, sigmoid/BCE, KL, the GIN aggregation Ã·H and the inner-product decoder — is fused into
 * typed-array loops (float64 accumulation, float32 storage).
 *
 * Same function as `Arch2vecModel.forward` + `vaeLoss` + autodiff (pinned against the PyTorch golden
 * fixtures by test/model.test.ts, both paths), except the random streams: noise and dropout masks come
 * from the seeded `Rng`, not tfjs's generators.
 *
 * With `HostKernels` (WebAssembly SIMD, the default wherever the engine has it) the products, batch norm,
 * its gradient and the GIN aggregation run in those kernels, on buffers in the kernels' memory; the JS
 * loops below stay as the fallback and as the definition the kernels reproduce bit for bit
 * (test/host-kernels.test.ts).
 */
import type { Mode } from './arch2vecModel';
import type { ModelConfig } from './config';
import { Rng } from '../data/random';
import type { HostKernels } from './hostKernels';

/** C[m,n] = A[m,k]·B[k,n], row-major; may return a fresh array. */
export type MatMul = (a: Float32Array, m: number, k: number, b: Float32Array, n: number) => Float32Array;

/** Plain JS product (i-k-j order), used for the small ones and as a fallback. */
export function jsMatMul(a: Float32Array, m: number, k: number, b: Float32Array, n: number, out: Float32Array = new Float32Array(m * n)): Float32Array {
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    row.fill(0);
    for (let p = 0; p < k; p++) {
      const x = a[i * k + p];
      if (x === 0) continue;
      const o = p * n;
      for (let j = 0; j < n; j++) row[j] += x * b[o + j];
    }
    out.set(row, i * n);
  }
  return out;
}

export function transpose(a: Float32Array, m: number, n: number, out: Float32Array = new Float32Array(m * n)): Float32Array {
  for (let i = 0; i < m; i++) {
    const o = i * n;
    for (let j = 0; j < n; j++) out[j * m + i] = a[o + j];
  }
  return out;
}

/*
 * Column reductions over a row-major [rows, H] block, four columns at a time with the accumulators in
 * registers: ~3x faster in V8 than accumulating into a Float64Array per element. H must be a multiple
 * of 4 (the hidden width, 128).
 */

/** s1[c] = Σ_r u[r,c], s2[c] = Σ_r u[r,c]². */
export function columnSums2(u: Float32Array, rows: number, H: number, s1: Float64Array, s2: Float64Array) {
  const n = rows * H;
  for (let c = 0; c < H; c += 4) {
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
    for (let o = c; o < n; o += H) {
      const x0 = u[o], x1 = u[o + 1], x2 = u[o + 2], x3 = u[o + 3];
      a0 += x0; a1 += x1; a2 += x2; a3 += x3;
      b0 += x0 * x0; b1 += x1 * x1; b2 += x2 * x2; b3 += x3 * x3;
    }
    s1[c] = a0; s1[c + 1] = a1; s1[c + 2] = a2; s1[c + 3] = a3;
    s2[c] = b0; s2[c + 1] = b1; s2[c + 2] = b2; s2[c + 3] = b3;
  }
}

/** out = da ⊙ [a > 0] (the ReLU gradient); dbeta[c] = Σ out, dgamma[c] = Σ out ⊙ x̂. */
export function reluGradSums(da: Float32Array, a: Float32Array, xhat: Float32Array, rows: number, H: number, out: Float32Array, dbeta: Float64Array, dgamma: Float64Array) {
  const n = rows * H;
  for (let c = 0; c < H; c += 4) {
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
    for (let o = c; o < n; o += H) {
      const v0 = a[o] > 0 ? da[o] : 0;
      const v1 = a[o + 1] > 0 ? da[o + 1] : 0;
      const v2 = a[o + 2] > 0 ? da[o + 2] : 0;
      const v3 = a[o + 3] > 0 ? da[o + 3] : 0;
      out[o] = v0; out[o + 1] = v1; out[o + 2] = v2; out[o + 3] = v3;
      a0 += v0; a1 += v1; a2 += v2; a3 += v3;
      b0 += v0 * xhat[o]; b1 += v1 * xhat[o + 1]; b2 += v2 * xhat[o + 2]; b3 += v3 * xhat[o + 3];
    }
    dbeta[c] = a0; dbeta[c + 1] = a1; dbeta[c + 2] = a2; dbeta[c + 3] = a3;
    dgamma[c] = b0; dgamma[c + 1] = b1; dgamma[c + 2] = b2; dgamma[c + 3] = b3;
  }
}

/** g ← scale·(g − mb − x̂·mg) in place (the batch-norm input gradient); db[c] = Σ of the result. */
export function bnInputGrad(g: Float32Array, xhat: Float32Array, rows: number, H: number, scale: Float64Array, mb: Float64Array, mg: Float64Array, db: Float64Array) {
  const n = rows * H;
  for (let c = 0; c < H; c += 4) {
    const s0 = scale[c], s1 = scale[c + 1], s2 = scale[c + 2], s3 = scale[c + 3];
    const m0 = mb[c], m1 = mb[c + 1], m2 = mb[c + 2], m3 = mb[c + 3];
    const k0 = mg[c], k1 = mg[c + 1], k2 = mg[c + 2], k3 = mg[c + 3];
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    for (let o = c; o < n; o += H) {
      const v0 = s0 * (g[o] - m0 - xhat[o] * k0);
      const v1 = s1 * (g[o + 1] - m1 - xhat[o + 1] * k1);
      const v2 = s2 * (g[o + 2] - m2 - xhat[o + 2] * k2);
      const v3 = s3 * (g[o + 3] - m3 - xhat[o + 3] * k3);
      g[o] = v0; g[o + 1] = v1; g[o + 2] = v2; g[o + 3] = v3;
      a0 += v0; a1 += v1; a2 += v2; a3 += v3;
    }
    db[c] = a0; db[c + 1] = a1; db[c + 2] = a2; db[c + 3] = a3;
  }
}

/** x̂ = (u − mean)·invstd and a = ReLU(γ·x̂ + β), row by row (the normalising pass of batch norm + ReLU). */
export function bnReluNormalise(u: Float32Array, rows: number, H: number, mean: Float64Array, invstd: Float64Array, gam: Float64Array, bet: Float64Array, xhat: Float32Array, a: Float32Array) {
  for (let r = 0; r < rows; r++) {
    const o = r * H;
    for (let c = 0; c < H; c++) {
      const x = (u[o + c] - mean[c]) * invstd[c];
      xhat[o + c] = x;
      const y = gam[c] * x + bet[c];
      a[o + c] = (y + Math.abs(y)) * 0.5; // ReLU without a data-dependent branch (~2x faster here)
    }
  }
}

/** Non-zeros of Ã = A + Aᵀ per graph, as (row, col, weight) triples with global row indices. */
export interface Edges { rows: Int32Array; cols: Int32Array; w: Float32Array }

/**
 * The non-zeros of Ã = A + Aᵀ of `b` graphs with `n` nodes into `into` (capacity b·n·n each), as
 * (row, col, weight) triples with global row indices; returns the filled prefixes.
 */
export function symmetricEdges(adj: Float32Array, b: number, n: number, into: Edges): Edges {
  const { rows, cols, w } = into;
  let t = 0;
  for (let g = 0; g < b; g++) {
    const base = g * n * n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const v = adj[base + i * n + j] + adj[base + j * n + i];
        if (v !== 0) {
          rows[t] = g * n + i;
          cols[t] = g * n + j;
          w[t++] = v;
        }
      }
    }
  }
  return { rows: rows.subarray(0, t), cols: cols.subarray(0, t), w: w.subarray(0, t) };
}

/** out = (1+ε)·h + Ã·h (Ã symmetric, so the same map is its own transpose for the backward pass). */
export function aggregate(h: Float32Array, c: number, onePlusEps: number, e: Edges, out: Float32Array) {
  // out must not alias h. Float32 accumulation over ≤ 2n-2 terms of equal magnitude: ~1e-7 relative.
  for (let i = 0; i < h.length; i++) out[i] = onePlusEps * h[i];
  for (let t = 0; t < e.rows.length; t++) {
    const ro = e.rows[t] * c;
    const co = e.cols[t] * c;
    const w = e.w[t];
    for (let k = 0; k < c; k++) out[ro + k] += w * h[co + k];
  }
}

/** Products below this many multiply-adds stay in JS: a kernel call costs more than the work. */
const SMALL = 40_000;

/** Where every named parameter sits in the flat vector (trainables first, then running statistics). */
export interface ParamLayout {
  slots: { name: string; offset: number; size: number; trainable: boolean }[];
  trainableSize: number;
  total: number;
}

interface LayerOffsets { eps: number; w1: number; b1: number; g1: number; be1: number; rm1: number; rv1: number; w2: number; b2: number; g2: number; be2: number; rm2: number; rv2: number }

export interface HostStepOptions {
  mode: Mode;
  seed: number;
  /** B of the loss normalisers (the full batch when this is one data-parallel shard). */
  globalBatch: number;
  /** Train mode without sampling: z = μ and no dropout (the golden fixtures' train-mode setting). */
  deterministic?: boolean;
  /** Write the gradient into `grad` instead of adding to it (saves zeroing it first). */
  overwriteGrad?: boolean;
}

export interface HostStepResult {
  /** [total, ops, adj, kl] of this batch's share of the loss. */
  parts: Float64Array;
  /** μ, [b·n, latent]. */
  mu: Float32Array;
}

/** torch's float32 sigmoid as the tfjs cpu backend rounds it (exactly 0/1 where float32 saturates). */
export const sigmoid32 = (x: number) => Math.fround(1 / (1 + Math.exp(-x)));

export interface HostProducts {
  /** Products for the JS path (default: plain JS). */
  mm?: MatMul;
  /** The WebAssembly SIMD kernels: products and the elementwise work in their memory. */
  kernels?: HostKernels;
}

export class HostArch2vec {
  private readonly L: LayerOffsets[] = [];
  private readonly off: Record<'muW' | 'muB' | 'lsW' | 'lsB' | 'dW' | 'dB', number>;
  private readonly mm: MatMul;
  private readonly k?: HostKernels;

  constructor(readonly config: ModelConfig, readonly layout: ParamLayout, products: HostProducts = {}) {
    if (config.hidden % 4 !== 0) throw new Error(`host training path: hidden width ${config.hidden} is not a multiple of 4`);
    this.mm = products.mm ?? jsMatMul;
    this.k = products.kernels;
    const at = new Map(layout.slots.map((s) => [s.name, s.offset]));
    const o = (name: string) => {
      const v = at.get(name);
      if (v === undefined) throw new Error(`parameter layout has no '${name}'`);
      return v;
    };
    for (let l = 0; l < config.ginLayers; l++) {
      this.L.push({
        eps: o(`gin${l}.eps`), w1: o(`gin${l}.mlp.0.w`), b1: o(`gin${l}.mlp.0.b`),
        g1: o(`gin${l}.mlp.bn.gamma`), be1: o(`gin${l}.mlp.bn.beta`), rm1: o(`gin${l}.mlp.bn.running_mean`), rv1: o(`gin${l}.mlp.bn.running_var`),
        w2: o(`gin${l}.mlp.1.w`), b2: o(`gin${l}.mlp.1.b`),
        g2: o(`gin${l}.bn.gamma`), be2: o(`gin${l}.bn.beta`), rm2: o(`gin${l}.bn.running_mean`), rv2: o(`gin${l}.bn.running_var`),
      });
    }
    this.off = { muW: o('fc_mu.w'), muB: o('fc_mu.b'), lsW: o('fc_logvar.w'), lsB: o('fc_logvar.b'), dW: o('decoder.ops.w'), dB: o('decoder.ops.b') };
  }

  /*
   * Scratch buffers, reused across steps (a step allocates almost nothing: GC was ~5% of a step). With
   * kernels they live in the kernels' memory; `generation` says which memory the cached views belong to.
   */
  private readonly scratch = new Map<string, Float32Array | Float64Array | Int32Array>();
  private scratchGeneration = 0;

  private cached<T extends Float32Array | Float64Array | Int32Array>(key: string, n: number, make: (n: number) => T): T {
    let b = this.scratch.get(key) as T | undefined;
    if (!b || b.length < n) {
      b = make(n);
      this.scratch.set(key, b);
    }
    return b.subarray(0, n) as T;
  }

  private buf(key: string, n: number): Float32Array {
    return this.cached(key, n, (m) => this.k?.f32(m) ?? new Float32Array(m));
  }

  private buf64(key: string, n: number): Float64Array {
    return this.cached(key, n, (m) => this.k?.f64(m) ?? new Float64Array(m));
  }

  private bufI32(key: string, n: number): Int32Array {
    return this.cached(key, n, (m) => this.k?.i32(m) ?? new Int32Array(m));
  }

  /**
   * Runs `body` with buffers in the kernels' memory; when the memory had to grow on the way (views taken
   * before are detached), drops every cached view and runs it again. `body` must only write its results
   * through what it returns or after it can no longer fail (no side effects on a rerun).
   */
  private inArena<T>(body: () => T): T {
    if (!this.k) return body();
    for (let attempt = 0; ; attempt++) {
      if (this.scratchGeneration !== this.k.generation) {
        // Every view is dropped, so the whole (now larger) memory is free again: no region leaks.
        this.scratch.clear();
        this.k.reset();
        this.scratchGeneration = this.k.generation;
      }
      let result: T;
      try {
        result = body();
      } catch (e) {
        if (this.k.generation === this.scratchGeneration || attempt > 30) throw e;
        continue;
      }
      if (this.k.generation === this.scratchGeneration) return result;
      if (attempt > 30) throw new Error('host kernels: the memory kept growing');
    }
  }

  /** Whether all these live in the kernels' memory (always true on the kernel path after `inArena` copies). */
  private owned(...vs: (Float32Array | Float64Array | Int32Array)[]): boolean {
    const k = this.k;
    return !!k && vs.every((v) => k.owns(v));
  }

  /** a[m,k]·b[k,n]; with kernels into the scratch buffer `outKey`. */
  private matmul(a: Float32Array, m: number, k: number, b: Float32Array, n: number, outKey: string): Float32Array {
    if (this.owned(a, b)) return this.kernelProduct(b, k, m, n, outKey, (bb, nn, c) => this.k!.gemm(a, m, k, bb, nn, c));
    return m * k * n < SMALL ? jsMatMul(a, m, k, b, n) : this.mm(a, m, k, b, n);
  }

  /** aᵀ into the scratch buffer `key`: on the kernels when `a` lives in their memory. */
  private transposed(a: Float32Array, m: number, n: number, key: string): Float32Array {
    const out = this.buf(key, m * n);
    return this.owned(a, out) ? this.k!.transpose(a, m, n, out) : transpose(a, m, n, out);
  }

  /** xᵀ·dy for x [rows, k], dy [rows, n]. */
  private matmulTA(x: Float32Array, rows: number, k: number, dy: Float32Array, n: number, outKey: string): Float32Array {
    if (this.owned(x, dy)) return this.kernelProduct(dy, rows, k, n, outKey, (bb, nn, c) => this.k!.gemmTA(x, rows, k, bb, nn, c));
    return this.matmul(this.transposed(x, rows, k, 'xT'), k, rows, dy, n, outKey);
  }

  /**
   * A kernel product with right operand `b` [bRows, n] and output [outRows, n] into the scratch buffer
   * `outKey`. The kernels want n % 8 == 0: narrow outputs (the op columns: 5, 7, 11) run on `b` padded
   * with zero columns, and the product's extra columns are dropped.
   */
  private kernelProduct(b: Float32Array, bRows: number, outRows: number, n: number, outKey: string, product: (b: Float32Array, n: number, out: Float32Array) => Float32Array): Float32Array {
    if (n % 8 === 0) return product(b, n, this.buf(outKey, outRows * n));
    const n8 = (n + 7) & ~7;
    const c8 = product(this.padColumns(b, bRows, n, n8, `${outKey}.b8`), n8, this.buf(`${outKey}.c8`, outRows * n8));
    return this.unpadColumns(c8, outRows, n, n8, outKey);
  }

  /** [rows, n] → [rows, n8] with zero columns on the right. */
  private padColumns(b: Float32Array, rows: number, n: number, n8: number, key: string): Float32Array {
    const out = this.buf(key, rows * n8).fill(0);
    for (let r = 0; r < rows; r++) out.set(b.subarray(r * n, r * n + n), r * n8);
    return out;
  }

  /** [rows, n8] → [rows, n] (into the scratch buffer `key`). */
  private unpadColumns(c: Float32Array, rows: number, n: number, n8: number, key: string): Float32Array {
    const out = this.buf(key, rows * n);
    for (let r = 0; r < rows; r++) out.set(c.subarray(r * n8, r * n8 + n), r * n);
    return out;
  }

  private symmetricEdges(adj: Float32Array, b: number, n: number): Edges {
    const cap = b * n * n;
    return symmetricEdges(adj, b, n, { rows: this.bufI32('edges.rows', cap), cols: this.bufI32('edges.cols', cap), w: this.buf('edges.w', cap) });
  }

  private aggregate(h: Float32Array, c: number, onePlusEps: number, e: Edges, out: Float32Array) {
    if (this.owned(h, out, e.rows, e.cols, e.w)) this.k!.aggregate(h, c, onePlusEps, e, out);
    else aggregate(h, c, onePlusEps, e, out);
  }

  /**
   * Batch norm + ReLU over rows of u = x·W (the Linear's bias `bias` not yet added: in train mode it
   * cancels against the batch mean, in eval mode it is folded into the running mean). Writes x̂ and
   * the ReLU output `a`, and 1/√(σ²+ε) for the backward pass; in train mode also the new running
   * statistics into `statsOut` (PyTorch's momentum update, unbiased variance). Two passes over u.
   */
  private bnRelu(u: Float32Array, rows: number, p: Float32Array, bias: number, g: number, be: number, rm: number, rv: number, mode: Mode, statsOut: Float32Array | undefined, statsBase: number, xhat: Float32Array, invstd: Float64Array, a: Float32Array) {
    const H = this.config.hidden;
    const mean = this.buf64('bn.mean', H);
    const gam = this.buf64('bn.gamma', H);
    const bet = this.buf64('bn.beta', H);
    for (let c = 0; c < H; c++) {
      gam[c] = p[g + c];
      bet[c] = p[be + c];
    }
    if (mode === 'train') {
      const s1 = this.buf64('bn.s1', H);
      const s2 = this.buf64('bn.s2', H);
      if (this.owned(u, s1, s2)) this.k!.colStats(u, rows, H, s1, s2);
      else columnSums2(u, rows, H, s1, s2);
      const mom = this.config.bnMomentum;
      for (let c = 0; c < H; c++) {
        const m = s1[c] / rows;
        const v = Math.max(0, s2[c] / rows - m * m);
        mean[c] = m;
        invstd[c] = 1 / Math.sqrt(v + this.config.bnEpsilon);
        if (statsOut) {
          statsOut[rm - statsBase + c] = p[rm + c] * (1 - mom) + (m + p[bias + c]) * mom;
          statsOut[rv - statsBase + c] = p[rv + c] * (1 - mom) + (v * rows / Math.max(1, rows - 1)) * mom;
        }
      }
    } else {
      for (let c = 0; c < H; c++) {
        mean[c] = p[rm + c] - p[bias + c];
        invstd[c] = 1 / Math.sqrt(p[rv + c] + this.config.bnEpsilon);
      }
    }
    if (this.owned(u, mean, invstd, gam, bet, xhat, a)) this.k!.bnRelu(u, rows, H, mean, invstd, gam, bet, xhat, a);
    else bnReluNormalise(u, rows, H, mean, invstd, gam, bet, xhat, a);
  }

  /**
   * Backward through ReLU and batch norm: `da` (gradient at the ReLU output) → dU (into `out`); adds dγ,
   * dβ and the preceding Linear's bias gradient Σ dU into `grad`. Train mode differentiates through the
   * batch statistics. Two passes.
   */
  private bnReluBackward(da: Float32Array, a: Float32Array, xhat: Float32Array, invstd: Float64Array, rows: number, p: Float32Array, bias: number, g: number, be: number, mode: Mode, grad: Float32Array, out: Float32Array): Float32Array {
    const H = this.config.hidden;
    const dbeta = this.buf64('bnb.dbeta', H);
    const dgamma = this.buf64('bnb.dgamma', H);
    if (this.owned(da, a, xhat, out, dbeta, dgamma)) this.k!.reluGradSums(da, a, xhat, rows, H, out, dbeta, dgamma);
    else reluGradSums(da, a, xhat, rows, H, out, dbeta, dgamma);
    const scale = this.buf64('bnb.scale', H);
    const mb = this.buf64('bnb.mb', H);
    const mg = this.buf64('bnb.mg', H);
    const train = mode === 'train';
    for (let c = 0; c < H; c++) {
      grad[g + c] += dgamma[c];
      grad[be + c] += dbeta[c];
      scale[c] = p[g + c] * invstd[c];
      mb[c] = train ? dbeta[c] / rows : 0;
      mg[c] = train ? dgamma[c] / rows : 0;
    }
    const db = this.buf64('bnb.db', H);
    if (this.owned(out, xhat, scale, mb, mg, db)) this.k!.bnInputGrad(out, xhat, rows, H, scale, mb, mg, db);
    else bnInputGrad(out, xhat, rows, H, scale, mb, mg, db);
    for (let c = 0; c < H; c++) grad[bias + c] += db[c];
    return out;
  }

  /** x·W (+ b when `b` ≥ 0) with W at `w` ([k, n]) in the flat vector. */
  private dense(x: Float32Array, rows: number, k: number, p: Float32Array, w: number, b: number, n: number, outKey: string): Float32Array {
    const out = this.matmul(x, rows, k, p.subarray(w, w + k * n), n, outKey);
    if (b >= 0) {
      for (let r = 0; r < rows; r++) {
        const o = r * n;
        for (let c = 0; c < n; c++) out[o + c] += p[b + c];
      }
    }
    return out;
  }

  /** Backward of x·W: dW (= xᵀ·dy) added into `grad`; returns dx = dy·Wᵀ. (Bias gradients: the callers.) */
  private denseBackward(dy: Float32Array, x: Float32Array, rows: number, k: number, p: Float32Array, w: number, n: number, grad: Float32Array): Float32Array {
    const gW = grad.subarray(w, w + k * n);
    if (n % 8 === 0 && this.owned(x, dy, gW)) {
      this.k!.gemmTA(x, rows, k, dy, n, gW, true); // straight into the gradient
    } else {
      const dW = this.matmulTA(x, rows, k, dy, n, 'dW');
      for (let i = 0; i < k * n; i++) gW[i] += dW[i];
    }
    return this.matmul(dy, rows, n, this.transposed(p.subarray(w, w + k * n), k, n, 'wT'), k, 'dx');
  }

  /** The encoder trunk: the last GIN layer's output plus what the backward pass needs. */
  private encodeTrunk(p: Float32Array, adj: Float32Array, ops: Float32Array, b: number, mode: Mode, statsOut?: Float32Array) {
    const { nodes: n, opColumns: d, hidden: H } = this.config;
    const rows = b * n;
    const edges = this.symmetricEdges(adj, b, n);
    const caches: { hIn: Float32Array; cIn: number; agg: Float32Array; xhat1: Float32Array; inv1: Float64Array; a1: Float32Array; xhat2: Float32Array; inv2: Float64Array; h: Float32Array }[] = [];
    let h = ops.subarray(0, rows * d);
    let c = d;
    const statsBase = this.layout.trainableSize;
    for (let l = 0; l < this.L.length; l++) {
      const L = this.L[l];
      const agg = this.buf(`agg${l}`, rows * c);
      this.aggregate(h, c, 1 + p[L.eps], edges, agg);
      const u1 = this.dense(agg, rows, c, p, L.w1, -1, H, 'u');
      const xhat1 = this.buf(`xhat1.${l}`, rows * H);
      const inv1 = this.buf64(`inv1.${l}`, H);
      const a1 = this.buf(`a1.${l}`, rows * H);
      this.bnRelu(u1, rows, p, L.b1, L.g1, L.be1, L.rm1, L.rv1, mode, statsOut, statsBase, xhat1, inv1, a1);
      const u2 = this.dense(a1, rows, H, p, L.w2, -1, H, 'u');
      const xhat2 = this.buf(`xhat2.${l}`, rows * H);
      const inv2 = this.buf64(`inv2.${l}`, H);
      const out = this.buf(`h${l}`, rows * H);
      this.bnRelu(u2, rows, p, L.b2, L.g2, L.be2, L.rm2, L.rv2, mode, statsOut, statsBase, xhat2, inv2, out);
      caches.push({ hIn: h, cIn: c, agg, xhat1, inv1, a1, xhat2, inv2, h: out });
      h = out;
      c = H;
    }
    return { h, caches, edges };
  }

  /** With kernels: the parameters and the op features copied into the kernels' memory (else as given). */
  private stage(params: Float32Array, ops: Float32Array, count: number): { p: Float32Array; ops: Float32Array } {
    if (!this.k) return { p: params, ops };
    const p = this.buf('params', this.layout.total);
    p.set(params.subarray(0, this.layout.total));
    const o = this.buf('ops', count);
    o.set(ops.subarray(0, count));
    return { p, ops: o };
  }

  /**
   * One training step's forward and backward pass. `params` is the whole flat vector (trainables and
   * running statistics; read only). Gradients are ADDED into `grad` (the trainable part of the layout;
   * zero it first), or written over it with `overwriteGrad`. In train mode the updated running statistics go to `statsOut` (the non-trainable
   * part of the layout); in eval mode `statsOut` receives the current ones.
   */
  step(params: Float32Array, adj: Float32Array, ops: Float32Array, b: number, opts: HostStepOptions, grad: Float32Array, statsOut?: Float32Array): HostStepResult {
    const T = this.layout.trainableSize;
    const S = this.layout.total - T;
    const { nodes: n, opColumns: d } = this.config;
    if (!this.k && opts.overwriteGrad) grad.fill(0);
    const { result, g, stats } = this.inArena(() => {
      const staged = this.stage(params, ops, b * n * d);
      // With kernels the gradient and statistics go to scratch first: a rerun must not add twice.
      const g = this.k ? this.buf('grad', T).fill(0) : grad;
      const stats = this.k && statsOut ? new Float32Array(S) : statsOut;
      return { result: this.stepOnce(staged.p, adj, staged.ops, b, opts, g, stats), g, stats };
    });
    if (g !== grad) {
      if (opts.overwriteGrad) grad.set(g);
      else for (let i = 0; i < T; i++) grad[i] += g[i];
    }
    if (stats && statsOut && stats !== statsOut) statsOut.set(stats);
    return result;
  }

  private stepOnce(params: Float32Array, adj: Float32Array, ops: Float32Array, b: number, opts: HostStepOptions, grad: Float32Array, statsOut?: Float32Array): HostStepResult {
    const { nodes: n, opColumns: d, hidden: H, latent: Z } = this.config;
    const rows = b * n;
    const p = params;
    const mode = opts.mode;
    if (statsOut) statsOut.set(p.subarray(this.layout.trainableSize, this.layout.total));
    const { h, caches, edges } = this.encodeTrunk(p, adj, ops, b, mode, statsOut);

    // Heads: one product h·[W_μ | W_logσ].
    const { muW, muB, lsW, lsB, dW, dB } = this.off;
    const wHead = this.buf('wHead', H * 2 * Z);
    for (let r = 0; r < H; r++) {
      wHead.set(p.subarray(muW + r * Z, muW + (r + 1) * Z), r * 2 * Z);
      wHead.set(p.subarray(lsW + r * Z, lsW + (r + 1) * Z), r * 2 * Z + Z);
    }
    const head = this.matmul(h, rows, H, wHead, 2 * Z, 'head');
    const mu = this.buf('mu', rows * Z);
    const ls = this.buf('logsigma', rows * Z);
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < Z; k++) {
        mu[r * Z + k] = head[r * 2 * Z + k] + p[muB + k];
        ls[r * Z + k] = head[r * 2 * Z + Z + k] + p[lsB + k];
      }
    }

    // Reparameterisation and decoder dropout (train mode only).
    const sample = mode === 'train' && !opts.deterministic;
    let noise: Float32Array | undefined;
    let keep: Float32Array | undefined;
    let zd = mu;
    if (sample) {
      const rng = new Rng(opts.seed);
      noise = this.buf('noise', rows * Z);
      zd = this.buf('z', rows * Z);
      for (let i = 0; i < zd.length; i++) {
        noise[i] = rng.normal();
        zd[i] = mu[i] + noise[i] * Math.exp(ls[i]);
      }
      const rate = this.config.decoderDropout;
      if (rate > 0) {
        keep = this.buf('keep', rows * Z);
        const s = 1 / (1 - rate);
        for (let i = 0; i < zd.length; i++) {
          keep[i] = rng.float() < rate ? 0 : s;
          zd[i] *= keep[i];
        }
      }
    }

    // Decoder, loss and the gradient at the logits.
    const B = opts.globalBatch;
    const cOps = 1 / (B * n * d);
    const cAdj = 1 / (B * n * n);
    const cKl = 1 / (B * n * B * n);
    const opsLogits = this.matmul(zd, rows, Z, p.subarray(dW, dW + Z * d), d, 'opsLogits');
    let opsLoss = 0;
    const dOps = this.buf('dOps', rows * d);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < d; c++) {
        const i = r * d + c;
        const x = opsLogits[i] + p[dB + c];
        const y = ops[i];
        const pr = sigmoid32(x);
        const q = Math.fround(1 - pr);
        opsLoss -= y * Math.max(Math.log(pr), -100) + (1 - y) * Math.max(Math.log(q), -100);
        const sd = Math.fround(pr * q);
        dOps[i] = sd > 0 ? (((pr - y) * sd) / Math.max(sd, 1e-12)) * cOps : 0;
      }
    }
    let adjLoss = 0;
    const dz = this.matmul(dOps, rows, d, this.transposed(p.subarray(dW, dW + Z * d), Z, d, 'WdT'), Z, 'dz');
    for (let g = 0; g < b; g++) {
      for (let i = 0; i < n; i++) {
        const ri = (g * n + i) * Z;
        for (let j = i + 1; j < n; j++) {
          const rj = (g * n + j) * Z;
          let s = 0;
          for (let k = 0; k < Z; k++) s += zd[ri + k] * zd[rj + k];
          const y = adj[g * n * n + i * n + j];
          const pr = sigmoid32(Math.fround(s));
          const q = Math.fround(1 - pr);
          adjLoss -= y * Math.max(Math.log(pr), -100) + (1 - y) * Math.max(Math.log(q), -100);
          const sd = Math.fround(pr * q);
          const gs = sd > 0 ? (((pr - y) * sd) / Math.max(sd, 1e-12)) * cAdj : 0;
          if (gs === 0) continue;
          // d(z_i·z_j): dz_i += g·z_j, dz_j += g·z_i (the strict upper triangle only: the rest is masked).
          for (let k = 0; k < Z; k++) {
            dz[ri + k] += gs * zd[rj + k];
            dz[rj + k] += gs * zd[ri + k];
          }
        }
      }
    }
    // Decoder weights: dW_d = zdᵀ·dOps, db_d = Σ dOps.
    const dWd = this.matmulTA(zd, rows, Z, dOps, d, 'dWd');
    for (let i = 0; i < Z * d; i++) grad[dW + i] += dWd[i];
    for (let r = 0; r < rows; r++) for (let c = 0; c < d; c++) grad[dB + c] += dOps[r * d + c];

    // Back through dropout and the reparameterisation, plus the KL term.
    let klSum = 0;
    const dHead = this.buf('dHead', rows * 2 * Z);
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < Z; k++) {
        const i = r * Z + k;
        const m = mu[i];
        const e2 = Math.exp(2 * ls[i]);
        klSum += 1 + 2 * ls[i] - m * m - e2;
        let g = dz[i];
        if (keep) g *= keep[i];
        let gls = cKl * (e2 - 1);
        if (noise) gls += g * noise[i] * Math.exp(ls[i]);
        dHead[r * 2 * Z + k] = g + cKl * m;
        dHead[r * 2 * Z + Z + k] = gls;
      }
    }
    const kl = -0.5 * cKl * klSum;
    opsLoss *= cOps;
    adjLoss *= cAdj;

    // Heads backward.
    const dWHead = this.matmulTA(h, rows, H, dHead, 2 * Z, 'dWHead');
    for (let r = 0; r < H; r++) {
      for (let k = 0; k < Z; k++) {
        grad[muW + r * Z + k] += dWHead[r * 2 * Z + k];
        grad[lsW + r * Z + k] += dWHead[r * 2 * Z + Z + k];
      }
    }
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < Z; k++) {
        grad[muB + k] += dHead[r * 2 * Z + k];
        grad[lsB + k] += dHead[r * 2 * Z + Z + k];
      }
    }
    let dh = this.matmul(dHead, rows, 2 * Z, this.transposed(wHead, H, 2 * Z, 'wHeadT'), H, 'dhHead');

    // GIN layers, last to first.
    for (let l = this.L.length - 1; l >= 0; l--) {
      const L = this.L[l];
      const cch = caches[l];
      const du2 = this.bnReluBackward(dh, cch.h, cch.xhat2, cch.inv2, rows, p, L.b2, L.g2, L.be2, mode, grad, this.buf('du2', rows * H));
      const da1 = this.denseBackward(du2, cch.a1, rows, H, p, L.w2, H, grad);
      const du1 = this.bnReluBackward(da1, cch.a1, cch.xhat1, cch.inv1, rows, p, L.b1, L.g1, L.be1, mode, grad, this.buf('du1', rows * H));
      const dagg = this.denseBackward(du1, cch.agg, rows, cch.cIn, p, L.w1, H, grad);
      // agg = (1+ε)·h + Ã·h: dε = Σ dagg ⊙ h; dh = (1+ε)·dagg + Ã·dagg.
      let de = 0;
      for (let i = 0; i < dagg.length; i++) de += dagg[i] * cch.hIn[i];
      grad[L.eps] += de;
      if (l > 0) {
        const next = this.buf(`dh${l % 2}`, dagg.length);
        this.aggregate(dagg, cch.cIn, 1 + p[L.eps], edges, next);
        dh = next;
      }
    }
    const parts = new Float64Array([opsLoss + adjLoss + kl, opsLoss, adjLoss, kl]);
    return { parts, mu: mu.slice() }; // a copy: the scratch buffer is reused by the next step
  }

  /** Eval-mode embeddings: node-mean of μ, [b, latent] (the mean is taken before the linear μ head). */
  embed(params: Float32Array, adj: Float32Array, ops: Float32Array, b: number): Float32Array {
    const { nodes: n, opColumns: d, hidden: H, latent: Z } = this.config;
    return this.inArena(() => {
      const staged = this.stage(params, ops, b * n * d);
      const { h } = this.encodeTrunk(staged.p, adj, staged.ops, b, 'eval');
      const pooled = this.buf('pooled', b * H);
      for (let g = 0; g < b; g++) {
        for (let c = 0; c < H; c++) {
          let s = 0;
          for (let i = 0; i < n; i++) s += h[(g * n + i) * H + c];
          pooled[g * H + c] = s / n;
        }
      }
      return this.dense(pooled, b, H, staged.p, this.off.muW, this.off.muB, Z, 'embedding').slice();
    });
  }
}
