/**
 * Inference-only arch2vec encoder for embeddings: eval-mode batch norm folded into the preceding
 * linear layers (W' = W·γ/√(σ²+ε), b' = (b−μ)·γ/√(σ²+ε) + β), each MLP layer one fused
 * matMul + bias + ReLU, and the μ head applied after the node mean (a linear map commutes with the
 * mean). Same function as `Arch2vecModel.embed` up to float rounding, with about a third of the ops.
 * Weights are snapshotted: rebuild after the model's variables change.
 */
import * as tf from '@tensorflow/tfjs-core';
import '../model/tfSetup';
import type { Arch2vecModel } from '../model/arch2vecModel';
import { HostKernels } from '../model/hostKernels';
import { symmetricEdges } from '../model/hostModel';

/** Embeds encoded cells: ops [b, n, d] and adjacency [b, n, n] (flat) → node-mean μ, [b, latent]. */
export interface CellEncoder {
  embedArrays(ops: Float32Array, adj: Float32Array, b: number): Float32Array;
  /** Eval-mode μ of every node, [b·n, latent] (what the decoder reads). */
  encodeNodes(ops: Float32Array, adj: Float32Array, b: number): Float32Array;
  dispose(): void;
}

/**
 * The encoder for the active backend: on host backends (wasm, cpu) the WebAssembly SIMD kernels of the
 * training path (`HostFoldedEncoder`; ~2x tfjs-wasm here), else tfjs on the device.
 */
export function foldedEncoder(model: Arch2vecModel): CellEncoder {
  const kernels = HostKernels.forBackend(tf.getBackend());
  return kernels ? new HostFoldedEncoder(model, kernels) : new FoldedEncoder(model);
}

interface Layer {
  onePlusEps: tf.Tensor;
  w1: tf.Tensor2D;
  b1: tf.Tensor1D;
  w2: tf.Tensor2D;
  b2: tf.Tensor1D;
}

export class FoldedEncoder implements CellEncoder {
  private readonly layers: Layer[] = [];
  private readonly wMu: tf.Tensor2D;
  private readonly bMu: tf.Tensor1D;

  constructor(private readonly model: Arch2vecModel) {
    const bnEps = model.config.bnEpsilon;
    const fold = (w: tf.Tensor, b: tf.Tensor, bn: { gamma: tf.Tensor; beta: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor }) => {
      const scale = bn.gamma.div(bn.variance.add(bnEps).sqrt());
      return { w: w.mul(scale) as tf.Tensor2D, b: b.sub(bn.mean).mul(scale).add(bn.beta) as tf.Tensor1D };
    };
    tf.tidy(() => {
      for (let l = 0; l < model.config.ginLayers; l++) {
        const f1 = fold(model.mlp1[l].w, model.mlp1[l].b, model.bn1[l]);
        const f2 = fold(model.mlp2[l].w, model.mlp2[l].b, model.bnOut[l]);
        const layer: Layer = { onePlusEps: model.eps[l].add(1), w1: f1.w, b1: f1.b, w2: f2.w, b2: f2.b };
        this.layers.push(layer);
        for (const t of Object.values(layer)) tf.keep(t);
      }
    });
    this.wMu = tf.keep(model.mu.w.clone() as tf.Tensor as tf.Tensor2D);
    this.bMu = tf.keep(model.mu.b.clone() as tf.Tensor as tf.Tensor1D);
  }

  /** The last GIN layer's output, [b, n, hidden]. */
  private trunk(ops: tf.Tensor3D, adj: tf.Tensor3D): tf.Tensor3D {
    const [b, n] = ops.shape;
    const hidden = this.model.config.hidden;
    const aSym = adj.add(adj.transpose([0, 2, 1])) as tf.Tensor3D;
    let h: tf.Tensor3D = ops;
    for (const L of this.layers) {
      const agg = h.mul(L.onePlusEps).add(tf.matMul(aSym, h)) as tf.Tensor3D;
      let x = agg.reshape([b * n, agg.shape[2]]) as tf.Tensor2D;
      x = tf.fused.matMul({ a: x, b: L.w1, bias: L.b1, activation: 'relu' }) as tf.Tensor2D;
      x = tf.fused.matMul({ a: x, b: L.w2, bias: L.b2, activation: 'relu' }) as tf.Tensor2D;
      h = x.reshape([b, n, hidden]) as tf.Tensor3D;
    }
    return h;
  }

