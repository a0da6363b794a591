import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../process/startWorker';
import type { BackendName } from '../backend';
import { adamHostUpdate } from '../model/adam';
import { HostKernels } from '../model/hostKernels';
import type { Arch2vecModel, Mode } from '../model/arch2vecModel';
import type { TrainConfig } from '../model/config';
import { flatLayout, productsKind, readParams, ShardComputer, writeParams, type FlatLayout } from './shard';
import type { WorkerReply, WorkerRequest } from './trainWorker';

/** The optimiser-facing surface the trainer uses, whether one thread computes or several. */
export interface TrainingStepper {
  readonly threads: number;
  step(adj: Float32Array, ops: Float32Array, b: number, mode: Mode, seed: number): Promise<void>;
  drainLoss(): Promise<{ total: number; ops: number; adj: number; kl: number } | undefined>;
  resetEpochStats(): void;
  latentStats(): Promise<{ mean: Float32Array; std: Float32Array; count: number }>;
  adamStep: number;
  exportOptimizer(): Promise<{ m: Map<string, Float32Array>; v: Map<string, Float32Array> }>;
  importOptimizer(m: Map<string, Float32Array>, v: Map<string, Float32Array>, step: number): void;
  /** Re-reads the model's variables after they were replaced (checkpoint restore). */
  reloadParams(): void;
  /** Makes the model's variables current (host steppers keep the parameters in a flat array). */
  syncModel(): void;
  dispose(): Promise<void>;
}

/** How many threads to train with: explicit, else one per core for host-memory backends. */
export function defaultThreads(backend: BackendName): number {
  if (backend !== 'wasm' && backend !== 'cpu') return 1;
  return Math.max(1, Math.min(8, availableParallelism()));
}

export function statsCombine(sum: Float64Array, sq: Float64Array, count: number): { mean: Float32Array; std: Float32Array } {
  const mean = new Float32Array(sum.length);
  const std = new Float32Array(sum.length);
  for (let i = 0; i < sum.length; i++) {
    mean[i] = sum[i] / count;
    // torch.std is the unbiased estimate.
    std[i] = Math.sqrt(Math.max(0, (sq[i] - count * mean[i] * mean[i]) / Math.max(1, count - 1)));
  }
  return { mean, std };
}

/**
 * Data-parallel training over worker threads (plus the main thread): each step the batch is split
 * into equal shards, every participant computes its shard's gradient with the loss normalised by the
 * full batch, the gradients are summed in shared memory (so their sum IS the full batch's gradient),
 * and one host-side Adam update is applied. Batch-norm statistics are per shard, as in PyTorch's
 * DistributedDataParallel without SyncBatchNorm; running statistics are averaged over the shards.
 * With `threads = 1` this is the exact single-process computation.
 */
export class ParallelStepper implements TrainingStepper {
  private readonly layout: FlatLayout;
  private readonly params: Float32Array;
  private readonly grads: Float32Array;
  private readonly stats: Float32Array;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  /** With kernels: the Adam update's memory, and the parameters' copy in it. */
  private readonly opt?: { k: HostKernels; params: Float32Array };
  private readonly shard: ShardComputer;
  private readonly mainGrad: Float32Array;
  private readonly mainStats: Float32Array;
  private workers: Worker[] = [];
  private pending = new Map<Worker, (r: WorkerReply) => void>();
  private lossSum = new Float64Array(4);
  private lossCount = 0;
  /** The flat parameters moved since the model's variables were last written. */
  private dirty = false;
  adamStep = 0;

  /** What runs the host path (the same in every thread). */
  get productsKind(): string {
    return productsKind(this.shard.products);
  }

  private constructor(readonly model: Arch2vecModel, readonly config: TrainConfig, readonly threads: number) {
    this.layout = flatLayout(model);
    const statsSize = this.layout.total - this.layout.trainableSize;
    const W = threads - 1;
    this.params = new Float32Array(new SharedArrayBuffer(this.layout.total * 4));
    this.grads = new Float32Array(new SharedArrayBuffer(Math.max(1, W) * this.layout.trainableSize * 4));
    this.stats = new Float32Array(new SharedArrayBuffer(Math.max(1, W) * statsSize * 4));
    this.shard = new ShardComputer(model, this.layout);
    // The optimizer's state and the summed gradient live in a kernel memory of their own (sized once, so
    // these views stay valid), where the Adam update runs; the parameters are copied in and out per step.
    const T = this.layout.trainableSize;
    const k = this.shard.products.kernels ? HostKernels.create() : undefined;
    k?.reserve(16 + 4 * (T * 4 + 16));
    const f32 = (n: number) => k?.f32(n) ?? new Float32Array(n);
    this.m = f32(T);
    this.v = f32(T);
    this.mainGrad = f32(T);
    if (k) this.opt = { k, params: f32(T) };
    this.mainStats = new Float32Array(statsSize);
    this.reloadParams();
  }

  static async create(model: Arch2vecModel, config: TrainConfig, backend: BackendName, threads: number): Promise<ParallelStepper> {
    const s = new ParallelStepper(model, config, Math.max(1, threads));
    const ready: Promise<unknown>[] = [];
    for (let i = 0; i < s.threads - 1; i++) {
      const w = startWorker({ role: 'train', backend, model: model.config, params: s.params.buffer, grads: s.grads.buffer, stats: s.stats.buffer, index: i });
      s.workers.push(w);
      ready.push(new Promise((resolve, reject) => {
        const onMsg = (r: WorkerReply) => {
          if (r.type === 'ready') resolve(r);
          else if (r.type === 'error') reject(new Error(`training worker ${i}: ${r.message}`));
        };
        w.once('message', onMsg);
        w.once('error', reject);
      }));
      w.on('message', (r: WorkerReply) => {
        const cb = s.pending.get(w);
        if (cb && r.type !== 'ready') {
          s.pending.delete(w);
          cb(r);
        }
      });
      w.on('error', (e) => {
        const cb = s.pending.get(w);
        s.pending.delete(w);
        cb?.({ type: 'error', message: e.message });
      });
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      await s.dispose();
      throw e;
    }
    return s;
  }

