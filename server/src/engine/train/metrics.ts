import * as tf from '@tensorflow/tfjs-core';
import '../model/tfSetup';
import type { Dataset } from '../data/dataset';
import type { Rng } from '../data/random';
import type { Arch2vecModel } from '../model/arch2vecModel';
import type { GenerativeMetrics, ReconstructionMetrics } from '../../protocol/modelDir';
import { decodedFingerprint, decodeSample, isStrictlyValid, isValidDecoded } from './validity';

/** Held-out reconstruction in eval mode (z = μ), chunks of 500, as `get_val_acc_vae` (docs/reference-notes.md §3.1). */
export async function reconstruction(model: Arch2vecModel, ds: Dataset, indices: Uint32Array, chunk = 500): Promise<ReconstructionMetrics> {
  const n = ds.nodes;
  const d = ds.opColumns;
  let rows = 0, opsHit = 0, edges = 0, edgeP = 0, nonEdges = 0, nonEdgeP = 0, upper = 0, adjHit = 0;
  const adjBuf = new Float32Array(chunk * n * n);
  const opsBuf = new Float32Array(chunk * n * d);
  for (let start = 0; start < indices.length; start += chunk) {
    const b = Math.min(chunk, indices.length - start);
    for (let s = 0; s < b; s++) ds.fillEncoding(indices[start + s], adjBuf, opsBuf, s);
    const stats = tf.tidy(() => {
      const adj = tf.tensor3d(adjBuf.subarray(0, b * n * n), [b, n, n]);
      const ops = tf.tensor3d(opsBuf.subarray(0, b * n * d), [b, n, d]);
      const { mu } = model.encode(ops, adj, 'eval');
      const out = model.decode(mu, 'eval');
      const opsHitT = tf.equal(out.opsLogits.argMax(2), ops.argMax(2)).sum();
      const mask = tf.linalg.bandPart(tf.ones([n, n]), 0, -1).sub(tf.eye(n));
      const p = tf.sigmoid(out.adjLogits).mul(mask);
      const edgePT = p.mul(adj).sum();
      const nonEdgePT = p.mul(tf.scalar(1).sub(adj)).mul(mask).sum();
      const hitT = tf.equal(tf.greater(p, 0.5).cast('float32'), adj).cast('float32').mul(mask).sum();
      return tf.stack([opsHitT.cast('float32'), edgePT, nonEdgePT, hitT, adj.sum()]);
    });
    const v = await stats.data();
    stats.dispose();
    rows += b * n;
    opsHit += v[0];
    edgeP += v[1];
    nonEdgeP += v[2];
    adjHit += v[3];
    edges += v[4];
    upper += (b * n * (n - 1)) / 2;
  }
  nonEdges = upper - edges;
  return { accOps: opsHit / rows, meanCorrAdj: edgeP / Math.max(1, edges), meanFalPosAdj: nonEdgeP / Math.max(1, nonEdges), accAdj: adjHit / upper };
}

/**
 * Validity and uniqueness of `samples` latent points drawn per node position from N(mean, std) of the
 * epoch's training μ (docs/reference-notes.md §3.2), decoded in eval mode.
 */
export async function validityUniqueness(model: Arch2vecModel, space: Dataset['space'], mean: Float32Array, std: Float32Array, samples: number, rng: Rng, chunk = 1000): Promise<GenerativeMetrics> {
  const { nodes: n, opColumns: d, latent } = model.config;
  let valid = 0;
  let strict = 0;
  const seen = new Set<string>();
  for (let start = 0; start < samples; start += chunk) {
    const b = Math.min(chunk, samples - start);
    const z = new Float32Array(b * n * latent);
    for (let s = 0; s < b; s++) for (let k = 0; k < n * latent; k++) z[s * n * latent + k] = rng.normal() * std[k] + mean[k];
    const [opsP, adjP] = tf.tidy(() => {
      const out = model.decode(tf.tensor3d(z, [b, n, latent]), 'eval');
      return [tf.sigmoid(out.opsLogits), tf.sigmoid(out.adjLogits)];
    });
    const [o, a] = await Promise.all([opsP.data() as Promise<Float32Array>, adjP.data() as Promise<Float32Array>]);
    tf.dispose([opsP, adjP]);
    for (let s = 0; s < b; s++) {
      const g = decodeSample(o, a, s, n, d);
      if (isStrictlyValid(space, g.adj, g.labels)) strict++;
      if (isValidDecoded(space, g.adj, g.labels)) {
        valid++;
        seen.add(decodedFingerprint(g.adj, g.labels));
      }
    }
  }
  return { validity: valid / samples, validityStrict: strict / samples, uniqueness: valid ? seen.size / valid : 0, samples };
}
