import * as tf from '@tensorflow/tfjs-core';
import './tfSetup';
import { dense, innerProduct, rowMoments, symmetricAggregate } from './fastOps';
import type { ModelConfig } from './config';
import type { Rng } from '../data/random';

/** PyTorch's nn.Linear default init: weight and bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
let instances = 0;

function torchUniform(rng: Rng, shape: number[], fanIn: number, name: string): tf.Variable {
  const bound = 1 / Math.sqrt(fanIn);
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = (rng.float() * 2 - 1) * bound;
  const t = tf.tensor(v, shape);
  const variable = tf.variable(t, true, name);
  t.dispose();
  return variable;
}

interface Linear { w: tf.Variable; b: tf.Variable }
interface BatchNorm { gamma: tf.Variable; beta: tf.Variable; mean: tf.Variable; variance: tf.Variable }

export type Mode = 'train' | 'eval';

export interface ForwardOut {
  opsLogits: tf.Tensor3D;
  adjLogits: tf.Tensor3D;
  mu: tf.Tensor3D;
  logSigma: tf.Tensor3D;
}

/**
 * The arch2vec VAE in raw tfjs-core ops (the layers API costs ~20-25% here and hides the init and
 * batch-norm details that must match PyTorch). Parameters live in named tf.Variables so checkpoints
 * are a flat name → Float32Array map.
 */
export class Arch2vecModel {
  readonly eps: tf.Variable[] = [];
  readonly mlp1: Linear[] = [];
  readonly bn1: BatchNorm[] = [];
  readonly mlp2: Linear[] = [];
  readonly bnOut: BatchNorm[] = [];
  readonly mu: Linear;
  readonly logSigma: Linear;
  readonly opsDecoder: Linear;

  /** tfjs variable names are global; each model gets its own prefix, stripped by `named()`. */
  private readonly prefix = `arch2vec${instances++}/`;

  constructor(readonly config: ModelConfig, rng: Rng) {
    const { hidden, latent, opColumns } = config;
    const p = this.prefix;
    const linear = (fanIn: number, out: number, name: string): Linear => ({
      w: torchUniform(rng, [fanIn, out], fanIn, `${p}${name}.w`),
      b: torchUniform(rng, [out], fanIn, `${p}${name}.b`),
    });
    // tf.variable keeps its own reference to the data; dispose the initial tensors.
    const owned = (init: tf.Tensor, trainable: boolean, name: string) => {
      const v = tf.variable(init, trainable, name);
      init.dispose();
      return v;
    };
    const bn = (name: string): BatchNorm => ({
      gamma: owned(tf.ones([hidden]), true, `${p}${name}.gamma`),
      beta: owned(tf.zeros([hidden]), true, `${p}${name}.beta`),
      mean: owned(tf.zeros([hidden]), false, `${p}${name}.running_mean`),
      variance: owned(tf.ones([hidden]), false, `${p}${name}.running_var`),
    });
    for (let l = 0; l < config.ginLayers; l++) {
      this.eps.push(owned(tf.zeros([1]), true, `${p}gin${l}.eps`));
      this.mlp1.push(linear(l === 0 ? opColumns : hidden, hidden, `gin${l}.mlp.0`));
      this.bn1.push(bn(`gin${l}.mlp.bn`));
      this.mlp2.push(linear(hidden, hidden, `gin${l}.mlp.1`));
      this.bnOut.push(bn(`gin${l}.bn`));
    }
    this.mu = linear(hidden, latent, 'fc_mu');
    this.logSigma = linear(hidden, latent, 'fc_logvar');
    this.opsDecoder = linear(latent, opColumns, 'decoder.ops');
  }

  /** Variables by their logical name (`gin0.mlp.0.w`, ...), the names checkpoints use. */
  named(): Map<string, tf.Variable> {
    return new Map(this.all().map((v) => [v.name.slice(this.prefix.length), v]));
  }

  trainable(): tf.Variable[] {
    return this.all().filter((v) => v.trainable);
  }

  all(): tf.Variable[] {
    const out: tf.Variable[] = [];
    for (let l = 0; l < this.config.ginLayers; l++) {
      out.push(this.eps[l], this.mlp1[l].w, this.mlp1[l].b, this.bn1[l].gamma, this.bn1[l].beta, this.bn1[l].mean, this.bn1[l].variance,
        this.mlp2[l].w, this.mlp2[l].b, this.bnOut[l].gamma, this.bnOut[l].beta, this.bnOut[l].mean, this.bnOut[l].variance);
    }
    out.push(this.mu.w, this.mu.b, this.logSigma.w, this.logSigma.b, this.opsDecoder.w, this.opsDecoder.b);
    return out;
  }