  /** Node-mean of μ, [b, latent]. */
  embed(ops: tf.Tensor3D, adj: tf.Tensor3D): tf.Tensor2D {
    return tf.tidy(() => tf.fused.matMul({ a: this.trunk(ops, adj).mean(1) as tf.Tensor2D, b: this.wMu, bias: this.bMu }) as tf.Tensor2D);
  }

  encodeNodes(ops: Float32Array, adj: Float32Array, b: number): Float32Array {
    const { nodes: n, opColumns: d, hidden } = this.model.config;
    const t = tf.tidy(() => {
      const h = this.trunk(tf.tensor3d(ops.subarray(0, b * n * d), [b, n, d]), tf.tensor3d(adj.subarray(0, b * n * n), [b, n, n]));
      return tf.fused.matMul({ a: h.reshape([b * n, hidden]) as tf.Tensor2D, b: this.wMu, bias: this.bMu });
    });
    const data = new Float32Array(t.dataSync() as Float32Array);
    t.dispose();
    return data;
  }

  embedArrays(ops: Float32Array, adj: Float32Array, b: number): Float32Array {
    const { nodes: n, opColumns: d } = this.model.config;
    const e = tf.tidy(() => this.embed(tf.tensor3d(ops.subarray(0, b * n * d), [b, n, d]), tf.tensor3d(adj.subarray(0, b * n * n), [b, n, n])));
    const data = new Float32Array(e.dataSync() as Float32Array);
    e.dispose();
    return data;
  }

  dispose() {
    for (const L of this.layers) tf.dispose(Object.values(L));
    tf.dispose([this.wMu, this.bMu]);
  }
}

/**
 * The same folded encoder on the host kernels (hostKernels.ts): per layer the GIN aggregation, then two
 * products with bias and ReLU fused into the product's last pass; the μ head after the node mean. The
 * folding rounds to float32 after every operation as the tfjs version's element-wise kernels do, so the
 * folded weights are the same numbers; the products' sums are ordered differently (~1e-7 relative).
 */
export class HostFoldedEncoder implements CellEncoder {
  private readonly weights: { onePlusEps: number; w1: Float32Array; b1: Float32Array; w2: Float32Array; b2: Float32Array }[] = [];
  private readonly wMu: Float32Array;
  private readonly bMu: Float32Array;
  /** Kernel memory the staged weights take. */
  private readonly weightBytes: number;
  /** Generation of the kernel memory the staged weights below belong to. */
  private staged?: { generation: number; mark: number; layers: { w1: Float32Array; b1: Float32Array; w2: Float32Array; b2: Float32Array }[]; wMu: Float32Array; bMu: Float32Array };

  constructor(private readonly model: Arch2vecModel, private readonly k: HostKernels) {
    const f = Math.fround;
    const data = (t: tf.Tensor) => t.dataSync() as Float32Array;
    const bnEps = f(model.config.bnEpsilon);
    const fold = (w: Float32Array, b: Float32Array, gamma: Float32Array, beta: Float32Array, mean: Float32Array, variance: Float32Array) => {
      const H = b.length;
      const scale = new Float32Array(H);
      for (let c = 0; c < H; c++) scale[c] = f(gamma[c] / f(Math.sqrt(f(variance[c] + bnEps))));
      const wf = new Float32Array(w.length);
      for (let i = 0; i < w.length; i++) wf[i] = f(w[i] * scale[i % H]);
      const bf = new Float32Array(H);
      for (let c = 0; c < H; c++) bf[c] = f(f(f(b[c] - mean[c]) * scale[c]) + beta[c]);
      return { w: wf, b: bf };
    };
    for (let l = 0; l < model.config.ginLayers; l++) {
      const bn1 = model.bn1[l];
      const bn2 = model.bnOut[l];
      const f1 = fold(data(model.mlp1[l].w), data(model.mlp1[l].b), data(bn1.gamma), data(bn1.beta), data(bn1.mean), data(bn1.variance));
      const f2 = fold(data(model.mlp2[l].w), data(model.mlp2[l].b), data(bn2.gamma), data(bn2.beta), data(bn2.mean), data(bn2.variance));
      this.weights.push({ onePlusEps: f(data(model.eps[l])[0] + 1), w1: f1.w, b1: f1.b, w2: f2.w, b2: f2.b });
    }
    this.wMu = Float32Array.from(data(model.mu.w));
    this.bMu = Float32Array.from(data(model.mu.b));
    // Each staged array is 16-byte aligned: up to 16 bytes of padding apiece.
    const arrays = [...this.weights.flatMap((w) => [w.w1, w.b1, w.w2, w.b2]), this.wMu, this.bMu];
    this.weightBytes = arrays.reduce((sum, a) => sum + 4 * a.length + 16, 0);
  }

