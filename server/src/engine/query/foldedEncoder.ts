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

interface Layer {
  onePlusEps: tf.Tensor;
  w1: tf.Tensor2D;
  b1: tf.Tensor1D;
  w2: tf.Tensor2D;
  b2: tf.Tensor1D;
}

export class FoldedEncoder {
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

  /** Node-mean of μ, [b, latent]. */
  embed(ops: tf.Tensor3D, adj: tf.Tensor3D): tf.Tensor2D {
    return tf.tidy(() => {
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
      return tf.fused.matMul({ a: h.mean(1) as tf.Tensor2D, b: this.wMu, bias: this.bMu }) as tf.Tensor2D;
    });
  }

  dispose() {
    for (const L of this.layers) tf.dispose(Object.values(L));
    tf.dispose([this.wMu, this.bMu]);
  }
}
