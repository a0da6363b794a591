import * as tf from '@tensorflow/tfjs-core';
import '../model/tfSetup';
import { createHash } from 'node:crypto';
import type { BackendReport, EpochMetrics, GenerativeMetrics, ModelDirConfig, PretrainProgress, SpaceId } from '../../protocol';
import type { Dataset, EncodedRows, ProgressFn } from '../data/dataset';
import { ensureDir } from '../data/atomicWrite';
import { DARTS_REFERENCE_POOL } from '../data/dartsSample';
import { ENGINE_SPACES } from '../spaces';
import { Rng } from '../data/random';
import { trainHeldOutSplit } from '../data/split';
import { Arch2vecModel } from '../model/arch2vecModel';
import { modelConfigFor, trainConfigFor, type TrainConfig } from '../model/config';
import { FILES, readJson, readTensors, writeEmbeddings, writeJson, writeTensors } from '../store/modelDir';
import type { NamedTensor } from '../store/tensorFile';
import { reconstruction, validityUniqueness } from './metrics';
import { defaultThreads, ParallelStepper, type TrainingStepper } from './parallel';
import { DeviceStepper } from './step';
import { VERSION } from '../../version';
import { foldedEncoder } from '../query/foldedEncoder';
import { embedDatasetParallel } from '../query/embedPool';
import type { BackendName } from '../backend';


export interface PretrainOptions {
  space: SpaceId;
  modelDir: string;
  /** Where the NB101 enumeration cache lives. */
  cacheDir: string;
  backend: BackendReport;
  train?: Partial<TrainConfig>;
  /** DARTS pool size (reference 600,000). */
  dartsPool?: number;
  /** Latent samples for validity/uniqueness per epoch (reference 10,000; 0 skips). */
  validitySamples?: number;
  /** Continue from checkpoint.a2v when it matches this configuration. */
  resume?: boolean;
  /** Training threads for host-memory backends (wasm, cpu); default one per core. */
  threads?: number;
  /** Report progress every this many steps as well as every 500 ms (tests use 1 for determinism). */
  progressEverySteps?: number;
  /** Stop each epoch after this many batches (quick runs and tests). */
  maxStepsPerEpoch?: number;
  signal?: AbortSignal;
  onProgress?: (p: PretrainProgress) => void;
  /** Called once an epoch's metrics are computed and its checkpoint written (bench:quality times epochs with it). */
  onEpoch?: (m: EpochMetrics) => void;
}

export type { EpochMetrics, ModelDirConfig, PretrainProgress };

interface CheckpointMeta {
  epoch: number;
  batch: number;
  adamStep: number;
  samplerState: number[];
  configKey: string;
}

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}

export function loadDataset(space: SpaceId, cacheDir: string, dartsPool: number, seed: number, onProgress?: ProgressFn): Dataset {
  return ENGINE_SPACES[space].loadDataset({ cacheDir, dartsPool, seed, onProgress });
}

/** A short identity of the training data, so a model records exactly what it was trained on. */
export function dataId(ds: Dataset): string {
  const h = createHash('sha256');
  const adj = new Float32Array(ds.nodes * ds.nodes);
  const ops = new Float32Array(ds.nodes * ds.opColumns);
  const stride = Math.max(1, Math.floor(ds.count / 2000));
  for (let i = 0; i < ds.count; i += stride) {
    ds.fillEncoding(i, adj, ops);
    h.update(Buffer.from(adj.buffer)).update(Buffer.from(ops.buffer));
  }
  return `${ds.space}:${ds.count}:${h.digest('hex').slice(0, 16)}`;
}

function configKey(space: SpaceId, train: TrainConfig, id: string): string {
  const { epochs: _e, ...rest } = train;
  return JSON.stringify({ space, ...rest, id });
}

/**
 * Pretrains arch2vec on a whole search space: the reference protocol (docs/reference-notes.md §2.3, §3) with progress,
 * cancellation (checkpoint written, resumable), an atomic checkpoint every epoch, per-epoch metrics,
 * and finally the embedding table of every cell in the space.
 */