  /** Batch norm over node rows; in train mode also updates the running statistics like PyTorch. */
  private batchNorm(x: tf.Tensor2D, p: BatchNorm, mode: Mode, updates: (() => void)[]): tf.Tensor2D {
    const { bnEpsilon, bnMomentum } = this.config;
    if (mode === 'eval') {
      return x.sub(p.mean).div(p.variance.add(bnEpsilon).sqrt()).mul(p.gamma).add(p.beta) as tf.Tensor2D;
    }
    const { mean, variance } = rowMoments(x);
    const n = x.shape[0];
    // Running stats use the unbiased variance; normalisation uses the biased one.
    const m = tf.keep(mean.clone());
    const v = tf.keep(variance.mul(n / Math.max(1, n - 1)));
    updates.push(() => {
      p.mean.assign(p.mean.mul(1 - bnMomentum).add(m.mul(bnMomentum)));
      p.variance.assign(p.variance.mul(1 - bnMomentum).add(v.mul(bnMomentum)));
      m.dispose();
      v.dispose();
    });
    return x.sub(mean).div(variance.add(bnEpsilon).sqrt()).mul(p.gamma).add(p.beta) as tf.Tensor2D;
  }

  /** Encoder: Ã = A + Aᵀ, 4 GIN layers, per-node μ and log σ. */
  encode(ops: tf.Tensor3D, adj: tf.Tensor3D, mode: Mode, updates: (() => void)[] = []): { mu: tf.Tensor3D; logSigma: tf.Tensor3D } {
    const [b, n] = ops.shape;
    const aSym = adj.add(adj.transpose([0, 2, 1])) as tf.Tensor3D;
    let h: tf.Tensor3D = ops;
    for (let l = 0; l < this.config.ginLayers; l++) {
      const agg = h.mul(this.eps[l].add(1)).add(symmetricAggregate(aSym, h)) as tf.Tensor3D;
      let x = agg.reshape([b * n, agg.shape[2]]) as tf.Tensor2D;
      x = dense(x, this.mlp1[l].w as tf.Tensor2D, this.mlp1[l].b as tf.Tensor1D);
      x = tf.relu(this.batchNorm(x, this.bn1[l], mode, updates));
      x = dense(x, this.mlp2[l].w as tf.Tensor2D, this.mlp2[l].b as tf.Tensor1D);
      x = tf.relu(this.batchNorm(x, this.bnOut[l], mode, updates));
      h = x.reshape([b, n, this.config.hidden]) as tf.Tensor3D;
    }
    const flat = h.reshape([b * n, this.config.hidden]) as tf.Tensor2D;
    const mu = dense(flat, this.mu.w as tf.Tensor2D, this.mu.b as tf.Tensor1D).reshape([b, n, this.config.latent]) as tf.Tensor3D;
    const logSigma = dense(flat, this.logSigma.w as tf.Tensor2D, this.logSigma.b as tf.Tensor1D).reshape([b, n, this.config.latent]) as tf.Tensor3D;
    return { mu, logSigma };
  }

  /** Decoder logits: ops = Linear(z), adjacency = z·zᵀ (sigmoid applied in the loss / by callers). */
  decode(z: tf.Tensor3D, mode: Mode, seed?: number): { opsLogits: tf.Tensor3D; adjLogits: tf.Tensor3D } {
    const [b, n, d] = z.shape;
    const zd = mode === 'train' && this.config.decoderDropout > 0 ? tf.dropout(z, this.config.decoderDropout, undefined, seed) as tf.Tensor3D : z;
    const opsLogits = dense(zd.reshape([b * n, d]), this.opsDecoder.w as tf.Tensor2D, this.opsDecoder.b as tf.Tensor1D).reshape([b, n, this.config.opColumns]) as tf.Tensor3D;
    const adjLogits = innerProduct(zd);
    return { opsLogits, adjLogits };
  }

  forward(ops: tf.Tensor3D, adj: tf.Tensor3D, mode: Mode, updates: (() => void)[], seed?: number): ForwardOut {
    const { mu, logSigma } = this.encode(ops, adj, mode, updates);
    // The reference's "logvar" is used as log σ: z = μ + ε·exp(logvar).
    const z = mode === 'train' ? (mu.add(tf.randomNormal(mu.shape, 0, 1, 'float32', seed).mul(logSigma.exp())) as tf.Tensor3D) : mu;
    return { ...this.decode(z, mode, seed === undefined ? undefined : seed + 1), mu, logSigma };
  }

  /** Architecture embeddings: node-mean of μ in eval mode (docs/reference-notes.md §2.5). */
  embed(ops: tf.Tensor3D, adj: tf.Tensor3D): tf.Tensor2D {
    return tf.tidy(() => this.encode(ops, adj, 'eval').mu.mean(1) as tf.Tensor2D);
  }

  dispose() {
    for (const v of this.all()) v.dispose();
  }
}
