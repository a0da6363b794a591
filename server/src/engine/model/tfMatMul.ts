import * as tf from '@tensorflow/tfjs-core';
import './tfSetup';
import type { MatMul } from './hostModel';

/**
 * Matrix products on the active tfjs backend for the host training path (`HostArch2vec`): on wasm that
 * is XNNPACK's SIMD kernel. Plain products only (no transpose flags: ~10x slower on wasm); the caller
 * hands over already transposed operands.
 */
export function tfMatMul(): MatMul {
  return (a, m, k, b, n) => {
    const out = tf.tidy(() => tf.matMul(tf.tensor2d(a.subarray(0, m * k), [m, k]), tf.tensor2d(b.subarray(0, k * n), [k, n])));
    const data = out.dataSync() as Float32Array;
    out.dispose();
    return data;
  };
}
