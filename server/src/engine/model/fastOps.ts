import * as tf from '@tensorflow/tfjs-core';
import './tfSetup';

/*
 * Layers with hand-written gradients. tfjs's default matMul gradient uses the transposeA/transposeB
 * flags, which the wasm backend runs ~10x slower than a plain matMul after an explicit transpose
 * (machine-facts.md: 36 of 43 ms of kernel time in one step). These produce the same values.
 */

type AnyGradFunc = (...args: never[]) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] };
/** tf.customGrad with the typings loosened: its declared signature mixes inputs and the save callback. */
const customGrad = (f: AnyGradFunc) => tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]);

/** x·W + b, with gradients dx = dy·Wᵀ, dW = xᵀ·dy, db = Σ dy, all as plain matMuls. */
export const dense: (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D = customGrad(
  (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x, w]);
    const value = tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b });
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw] = saved as tf.Tensor2D[];
        const dy2 = dy as tf.Tensor2D;
        return [tf.matMul(dy2, tf.transpose(sw)), tf.matMul(tf.transpose(sx), dy2), tf.matMul(onesRow(dy2.shape[0]), dy2).reshape([dy2.shape[1]])];
      },
    };
  },
) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

/**
 * Ã·H for a symmetric Ã (A + Aᵀ): the gradient for H is Ãᵀ·dy = Ã·dy. Ã is data, so its gradient is
 * zero (returned only because customGrad wants one per input).
 */
export const symmetricAggregate: (aSym: tf.Tensor3D, h: tf.Tensor3D) => tf.Tensor3D = customGrad(
  (aSym: tf.Tensor, h: tf.Tensor, save: tf.GradSaveFunc) => {
    save([aSym]);
    return {
      value: tf.matMul(aSym as tf.Tensor3D, h as tf.Tensor3D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.zerosLike(saved[0]), tf.matMul(saved[0] as tf.Tensor3D, dy as tf.Tensor3D)],
    };
  },
) as unknown as (aSym: tf.Tensor3D, h: tf.Tensor3D) => tf.Tensor3D;

/** Inner-product decoder logits z·zᵀ; gradient (dy + dyᵀ)·z. */
export const innerProduct: (z: tf.Tensor3D) => tf.Tensor3D = customGrad((z: tf.Tensor, save: tf.GradSaveFunc) => {
  save([z]);
  const z3 = z as tf.Tensor3D;
  return {
    value: tf.matMul(z3, tf.transpose(z3, [0, 2, 1])),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const d = dy as tf.Tensor3D;
      return [tf.matMul(d.add(tf.transpose(d, [0, 2, 1])) as tf.Tensor3D, saved[0] as tf.Tensor3D)];
    },
  };
}) as unknown as (z: tf.Tensor3D) => tf.Tensor3D;

const onesCache = new Map<string, tf.Tensor2D>();
/** Cached ones of shape [r, c] (reused across steps; never disposed). */
function ones(r: number, c: number): tf.Tensor2D {
  // Tensors belong to a backend: key by it so switching backends never reuses a foreign tensor.
  const key = `${tf.getBackend()}:${r}x${c}`;
  const cached = onesCache.get(key);
  if (cached && !cached.isDisposed) return cached;
  const t = tf.keep(tf.ones([r, c]) as tf.Tensor2D);
  onesCache.set(key, t);
  return t;
}
const onesRow = (n: number) => ones(1, n);

/**
 * Column sums of a 2-D tensor as one [1,n]·[n,c] matMul: wasm reduces only along the innermost axis,
 * so tf.sum(x, 0) costs a transpose plus a reduction. Gradient: dy broadcast over the rows.
 */
export const colSum: (x: tf.Tensor2D) => tf.Tensor1D = customGrad((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  const [n, c] = x.shape as [number, number];
  return {
    value: tf.matMul(onesRow(n), x as tf.Tensor2D).reshape([c]),
    gradFunc: (dy: tf.Tensor) => [tf.matMul(ones(n, 1), dy.reshape([1, c]) as tf.Tensor2D)],
  };
}) as unknown as (x: tf.Tensor2D) => tf.Tensor1D;

/** Batch moments over rows (biased variance), through `colSum`. */
export function rowMoments(x: tf.Tensor2D): { mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const n = x.shape[0];
  const mean = colSum(x).div(n) as tf.Tensor1D;
  const variance = colSum(x.sub(mean).square() as tf.Tensor2D).div(n) as tf.Tensor1D;
  return { mean, variance };
}