  /** Reserves the memory one chunk of `b` cells needs and (re)stages the weights when it grew. */
  private prepare(b: number) {
    const { nodes: n, opColumns: d, hidden: H, latent: Z } = this.model.config;
    const rows = b * n;
    const chunkBytes = 4 * (rows * d + 3 * b * n * n + 3 * rows * H + b * H + rows * Z) + 16 * 16;
    this.k.reserve(16 + this.weightBytes + chunkBytes);
    if (this.staged && this.staged.generation === this.k.generation) {
      this.k.release(this.staged.mark);
      return this.staged;
    }
    this.k.reset();
    const copy = (src: Float32Array) => {
      const v = this.k.f32(src.length);
      v.set(src);
      return v;
    };
    const layers = this.weights.map((w) => ({ w1: copy(w.w1), b1: copy(w.b1), w2: copy(w.w2), b2: copy(w.b2) }));
    const wMu = copy(this.wMu);
    const bMu = copy(this.bMu);
    this.staged = { generation: this.k.generation, mark: this.k.mark(), layers, wMu, bMu };
    return this.staged;
  }

  /** The last GIN layer's output, [b·n, hidden], a view into the kernel memory (valid until the next call). */
  private trunk(ops: Float32Array, adj: Float32Array, b: number, st: NonNullable<HostFoldedEncoder['staged']>): Float32Array {
    const { nodes: n, opColumns: d, hidden: H } = this.model.config;
    const rows = b * n;
    const k = this.k;
    let h = k.f32(rows * d);
    h.set(ops.subarray(0, rows * d));
    const edges = symmetricEdges(adj, b, n, { rows: k.i32(b * n * n), cols: k.i32(b * n * n), w: k.f32(b * n * n) });
    const agg = k.f32(rows * H);
    const x1 = k.f32(rows * H);
    const out = k.f32(rows * H);
    let c = d;
    for (let l = 0; l < st.layers.length; l++) {
      const L = st.layers[l];
      const a = agg.subarray(0, rows * c);
      k.aggregate(h, c, this.weights[l].onePlusEps, edges, a);
      k.gemmBias(a, rows, c, L.w1, H, L.b1, true, x1);
      k.gemmBias(x1, rows, H, L.w2, H, L.b2, true, out);
      h = out;
      c = H;
    }
    return h;
  }

  embedArrays(ops: Float32Array, adj: Float32Array, b: number): Float32Array {
    const { nodes: n, hidden: H, latent: Z } = this.model.config;
    const st = this.prepare(b);
    const k = this.k;
    const h = this.trunk(ops, adj, b, st);
    const pooled = k.f32(b * H);
    for (let g = 0; g < b; g++) {
      for (let col = 0; col < H; col++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += h[(g * n + i) * H + col];
        pooled[g * H + col] = s / n;
      }
    }
    return k.gemmBias(pooled, b, H, st.wMu, Z, st.bMu, false, k.f32(b * Z)).slice();
  }

  encodeNodes(ops: Float32Array, adj: Float32Array, b: number): Float32Array {
    const { nodes: n, hidden: H, latent: Z } = this.model.config;
    const st = this.prepare(b);
    const h = this.trunk(ops, adj, b, st);
    return this.k.gemmBias(h, b * n, H, st.wMu, Z, st.bMu, false, this.k.f32(b * n * Z)).slice();
  }

  dispose() {
    this.staged = undefined;
  }
}
