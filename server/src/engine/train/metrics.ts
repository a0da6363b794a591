import type { Dataset } from '../data/dataset';
import type { Rng } from '../data/random';
import type { Arch2vecModel } from '../model/arch2vecModel';
import { sigmoid32 } from '../model/hostModel';
import { foldedEncoder } from '../query/foldedEncoder';
import type { GenerativeMetrics, ReconstructionMetrics } from '../../protocol/modelDir';
import { decodedFingerprint, decodeSample, isStrictlyValid, isValidDecoded } from './validity';

/*
 * The metric passes decode in plain JS (a few ten million multiply-adds per epoch): the decoder is a
 * [latent, d] Linear and inner products of 16-d vectors, and doing it here keeps tfjs's wasm heap, which
 * never shrinks, from growing by ~130 MB for one pass over thousands of graphs. The encoder is the folded
 * eval-mode one (host kernels on wasm/cpu).
 */

/** The op decoder's weights, [latent, d] and [d]. */
function opsDecoder(model: Arch2vecModel): { w: Float32Array; b: Float32Array } {
  return { w: model.opsDecoder.w.dataSync() as Float32Array, b: model.opsDecoder.b.dataSync() as Float32Array };
}

/**
 * Eval-mode decoder probabilities of `b` graphs' node latents z [b·n, Z]: ops [b, n, d] = σ(z·W + bias),
 * adjacency [b, n, n] = σ(zᵢ·zⱼ) (float32 sigmoids, as the tfjs decoder computes them).
 */
export function decodeProbabilities(z: Float32Array, b: number, n: number, Z: number, dec: { w: Float32Array; b: Float32Array }): { ops: Float32Array; adj: Float32Array } {
  const d = dec.b.length;
  const ops = new Float32Array(b * n * d);
  const adj = new Float32Array(b * n * n);
  for (let r = 0; r < b * n; r++) {
    for (let c = 0; c < d; c++) {
      let s = 0;
      for (let k = 0; k < Z; k++) s += z[r * Z + k] * dec.w[k * d + c];
      ops[r * d + c] = sigmoid32(Math.fround(Math.fround(s) + dec.b[c]));
    }
  }
  for (let g = 0; g < b; g++) {
    for (let i = 0; i < n; i++) {
      const zi = (g * n + i) * Z;
      for (let j = 0; j < n; j++) {
        const zj = (g * n + j) * Z;
        let s = 0;
        for (let k = 0; k < Z; k++) s += z[zi + k] * z[zj + k];
        adj[g * n * n + i * n + j] = sigmoid32(Math.fround(s));
      }
    }
  }
  return { ops, adj };
}

/** Held-out reconstruction in eval mode (z = μ), chunks of 500, as `get_val_acc_vae` (docs/reference-notes.md §3.1). */
export async function reconstruction(model: Arch2vecModel, ds: Dataset, indices: Uint32Array, chunk = 500): Promise<ReconstructionMetrics> {
  const n = ds.nodes;
  const d = ds.opColumns;
  const Z = model.config.latent;
  let rows = 0, opsHit = 0, edges = 0, edgeP = 0, nonEdgeP = 0, upper = 0, adjHit = 0;
  const adjBuf = new Float32Array(chunk * n * n);
  const opsBuf = new Float32Array(chunk * n * d);
  const encoder = foldedEncoder(model);
  const dec = opsDecoder(model);
  try {
    for (let start = 0; start < indices.length; start += chunk) {
      const b = Math.min(chunk, indices.length - start);
      for (let s = 0; s < b; s++) ds.fillEncoding(indices[start + s], adjBuf, opsBuf, s);
      const p = decodeProbabilities(encoder.encodeNodes(opsBuf, adjBuf, b), b, n, Z, dec);
      for (let r = 0; r < b * n; r++) {
        // argmax, first index on ties (an all-zero padding row's truth is column 0), as tf.argMax.
        let best = 0;
        let truth = 0;
        for (let c = 1; c < d; c++) {
          if (p.ops[r * d + c] > p.ops[r * d + best]) best = c;
          if (opsBuf[r * d + c] > opsBuf[r * d + truth]) truth = c;
        }
        if (best === truth) opsHit++;
      }
      for (let g = 0; g < b; g++) {
        for (let i = 0; i < n; i++) {
          for (let j = i + 1; j < n; j++) {
            const a = adjBuf[g * n * n + i * n + j];
            const q = p.adj[g * n * n + i * n + j];
            edges += a;
            edgeP += q * a;
            nonEdgeP += q * (1 - a);
            if ((q > 0.5 ? 1 : 0) === a) adjHit++;
          }
        }
      }
      rows += b * n;
      upper += (b * n * (n - 1)) / 2;
      await new Promise((r) => setImmediate(r)); // cancellation and other messages between chunks
    }
  } finally {
    encoder.dispose();
  }
  const nonEdges = upper - edges;
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
  const dec = opsDecoder(model);
  for (let start = 0; start < samples; start += chunk) {
    const b = Math.min(chunk, samples - start);
    const z = new Float32Array(b * n * latent);
    for (let s = 0; s < b; s++) for (let k = 0; k < n * latent; k++) z[s * n * latent + k] = rng.normal() * std[k] + mean[k];
    const { ops: o, adj: a } = decodeProbabilities(z, b, n, latent, dec);
    for (let s = 0; s < b; s++) {
      const g = decodeSample(o, a, s, n, d);
      if (isStrictlyValid(space, g.adj, g.labels)) strict++;
      if (isValidDecoded(space, g.adj, g.labels)) {
        valid++;
        seen.add(decodedFingerprint(g.adj, g.labels));
      }
    }
    await new Promise((r) => setImmediate(r)); // cancellation and other messages between chunks
  }
  return { validity: valid / samples, validityStrict: strict / samples, uniqueness: valid ? seen.size / valid : 0, samples };
}