export async function pretrain(opts: PretrainOptions): Promise<{ config: ModelDirConfig; metrics: EpochMetrics[] }> {
  const train: TrainConfig = trainConfigFor(opts.space, opts.train);
  const report = (p: PretrainProgress) => opts.onProgress?.(p);
  ensureDir(opts.modelDir);

  report({ phase: 'data', epoch: 0, epochs: train.epochs, step: 0, steps: 0, message: `loading ${opts.space} training data` });
  const dartsPool = opts.dartsPool ?? DARTS_REFERENCE_POOL;
  const ds = loadDataset(opts.space, opts.cacheDir, dartsPool, train.seed, (p) =>
    report({ phase: 'data', epoch: 0, epochs: train.epochs, step: p.done, steps: p.total, message: p.message ?? p.phase }));
  const id = dataId(ds);
  const split = trainHeldOutSplit(ds.count, train.seed);
  const modelConfig = modelConfigFor(ds.nodes, ds.opColumns);
  const model = new Arch2vecModel(modelConfig, new Rng(train.seed));
  const onHost = ['wasm', 'cpu', 'tensorflow'].includes(opts.backend.backend);
  const threads = onHost ? opts.threads ?? defaultThreads(opts.backend.backend) : 1;
  const stepper: TrainingStepper = onHost ? await ParallelStepper.create(model, train, opts.backend.backend, threads) : new DeviceStepper(model, train);
  const sampler = new Rng(train.seed ^ 0x5eed);
  const key = configKey(opts.space, train, id);
  const now = new Date().toISOString();
  const previous = readJson<ModelDirConfig>(opts.modelDir, FILES.config);
  const config: ModelDirConfig = {
    format: 'arch2vec-model/1', space: opts.space, model: modelConfig, train,
    data: { count: ds.count, train: split.train.length, heldOut: split.heldOut.length, id, ...(opts.space === 'darts' ? { dartsPool } : {}) },
    backend: opts.backend, threads, ...(stepper instanceof ParallelStepper ? { products: stepper.productsKind } : {}), versions: { arch2vec: VERSION, tfjs: tf.version_core, node: process.version },
    epochsDone: 0, complete: false, createdAt: (opts.resume && previous?.createdAt) || now, updatedAt: now,
  };
  let metrics: EpochMetrics[] = [];
  let startEpoch = 0;
  let startBatch = 0;

  if (opts.resume) {
    const ckpt = readTensors<CheckpointMeta>(opts.modelDir, FILES.checkpoint);
    if (ckpt) {
      if (ckpt.meta.configKey !== key) throw new Error(`${opts.modelDir}: the checkpoint was trained with other settings or data; start a new model directory or drop --resume`);
      stepper.adamStep = ckpt.meta.adamStep;
      restore(model, stepper, ckpt.tensors);
      stepper.reloadParams();
      sampler.setState(ckpt.meta.samplerState);
      startEpoch = ckpt.meta.epoch;
      startBatch = ckpt.meta.batch;
      metrics = readJson<EpochMetrics[]>(opts.modelDir, FILES.metrics) ?? [];
      metrics = metrics.filter((m) => m.epoch <= startEpoch);
    }
  }

  const B = train.batchSize;
  const n = ds.nodes;
  const d = ds.opColumns;
  const totalBatches = Math.ceil(split.train.length / B);
  const steps = Math.min(totalBatches, opts.maxStepsPerEpoch ?? Infinity);
  const adjBuf = new Float32Array(B * n * n);
  const opsBuf = new Float32Array(B * n * d);

  let stepperDisposed = false;
  const saveCheckpoint = async (epoch: number, batch: number) => {
    stepper.syncModel();
    const meta: CheckpointMeta = { epoch, batch, adamStep: stepper.adamStep, samplerState: sampler.getState(), configKey: key };
    writeTensors(opts.modelDir, FILES.checkpoint, meta, await snapshot(model, stepper));
    writeJson(opts.modelDir, FILES.metrics, metrics);
    writeJson(opts.modelDir, FILES.config, { ...config, epochsDone: epoch, updatedAt: new Date().toISOString() });
  };

  try {
    for (let epoch = startEpoch; epoch < train.epochs; epoch++) {
      // The reference trains epochs 2..N in eval mode by accident (docs/reference-notes.md §2.3); reproduce only on request.
      const mode = train.referenceEvalModeQuirk && epoch > 0 ? 'eval' : 'train';
      if (startBatch === 0) stepper.resetEpochStats();
      const t0 = performance.now();
      let graphs = 0;
      let lastReport = t0;
      let epochLoss = { total: 0, ops: 0, adj: 0, kl: 0 };
      let lossBatches = 0;
      for (let batch = startBatch; batch < steps; batch++) {
        if (opts.signal?.aborted) {
          await saveCheckpoint(epoch, batch);
          throw new CancelledError();
        }
        const start = batch * B;
        const b = Math.min(B, split.train.length - start);
        for (let s = 0; s < b; s++) ds.fillEncoding(split.train[start + s], adjBuf, opsBuf, s);
        await stepper.step(adjBuf, opsBuf, b, mode, (train.seed * 1_000_003 + epoch * 100_000 + batch) >>> 0);
        graphs += b;
        const nowMs = performance.now();
        const every = opts.progressEverySteps;
        // The first step reports at once (the user sees the run start, and can cancel it), then every 500 ms.
        if (batch === startBatch || nowMs - lastReport > 500 || batch === steps - 1 || (every && (batch + 1) % every === 0)) {
          const l = await stepper.drainLoss();
          if (l) {
            const k = batch - startBatch + 1 - lossBatches;
            epochLoss = { total: epochLoss.total + l.total * k, ops: epochLoss.ops + l.ops * k, adj: epochLoss.adj + l.adj * k, kl: epochLoss.kl + l.kl * k };
            lossBatches += k;
          }
          const rate = graphs / ((nowMs - t0) / 1000);
          const remaining = (steps - batch - 1) * B + (train.epochs - epoch - 1) * steps * B;
          report({ phase: 'train', epoch: epoch + 1, epochs: train.epochs, step: batch + 1, steps, loss: l?.total, graphsPerSec: rate, etaSeconds: remaining / rate });
          lastReport = nowMs;
          // Yield so cancellation and other messages get through on a busy event loop.
          await new Promise((r) => setImmediate(r));
        }
      }
      const seconds = (performance.now() - t0) / 1000;
      startBatch = 0;
      report({ phase: 'metrics', epoch: epoch + 1, epochs: train.epochs, step: steps, steps, message: 'held-out reconstruction, validity, uniqueness' });
      stepper.syncModel();
      const recon = await reconstruction(model, ds, split.heldOut);
      let generative: GenerativeMetrics | undefined;
      const samples = opts.validitySamples ?? 10_000;
      const latent = await stepper.latentStats();
      if (samples > 0 && latent.count > 1) generative = await validityUniqueness(model, opts.space, latent.mean, latent.std, samples, sampler);
      const lb = Math.max(1, lossBatches);
      metrics.push({
        epoch: epoch + 1, mode, loss: { total: epochLoss.total / lb, ops: epochLoss.ops / lb, adj: epochLoss.adj / lb, kl: epochLoss.kl / lb },
        reconstruction: recon, generative, graphsPerSec: graphs / seconds, seconds,
      });
      await saveCheckpoint(epoch + 1, 0);
      opts.onEpoch?.(metrics[metrics.length - 1]);
    }

    // The training threads' memory goes back before the embedding threads start (peak RSS).
    stepper.syncModel();
    await stepper.dispose();
    stepperDisposed = true;
    report({ phase: 'embed', epoch: train.epochs, epochs: train.epochs, step: 0, steps: ds.count, message: `embedding ${ds.count} cells` });
    const emb = await embedDataset(model, ds, (done) => report({ phase: 'embed', epoch: train.epochs, epochs: train.epochs, step: done, steps: ds.count }));
    writeTensors(opts.modelDir, FILES.model, { space: opts.space, model: modelConfig }, await snapshot(model));
    writeEmbeddings(opts.modelDir, emb, { count: ds.count, dim: modelConfig.latent, space: opts.space, order: ENGINE_SPACES[opts.space].embeddingOrder, dataId: id });
    const final: ModelDirConfig = { ...config, epochsDone: train.epochs, complete: true, updatedAt: new Date().toISOString() };
    writeJson(opts.modelDir, FILES.config, final);
    writeJson(opts.modelDir, FILES.metrics, metrics);
    report({ phase: 'done', epoch: train.epochs, epochs: train.epochs, step: ds.count, steps: ds.count });
    return { config: final, metrics };
  } finally {
    if (!stepperDisposed) await stepper.dispose();
    model.dispose();
  }
}

