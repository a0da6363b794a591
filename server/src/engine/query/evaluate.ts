/**
 * `arch2vec eval`: the metrics of docs/reference-notes.md §3 for a trained model, recomputed on this machine's backend:
 * held-out reconstruction (the trainer's split for the model's seed) and validity / uniqueness of
 * latent samples drawn from N(mean, std) of the training split's per-node μ (eval mode; capped at
 * `statsCells` training cells, taken in split order), next to what training recorded.
 */
import * as tf from '@tensorflow/tfjs-core';
import '../model/tfSetup';
import type { EpochMetrics } from '../train/trainer';
import { Rng } from '../data/random';
import { trainHeldOutSplit } from '../data/split';
import type { GenerativeMetrics, ReconstructionMetrics } from '../../protocol';
import { reconstruction, validityUniqueness } from '../train/metrics';
import { FILES, readJson } from '../store/modelDir';
import type { QueryModel } from './model';

export interface EvalOptions {
  /** Latent samples for validity/uniqueness (reference 10,000; 0 skips). */
  samples?: number;
  /** Training cells whose μ give the sampling distribution (default 50,000). */
  statsCells?: number;
  seed?: number;
  onProgress?: (message: string) => void;
}

export interface EvalResult {
  reconstruction: ReconstructionMetrics;
  generative?: GenerativeMetrics;
  heldOut: number;
  /** What training recorded for its last epoch (metrics.json). */
  recorded?: EpochMetrics;
  seconds: number;
}

export async function evaluateModel(qm: QueryModel, opts: EvalOptions = {}): Promise<EvalResult> {
  const t0 = performance.now();
  const ds = qm.dataset();
  const split = trainHeldOutSplit(ds.count, qm.config.train.seed);
  opts.onProgress?.(`reconstruction on ${split.heldOut.length} held-out ${qm.space} cells`);
  const recon = await reconstruction(qm.model, ds, split.heldOut);
  let generative: GenerativeMetrics | undefined;
  const samples = opts.samples ?? 10_000;
  if (samples > 0) {
    const cells = split.train.subarray(0, Math.min(split.train.length, opts.statsCells ?? 50_000));
    opts.onProgress?.(`latent statistics over ${cells.length} training cells`);
    const [mean, std] = await latentStats(qm, cells);
    opts.onProgress?.(`validity and uniqueness of ${samples} latent samples`);
    generative = await validityUniqueness(qm.model, qm.space, mean, std, samples, new Rng((opts.seed ?? qm.config.train.seed) ^ 0xe7a1));
  }
  let recorded: EpochMetrics | undefined;
  try {
    recorded = readJson<EpochMetrics[]>(qm.dir, FILES.metrics)?.at(-1);
  } catch {
    recorded = undefined;
  }
  return { reconstruction: recon, generative, heldOut: split.heldOut.length, recorded, seconds: (performance.now() - t0) / 1000 };
}

/** Per (node, latent) mean and unbiased std of μ over the cells, eval mode. */
async function latentStats(qm: QueryModel, cells: Uint32Array, chunk = 1000): Promise<[Float32Array, Float32Array]> {
  const ds = qm.dataset();
  const { nodes: n, opColumns: d, latent } = qm.config.model;
  const sum = new Float64Array(n * latent);
  const sq = new Float64Array(n * latent);
  const adj = new Float32Array(chunk * n * n);
  const ops = new Float32Array(chunk * n * d);
  for (let start = 0; start < cells.length; start += chunk) {
    const b = Math.min(chunk, cells.length - start);
    for (let s = 0; s < b; s++) ds.fillEncoding(cells[start + s], adj, ops, s);
    const mu = tf.tidy(() => qm.model.encode(tf.tensor3d(ops.subarray(0, b * n * d), [b, n, d]), tf.tensor3d(adj.subarray(0, b * n * n), [b, n, n]), 'eval').mu);
    const v = (await mu.data()) as Float32Array;
    mu.dispose();
    for (let s = 0; s < b; s++) {
      for (let k = 0; k < n * latent; k++) {
        const x = v[s * n * latent + k];
        sum[k] += x;
        sq[k] += x * x;
      }
    }
  }
  const c = cells.length;
  const mean = new Float32Array(n * latent);
  const std = new Float32Array(n * latent);
  for (let k = 0; k < n * latent; k++) {
    mean[k] = sum[k] / c;
    std[k] = Math.sqrt(Math.max(0, (sq[k] - c * mean[k] * mean[k]) / Math.max(1, c - 1)));
  }
  return [mean, std];
}