  private request(w: Worker, msg: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      this.pending.set(w, (r) => (r.type === 'error' ? reject(new Error(`training worker: ${r.message}`)) : resolve(r)));
      w.postMessage(msg, transfer);
    });
  }

  reloadParams() {
    readParams(this.model, this.layout, this.params);
    this.dirty = false;
  }

  syncModel() {
    if (!this.dirty) return;
    writeParams(this.model, this.layout, this.params);
    this.dirty = false;
  }

  async step(adj: Float32Array, ops: Float32Array, b: number, mode: Mode, seed: number): Promise<void> {
    const { nodes: n, opColumns: d } = this.model.config;
    const P = this.threads;
    // Equal shards (the first ones one larger when b is not divisible); empty shards are skipped.
    const sizes = Array.from({ length: P }, (_, i) => Math.floor(b / P) + (i < b % P ? 1 : 0));
    const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, x) => a + x, 0));
    const replies: Promise<WorkerReply>[] = [];
    for (let w = 0; w < this.workers.length; w++) {
      const k = w + 1;
      if (sizes[k] === 0) continue;
      const a = adj.slice(starts[k] * n * n, (starts[k] + sizes[k]) * n * n);
      const o = ops.slice(starts[k] * n * d, (starts[k] + sizes[k]) * n * d);
      replies.push(this.request(this.workers[w], { type: 'step', adj: a, ops: o, b: sizes[k], globalBatch: b, mode, seed: seed * 31 + k }, [a.buffer, o.buffer]));
    }
    const parts = this.shard.compute(this.params, adj, ops, sizes[0], b, mode, seed * 31, this.mainGrad, this.mainStats);
    const done = await Promise.all(replies);
    // Σ shard gradients = full-batch gradient (each shard's loss was normalised by the full batch).
    const g = this.mainGrad;
    const T = this.layout.trainableSize;
    const active = sizes.filter((x) => x > 0).length;
    for (let w = 0; w < active - 1; w++) {
      const off = w * T;
      for (let i = 0; i < T; i++) g[i] += this.grads[off + i];
    }
    for (const r of done) if (r.type === 'done') for (let i = 0; i < 4; i++) parts[i] += r.parts[i];
    for (let i = 0; i < 4; i++) this.lossSum[i] += parts[i];
    this.lossCount++;
    this.adamStep++;
    if (this.opt) {
      this.opt.params.set(this.params.subarray(0, T));
      this.opt.k.adam(this.opt.params, g, this.m, this.v, this.adamStep, this.config.learningRate, this.config.adamEpsilon, this.config.clipNorm);
      this.params.set(this.opt.params);
    } else {
      adamHostUpdate(this.params.subarray(0, T), g, this.m, this.v, this.adamStep, this.config.learningRate, this.config.adamEpsilon, this.config.clipNorm);
    }
    // Running statistics: the mean of the shards' (each moved by its own batch statistics).
    const S = this.mainStats.length;
    for (let i = 0; i < S; i++) {
      let acc = this.mainStats[i];
      for (let w = 0; w < active - 1; w++) acc += this.stats[w * S + i];
      this.params[T + i] = acc / active;
    }
    this.dirty = true;
  }

  async drainLoss() {
    if (this.lossCount === 0) return undefined;
    const n = this.lossCount;
    const r = { total: this.lossSum[0] / n, ops: this.lossSum[1] / n, adj: this.lossSum[2] / n, kl: this.lossSum[3] / n };
    this.lossSum.fill(0);
    this.lossCount = 0;
    return r;
  }

  resetEpochStats() {
    this.shard.resetEpochStats();
    for (const w of this.workers) w.postMessage({ type: 'reset' } satisfies WorkerRequest);
  }

  async latentStats() {
    const sum = Float64Array.from(this.shard.muSum);
    const sq = Float64Array.from(this.shard.muSqSum);
    let count = this.shard.muCount;
    for (const w of this.workers) {
      const r = await this.request(w, { type: 'mu' });
      if (r.type !== 'mu') continue;
      for (let i = 0; i < sum.length; i++) {
        sum[i] += r.sum[i];
        sq[i] += r.sq[i];
      }
      count += r.count;
    }
    return { ...statsCombine(sum, sq, count), count };
  }

  async exportOptimizer() {
    const m = new Map<string, Float32Array>();
    const v = new Map<string, Float32Array>();
    for (const s of this.layout.slots) {
      if (!s.trainable) continue;
      m.set(s.name, this.m.slice(s.offset, s.offset + s.size));
      v.set(s.name, this.v.slice(s.offset, s.offset + s.size));
    }
    return { m, v };
  }

  importOptimizer(m: Map<string, Float32Array>, v: Map<string, Float32Array>, step: number) {
    for (const s of this.layout.slots) {
      if (!s.trainable) continue;
      const a = m.get(s.name);
      const b = v.get(s.name);
      if (!a || !b || a.length !== s.size || b.length !== s.size) throw new Error(`checkpoint has no optimizer state for '${s.name}'`);
      this.m.set(a, s.offset);
      this.v.set(b, s.offset);
    }
    this.adamStep = step;
  }

  async dispose() {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
  }
}