/**
 * Embeds every cell of the dataset (node-mean of μ, eval mode) in chunks, through the folded encoder
 * (batch norm folded into the linear layers, fused matMul + bias + ReLU: about a third of the kernels).
 */
export async function embedDataset(model: Arch2vecModel, ds: EncodedRows, onProgress?: (done: number) => void, chunk = 500, signal?: AbortSignal, threads?: number): Promise<Float32Array> {
  // On host-memory backends every core embeds (embedPool.ts); a small table is not worth the threads.
  const backend = tf.getBackend() as BackendName;
  const t = threads ?? defaultThreads(backend);
  if (t > 1 && (backend === 'wasm' || backend === 'cpu') && ds.count >= 4 * chunk) {
    return embedDatasetParallel(model, ds, { backend, threads: t, chunk, onProgress, signal });
  }
  const n = ds.nodes;
  const d = ds.opColumns;
  const dim = model.config.latent;
  const out = new Float32Array(ds.count * dim);
  const adjBuf = new Float32Array(chunk * n * n);
  const opsBuf = new Float32Array(chunk * n * d);
  const encoder = foldedEncoder(model);
  try {
    for (let start = 0; start < ds.count; start += chunk) {
      if (signal?.aborted) throw signal.reason ?? new Error('cancelled');
      const b = Math.min(chunk, ds.count - start);
      for (let s = 0; s < b; s++) ds.fillEncoding(start + s, adjBuf, opsBuf, s);
      out.set(encoder.embedArrays(opsBuf, adjBuf, b), start * dim);
      onProgress?.(start + b);
      await new Promise((r) => setImmediate(r)); // let cancellation and other messages through between chunks
    }
  } finally {
    encoder.dispose();
  }
  return out;
}

