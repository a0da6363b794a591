import * as tf from '@tensorflow/tfjs-core';
import './tfSetup';

/**
 * nn.BCELoss exactly as the reference runs it: the sigmoid is taken in float32 first, then
 * -(y·log p + (1-y)·log(1-p)) with each log clamped at -100, and PyTorch's backward
 * (p - y)·s / max(s, 1e-12) with s = p(1-p). Working from logits instead would be smoother, but it
 * differs where float32 p is quantised near 0/1: a few saturated adjacency entries per NB101 batch
 * move the reference loss by ~0.15 and its gradient norm by ~3% (test/model.test.ts golden fixtures).
 */
const bceLogits = tf.customGrad(((logits: tf.Tensor, target: tf.Tensor, save: tf.GradSaveFunc) => {
  const p = tf.sigmoid(logits);
  save([p, target]);
  const logP = tf.maximum(tf.log(p), -100);
  const log1mP = tf.maximum(tf.log(tf.scalar(1).sub(p)), -100);
  const value = target.mul(logP).add(tf.scalar(1).sub(target).mul(log1mP)).neg();
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sp, y] = saved;
      const sd = sp.mul(tf.scalar(1).sub(sp));
      const g = sp.sub(y).mul(sd).div(tf.maximum(sd, 1e-12));
      return [dy.mul(g), tf.zerosLike(y)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (logits: tf.Tensor, target: tf.Tensor) => tf.Tensor;

/** Strict upper-triangular mask, N×N. */
export function upperMask(n: number): tf.Tensor2D {
  return tf.tidy(() => tf.linalg.bandPart(tf.ones([n, n]), 0, -1).sub(tf.eye(n)) as tf.Tensor2D);
}

export interface LossParts {
  total: tf.Scalar;
  ops: tf.Scalar;
  adj: tf.Scalar;
  kl: tf.Scalar;
}

/**
 * The reference loss (docs/reference-notes.md §2.3): BCE(ops) mean over B·N·D + BCE(triu₁(adj)) mean over all B·N·N entries
 * (masked entries contribute 0 but count) + KL with σ = exp(logSigma), divided again by B·N.
 * `globalBatch` is the B of those normalisers when this batch is one shard of a larger one (data-
 * parallel workers): the shards' losses and gradients then sum to the full batch's exactly.
 */
export function vaeLoss(opsLogits: tf.Tensor3D, adjLogits: tf.Tensor3D, ops: tf.Tensor3D, adj: tf.Tensor3D, mu: tf.Tensor3D, logSigma: tf.Tensor3D, mask: tf.Tensor2D, globalBatch?: number): LossParts {
  const [b, n, d] = ops.shape;
  const B = globalBatch ?? b;
  const opsLoss = bceLogits(opsLogits, ops).sum().div(B * n * d) as tf.Scalar;
  const adjLoss = bceLogits(adjLogits, adj).mul(mask).sum().div(B * n * n) as tf.Scalar;
  const perNode = tf.scalar(1).add(logSigma.mul(2)).sub(mu.square()).sub(logSigma.mul(2).exp()).sum(2);
  const kl = perNode.sum().mul(-0.5 / (B * n * B * n)) as tf.Scalar;
  return { total: opsLoss.add(adjLoss).add(kl) as tf.Scalar, ops: opsLoss, adj: adjLoss, kl };
}