async function snapshot(model: Arch2vecModel, stepper?: TrainingStepper): Promise<NamedTensor[]> {
  const out: NamedTensor[] = [];
  for (const [name, v] of model.named()) out.push({ name, shape: v.shape, data: (await v.data()) as Float32Array });
  if (stepper) {
    const { m, v } = await stepper.exportOptimizer();
    const shapes = new Map([...model.named()].map(([k, x]) => [k, x.shape]));
    for (const [name, data] of m) out.push({ name: `adam.m/${name}`, shape: shapes.get(name)!, data });
    for (const [name, data] of v) out.push({ name: `adam.v/${name}`, shape: shapes.get(name)!, data });
  }
  return out;
}

function restore(model: Arch2vecModel, stepper: TrainingStepper | undefined, tensors: Map<string, NamedTensor>) {
  for (const [name, v] of model.named()) {
    const t = tensors.get(name);
    if (!t || t.data.length !== v.size) throw new Error(`checkpoint has no compatible tensor '${name}'`);
    const value = tf.tensor(t.data, v.shape);
    v.assign(value);
    value.dispose();
  }
  if (!stepper) return;
  const m = new Map<string, Float32Array>();
  const v = new Map<string, Float32Array>();
  for (const [name, t] of tensors) {
    const k = /^adam\.(m|v)\/(.*)$/.exec(name);
    if (k) (k[1] === 'm' ? m : v).set(k[2], t.data);
  }
  stepper.importOptimizer(m, v, stepper.adamStep);
}

/** Loads a trained model's weights for inference. */
export function loadModel(dir: string): { model: Arch2vecModel; config: ModelDirConfig } {
  const config = readJson<ModelDirConfig>(dir, FILES.config);
  if (!config) throw new Error(`${dir}: no ${FILES.config} — not a model directory (run \`arch2vec pretrain\` first)`);
  const weights = readTensors<unknown>(dir, config.complete ? FILES.model : FILES.checkpoint);
  if (!weights) throw new Error(`${dir}: no weights (${FILES.model})`);
  const model = new Arch2vecModel(config.model, new Rng(0));
  restore(model, undefined, weights.tensors);
  return { model, config };
}
